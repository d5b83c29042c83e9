// Turns the e2e harness's small JSON descriptions of a pod and a container
// into CRI requests. The JSON format is ours, kept tiny on purpose:
//
//   pod:       {"name", "namespace", "uid", "annotations": {}, "labels": {},
//               "cgroupParent": "/nri-seccomp-e2e"}
//   container: {"name", "image", "command": [], "args": [],
//               "annotations": {}, "labels": {},
//               "seccomp": "runtime-default" | "unconfined" | "localhost",
//               "localhostRef": "/abs/path.json"}
//
// Pods always share the host network (no CNI needed). A container without a
// "seccomp" key sends no SecurityProfile, which CRI runtimes read as
// unconfined, exactly like a Kubernetes pod without seccompProfile.
#pragma once

#include <string>

#include "api.pb.h"

namespace nri_seccomp::e2e {

// Reads and parses a JSON file; throws std::runtime_error naming the file
// and what is wrong.
runtime::v1::PodSandboxConfig pod_config_from_file(const std::string& path);
runtime::v1::ContainerConfig container_config_from_file(const std::string& path);

}  // namespace nri_seccomp::e2e
