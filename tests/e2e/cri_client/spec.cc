#include "spec.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace nri_seccomp::e2e {
namespace {

using nlohmann::json;

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
}

std::string string_field(const json& j, const std::string& path, const char* key, const std::string& fallback) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_string()) throw std::runtime_error(path + ": \"" + key + "\" must be a string");
  return j[key].get<std::string>();
}

template <typename Map>
void copy_string_map(const json& j, const std::string& path, const char* key, Map* out) {
  if (!j.contains(key)) return;
  if (!j[key].is_object()) throw std::runtime_error(path + ": \"" + key + "\" must be an object of strings");
  for (const auto& [k, v] : j[key].items()) {
    if (!v.is_string()) throw std::runtime_error(path + ": \"" + key + "." + k + "\" must be a string");
    (*out)[k] = v.template get<std::string>();
  }
}

template <typename Repeated>
void copy_string_list(const json& j, const std::string& path, const char* key, Repeated* out) {
  if (!j.contains(key)) return;
  if (!j[key].is_array()) throw std::runtime_error(path + ": \"" + key + "\" must be an array of strings");
  for (const auto& v : j[key]) {
    if (!v.is_string()) throw std::runtime_error(path + ": \"" + key + "\" must hold only strings");
    out->Add(v.template get<std::string>());
  }
}

bool bool_field(const json& j, const std::string& path, const char* key, bool fallback) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_boolean()) throw std::runtime_error(path + ": \"" + key + "\" must be true or false");
  return j[key].get<bool>();
}

// An integer that may be absent (CRI's Int64Value: unset is not 0).
bool int_field(const json& j, const std::string& path, const char* key, int64_t* out) {
  if (!j.contains(key)) return false;
  if (!j[key].is_number_integer()) throw std::runtime_error(path + ": \"" + key + "\" must be an integer");
  *out = j[key].get<int64_t>();
  return true;
}

// Environment as an object of strings, sent in the object's (sorted) order.
template <typename Repeated>
void copy_env(const json& j, const std::string& path, Repeated* out) {
  if (!j.contains("env")) return;
  if (!j["env"].is_object()) throw std::runtime_error(path + ": \"env\" must be an object of strings");
  for (const auto& [k, v] : j["env"].items()) {
    if (!v.is_string()) throw std::runtime_error(path + ": \"env." + k + "\" must be a string");
    auto* kv = out->Add();
    kv->set_key(k);
    kv->set_value(v.template get<std::string>());
  }
}

// J[KEY] when it is present (nullptr when not), which must be an object;
// WHERE receives its name for messages.
const json* object_field(const json& j, const std::string& path, const char* key, std::string* where) {
  if (!j.contains(key)) return nullptr;
  *where = path + ": " + key;
  if (!j[key].is_object()) throw std::runtime_error(*where + " must be an object");
  return &j[key];
}

// kubelet's cgroup v1 translation of requests and limits, already done by
// the caller: {"cpuShares", "cpuQuota", "cpuPeriod", "memoryLimitBytes"}.
void copy_resources(const json& j, const std::string& path, runtime::v1::LinuxContainerResources* out) {
  std::string where;
  const json* resources = object_field(j, path, "resources", &where);
  if (resources == nullptr) return;
  const json& r = *resources;
  for (const auto& [k, v] : r.items()) {
    int64_t value = 0;
    if (!int_field(r, where, k.c_str(), &value)) continue;
    if (k == "cpuShares") out->set_cpu_shares(value);
    else if (k == "cpuQuota") out->set_cpu_quota(value);
    else if (k == "cpuPeriod") out->set_cpu_period(value);
    else if (k == "memoryLimitBytes") out->set_memory_limit_in_bytes(value);
    else throw std::runtime_error(where + ": unknown key \"" + k + "\"");
  }
}

// {"add": [...], "drop": [...]}: capability names as kubelet sends them
// (without the CAP_ prefix, or "ALL").
void copy_capabilities(const json& j, const std::string& path, runtime::v1::Capability* out) {
  std::string where;
  const json* caps = object_field(j, path, "capabilities", &where);
  if (caps == nullptr) return;
  const json& c = *caps;
  for (const auto& [k, v] : c.items()) {
    if (k != "add" && k != "drop") throw std::runtime_error(where + ": unknown key \"" + k + "\"");
  }
  copy_string_list(c, where, "add", out->mutable_add_capabilities());
  copy_string_list(c, where, "drop", out->mutable_drop_capabilities());
}

// The labels kubelet puts on every pod sandbox and container; CRI-O reads
// them back (the container's name from io.kubernetes.container.name).
constexpr const char* kPodNameLabel = "io.kubernetes.pod.name";
constexpr const char* kPodNamespaceLabel = "io.kubernetes.pod.namespace";
constexpr const char* kPodUidLabel = "io.kubernetes.pod.uid";
constexpr const char* kContainerNameLabel = "io.kubernetes.container.name";

template <typename Map>
void set_pod_labels(const runtime::v1::PodSandboxMetadata& meta, Map* labels) {
  (*labels)[kPodNameLabel] = meta.name();
  (*labels)[kPodNamespaceLabel] = meta.namespace_();
  (*labels)[kPodUidLabel] = meta.uid();
}

// kubelet's namespaces for a hostNetwork pod: the host's network, one pid
// namespace per container (so CRI-O starts no infra container), or the
// host's pids for a hostPID pod.
void set_namespaces(runtime::v1::NamespaceOption* ns, bool host_pid) {
  ns->set_network(runtime::v1::NODE);
  ns->set_pid(host_pid ? runtime::v1::NODE : runtime::v1::CONTAINER);
}

std::string absolute_path(const json& m, const std::string& where, const char* key) {
  if (!m.contains(key) || !m[key].is_string()) throw std::runtime_error(where + ": \"" + key + "\" (a string) is required");
  std::string p = m[key].get<std::string>();
  if (p.empty() || p[0] != '/') throw std::runtime_error(where + ": \"" + key + "\" must be an absolute path, not \"" + p + "\"");
  return p;
}

template <typename Repeated>
void copy_mounts(const json& j, const std::string& path, Repeated* out) {
  if (!j.contains("mounts")) return;
  if (!j["mounts"].is_array()) throw std::runtime_error(path + ": \"mounts\" must be an array of objects");
  size_t i = 0;
  for (const auto& m : j["mounts"]) {
    const std::string where = path + ": mounts[" + std::to_string(i++) + "]";
    if (!m.is_object()) throw std::runtime_error(where + " must be an object");
    for (const auto& [k, v] : m.items()) {
      if (k != "host" && k != "container" && k != "readonly") throw std::runtime_error(where + ": unknown key \"" + k + "\"");
    }
    auto* mount = out->Add();
    mount->set_host_path(absolute_path(m, where, "host"));
    mount->set_container_path(absolute_path(m, where, "container"));
    mount->set_readonly(bool_field(m, where, "readonly", false));
  }
}

runtime::v1::SecurityProfile::ProfileType profile_type(const std::string& path, const std::string& name) {
  if (name == "runtime-default") return runtime::v1::SecurityProfile::RuntimeDefault;
  if (name == "unconfined") return runtime::v1::SecurityProfile::Unconfined;
  if (name == "localhost") return runtime::v1::SecurityProfile::Localhost;
  throw std::runtime_error(path + ": \"seccomp\" must be runtime-default, unconfined or localhost, not \"" + name + "\"");
}

}  // namespace

runtime::v1::PodSandboxConfig pod_config_from_file(const std::string& path) {
  const json j = read_json(path);
  if (!j.is_object()) throw std::runtime_error(path + ": a pod must be a JSON object");
  runtime::v1::PodSandboxConfig pod;
  auto* meta = pod.mutable_metadata();
  meta->set_name(string_field(j, path, "name", "pod"));
  meta->set_namespace_(string_field(j, path, "namespace", "default"));
  meta->set_uid(string_field(j, path, "uid", meta->namespace_() + "-" + meta->name()));
  pod.set_log_directory(string_field(j, path, "logDirectory", ""));
  if (!pod.log_directory().empty() && pod.log_directory()[0] != '/')
    throw std::runtime_error(path + ": \"logDirectory\" must be an absolute path");
  copy_string_map(j, path, "annotations", pod.mutable_annotations());
  set_pod_labels(*meta, pod.mutable_labels());
  copy_string_map(j, path, "labels", pod.mutable_labels());

  auto* linux = pod.mutable_linux();
  linux->set_cgroup_parent(string_field(j, path, "cgroupParent", ""));
  // Host network: the pod needs no CNI plugin and no network namespace.
  auto* sc = linux->mutable_security_context();
  set_namespaces(sc->mutable_namespace_options(), bool_field(j, path, "hostPid", false));
  pod.set_hostname(string_field(j, path, "hostname", ""));
  // The pod-level seccomp profile (the sandbox's own; containers name theirs).
  if (j.contains("seccomp")) {
    sc->mutable_seccomp()->set_profile_type(profile_type(path, string_field(j, path, "seccomp", "")));
  }
  return pod;
}

runtime::v1::ContainerConfig container_config_from_file(const std::string& path,
                                                        const runtime::v1::PodSandboxConfig& pod) {
  const json j = read_json(path);
  if (!j.is_object()) throw std::runtime_error(path + ": a container must be a JSON object");
  runtime::v1::ContainerConfig c;
  c.mutable_metadata()->set_name(string_field(j, path, "name", "app"));
  const std::string image = string_field(j, path, "image", "");
  if (image.empty()) throw std::runtime_error(path + ": \"image\" is required");
  c.mutable_image()->set_image(image);
  c.mutable_image()->set_user_specified_image(image);
  copy_string_list(j, path, "command", c.mutable_command());
  copy_string_list(j, path, "args", c.mutable_args());
  c.set_working_dir(string_field(j, path, "workingDir", ""));
  copy_env(j, path, c.mutable_envs());
  copy_mounts(j, path, c.mutable_mounts());
  c.set_log_path(string_field(j, path, "logPath", ""));
  copy_string_map(j, path, "annotations", c.mutable_annotations());
  set_pod_labels(pod.metadata(), c.mutable_labels());
  (*c.mutable_labels())[kContainerNameLabel] = c.metadata().name();
  copy_string_map(j, path, "labels", c.mutable_labels());

  copy_resources(j, path, c.mutable_linux()->mutable_resources());
  auto* sc = c.mutable_linux()->mutable_security_context();
  set_namespaces(sc->mutable_namespace_options(), bool_field(j, path, "hostPid", false));
  int64_t id = 0;
  if (int_field(j, path, "runAsUser", &id)) sc->mutable_run_as_user()->set_value(id);
  if (int_field(j, path, "runAsGroup", &id)) sc->mutable_run_as_group()->set_value(id);
  sc->set_readonly_rootfs(bool_field(j, path, "readonlyRootfs", false));
  sc->set_no_new_privs(bool_field(j, path, "noNewPrivs", false));
  sc->set_privileged(bool_field(j, path, "privileged", false));
  copy_capabilities(j, path, sc->mutable_capabilities());
  if (j.contains("seccomp")) {
    auto* profile = sc->mutable_seccomp();
    profile->set_profile_type(profile_type(path, string_field(j, path, "seccomp", "")));
    profile->set_localhost_ref(string_field(j, path, "localhostRef", ""));
    if (profile->profile_type() == runtime::v1::SecurityProfile::Localhost && profile->localhost_ref().empty())
      throw std::runtime_error(path + ": \"seccomp\": \"localhost\" needs \"localhostRef\"");
  }
  return c;
}

}  // namespace nri_seccomp::e2e
