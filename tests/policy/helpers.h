// Shared fixtures for the policy tests: temp dirs with real profile files,
// request builders, and an Engine wired to them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nri.pb.h"
#include "policy/engine.h"
#include "support/daemon_process.h"

namespace nri_seccomp::policy::test {

namespace api = ::nri::pkg::api::v1alpha1;

std::string source_dir();  // the repository (for config/profiles)
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

// The seed's profiles plus small test profiles, written into `dir`:
// block-mkdir (seed), block-mkdir-kill (seed), no-ptrace (ERRNO ptrace),
// log-chmod (LOG fchmodat), allow-all (default ALLOW, no rules).
void write_test_profiles(const std::string& dir);

struct RequestSpec {
  std::string ns = "default", pod = "demo", container = "app";
  std::map<std::string, std::string> pod_annotations, container_annotations, pod_labels;
  // How the runtime describes the container's seccomp: "", "runtime-default",
  // "unconfined", "localhost", or "current" (containerd 2.3 current policy).
  std::string profile = "runtime-default";
  std::string localhost_ref;
};
api::CreateContainerRequest make_request(const RequestSpec& spec);

inline const char* kPrefix = "seccomp.noderesource.dev";

// A policy config with the apiVersion/kind header prepended.
std::string policy_yaml(const std::string& body);

}  // namespace nri_seccomp::policy::test
