// Reads the nri-seccomp DaemonSet as an operator would deploy it: either the
// output of `kubectl kustomize OVERLAY` (every object rendered), or, where
// kubectl is missing, the kustomization folder itself (an overlay or the
// base). For that this is a deliberately tiny kustomize: the keys our
// kustomizations use (namespace, resources as files or folders,
// generatorOptions, configMapGenerator with files and behavior, images,
// patches made of JSON 6902 "add" ops) and
// an error for any other, so a kustomization that outgrows it fails loudly
// instead of being half-read.
#pragma once

#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

namespace nri_seccomp::e2e {

struct Workload {
  std::string name;       // the DaemonSet's name
  std::string namespace_;
  YAML::Node pod_template;  // spec.template: metadata and spec
  // ConfigMap name -> key -> content, for the template's configMap volumes.
  std::map<std::string, std::map<std::string, std::string>> config_maps;
  // Image names as the manifest writes them -> the reference to run
  // (kustomize's `images:` transformer; identity for rendered output).
  std::map<std::string, std::string> images;
};

// Multi-document YAML with exactly one DaemonSet. Throws std::runtime_error
// naming the file and the problem.
Workload workload_from_rendered(const std::string& path);

// DIR/kustomization.yaml and everything it names.
Workload workload_from_kustomization(const std::string& dir);

// A whole file's bytes; throws std::runtime_error naming it.
std::string read_whole_file(const std::string& path);

// The image reference a container's `image:` resolves to.
std::string resolve_image(const Workload& w, const std::string& image);

}  // namespace nri_seccomp::e2e
