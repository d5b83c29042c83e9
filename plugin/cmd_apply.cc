// `nri-seccomp apply`: the daemon's CreateContainer decision, offline, on an
// OCI bundle. It builds the CreateContainerRequest the runtime would send
// (pod, container, annotations, profile type, the bundle's current
// linux.seccomp as the current policy), runs the same policy::Engine, and
// writes the policy the daemon would hand to NRI into config.json at
// linux.seccomp, leaving every other field as it was.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "command.h"
#include "common/error.h"
#include "common/log.h"
#include "policy/engine.h"
#include "seccomp/nri_convert.h"
#include "seccomp/reader.h"
#include "seccomp/writer.h"

namespace nri_seccomp {
namespace {

namespace api = ::nri::pkg::api::v1alpha1;
using Json = nlohmann::ordered_json;  // keeps config.json's key order

struct ApplyOptions {
  std::string bundle;
  std::string config_file;
  std::vector<std::string> profile_dirs;
  std::string pod_namespace = "default";
  std::string pod = "apply";
  std::string container = "app";
  std::vector<std::string> pod_annotations;
  std::vector<std::string> container_annotations;
  std::string profile_type;  // empty: not sent (the bundle's linux.seccomp is the current policy)
  std::string localhost_ref;
  std::string runtime = "containerd";
  std::string runtime_version = "2.3.0";  // takes every policy: rule errnos and the current policy
};

std::pair<std::string, std::string> split_annotation(const std::string& kv, std::string_view option) {
  const auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) fail("{} \"{}\": expected KEY=VALUE", option, kv);
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

Json read_bundle_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open {}: {}", path, std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  try {
    return Json::parse(text.str());
  } catch (const Json::exception& e) {
    fail("{} is not valid JSON: {}", path, e.what());
  }
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".nri-seccomp.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot write {}: {}", tmp, std::strerror(errno));
    out << text;
    out.flush();
    if (!out) fail("cannot write {}: {}", tmp, std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    fail("cannot replace {}: {}", path, std::strerror(err));
  }
}

api::CreateContainerRequest build_request(const ApplyOptions& o, const Json& bundle_config, const std::string& config_path) {
  api::CreateContainerRequest request;
  auto* pod = request.mutable_pod();
  pod->set_id("apply-" + o.pod);
  pod->set_name(o.pod);
  pod->set_namespace_(o.pod_namespace);
  for (const auto& kv : o.pod_annotations) {
    auto [k, v] = split_annotation(kv, "--pod-annotation");
    (*pod->mutable_annotations())[k] = v;
  }
  auto* container = request.mutable_container();
  container->set_id("apply-" + o.container);
  container->set_pod_sandbox_id(pod->id());
  container->set_name(o.container);
  for (const auto& kv : o.container_annotations) {
    auto [k, v] = split_annotation(kv, "--container-annotation");
    (*container->mutable_annotations())[k] = v;
  }
  auto* linux = container->mutable_linux();
  if (!o.profile_type.empty()) {
    auto* profile = linux->mutable_seccomp_profile();
    if (o.profile_type == "runtime-default") {
      profile->set_profile_type(api::SecurityProfile::RUNTIME_DEFAULT);
    } else if (o.profile_type == "unconfined") {
      profile->set_profile_type(api::SecurityProfile::UNCONFINED);
    } else if (o.profile_type == "localhost") {
      if (o.localhost_ref.empty()) fail("--profile-type localhost needs --localhost-ref PATH");
      profile->set_profile_type(api::SecurityProfile::LOCALHOST);
      profile->set_localhost_ref(o.localhost_ref);
    } else {
      fail("--profile-type \"{}\": expected runtime-default, unconfined or localhost", o.profile_type);
    }
  } else if (bundle_config.contains("linux") && bundle_config["linux"].is_object() &&
             bundle_config["linux"].contains("seccomp")) {
    // What containerd >= 2.3 does: send the policy it built as the current one.
    seccomp::ReadOptions read;
    read.source_name = config_path + " linux.seccomp";
    read.format = seccomp::Format::oci_json;
    auto current = seccomp::read_profile(bundle_config["linux"]["seccomp"].dump(), read);
    seccomp::to_nri(current, *linux->mutable_seccomp_policy());
  }
  return request;
}

int run_apply(const ApplyOptions& o) {
  log::setup("warn", "text");
  const std::string config_path = o.bundle + "/config.json";
  Json bundle_config = read_bundle_config(config_path);
  if (!bundle_config.is_object()) fail("{}: expected a JSON object", config_path);
  const auto request = build_request(o, bundle_config, config_path);

  policy::EngineOptions options;
  options.config_path = o.config_file;
  options.profile_dirs = o.profile_dirs;
  options.log_decisions = false;
  policy::Engine engine(options);
  engine.set_runtime(o.runtime, o.runtime_version);

  api::CreateContainerResponse response;
  const auto d = engine.decide(request, response);
  std::string profiles = (d.replace ? "replace:" : "");
  for (size_t i = 0; i < d.profiles.size(); ++i) profiles += (i ? "," : "") + d.profiles[i];
  if (d.outcome == policy::Outcome::refused) {
    std::cerr << d.reason << "\n";
    return 1;
  }
  if (d.outcome == policy::Outcome::applied) {
    const auto handed = seccomp::from_nri(response.adjust().linux().seccomp_policy());
    if (!bundle_config.contains("linux") || !bundle_config["linux"].is_object()) bundle_config["linux"] = Json::object();
    bundle_config["linux"]["seccomp"] = Json::parse(seccomp::to_oci_json(handed));
    write_atomically(config_path, bundle_config.dump(2) + "\n");
  }
  std::cout << fmt::format("decision outcome={} namespace={} pod={} container={} base={} profiles={} mode={} policy_rule={} hash={} syscall_rules={}{}\n",
                           policy::outcome_name(d.outcome), d.pod_namespace, d.pod, d.container, d.base,
                           profiles.empty() ? "-" : profiles, policy::mode_name(d.mode), d.rule,
                           d.hash.empty() ? "-" : d.hash, d.syscall_rules,
                           d.outcome == policy::Outcome::untouched ? fmt::format(" reason=\"{}\"", d.reason) : "");
  for (const auto& w : d.warnings) std::cerr << "nri-seccomp: warning: " << w << "\n";
  return 0;
}

cli::Register reg{{"apply", [](CLI::App& app) {
  auto o = std::make_shared<ApplyOptions>();
  app.description("Run the CreateContainer decision offline and write the resulting policy into an OCI bundle");
  app.add_option("--bundle", o->bundle, "OCI bundle directory (its config.json is updated)")->required();
  app.add_option("--config", o->config_file, "SeccompPolicy YAML");
  app.add_option("--profiles-dir", o->profile_dirs, "profile directory (repeatable; first wins)");
  app.add_option("--namespace", o->pod_namespace, "pod namespace")->capture_default_str();
  app.add_option("--pod", o->pod, "pod name")->capture_default_str();
  app.add_option("--container", o->container, "container name")->capture_default_str();
  app.add_option("--pod-annotation", o->pod_annotations, "pod annotation KEY=VALUE (repeatable)");
  app.add_option("--container-annotation", o->container_annotations, "container annotation KEY=VALUE (repeatable)");
  app.add_option("--profile-type", o->profile_type,
                 "runtime-default|unconfined|localhost (default: the bundle's linux.seccomp is the current policy)");
  app.add_option("--localhost-ref", o->localhost_ref, "Localhost profile path (inside kubeletSeccompRoot)");
  app.add_option("--runtime", o->runtime, "runtime name the decision assumes")->capture_default_str();
  app.add_option("--runtime-version", o->runtime_version, "runtime version the decision assumes")->capture_default_str();
  return [o] { return run_apply(*o); };
}}};

}  // namespace
}  // namespace nri_seccomp
