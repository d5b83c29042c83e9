#include "helpers.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/realistic_request.h"

namespace nri_seccomp::policy::test {

std::string source_dir() { return NRI_SECCOMP_SOURCE_DIR; }

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_test_profiles(const std::string& dir) {
  write_file(dir + "/block-mkdir.json", read_file(source_dir() + "/config/profiles/block-mkdir.json"));
  write_file(dir + "/block-mkdir-kill.json", read_file(source_dir() + "/config/profiles/block-mkdir-kill.json"));
  write_file(dir + "/no-ptrace.json",
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]})");
  write_file(dir + "/log-chmod.json",
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["fchmodat"],"action":"SCMP_ACT_LOG"}]})");
  write_file(dir + "/allow-all.json", R"({"defaultAction":"SCMP_ACT_ALLOW"})");
}

api::CreateContainerRequest make_request(const RequestSpec& spec) {
  api::CreateContainerRequest request;
  auto* pod = request.mutable_pod();
  pod->set_id("pod-" + spec.pod);
  pod->set_name(spec.pod);
  pod->set_namespace_(spec.ns);
  for (const auto& [k, v] : spec.pod_annotations) (*pod->mutable_annotations())[k] = v;
  for (const auto& [k, v] : spec.pod_labels) (*pod->mutable_labels())[k] = v;
  auto* container = request.mutable_container();
  container->set_id("ctr-" + spec.container);
  container->set_pod_sandbox_id(pod->id());
  container->set_name(spec.container);
  for (const auto& [k, v] : spec.container_annotations) (*container->mutable_annotations())[k] = v;
  auto* linux = container->mutable_linux();
  if (spec.profile == "runtime-default") {
    linux->mutable_seccomp_profile()->set_profile_type(api::SecurityProfile::RUNTIME_DEFAULT);
  } else if (spec.profile == "unconfined") {
    linux->mutable_seccomp_profile()->set_profile_type(api::SecurityProfile::UNCONFINED);
  } else if (spec.profile == "localhost") {
    linux->mutable_seccomp_profile()->set_profile_type(api::SecurityProfile::LOCALHOST);
    linux->mutable_seccomp_profile()->set_localhost_ref(spec.localhost_ref);
  } else if (spec.profile == "current") {
    linux->mutable_seccomp_profile()->set_profile_type(api::SecurityProfile::RUNTIME_DEFAULT);
    *linux->mutable_seccomp_policy() = testing::make_runtime_default_policy();
  }
  return request;
}

std::string policy_yaml(const std::string& body) {
  return "apiVersion: seccomp.noderesource.dev/v1alpha1\nkind: SeccompPolicy\n" + body;
}

}  // namespace nri_seccomp::policy::test
