// What kubelet does with a pod template before it calls the CRI, for the
// parts the nri-seccomp DaemonSet uses: the sandbox and container configs
// (namespaces, security context, cgroup v1 resources, environment with
// downward-API fields, command and args, log paths) and the volumes laid out
// on disk the way kubelet lays them out (configMap volumes with its atomic
// `..data` symlink layout, emptyDir, hostPath with its type checks, the
// termination-log and etc-hosts files). Anything in the template it does not
// know how to translate is an error, not silently dropped.
//
// Output: cri-client's JSON (tests/e2e/cri_client/spec.h) for the pod and
// its container, and an info object the scenarios read: the pod's name,
// namespace and uid, the container's probes and ports, the volume folders.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "manifest.h"

namespace nri_seccomp::e2e {

struct Node {
  std::string kubelet_root;  // stands for /var/lib/kubelet
  std::string pod_log_root;  // stands for /var/log/pods
  // Every hostPath the template names must be mapped to a local folder
  // here: the tests never bind the real host paths.
  std::map<std::string, std::string> host_paths;
  std::string cgroup_parent;
  std::string pod_suffix;  // the generated part of the pod's name
};

struct KubeletPod {
  nlohmann::json pod;
  nlohmann::json container;
  nlohmann::json info;
};

// Translates and writes the volumes; throws std::runtime_error naming the
// template field it cannot honour.
KubeletPod kubelet_pod(const Workload& w, const Node& node);

}  // namespace nri_seccomp::e2e
