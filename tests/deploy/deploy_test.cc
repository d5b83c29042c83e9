// Checks the deployment artefacts the way an operator would meet them:
// `kubectl kustomize` renders each overlay and the objects are inspected;
// runtime configs and host files are cross-checked against the manifests
// and the built binary, so they cannot drift apart (the Containerfile and
// the image: image_test.cc).
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "deploy_support.h"
#include "metrics/plugin_metrics.h"

namespace {

const std::string kSource = NRI_SECCOMP_SOURCE_DIR;
const std::string kTolerateKey = "tolerate-missing-plugins.noderesource.dev";

using deploy_test::read_file;
using deploy_test::run_command;

bool have_kubectl() { return run_command("command -v kubectl >/dev/null 2>&1").status == 0; }

std::vector<YAML::Node> render(const std::string& overlay) {
  auto result = run_command("kubectl kustomize '" + kSource + "/deploy/kubernetes/overlays/" + overlay + "' 2>&1");
  if (result.status != 0) throw std::runtime_error("kubectl kustomize " + overlay + " failed:\n" + result.output);
  return YAML::LoadAll(result.output);
}

YAML::Node find_object(const std::vector<YAML::Node>& docs, const std::string& kind, const std::string& name) {
  for (const auto& d : docs) {
    if (d["kind"].as<std::string>() == kind && d["metadata"]["name"].as<std::string>() == name) return d;
  }
  return YAML::Node();
}

YAML::Node find_named(const YAML::Node& list, const std::string& key, const std::string& value) {
  for (const auto& item : list) {
    if (item[key] && item[key].as<std::string>() == value) return item;
  }
  return YAML::Node();
}

std::vector<std::string> strings(const YAML::Node& seq) {
  std::vector<std::string> out;
  for (const auto& item : seq) out.push_back(item.as<std::string>());
  return out;
}

// Value following `flag` in an argument list, "" if absent.
std::string arg_value(const std::vector<std::string>& args, const std::string& flag) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return "";
}

std::string dirname(const std::string& path) { return path.substr(0, path.rfind('/')); }
std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

class Overlay : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!have_kubectl()) GTEST_SKIP() << "kubectl not installed: cannot render the kustomize overlays";
    docs_ = render(GetParam());
    ds_ = find_object(docs_, "DaemonSet", "nri-seccomp");
    ASSERT_TRUE(ds_) << "no DaemonSet nri-seccomp in the rendered overlay";
    pod_ = ds_["spec"]["template"];
    ASSERT_EQ(pod_["spec"]["containers"].size(), 1u);
    container_ = pod_["spec"]["containers"][0];
    args_ = strings(container_["args"]);
  }

  YAML::Node volume_for_mount(const std::string& mount_path) {
    auto mount = find_named(container_["volumeMounts"], "mountPath", mount_path);
    if (!mount) return YAML::Node();
    return find_named(pod_["spec"]["volumes"], "name", mount["name"].as<std::string>());
  }

  std::vector<YAML::Node> docs_;
  YAML::Node ds_, pod_, container_;
  std::vector<std::string> args_;
};

TEST_P(Overlay, RendersTheExpectedObjectsInTheNamespace) {
  std::multiset<std::string> kinds;
  for (const auto& d : docs_) {
    kinds.insert(d["kind"].as<std::string>());
    if (d["kind"].as<std::string>() != "Namespace") {
      EXPECT_EQ(d["metadata"]["namespace"].as<std::string>(), "nri-seccomp")
          << d["kind"] << "/" << d["metadata"]["name"];
    }
  }
  EXPECT_EQ(kinds, (std::multiset<std::string>{"Namespace", "ServiceAccount", "ConfigMap", "ConfigMap", "DaemonSet"}));
  EXPECT_TRUE(find_object(docs_, "Namespace", "nri-seccomp"));
  EXPECT_EQ(pod_["spec"]["serviceAccountName"].as<std::string>(), "nri-seccomp");
  EXPECT_FALSE(pod_["spec"]["automountServiceAccountToken"].as<bool>());
  EXPECT_FALSE(container_["image"].as<std::string>().empty());
}

TEST_P(Overlay, DaemonSetRunsThePluginWithTheDocumentedArguments) {
  EXPECT_EQ(container_["command"][0].as<std::string>(), "/usr/local/bin/nri-seccomp");
  EXPECT_EQ(args_, (std::vector<std::string>{"run", "--socket", "/var/run/nri/nri.sock", "--name", "seccomp",
                                             "--idx", "10", "--config", "/etc/nri-seccomp/policy/policy.yaml",
                                             "--profiles-dir", "/etc/nri-seccomp/profiles", "--metrics-address",
                                             "0.0.0.0:9464", "--log-format", "json"}));
}

TEST_P(Overlay, MountsSocketDirKubeletSeccompReadOnlyAndConfigMapsAsDirectories) {
  // NRI socket: its directory from the host, so a recreated socket is seen.
  auto socket_dir = dirname(arg_value(args_, "--socket"));
  auto nri = volume_for_mount(socket_dir);
  ASSERT_TRUE(nri) << "no mount at " << socket_dir;
  EXPECT_EQ(nri["hostPath"]["path"].as<std::string>(), "/var/run/nri");

  auto kubelet_mount = find_named(container_["volumeMounts"], "mountPath", "/var/lib/kubelet/seccomp");
  ASSERT_TRUE(kubelet_mount);
  EXPECT_TRUE(kubelet_mount["readOnly"].as<bool>());
  EXPECT_EQ(volume_for_mount("/var/lib/kubelet/seccomp")["hostPath"]["path"].as<std::string>(),
            "/var/lib/kubelet/seccomp");

  // Policy and profiles: ConfigMaps mounted whole (subPath mounts never see updates).
  for (const auto& mount : container_["volumeMounts"]) {
    EXPECT_FALSE(mount["subPath"]) << "subPath on " << mount["mountPath"];
    EXPECT_FALSE(mount["subPathExpr"]) << "subPathExpr on " << mount["mountPath"];
  }
  auto config = arg_value(args_, "--config");
  auto policy_volume = volume_for_mount(dirname(config));
  ASSERT_TRUE(policy_volume && policy_volume["configMap"]) << "--config's directory is not a ConfigMap mount";
  auto policy_cm = find_object(docs_, "ConfigMap", policy_volume["configMap"]["name"].as<std::string>());
  ASSERT_TRUE(policy_cm) << "policy volume names a ConfigMap the overlay does not render";
  EXPECT_TRUE(policy_cm["data"][basename(config)]) << "ConfigMap lacks key " << basename(config);

  auto profiles_volume = volume_for_mount(arg_value(args_, "--profiles-dir"));
  ASSERT_TRUE(profiles_volume && profiles_volume["configMap"]);
  EXPECT_TRUE(find_object(docs_, "ConfigMap", profiles_volume["configMap"]["name"].as<std::string>()));
}

TEST_P(Overlay, ContainerHasMinimalPrivileges) {
  auto sc = container_["securityContext"];
  ASSERT_TRUE(sc);
  EXPECT_FALSE(sc["allowPrivilegeEscalation"].as<bool>());
  EXPECT_TRUE(sc["readOnlyRootFilesystem"].as<bool>());
  EXPECT_FALSE(sc["privileged"] && sc["privileged"].as<bool>());
  EXPECT_EQ(strings(sc["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
  EXPECT_FALSE(sc["capabilities"]["add"]) << "no capability may be added";
  EXPECT_EQ(sc["seccompProfile"]["type"].as<std::string>(), "RuntimeDefault");
  EXPECT_EQ(pod_["spec"]["securityContext"]["seccompProfile"]["type"].as<std::string>(), "RuntimeDefault");
  // hostNetwork is required (DaemonSet.RunsOnTheHostNetworkWithoutApiAccess);
  // the host's pids are not.
  EXPECT_FALSE(pod_["spec"]["hostPID"] && pod_["spec"]["hostPID"].as<bool>());
}

TEST_P(Overlay, SchedulesOnEveryNodeAsNodeCritical) {
  EXPECT_EQ(pod_["spec"]["priorityClassName"].as<std::string>(), "system-node-critical");
  bool tolerates_everything = false;
  for (const auto& t : pod_["spec"]["tolerations"]) {
    if (t["operator"].as<std::string>() == "Exists" && !t["key"] && !t["effect"]) tolerates_everything = true;
  }
  EXPECT_TRUE(tolerates_everything) << "needs a toleration {operator: Exists} without key or effect";
  auto resources = container_["resources"];
  for (const char* kind : {"requests", "limits"}) {
    EXPECT_TRUE(resources[kind]["cpu"]) << kind;
    EXPECT_TRUE(resources[kind]["memory"]) << kind;
  }
}

TEST_P(Overlay, PodToleratesTheMissingPluginItIs) {
  auto annotations = pod_["metadata"]["annotations"];
  ASSERT_TRUE(annotations[kTolerateKey]) << "pod template lacks " << kTolerateKey;
  EXPECT_EQ(annotations[kTolerateKey].as<std::string>(), "true");
}

TEST_P(Overlay, ProbesHitHealthzAndReadyzOnTheMetricsPort) {
  auto metrics_address = arg_value(args_, "--metrics-address");
  int metrics_port = std::stoi(metrics_address.substr(metrics_address.rfind(':') + 1));
  auto resolve = [&](const YAML::Node& port) {
    if (port.as<std::string>().find_first_not_of("0123456789") == std::string::npos) return port.as<int>();
    auto named = find_named(container_["ports"], "name", port.as<std::string>());
    return named ? named["containerPort"].as<int>() : -1;
  };
  auto liveness = container_["livenessProbe"]["httpGet"];
  auto readiness = container_["readinessProbe"]["httpGet"];
  ASSERT_TRUE(liveness && readiness);
  EXPECT_EQ(liveness["path"].as<std::string>(), "/healthz");
  EXPECT_EQ(readiness["path"].as<std::string>(), "/readyz");
  EXPECT_EQ(resolve(liveness["port"]), metrics_port);
  EXPECT_EQ(resolve(readiness["port"]), metrics_port);
}

TEST_P(Overlay, PolicyHasTheOverlaysModeAndItsProfilesExist) {
  auto policy_cm = find_object(docs_, "ConfigMap", "nri-seccomp-policy");
  auto policy = YAML::Load(policy_cm["data"]["policy.yaml"].as<std::string>());
  EXPECT_EQ(policy["apiVersion"].as<std::string>(), "seccomp.noderesource.dev/v1alpha1");
  EXPECT_EQ(policy["kind"].as<std::string>(), "SeccompPolicy");
  EXPECT_EQ(policy["defaults"]["mode"].as<std::string>(), GetParam());

  auto profiles = find_object(docs_, "ConfigMap", "nri-seccomp-profiles")["data"];
  std::vector<std::string> named = strings(policy["defaults"]["mandatory"]);
  for (const auto& p : strings(policy["defaults"]["profiles"])) named.push_back(p);
  EXPECT_FALSE(named.empty());
  for (const auto& name : named) EXPECT_TRUE(profiles[name + ".json"]) << "policy names missing profile " << name;
  auto rule = policy["rules"][0];
  EXPECT_EQ(strings(rule["namespaces"]), std::vector<std::string>{"kube-system"});
  EXPECT_TRUE(rule["exempt"].as<bool>());
}

TEST_P(Overlay, ProfilesAreTheSeedAndTheMustBlockOverlay) {
  auto data = find_object(docs_, "ConfigMap", "nri-seccomp-profiles")["data"];
  auto seed = nlohmann::json::parse(read_file(kSource + "/config/profiles/block-mkdir.json"));
  EXPECT_EQ(nlohmann::json::parse(data["block-mkdir.json"].as<std::string>()), seed)
      << "deploy/kubernetes/base/profiles/block-mkdir.json drifted from config/profiles/block-mkdir.json";

  auto must = nlohmann::json::parse(data["must-block.json"].as<std::string>());
  EXPECT_EQ(must["defaultAction"], "SCMP_ACT_ALLOW");
  std::set<std::string> denied;
  for (const auto& rule : must["syscalls"]) {
    EXPECT_EQ(rule["action"], "SCMP_ACT_ERRNO");
    for (const auto& n : rule["names"]) denied.insert(n.get<std::string>());
  }
  EXPECT_EQ(denied, (std::set<std::string>{"kexec_load", "kexec_file_load", "open_by_handle_at", "bpf"}));
}

INSTANTIATE_TEST_SUITE_P(Kustomize, Overlay, ::testing::Values("complain", "enforce"),
                         [](const auto& info) { return info.param; });

// The opt-in variant that lets the recovery audit stop unprotected
// containers itself: enforce, plus exactly hostPID and CAP_KILL.
TEST(HostPidOverlay, IsEnforceWithHostPidAndKillOnly) {
  if (!have_kubectl()) GTEST_SKIP() << "kubectl not installed: cannot render the kustomize overlays";
  auto ds = find_object(render("host-pid"), "DaemonSet", "nri-seccomp");
  auto enforce = find_object(render("enforce"), "DaemonSet", "nri-seccomp");
  ASSERT_TRUE(ds && enforce);
  auto pod = ds["spec"]["template"]["spec"];
  EXPECT_TRUE(pod["hostPID"].as<bool>());
  auto sc = pod["containers"][0]["securityContext"];
  EXPECT_EQ(strings(sc["capabilities"]["add"]), std::vector<std::string>{"KILL"});
  EXPECT_EQ(strings(sc["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
  EXPECT_FALSE(sc["allowPrivilegeEscalation"].as<bool>());
  // Everything else as in enforce.
  pod.remove("hostPID");
  sc["capabilities"].remove("add");
  EXPECT_EQ(YAML::Dump(ds), YAML::Dump(enforce));
}

TEST(DaemonSet, RollsOutWithoutTwoInstancesOnANodeAndKnowsItsOwnPod) {
  auto ds = YAML::LoadFile(kSource + "/deploy/kubernetes/base/daemonset.yaml");
  EXPECT_EQ(ds["spec"]["updateStrategy"]["rollingUpdate"]["maxSurge"].as<int>(), 0);
  std::set<std::string> env;
  for (const auto& e : ds["spec"]["template"]["spec"]["containers"][0]["env"]) env.insert(e["name"].as<std::string>());
  EXPECT_EQ(env, (std::set<std::string>{"POD_NAMESPACE", "POD_NAME"}));
}

// With required_plugins every container on the node waits for the plugin,
// the CNI plugin's pods included: the plugin's pod must not need the pod
// network (tests/e2e runs this pod on the real runtimes).
TEST(DaemonSet, RunsOnTheHostNetworkWithoutApiAccess) {
  auto spec = YAML::LoadFile(kSource + "/deploy/kubernetes/base/daemonset.yaml")["spec"]["template"]["spec"];
  EXPECT_TRUE(spec["hostNetwork"].as<bool>());
  EXPECT_FALSE(spec["automountServiceAccountToken"].as<bool>());
}

// --- runtime configuration snippets, cross-checked with the manifests.

// `key = value` (TOML, one line) → value without quotes; "" when absent.
std::string toml_value(const std::string& text, const std::string& key) {
  std::regex re("^[ \\t]*" + key + "[ \\t]*=[ \\t]*(.*?)[ \\t]*$", std::regex::multiline);
  std::smatch m;
  if (!std::regex_search(text, m, re)) return "";
  std::string v = m[1];
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
  return v;
}

TEST(RuntimeConfig, ContainerdEnablesNriAndRequiresThePluginFailClosed) {
  auto text = read_file(kSource + "/deploy/containerd/config.toml");
  EXPECT_EQ(toml_value(text, "version"), "3");
  EXPECT_NE(text.find("[plugins.'io.containerd.nri.v1.nri']"), std::string::npos);
  EXPECT_NE(text.find("[plugins.'io.containerd.nri.v1.nri'.default_validator]"), std::string::npos);
  EXPECT_EQ(toml_value(text, "disable"), "false");
  EXPECT_EQ(toml_value(text, "socket_path"), "/var/run/nri/nri.sock");
  EXPECT_EQ(toml_value(text, "enable"), "true");
  EXPECT_EQ(toml_value(text, "required_plugins"), "['seccomp']");
  EXPECT_EQ(toml_value(text, "tolerate_missing_plugins_annotation"), kTolerateKey);
  EXPECT_EQ(toml_value(text, "reject_runtime_default_seccomp_adjustment"), "false");
}

TEST(RuntimeConfig, CrioDropInEnablesNriAndRequiresThePluginFailClosed) {
  auto text = read_file(kSource + "/deploy/crio/10-nri-seccomp.conf");
  EXPECT_NE(text.find("[crio.nri]"), std::string::npos);
  EXPECT_NE(text.find("[crio.nri.default_validator]"), std::string::npos);
  EXPECT_EQ(toml_value(text, "enable_nri"), "true");
  EXPECT_EQ(toml_value(text, "nri_listen"), "/var/run/nri/nri.sock");
  EXPECT_EQ(toml_value(text, "nri_enable_default_validator"), "true");
  EXPECT_NE(text.find("nri_validator_required_plugins = [\n  \"seccomp\",\n]"), std::string::npos);
  EXPECT_EQ(toml_value(text, "nri_validator_tolerate_missing_plugins_annotation"), kTolerateKey);
}

// --- host mode files.

TEST(HostMode, RuntimeLaunchedWrapperAndConfig) {
  auto wrapper_path = kSource + "/deploy/host/10-seccomp";
  struct stat st {};
  ASSERT_EQ(::stat(wrapper_path.c_str(), &st), 0);
  EXPECT_TRUE(st.st_mode & S_IXUSR) << "the wrapper must be executable: the runtime execs it";
  auto wrapper = read_file(wrapper_path);
  EXPECT_EQ(wrapper.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_NE(wrapper.find("\nplugin=/usr/local/bin/nri-seccomp\n"), std::string::npos);
  EXPECT_EQ(run_command("sh -n '" + wrapper_path + "'").status, 0) << "wrapper has a shell syntax error";

  // Run it the way the runtime does (no arguments, only the three NRI
  // variables, the connection on fd 3) with a stand-in for the binary, on the
  // branch without journald: the stand-in must get `run` with the profile
  // directory, the environment and fd 3, and its stderr must land in the log.
  char dir_template[] = "/tmp/nri-seccomp-wrapper-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  {
    std::ofstream fake(dir + "/fake-plugin");
    fake << "#!/bin/sh\necho \"args=$*\"\necho \"socket=$NRI_PLUGIN_SOCKET name=$NRI_PLUGIN_NAME idx=$NRI_PLUGIN_IDX\"\n"
            "[ -e /proc/self/fd/3 ] && echo fd3=open\necho from-stderr >&2\n";
  }
  std::string copy = wrapper;
  copy.replace(copy.find("/usr/local/bin/nri-seccomp"), std::string("/usr/local/bin/nri-seccomp").size(),
               dir + "/fake-plugin");
  copy.replace(copy.find("/var/log/nri-seccomp.log"), std::string("/var/log/nri-seccomp.log").size(), dir + "/log");
  copy.replace(copy.find("/run/systemd/journal/stdout"), std::string("/run/systemd/journal/stdout").size(),
               dir + "/no-journal");
  {
    std::ofstream out(dir + "/wrapper");
    out << copy;
  }
  ASSERT_EQ(::chmod((dir + "/fake-plugin").c_str(), 0755), 0);
  ASSERT_EQ(::chmod((dir + "/wrapper").c_str(), 0755), 0);
  auto ran = run_command("env -i NRI_PLUGIN_SOCKET=3 NRI_PLUGIN_NAME=seccomp NRI_PLUGIN_IDX=10 '" + dir +
                         "/wrapper' 3</dev/null");
  EXPECT_EQ(ran.status, 0);
  EXPECT_NE(ran.output.find("args=run --profiles-dir /etc/nri-seccomp/profiles"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("socket=3 name=seccomp idx=10"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("fd3=open"), std::string::npos) << ran.output;
  EXPECT_EQ(read_file(dir + "/log"), "from-stderr\n");
  run_command("rm -rf '" + dir + "'");

  for (const char* file : {"/deploy/host/10-seccomp.conf", "/deploy/host/policy.yaml"}) {
    auto policy = YAML::LoadFile(kSource + file);
    EXPECT_EQ(policy["apiVersion"].as<std::string>(), "seccomp.noderesource.dev/v1alpha1") << file;
    EXPECT_EQ(policy["kind"].as<std::string>(), "SeccompPolicy") << file;
    EXPECT_TRUE(policy["defaults"]["mode"]) << file;
  }
}

TEST(HostMode, SystemdUnitRestartsAndRunsAfterTheRuntime) {
  auto unit = read_file(kSource + "/deploy/host/nri-seccomp.service");
  EXPECT_EQ(toml_value(unit, "Restart"), "always");
  EXPECT_EQ(toml_value(unit, "After"), "containerd.service");
  EXPECT_EQ(toml_value(unit, "NoNewPrivileges"), "yes");
  EXPECT_EQ(toml_value(unit, "CapabilityBoundingSet"), "");
  EXPECT_NE(unit.find("RestrictAddressFamilies=AF_UNIX"), std::string::npos) << "AF_UNIX is needed for the socket";
  EXPECT_EQ(unit.find("PrivateNetwork="), std::string::npos) << "the metrics port must stay reachable";
  EXPECT_NE(unit.find("--socket /var/run/nri/nri.sock"), std::string::npos);
  EXPECT_NE(unit.find("--name seccomp"), std::string::npos);
  if (run_command("command -v systemd-analyze >/dev/null 2>&1").status == 0) {
    // Only the binary's absence on a build machine may be reported.
    auto verify = run_command("systemd-analyze verify '" + kSource + "/deploy/host/nri-seccomp.service' 2>&1");
    std::istringstream lines(verify.output);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line.find("/usr/local/bin/nri-seccomp") != std::string::npos) continue;
      ADD_FAILURE() << "systemd-analyze verify: " << line;
    }
  }
}

// The Containerfile against the offline image and the binary: image_test.cc.

}  // namespace

namespace {

TEST(Admission, OnlyThePluginNamespaceMayTolerateTheMissingPlugin) {
  if (!have_kubectl()) GTEST_SKIP() << "kubectl not installed";
  auto result = run_command("kubectl kustomize '" + kSource + "/deploy/kubernetes/extras/admission' 2>&1");
  ASSERT_EQ(result.status, 0) << result.output;
  auto docs = YAML::LoadAll(result.output);
  auto policy = find_object(docs, "ValidatingAdmissionPolicy", "nri-seccomp-toleration-only-for-plugin");
  auto binding = find_object(docs, "ValidatingAdmissionPolicyBinding", "nri-seccomp-toleration-only-for-plugin");
  ASSERT_TRUE(policy && binding);
  EXPECT_EQ(binding["spec"]["policyName"].as<std::string>(), "nri-seccomp-toleration-only-for-plugin");
  EXPECT_EQ(strings(binding["spec"]["validationActions"]), std::vector<std::string>{"Deny"});
  auto expression = policy["spec"]["validations"][0]["expression"].as<std::string>();
  EXPECT_NE(expression.find("'" + kTolerateKey + "'"), std::string::npos);
  EXPECT_NE(expression.find("'nri-seccomp'"), std::string::npos);
}

}  // namespace

// --- monitoring extras and the metrics reference, against the real metric set.

namespace {

// Metric families (names from the # TYPE lines) the plugin exports.
std::set<std::string> exported_metric_names() {
  nri_seccomp::metrics::PluginMetrics metrics;
  std::set<std::string> names;
  std::istringstream lines(metrics.render());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) names.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return names;
}

std::set<std::string> referenced_metric_names(const std::string& text) {
  std::set<std::string> names;
  std::regex re("nri_seccomp_[a-z_]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    std::string name = it->str();
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s = suffix;
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0 &&
          name.find("_seconds") != std::string::npos) {
        name.erase(name.size() - s.size());
      }
    }
    names.insert(name);
  }
  return names;
}

TEST(Monitoring, RulesAndPodMonitorMatchThePluginAndTheDaemonSet) {
  if (!have_kubectl()) GTEST_SKIP() << "kubectl not installed";
  auto result = run_command("kubectl kustomize '" + kSource + "/deploy/kubernetes/extras/monitoring' 2>&1");
  ASSERT_EQ(result.status, 0) << result.output;
  auto docs = YAML::LoadAll(result.output);
  auto monitor = find_object(docs, "PodMonitor", "nri-seccomp");
  auto rules = find_object(docs, "PrometheusRule", "nri-seccomp");
  ASSERT_TRUE(monitor && rules);

  // The PodMonitor's port name must exist on the DaemonSet's container.
  auto daemonset = find_object(render("enforce"), "DaemonSet", "nri-seccomp");
  auto port = monitor["spec"]["podMetricsEndpoints"][0]["port"].as<std::string>();
  EXPECT_TRUE(find_named(daemonset["spec"]["template"]["spec"]["containers"][0]["ports"], "name", port));

  auto exported = exported_metric_names();
  int expressions = 0;
  for (const auto& rule : rules["spec"]["groups"][0]["rules"]) {
    auto expr = rule["expr"].as<std::string>();
    for (const auto& name : referenced_metric_names(expr)) {
      EXPECT_TRUE(exported.count(name)) << "alert " << rule["alert"] << " uses unknown metric " << name;
    }
    ++expressions;
  }
  EXPECT_GE(expressions, 4);
}

TEST(Docs, MetricsReferenceListsEveryExportedMetric) {
  auto doc = read_file(kSource + "/docs/operations.md");
  for (const auto& name : exported_metric_names()) {
    EXPECT_NE(doc.find("| `" + name + "` |"), std::string::npos) << "docs/operations.md lacks a row for " << name;
  }
  for (const auto& name : referenced_metric_names(doc)) {
    EXPECT_TRUE(exported_metric_names().count(name)) << "docs/operations.md names unknown metric " << name;
  }
}

}  // namespace
