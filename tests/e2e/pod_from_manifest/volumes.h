// The pod's volumes on disk as kubelet lays them out, and the container's
// mounts of them:
//   configMap  PODDIR/volumes/kubernetes.io~configmap/NAME, written the way
//              kubelet's atomic writer does: the files in a timestamped
//              folder "..<time>", a symlink "..data" to it, and one symlink
//              per key to "..data/<key>". An update writes a new folder and
//              renames a new "..data" over the old one, so a reader sees the
//              old set or the new set, never a mix.
//   emptyDir   PODDIR/volumes/kubernetes.io~empty-dir/NAME
//   hostPath   the local folder the caller maps the path to, with kubelet's
//              type checks (Directory must exist; DirectoryOrCreate is made)
// plus the two files kubelet always mounts: /etc/hosts (a copy of the
// host's, for a hostNetwork pod) and the termination-message file.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "manifest.h"

namespace nri_seccomp::e2e {

struct PodDirs {
  std::string pod_dir;         // KUBELET_ROOT/pods/UID
  std::string container_name;  // for the termination-message file
};

// Writes every volume the container mounts and returns cri-client's
// "mounts" array; INFO["volumes"][NAME] receives each volume's folder.
nlohmann::json mount_volumes(const Workload& w, const YAML::Node& volumes, const YAML::Node& container,
                             const std::map<std::string, std::string>& host_paths, const PodDirs& dirs,
                             nlohmann::json* info);

// Replaces the content of one key of a configMap volume folder the way
// kubelet propagates a ConfigMap edit (see above).
void update_config_map_volume(const std::string& volume_dir, const std::string& key, const std::string& content);

}  // namespace nri_seccomp::e2e
