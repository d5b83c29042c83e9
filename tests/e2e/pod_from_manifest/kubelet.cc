#include "kubelet.h"

#include <filesystem>
#include <set>
#include <stdexcept>

#include "quantity.h"
#include "volumes.h"

namespace nri_seccomp::e2e {
namespace {

using nlohmann::json;

std::string str(const YAML::Node& n) { return n.as<std::string>(); }

// Every key of MAP must be one the translation handles (or knowingly
// ignores); anything else could change what kubelet would do.
void only_keys(const YAML::Node& map, const std::string& where, const std::set<std::string>& known) {
  for (const auto& kv : map) {
    const std::string key = str(kv.first);
    if (!known.count(key)) throw std::runtime_error(where + "." + key + " is not translated by pod-from-manifest");
  }
}

std::string seccomp_type(const YAML::Node& sc, const std::string& where) {
  if (!sc || !sc["seccompProfile"]) return "";
  const std::string type = str(sc["seccompProfile"]["type"]);
  if (type == "RuntimeDefault") return "runtime-default";
  if (type == "Unconfined") return "unconfined";
  throw std::runtime_error(where + ".seccompProfile.type " + type + " is not translated");
}

// Downward API values kubelet resolves itself.
std::string field_ref(const std::string& path, const json& pod_meta, const std::string& where) {
  if (path == "metadata.name") return pod_meta["name"];
  if (path == "metadata.namespace") return pod_meta["namespace"];
  if (path == "metadata.uid") return pod_meta["uid"];
  throw std::runtime_error(where + ": fieldRef " + path + " is not translated");
}

json environment(const YAML::Node& env, const json& pod_meta, const std::string& where) {
  json out = json::object();
  for (const auto& e : env) {
    const std::string name = str(e["name"]);
    if (e["value"]) {
      out[name] = str(e["value"]);
    } else if (e["valueFrom"] && e["valueFrom"]["fieldRef"]) {
      out[name] = field_ref(str(e["valueFrom"]["fieldRef"]["fieldPath"]), pod_meta, where + ".env." + name);
    } else {
      throw std::runtime_error(where + ".env." + name + ": only value and valueFrom.fieldRef are translated");
    }
  }
  return out;
}

// kubelet's cgroup v1 numbers: shares from the CPU request (at least 2),
// CFS quota from the CPU limit over a 100 ms period, the memory limit in bytes.
json resources(const YAML::Node& r, const std::string& where) {
  json out = json::object();
  if (!r) return out;
  only_keys(r, where, {"requests", "limits"});
  // "" where the manifest sets nothing.
  auto value = [&](const char* group, const char* key) -> std::string {
    if (!r[group] || !r[group][key]) return "";
    return str(r[group][key]);
  };
  const std::string cpu_request = value("requests", "cpu"), cpu_limit = value("limits", "cpu");
  const std::string memory_limit = value("limits", "memory");
  const int64_t period = 100000;
  // A limit alone is also the request.
  const std::string shares_from = cpu_request.empty() ? cpu_limit : cpu_request;
  const int64_t request_milli = shares_from.empty() ? 0 : milli_cpu(shares_from, where);
  out["cpuShares"] = std::max<int64_t>(2, request_milli * 1024 / 1000);
  if (!cpu_limit.empty()) {
    out["cpuPeriod"] = period;
    out["cpuQuota"] = std::max<int64_t>(1000, milli_cpu(cpu_limit, where) * period / 1000);
  }
  if (!memory_limit.empty()) out["memoryLimitBytes"] = bytes(memory_limit, where);
  return out;
}

void security_context(const YAML::Node& sc, const YAML::Node& pod_sc, const std::string& where, json* c) {
  if (sc) {
    only_keys(sc, where, {"runAsUser", "runAsGroup", "runAsNonRoot", "privileged", "allowPrivilegeEscalation",
                          "readOnlyRootFilesystem", "capabilities", "seccompProfile"});
    if (sc["runAsUser"]) (*c)["runAsUser"] = sc["runAsUser"].as<int64_t>();
    if (sc["runAsGroup"]) (*c)["runAsGroup"] = sc["runAsGroup"].as<int64_t>();
    if (sc["runAsNonRoot"] && sc["runAsNonRoot"].as<bool>() && sc["runAsUser"] && sc["runAsUser"].as<int64_t>() == 0)
      throw std::runtime_error(where + ": runAsNonRoot with runAsUser 0 (kubelet refuses to start it)");
    (*c)["privileged"] = sc["privileged"] && sc["privileged"].as<bool>();
    // kubelet sets no_new_privs exactly when allowPrivilegeEscalation is false.
    (*c)["noNewPrivs"] = sc["allowPrivilegeEscalation"] && !sc["allowPrivilegeEscalation"].as<bool>();
    (*c)["readonlyRootfs"] = sc["readOnlyRootFilesystem"] && sc["readOnlyRootFilesystem"].as<bool>();
    if (sc["capabilities"]) {
      only_keys(sc["capabilities"], where + ".capabilities", {"add", "drop"});
      json caps = json::object();
      for (const char* k : {"add", "drop"}) {
        caps[k] = json::array();
        for (const auto& cap : sc["capabilities"][k]) caps[k].push_back(str(cap));
      }
      (*c)["capabilities"] = caps;
    }
  }
  // The container's seccomp profile, else the pod's; neither is Unconfined.
  std::string type = seccomp_type(sc, where);
  if (type.empty()) type = seccomp_type(pod_sc, "spec.securityContext");
  if (!type.empty()) (*c)["seccomp"] = type;
}

// Probes and ports, with named ports resolved, for the scenarios to call.
json probes_and_ports(const YAML::Node& container, const std::string& where) {
  json ports = json::object(), probes = json::array();
  for (const auto& p : container["ports"]) {
    const std::string name = p["name"] ? str(p["name"]) : std::to_string(p["containerPort"].as<int>());
    ports[name] = p["containerPort"].as<int>();
  }
  for (const char* kind : {"livenessProbe", "readinessProbe"}) {
    const YAML::Node probe = container[kind];
    if (!probe) continue;
    if (!probe["httpGet"]) throw std::runtime_error(where + "." + kind + ": only httpGet probes are translated");
    const YAML::Node port = probe["httpGet"]["port"];
    int number = 0;
    if (ports.contains(str(port))) number = ports[str(port)];
    else number = port.as<int>();
    probes.push_back({{"kind", kind}, {"path", str(probe["httpGet"]["path"])}, {"port", number}});
  }
  return {{"ports", ports}, {"probes", probes}};
}

}  // namespace

KubeletPod kubelet_pod(const Workload& w, const Node& node) {
  const YAML::Node meta = w.pod_template["metadata"], spec = w.pod_template["spec"];
  only_keys(spec, "spec", {"serviceAccountName", "automountServiceAccountToken", "priorityClassName", "tolerations",
                           "terminationGracePeriodSeconds", "securityContext", "containers", "volumes",
                           "hostNetwork", "hostPID", "dnsPolicy", "nodeSelector"});
  // Neither this machine nor a node whose CNI waits for this plugin can give
  // the pod a network of its own.
  if (!spec["hostNetwork"] || !spec["hostNetwork"].as<bool>())
    throw std::runtime_error("spec.hostNetwork must be true: the plugin must not depend on the pod network");
  if (!spec["automountServiceAccountToken"] || spec["automountServiceAccountToken"].as<bool>())
    throw std::runtime_error("spec.automountServiceAccountToken must be false: the plugin needs no API access");
  if (spec["securityContext"]) only_keys(spec["securityContext"], "spec.securityContext", {"seccompProfile"});
  if (!spec["containers"] || spec["containers"].size() != 1)
    throw std::runtime_error("spec.containers: exactly one container is translated");

  KubeletPod out;
  const std::string pod_name = w.name + "-" + node.pod_suffix;
  const std::string uid = "e2e-" + w.name + "-" + node.pod_suffix;
  json& pod = out.pod;
  pod["name"] = pod_name;
  pod["namespace"] = w.namespace_.empty() ? "default" : w.namespace_;
  pod["uid"] = uid;
  pod["cgroupParent"] = node.cgroup_parent;
  pod["logDirectory"] = node.pod_log_root + "/" + pod["namespace"].get<std::string>() + "_" + pod_name + "_" + uid;
  // kubelet makes the pod's log folder before it asks for the sandbox.
  std::filesystem::create_directories(pod["logDirectory"].get<std::string>());
  pod["annotations"] = json::object();
  for (const auto& kv : meta["annotations"]) pod["annotations"][str(kv.first)] = str(kv.second);
  pod["labels"] = json::object();
  for (const auto& kv : meta["labels"]) pod["labels"][str(kv.first)] = str(kv.second);
  if (auto type = seccomp_type(spec["securityContext"], "spec.securityContext"); !type.empty()) pod["seccomp"] = type;
  // kubelet gives a hostPID pod's sandbox and containers the host's pids.
  const bool host_pid = spec["hostPID"] && spec["hostPID"].as<bool>();
  pod["hostPid"] = host_pid;

  const YAML::Node container = spec["containers"][0];
  const std::string cname = str(container["name"]), where = "spec.containers[" + cname + "]";
  only_keys(container, where, {"name", "image", "imagePullPolicy", "command", "args", "env", "ports", "livenessProbe",
                               "readinessProbe", "resources", "securityContext", "volumeMounts", "workingDir",
                               "terminationMessagePath"});
  json& c = out.container;
  c["name"] = cname;
  c["image"] = resolve_image(w, str(container["image"]));
  c["command"] = json::array();
  for (const auto& a : container["command"]) c["command"].push_back(str(a));
  c["args"] = json::array();
  for (const auto& a : container["args"]) c["args"].push_back(str(a));
  if (container["workingDir"]) c["workingDir"] = str(container["workingDir"]);
  c["env"] = environment(container["env"], pod, where);
  c["hostPid"] = host_pid;
  c["resources"] = resources(container["resources"], where + ".resources");
  security_context(container["securityContext"], spec["securityContext"], where + ".securityContext", &c);
  // kubelet makes the container's log folder too (conmon will not).
  c["logPath"] = cname + "/0.log";
  std::filesystem::create_directories(pod["logDirectory"].get<std::string>() + "/" + cname);

  const PodDirs dirs{node.kubelet_root + "/pods/" + uid, cname};
  c["mounts"] = mount_volumes(w, spec["volumes"], container, node.host_paths, dirs, &out.info);
  out.info.update(probes_and_ports(container, where));
  out.info["pod"] = {{"name", pod_name}, {"namespace", pod["namespace"]}, {"uid", uid}};
  out.info["image"] = c["image"];
  return out;
}

}  // namespace nri_seccomp::e2e
