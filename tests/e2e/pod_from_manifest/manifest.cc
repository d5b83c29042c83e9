#include "manifest.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace nri_seccomp::e2e {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) { return read_whole_file(path.string()); }

std::vector<YAML::Node> load_documents(const fs::path& path) {
  try {
    return YAML::LoadAll(read_file(path));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path.string() + ": not valid YAML: " + e.what());
  }
}

std::string scalar(const YAML::Node& n, const std::string& where) {
  if (!n || !n.IsScalar()) throw std::runtime_error(where + " must be a string");
  return n.as<std::string>();
}

// One DaemonSet among the documents, plus every ConfigMap's data.
void take_objects(const std::vector<YAML::Node>& docs, const std::string& source, Workload* w) {
  int daemonsets = 0;
  for (const auto& doc : docs) {
    if (!doc || !doc.IsMap()) continue;
    const std::string kind = doc["kind"] ? doc["kind"].as<std::string>() : "";
    if (kind == "DaemonSet") {
      ++daemonsets;
      w->name = scalar(doc["metadata"]["name"], source + ": DaemonSet metadata.name");
      if (doc["metadata"]["namespace"]) w->namespace_ = doc["metadata"]["namespace"].as<std::string>();
      w->pod_template.reset(doc["spec"]["template"]);  // reset(): "=" would write through
      if (!w->pod_template || !w->pod_template.IsMap())
        throw std::runtime_error(source + ": DaemonSet has no spec.template");
    } else if (kind == "ConfigMap") {
      const std::string name = scalar(doc["metadata"]["name"], source + ": ConfigMap metadata.name");
      auto& data = w->config_maps[name];
      for (const auto& kv : doc["data"]) data[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  }
  if (daemonsets != 1)
    throw std::runtime_error(source + ": expected exactly one DaemonSet, found " + std::to_string(daemonsets));
}

void check_known_keys(const YAML::Node& node, const std::string& where, const std::set<std::string>& known) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!known.count(key))
      throw std::runtime_error(where + ": key \"" + key +
                               "\" is not understood without kubectl; install kubectl or extend pod-from-manifest");
  }
}

// A configMapGenerator entry's data: "key=path" or "path" (the key is then
// the file's name), as kustomize reads them.
std::map<std::string, std::string> generated_data(const YAML::Node& g, const fs::path& dir) {
  std::map<std::string, std::string> data;
  for (const auto& f : g["files"]) {
    std::string entry = f.as<std::string>(), key, file = entry;
    if (auto eq = entry.find('='); eq != std::string::npos) {
      key = entry.substr(0, eq);
      file = entry.substr(eq + 1);
    } else {
      key = fs::path(entry).filename().string();
    }
    data[key] = read_file(dir / file);
  }
  return data;
}

// Generated ConfigMaps; an overlay's `behavior: replace` (or merge) edits
// one its resources generated, `create` (the default) adds a new one.
void generate_config_maps(const YAML::Node& generators, const fs::path& dir, Workload* w) {
  const std::string where = (dir / "kustomization.yaml").string() + ": configMapGenerator";
  for (const auto& g : generators) {
    check_known_keys(g, where, {"name", "namespace", "behavior", "files"});
    const std::string name = scalar(g["name"], where + " name");
    const std::string behavior = g["behavior"] ? g["behavior"].as<std::string>() : "create";
    auto data = generated_data(g, dir);
    const bool exists = w->config_maps.count(name) > 0;
    if (behavior == "create" && !exists) {
      w->config_maps[name] = data;
    } else if (behavior == "replace" && exists) {
      w->config_maps[name] = data;
    } else if (behavior == "merge" && exists) {
      for (auto& [k, v] : data) w->config_maps[name][k] = v;
    } else {
      throw std::runtime_error(where + " " + name + ": behavior " + behavior +
                               (exists ? " for a ConfigMap that exists" : " for a ConfigMap that does not exist"));
    }
  }
}

// One JSON-pointer segment, with RFC 6901's escapes undone.
std::string pointer_segment(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size()) {
      out += raw[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += raw[i];
    }
  }
  return out;
}

// A JSON 6902 "add" on a YAML document: every segment but the last must
// exist; the last is a new (or replaced) map key, or a sequence index or
// "-" (append). The only op our overlays use; any other is an error.
void json_patch_add(YAML::Node doc, const std::string& path, const YAML::Node& value, const std::string& where) {
  std::vector<std::string> segments;
  for (size_t at = 1; at <= path.size();) {
    const size_t next = path.find('/', at);
    segments.push_back(pointer_segment(path.substr(at, next == std::string::npos ? std::string::npos : next - at)));
    if (next == std::string::npos) break;
    at = next + 1;
  }
  if (path.empty() || path[0] != '/' || segments.empty()) throw std::runtime_error(where + ": bad path \"" + path + "\"");
  // reset(), not "=": assigning a YAML::Node writes through to its target.
  YAML::Node node;
  node.reset(doc);
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    YAML::Node child = node.IsSequence() ? node[std::stoul(segments[i])] : node[segments[i]];
    if (!child || child.IsNull()) throw std::runtime_error(where + ": " + path + ": \"" + segments[i] + "\" does not exist");
    node.reset(child);
  }
  const std::string& last = segments.back();
  if (node.IsSequence()) {
    if (last != "-") throw std::runtime_error(where + ": " + path + ": only \"-\" (append) is supported in a list");
    node.push_back(YAML::Clone(value));
  } else {
    node[last] = YAML::Clone(value);
  }
}

// An overlay's `patches`: JSON 6902 ops on the objects its resources made,
// chosen by target kind and name.
void apply_patches(const YAML::Node& patches, const fs::path& file, std::vector<YAML::Node>* objects) {
  const std::string where = file.string() + ": patches";
  for (const auto& p : patches) {
    check_known_keys(p, where, {"target", "patch"});
    check_known_keys(p["target"], where + ".target", {"kind", "name"});
    const std::string kind = scalar(p["target"]["kind"], where + ".target.kind");
    const std::string name = scalar(p["target"]["name"], where + ".target.name");
    YAML::Node ops;
    try {
      ops = YAML::Load(scalar(p["patch"], where + ".patch"));
    } catch (const YAML::Exception& e) {
      throw std::runtime_error(where + ".patch: not valid YAML: " + e.what());
    }
    int matched = 0;
    for (auto& object : *objects) {
      if (!object.IsMap() || !object["kind"] || object["kind"].as<std::string>() != kind) continue;
      if (!object["metadata"] || object["metadata"]["name"].as<std::string>() != name) continue;
      ++matched;
      for (const auto& op : ops) {
        check_known_keys(op, where + ".patch", {"op", "path", "value"});
        if (scalar(op["op"], where + ".patch op") != "add")
          throw std::runtime_error(where + ".patch: only op add is supported without kubectl");
        json_patch_add(object, scalar(op["path"], where + ".patch path"), op["value"], where + ".patch");
      }
    }
    if (matched != 1) throw std::runtime_error(where + ": target " + kind + "/" + name + " matched " + std::to_string(matched) + " objects");
  }
}

// DIR's kustomization applied to W: resources first (files, or folders
// holding kustomizations of their own), then this level's namespace,
// generators and image rewrites.
void apply_kustomization(const fs::path& dir, Workload* w, std::vector<YAML::Node>* objects) {
  const fs::path file = dir / "kustomization.yaml";
  const auto docs = load_documents(file);
  if (docs.size() != 1 || !docs[0].IsMap()) throw std::runtime_error(file.string() + ": expected one mapping");
  const YAML::Node& k = docs[0];
  check_known_keys(k, file.string(),
                   {"apiVersion", "kind", "namespace", "resources", "generatorOptions", "configMapGenerator", "images",
                    "patches"});
  for (const auto& r : k["resources"]) {
    const fs::path resource = dir / r.as<std::string>();
    if (fs::is_directory(resource)) {
      apply_kustomization(resource, w, objects);
    } else {
      for (auto& doc : load_documents(resource)) objects->push_back(doc);
    }
  }
  apply_patches(k["patches"], file, objects);
  if (k["namespace"]) w->namespace_ = k["namespace"].as<std::string>();
  generate_config_maps(k["configMapGenerator"], dir, w);
  for (const auto& image : k["images"]) {
    check_known_keys(image, file.string() + ": images[]", {"name", "newName", "newTag"});
    const std::string name = scalar(image["name"], file.string() + ": images[].name");
    std::string ref = image["newName"] ? image["newName"].as<std::string>() : name;
    if (image["newTag"]) ref += ":" + image["newTag"].as<std::string>();
    w->images[name] = ref;
  }
}

}  // namespace

Workload workload_from_rendered(const std::string& path) {
  Workload w;
  take_objects(load_documents(path), path, &w);
  return w;
}

Workload workload_from_kustomization(const std::string& dir) {
  Workload w;
  std::vector<YAML::Node> objects;
  apply_kustomization(dir, &w, &objects);
  // The kustomization's namespace and generated ConfigMaps win over what
  // the resources themselves say.
  const auto generated = w.config_maps;
  const std::string ns = w.namespace_;
  take_objects(objects, dir, &w);
  for (const auto& [name, data] : generated) w.config_maps[name] = data;
  if (!ns.empty()) w.namespace_ = ns;
  return w;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string resolve_image(const Workload& w, const std::string& image) {
  auto it = w.images.find(image);
  return it == w.images.end() ? image : it->second;
}

}  // namespace nri_seccomp::e2e
