// pod-from-manifest: turns the nri-seccomp DaemonSet, as an operator deploys
// it, into the CRI pod and container configs kubelet would send for it on
// one node, and lays out its volumes (see kubelet.h, volumes.h).
//
//   pod-from-manifest pod (--rendered FILE | --kustomize DIR) --out DIR
//       --kubelet-root DIR --pod-log-root DIR --cgroup-parent PATH
//       --suffix ID [--host-path PATH=LOCALDIR]...
//     writes DIR/pod.json and DIR/container.json (cri-client's format) and
//     DIR/info.json (pod name/namespace/uid, image, ports, probes, volumes)
//   pod-from-manifest configmap-update VOLUME_DIR KEY FILE
//     replaces KEY's content in a configMap volume the way kubelet does
//
// Exit codes: 0 done, 1 the manifest cannot be translated (the message says
// which field), 2 usage.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "kubelet.h"
#include "manifest.h"
#include "volumes.h"

namespace {

using nri_seccomp::e2e::Node;

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "pod-from-manifest: " << why << "\n"
            << "usage: pod-from-manifest pod (--rendered FILE | --kustomize DIR) --out DIR --kubelet-root DIR\n"
            << "         --pod-log-root DIR --cgroup-parent PATH --suffix ID [--host-path PATH=DIR]...\n"
            << "       pod-from-manifest configmap-update VOLUME_DIR KEY FILE\n";
  std::exit(2);
}

void write_json(const std::filesystem::path& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::trunc);
  if (!out || !(out << j.dump(2) << "\n")) throw std::runtime_error("cannot write " + path.string());
}

int cmd_pod(const std::vector<std::string>& args) {
  std::string rendered, base, out;
  Node node;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i + 1 >= args.size()) usage(a + " needs a value");
    const std::string& v = args[++i];
    if (a == "--rendered") rendered = v;
    else if (a == "--kustomize") base = v;
    else if (a == "--out") out = v;
    else if (a == "--kubelet-root") node.kubelet_root = v;
    else if (a == "--pod-log-root") node.pod_log_root = v;
    else if (a == "--cgroup-parent") node.cgroup_parent = v;
    else if (a == "--suffix") node.pod_suffix = v;
    else if (a == "--host-path") {
      const auto eq = v.find('=');
      if (eq == std::string::npos) usage("--host-path wants PATH=DIR");
      node.host_paths[v.substr(0, eq)] = v.substr(eq + 1);
    } else usage("unknown option " + a);
  }
  if (rendered.empty() == base.empty()) usage("give exactly one of --rendered and --kustomize");
  if (out.empty() || node.kubelet_root.empty() || node.pod_log_root.empty() || node.pod_suffix.empty())
    usage("--out, --kubelet-root, --pod-log-root and --suffix are required");
  const auto workload = rendered.empty() ? nri_seccomp::e2e::workload_from_kustomization(base)
                                         : nri_seccomp::e2e::workload_from_rendered(rendered);
  const auto pod = nri_seccomp::e2e::kubelet_pod(workload, node);
  std::filesystem::create_directories(out);
  write_json(std::filesystem::path(out) / "pod.json", pod.pod);
  write_json(std::filesystem::path(out) / "container.json", pod.container);
  write_json(std::filesystem::path(out) / "info.json", pod.info);
  return 0;
}

int cmd_configmap_update(const std::vector<std::string>& args) {
  if (args.size() != 3) usage("configmap-update VOLUME_DIR KEY FILE");
  nri_seccomp::e2e::update_config_map_volume(args[0], args[1], nri_seccomp::e2e::read_whole_file(args[2]));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage("no command");
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (cmd == "pod") return cmd_pod(args);
    if (cmd == "configmap-update") return cmd_configmap_update(args);
  } catch (const std::exception& e) {
    std::cerr << "pod-from-manifest: " << e.what() << "\n";
    return 1;
  }
  usage("unknown command " + cmd);
}
