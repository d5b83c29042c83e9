#include "volumes.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nri_seccomp::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void write_file(const fs::path& path, const std::string& content, fs::perms mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << content)) throw std::runtime_error("cannot write " + path.string());
  out.close();
  fs::permissions(path, mode);
}

std::string read_file(const fs::path& path) { return read_whole_file(path.string()); }

// kubelet's folder name: "..YYYY_MM_DD_HH_MM_SS.<nanoseconds>".
std::string timestamped_name() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "..%Y_%m_%d_%H_%M_%S", &tm);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() % 1000000000;
  return std::string(buf) + "." + std::to_string(ns);
}

void remove_old_generations(const fs::path& dir) {
  const std::string current = fs::read_symlink(dir / "..data").string();
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("..", 0) == 0 && name != "..data" && name != current && entry.is_directory())
      fs::remove_all(entry.path());
  }
}

// One generation: the files in a new timestamped folder, then "..data"
// switched to it with a rename (atomic), then the key symlinks.
void write_generation(const fs::path& dir, const std::map<std::string, std::string>& data) {
  fs::create_directories(dir);
  const std::string generation = timestamped_name();
  fs::create_directory(dir / generation);
  for (const auto& [key, content] : data) write_file(dir / generation / key, content, fs::perms(0644));
  std::error_code ignore;
  fs::remove(dir / "..data_tmp", ignore);
  fs::create_symlink(generation, dir / "..data_tmp");
  fs::rename(dir / "..data_tmp", dir / "..data");
  for (const auto& [key, content] : data) {
    if (!fs::is_symlink(dir / key)) fs::create_symlink(fs::path("..data") / key, dir / key);
  }
  remove_old_generations(dir);
}

fs::path host_folder(const YAML::Node& host_path, const std::map<std::string, std::string>& map,
                     const std::string& volume) {
  const std::string path = host_path["path"].as<std::string>();
  const std::string type = host_path["type"] ? host_path["type"].as<std::string>() : "";
  auto it = map.find(path);
  if (it == map.end())
    throw std::runtime_error("volume " + volume + ": hostPath " + path + " has no local folder (--host-path " + path +
                             "=DIR)");
  const fs::path local = it->second;
  if (type == "Directory") {
    // kubelet refuses to start the pod (an event) when the folder is missing.
    if (!fs::is_directory(local))
      throw std::runtime_error("volume " + volume + ": hostPath " + path + " (type Directory) does not exist at " +
                               local.string());
  } else if (type == "DirectoryOrCreate") {
    fs::create_directories(local);
  } else {
    throw std::runtime_error("volume " + volume + ": hostPath type \"" + type + "\" is not translated");
  }
  return local;
}

// The folder backing volume V, written now.
fs::path volume_folder(const Workload& w, const YAML::Node& v, const std::map<std::string, std::string>& host_paths,
                       const fs::path& pod_dir) {
  const std::string name = v["name"].as<std::string>();
  for (const char* source : {"configMap", "emptyDir", "hostPath"}) {
    if (!v[source] || !v[source].IsMap()) continue;
    for (const auto& kv : v[source]) {
      const std::string key = kv.first.as<std::string>();
      const bool known = (std::string(source) == "configMap" && key == "name") ||
                         (std::string(source) == "emptyDir" && key == "sizeLimit") ||
                         (std::string(source) == "hostPath" && (key == "path" || key == "type"));
      if (!known) throw std::runtime_error("volume " + name + ": " + source + "." + key + " is not translated");
    }
  }
  if (v["configMap"]) {
    const std::string cm = v["configMap"]["name"].as<std::string>();
    auto it = w.config_maps.find(cm);
    if (it == w.config_maps.end()) throw std::runtime_error("volume " + name + ": ConfigMap " + cm + " not in the manifest");
    const fs::path dir = pod_dir / "volumes" / "kubernetes.io~configmap" / name;
    write_generation(dir, it->second);
    return dir;
  }
  if (v["emptyDir"]) {
    const fs::path dir = pod_dir / "volumes" / "kubernetes.io~empty-dir" / name;
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms(0777));  // kubelet's mode for an emptyDir
    return dir;
  }
  if (v["hostPath"]) return host_folder(v["hostPath"], host_paths, name);
  throw std::runtime_error("volume " + name + ": only configMap, emptyDir and hostPath are translated");
}

}  // namespace

json mount_volumes(const Workload& w, const YAML::Node& volumes, const YAML::Node& container,
                   const std::map<std::string, std::string>& host_paths, const PodDirs& dirs, json* info) {
  const fs::path pod_dir = dirs.pod_dir;
  std::map<std::string, fs::path> folders;
  for (const auto& v : volumes) {
    const std::string name = v["name"].as<std::string>();
    folders[name] = volume_folder(w, v, host_paths, pod_dir);
    (*info)["volumes"][name] = folders[name].string();
  }
  json mounts = json::array();
  for (const auto& m : container["volumeMounts"]) {
    const std::string name = m["name"].as<std::string>();
    for (const auto& kv : m) {
      const std::string key = kv.first.as<std::string>();
      if (key != "name" && key != "mountPath" && key != "readOnly")
        throw std::runtime_error("volumeMounts " + name + ": " + key + " is not translated");
    }
    auto it = folders.find(name);
    if (it == folders.end()) throw std::runtime_error("volumeMounts " + name + ": no such volume");
    // kubelet mounts configMap volumes read-only whatever the mount says.
    const bool config_map = it->second.string().find("/kubernetes.io~configmap/") != std::string::npos;
    mounts.push_back({{"host", it->second.string()},
                      {"container", m["mountPath"].as<std::string>()},
                      {"readonly", config_map || (m["readOnly"] && m["readOnly"].as<bool>())}});
  }
  // kubelet's own two mounts, both writable.
  const fs::path hosts = pod_dir / "etc-hosts";
  write_file(hosts, "# Kubernetes-managed hosts file (host network).\n" + read_file("/etc/hosts"), fs::perms(0644));
  mounts.push_back({{"host", hosts.string()}, {"container", "/etc/hosts"}, {"readonly", false}});
  const fs::path message_dir = pod_dir / "containers" / dirs.container_name;
  fs::create_directories(message_dir);
  write_file(message_dir / "termination-log", "", fs::perms(0666));
  const std::string message_path =
      container["terminationMessagePath"] ? container["terminationMessagePath"].as<std::string>() : "/dev/termination-log";
  mounts.push_back({{"host", (message_dir / "termination-log").string()}, {"container", message_path}, {"readonly", false}});
  return mounts;
}

void update_config_map_volume(const std::string& volume_dir, const std::string& key, const std::string& content) {
  const fs::path dir = volume_dir;
  if (!fs::is_symlink(dir / "..data")) throw std::runtime_error(volume_dir + " is not a configMap volume (no ..data)");
  std::map<std::string, std::string> data;
  for (const auto& entry : fs::directory_iterator(dir / "..data")) {
    data[entry.path().filename().string()] = read_file(entry.path());
  }
  data[key] = content;
  write_generation(dir, data);
}

}  // namespace nri_seccomp::e2e
