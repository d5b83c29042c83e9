// Kubernetes resource quantities as kubelet turns them into cgroup numbers:
// CPU in millicores ("10m", "0.5", "2"), memory in bytes ("32Mi", "1G",
// "1048576"). Only the suffixes a manifest plausibly uses; anything else is
// an error naming WHERE.
#pragma once

#include <cstdint>
#include <string>

namespace nri_seccomp::e2e {

int64_t milli_cpu(const std::string& quantity, const std::string& where);
int64_t bytes(const std::string& quantity, const std::string& where);

}  // namespace nri_seccomp::e2e
