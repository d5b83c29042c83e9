// A cheap summary of the files a state was built from (config file, profile
// dirs and the files in them, following symlinks), so the reload poller can
// tell "something changed" with a few stat() calls instead of re-reading.
// Following symlinks is what catches Kubernetes ConfigMap updates: the
// `..data` link is swapped to a new directory, so every file's target inode
// changes even though the names in the mounted dir stay the same.
#pragma once

#include <string>
#include <vector>

namespace nri_seccomp::policy {

std::string fingerprint(const std::string& config_path, const std::vector<std::string>& dirs);

}  // namespace nri_seccomp::policy
