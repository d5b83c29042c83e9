// Turns the e2e harness's small JSON descriptions of a pod and a container
// into CRI requests shaped like kubelet's, for containerd and CRI-O alike.
// The JSON format is ours, kept tiny on purpose:
//
//   pod:       {"name", "namespace", "uid", "annotations": {}, "labels": {},
//               "cgroupParent": "/nri-seccomp-e2e",
//               "logDirectory": "/abs/dir", "hostname",
//               "seccomp": "runtime-default" | "unconfined", "hostPid": false}
//   container: {"name", "image", "command": [], "args": [],
//               "annotations": {}, "labels": {},
//               "seccomp": "runtime-default" | "unconfined" | "localhost",
//               "localhostRef": "/abs/path.json",
//               "mounts": [{"host": "/abs", "container": "/abs",
//                           "readonly": true}],
//               "logPath": "relative/to/the/pod/logDirectory.log",
//               "workingDir", "env": {"NAME": "value"},
//               "runAsUser": 0, "runAsGroup": 0, "readonlyRootfs": true,
//               "noNewPrivs": true, "privileged": false, "hostPid": false,
//               "capabilities": {"add": [], "drop": ["ALL"]},
//               "resources": {"cpuShares", "cpuQuota", "cpuPeriod",
//                             "memoryLimitBytes"}}
//
// Defaults: name "pod" / "app", namespace "default", uid "<ns>-<name>", no
// log directory or path (CRI-O then logs under its configured log_dir;
// containerd keeps no log), mounts read-write unless "readonly" is true.
//
// Like kubelet, every pod carries the labels io.kubernetes.pod.name,
// io.kubernetes.pod.namespace and io.kubernetes.pod.uid, and every
// container those three plus io.kubernetes.container.name (CRI-O takes the
// container's name, also NRI's Container.name, from that label). Labels in
// the JSON are merged over them, so a test may override one on purpose.
//
// Namespaces are kubelet's defaults for a hostNetwork pod: network NODE and
// pid CONTAINER (NODE with "hostPid") on the pod and on each container. With pid CONTAINER CRI-O
// runs no infra (pause) container, whose fixed oom_score_adj -998 needs
// CAP_SYS_RESOURCE. No CNI is needed.
//
// A container without a "seccomp" key sends no SecurityProfile, which CRI
// runtimes read as unconfined, exactly like a Kubernetes pod without
// seccompProfile.
#pragma once

#include <string>

#include "api.pb.h"

namespace nri_seccomp::e2e {

// Reads and parses a JSON file; throws std::runtime_error naming the file
// and what is wrong.
runtime::v1::PodSandboxConfig pod_config_from_file(const std::string& path);
// The pod's config supplies the pod labels every container carries.
runtime::v1::ContainerConfig container_config_from_file(const std::string& path,
                                                        const runtime::v1::PodSandboxConfig& pod);

}  // namespace nri_seccomp::e2e
