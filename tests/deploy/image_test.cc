// The offline image (scripts/build-image.sh) against the Containerfile, the
// built binary and the OCI image layout. The Containerfile is parsed here on
// its own, not through the builder, so either one drifting fails a test:
//   - the runtime stage's apt packages against the binary's ELF NEEDED;
//   - every COPY destination in the image, with its source's bytes;
//   - USER, EXPOSE, ENTRYPOINT and CMD against the image config;
//   - the binary runs in the image's root filesystem and every library
//     resolves there (chroot, so no host library can stand in);
//   - index -> manifest -> config and layer: digests and sizes.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "deploy_support.h"

namespace {

namespace fs = std::filesystem;
using deploy_test::read_file;
using deploy_test::run_command;
using deploy_test::shell_quote;
using nlohmann::json;

const std::string kSource = NRI_SECCOMP_SOURCE_DIR;
#ifdef NRI_SECCOMP_BINARY
const std::string kBinary = NRI_SECCOMP_BINARY;
const std::string kImageDir = NRI_SECCOMP_IMAGE_DIR;
#else
const std::string kBinary, kImageDir;
#endif

// Packages every debian:bookworm-slim has (Priority required; apt and
// coreutils depend on them), so the Containerfile need not list them.
const std::set<std::string> kSlimBasePackages = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"};

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// --- the Containerfile, as a builder reads it.

struct Instruction {
  std::string keyword;  // upper case: FROM, RUN, COPY ...
  std::string args;     // continuation lines joined
};

struct Stage {
  std::string base, name;
  std::vector<Instruction> instructions;
};

// Stages of a Dockerfile: comment lines dropped (also inside continued
// instructions, as BuildKit does), backslash continuations joined.
std::vector<Stage> parse_containerfile(const std::string& text) {
  std::vector<Stage> stages;
  std::istringstream lines(text);
  std::string line, pending;
  auto finish = [&](const std::string& instruction) {
    auto w = words(instruction);
    if (w.empty()) return;
    Instruction ins{w[0], instruction.substr(instruction.find(w[0]) + w[0].size())};
    for (auto& c : ins.keyword) c = static_cast<char>(::toupper(c));
    if (ins.keyword == "FROM") {
      auto a = words(ins.args);
      stages.push_back({a.at(0), a.size() >= 3 ? a[2] : "", {}});
    } else if (!stages.empty()) {
      stages.back().instructions.push_back(ins);
    }
  };
  while (std::getline(lines, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    auto last = line.find_last_not_of(" \t\r");
    if (line[last] == '\\') {
      pending += line.substr(0, last) + " ";
      continue;
    }
    finish(pending + line);
    pending.clear();
  }
  finish(pending);
  return stages;
}

const Stage& stage_named(const std::vector<Stage>& stages, const std::string& name) {
  for (const auto& s : stages) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("Containerfile: no stage " + name);
}

std::vector<std::string> instruction_args(const Stage& stage, const std::string& keyword) {
  std::vector<std::string> out;
  for (const auto& i : stage.instructions) {
    if (i.keyword == keyword) out.push_back(i.args);
  }
  return out;
}

// Packages of every `apt-get install` in STAGE's RUN instructions.
std::set<std::string> apt_packages(const Stage& stage) {
  std::set<std::string> packages;
  for (const auto& run : instruction_args(stage, "RUN")) {
    auto w = words(run);
    for (size_t i = 0; i + 1 < w.size(); ++i) {
      if (w[i] != "apt-get" || w[i + 1] != "install") continue;
      for (size_t j = i + 2; j < w.size() && w[j] != "&&" && w[j] != ";"; ++j) {
        if (w[j][0] != '-') packages.insert(w[j]);
      }
    }
  }
  return packages;
}

struct Copy {
  std::string from;  // stage name, "" for the build context
  std::vector<std::string> sources;
  std::string dest;
};

std::vector<Copy> copies(const Stage& stage) {
  std::vector<Copy> out;
  for (const auto& args : instruction_args(stage, "COPY")) {
    Copy c;
    for (const auto& w : words(args)) {
      if (w.rfind("--from=", 0) == 0) c.from = w.substr(7);
      else if (w.rfind("--", 0) != 0) c.sources.push_back(w);
    }
    c.dest = c.sources.back();
    c.sources.pop_back();
    out.push_back(c);
  }
  return out;
}

// The build stage's `install ... -s SRC DEST`: DEST -> SRC (a stripped copy).
std::map<std::string, std::string> stripped_installs(const Stage& stage) {
  std::map<std::string, std::string> out;
  for (const auto& run : instruction_args(stage, "RUN")) {
    auto w = words(run);
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] != "install") continue;
      std::vector<std::string> operands;
      bool strip = false;
      for (size_t j = i + 1; j < w.size() && w[j] != "&&"; ++j) {
        if (w[j] == "-s") strip = true;
        else if (w[j] == "-m") ++j;
        else if (w[j][0] != '-') operands.push_back(w[j]);
      }
      if (strip && operands.size() == 2) out[operands[1]] = operands[0];
    }
  }
  return out;
}

// --- paths inside an unpacked root filesystem.

// PATH resolved inside ROOT: symlinks, absolute ones too, are followed
// against ROOT, never against the host. "" when it does not exist.
std::string resolve_in_root(const std::string& root, const std::string& path, int depth = 0) {
  if (depth > 40) return "";
  std::string resolved;  // inside ROOT, no trailing slash
  std::vector<std::string> parts;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/')) {
    if (!part.empty() && part != ".") parts.push_back(part);
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "..") {
      resolved = resolved.substr(0, resolved.rfind('/'));
      continue;
    }
    std::string candidate = resolved + "/" + parts[i];
    struct stat st;
    if (::lstat((root + candidate).c_str(), &st) != 0) return "";
    if (S_ISLNK(st.st_mode)) {
      auto target = fs::read_symlink(root + candidate).string();
      std::string rest;
      for (size_t j = i + 1; j < parts.size(); ++j) rest += "/" + parts[j];
      std::string base = target[0] == '/' ? target : resolved + "/" + target;
      return resolve_in_root(root, base + rest, depth + 1);
    }
    resolved = candidate;
  }
  return resolved.empty() ? "/" : resolved;
}

std::vector<std::string> elf_needed(const std::string& file) {
  auto r = run_command("readelf -d " + shell_quote(file) +
                       " | sed -n 's/.*Shared library: \\[\\(.*\\)\\]/\\1/p'");
  if (r.status != 0) throw std::runtime_error("readelf -d " + file + " failed");
  return words(r.output);
}

std::string elf_interpreter(const std::string& file) {
  auto r = run_command("readelf -l " + shell_quote(file) +
                       " | sed -n 's/.*Requesting program interpreter: \\(.*\\)\\]/\\1/p'");
  return words(r.output).empty() ? "" : words(r.output)[0];
}

std::string sha256_of(const std::string& command_producing_bytes) {
  auto r = run_command(command_producing_bytes + " | sha256sum");
  return r.status == 0 && !words(r.output).empty() ? "sha256:" + words(r.output)[0] : "";
}

// --- the image, built once for all tests.

class Image : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (kBinary.empty()) {
      skip_ = "nri-seccomp binary not part of this build";
      return;
    }
    if (run_command("command -v readelf >/dev/null && command -v dpkg >/dev/null && command -v strip >/dev/null")
            .status != 0) {
      skip_ = "needs readelf, strip and dpkg";
      return;
    }
    auto built = build_image(kImageDir + "/nri-seccomp-0.1.0.oci.tar");
    build_output_ = built.output;
    if (built.status != 0) return;
    archive_ = words(built.output).at(0);
    // One folder per test process: ctest may run these tests in parallel.
    std::string pattern = kImageDir + "/.test-unpacked.XXXXXX";
    if (!::mkdtemp(pattern.data())) return;
    unpacked_ = pattern;
    layout_ = unpacked_ + "/layout";
    rootfs_ = unpacked_ + "/rootfs";
    fs::create_directories(layout_);
    fs::create_directories(rootfs_);
    if (run_command("tar -xf " + shell_quote(archive_) + " -C " + shell_quote(layout_)).status != 0) return;
    index_ = json::parse(read_file(layout_ + "/index.json"));
    manifest_ = json::parse(read_file(blob(index_["manifests"][0]["digest"])));
    config_ = json::parse(read_file(blob(manifest_["config"]["digest"])));
    for (const auto& layer : manifest_["layers"]) {
      if (run_command("tar -xzf " + shell_quote(blob(layer["digest"])) + " -C " + shell_quote(rootfs_))
              .status != 0)
        return;
    }
    stages_ = parse_containerfile(read_file(kSource + "/Containerfile"));
    ready_ = true;
  }

  static void TearDownTestSuite() {
    if (!unpacked_.empty()) fs::remove_all(unpacked_);
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(ready_) << "scripts/build-image.sh or unpacking failed:\n" << build_output_;
  }

  static deploy_test::CommandResult build_image(const std::string& out) {
    return run_command(kSource + "/scripts/build-image.sh --binary " + shell_quote(kBinary) + " --out " +
                       shell_quote(out) + " 2>&1");
  }

  static std::string blob(const json& digest) {
    auto d = digest.get<std::string>();
    return layout_ + "/blobs/" + d.substr(0, d.find(':')) + "/" + d.substr(d.find(':') + 1);
  }

  static const Stage& runtime_stage() { return stages_.back(); }

  // Expects DESCRIPTOR's digest and size to match its blob.
  static void expect_descriptor_matches(const json& descriptor) {
    auto path = blob(descriptor["digest"]);
    ASSERT_TRUE(fs::is_regular_file(path)) << "missing blob " << descriptor["digest"];
    EXPECT_EQ(sha256_of("cat " + shell_quote(path)), descriptor["digest"].get<std::string>());
    EXPECT_EQ(fs::file_size(path), descriptor["size"].get<uintmax_t>());
  }

  static inline std::string skip_, build_output_, archive_, unpacked_, layout_, rootfs_;
  static inline json index_, manifest_, config_;
  static inline std::vector<Stage> stages_;
  static inline bool ready_ = false;
};

TEST_F(Image, ArchiveIsAValidOciLayoutNamedAsTheKustomizeBaseDeploysIt) {
  EXPECT_EQ(json::parse(read_file(layout_ + "/oci-layout")), json({{"imageLayoutVersion", "1.0.0"}}));
  ASSERT_EQ(index_["manifests"].size(), 1u);
  const auto& entry = index_["manifests"][0];
  EXPECT_EQ(entry["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  expect_descriptor_matches(entry);
  EXPECT_EQ(manifest_["schemaVersion"], 2);
  EXPECT_EQ(manifest_["config"]["mediaType"], "application/vnd.oci.image.config.v1+json");
  expect_descriptor_matches(manifest_["config"]);
  ASSERT_EQ(manifest_["layers"].size(), config_["rootfs"]["diff_ids"].size());
  std::set<std::string> referenced = {entry["digest"].get<std::string>(),
                                      manifest_["config"]["digest"].get<std::string>()};
  for (size_t i = 0; i < manifest_["layers"].size(); ++i) {
    const auto& layer = manifest_["layers"][i];
    EXPECT_EQ(layer["mediaType"], "application/vnd.oci.image.layer.v1.tar+gzip");
    expect_descriptor_matches(layer);
    // The config names the uncompressed layer.
    EXPECT_EQ(sha256_of("gzip -dc " + shell_quote(blob(layer["digest"]))), config_["rootfs"]["diff_ids"][i]);
    referenced.insert(layer["digest"].get<std::string>());
  }
  for (const auto& f : fs::directory_iterator(layout_ + "/blobs/sha256")) {
    EXPECT_TRUE(referenced.count("sha256:" + f.path().filename().string())) << "stray blob " << f.path();
  }
  EXPECT_EQ(config_["os"], "linux");
  EXPECT_EQ(entry["platform"]["architecture"], config_["architecture"]);

  auto kustomization = YAML::LoadFile(kSource + "/deploy/kubernetes/base/kustomization.yaml");
  auto image = kustomization["images"][0];
  auto name = image["newName"].as<std::string>() + ":" + image["newTag"].as<std::string>();
  EXPECT_EQ(entry["annotations"]["io.containerd.image.name"], name);
  EXPECT_EQ(entry["annotations"]["org.opencontainers.image.ref.name"], image["newTag"].as<std::string>());
}

TEST_F(Image, ConfigHasTheContainerfilesUserPortsEntrypointAndCommand) {
  const auto& stage = runtime_stage();
  const auto& c = config_["config"];
  auto user = instruction_args(stage, "USER");
  ASSERT_EQ(user.size(), 1u);
  EXPECT_EQ(c["User"], words(user[0]).at(0));

  json ports = json::object();
  for (const auto& args : instruction_args(stage, "EXPOSE")) {
    for (auto port : words(args)) ports[port.find('/') == std::string::npos ? port + "/tcp" : port] = json::object();
  }
  EXPECT_EQ(c["ExposedPorts"], ports);

  auto entrypoint = instruction_args(stage, "ENTRYPOINT");
  auto cmd = instruction_args(stage, "CMD");
  ASSERT_EQ(entrypoint.size(), 1u);
  ASSERT_EQ(cmd.size(), 1u);
  EXPECT_EQ(c["Entrypoint"], json::parse(entrypoint[0]));
  EXPECT_EQ(c["Cmd"], json::parse(cmd[0]));
  ASSERT_TRUE(c["Env"].is_array());
  EXPECT_TRUE(c["Env"][0].get<std::string>().rfind("PATH=", 0) == 0);
}

TEST_F(Image, EveryCopyDestinationHoldsItsSourcesBytes) {
  // Destination in the image -> the file whose bytes it must have; later
  // COPYs replace earlier ones (must-block.json is copied twice).
  std::map<std::string, std::string> expected;
  std::map<std::string, std::string> stripped;
  auto build_outputs = stripped_installs(stage_named(stages_, "build"));
  for (const auto& c : copies(runtime_stage())) {
    for (const auto& source : c.sources) {
      if (!c.from.empty()) {
        // The build stage's `install -s build/plugin/nri-seccomp /out/...`.
        ASSERT_EQ(build_outputs[source], "build/plugin/nri-seccomp") << "COPY --from=" << c.from << " " << source;
        std::string copy = unpacked_ + "/stripped-nri-seccomp";
        ASSERT_EQ(run_command("strip -o " + shell_quote(copy) + " " + shell_quote(kBinary)).status, 0);
        expected[c.dest] = copy;
        stripped[c.dest] = source;
      } else if (source.back() == '/') {
        for (const auto& f : fs::recursive_directory_iterator(kSource + "/" + source)) {
          if (f.is_regular_file()) {
            expected[c.dest + fs::relative(f.path(), kSource + "/" + source).string()] = f.path().string();
          }
        }
      } else {
        expected[c.dest.back() == '/' ? c.dest + fs::path(source).filename().string() : c.dest] =
            kSource + "/" + source;
      }
    }
  }
  ASSERT_GE(expected.size(), 4u);
  for (const auto& [dest, source] : expected) {
    auto in_image = resolve_in_root(rootfs_, dest);
    ASSERT_FALSE(in_image.empty()) << dest << " missing from the image";
    EXPECT_TRUE(read_file(rootfs_ + in_image) == read_file(source)) << dest << " differs from " << source;
    if (stripped.count(dest)) {
      EXPECT_NE(fs::status(rootfs_ + in_image).permissions() & fs::perms::owner_exec, fs::perms::none) << dest;
    }
  }
  // Nothing else under /etc/nri-seccomp: the manifests mount over it.
  for (const auto& f : fs::recursive_directory_iterator(rootfs_ + "/etc/nri-seccomp")) {
    if (!f.is_directory()) {
      EXPECT_TRUE(expected.count("/" + fs::relative(f.path(), rootfs_).string())) << "unexpected " << f.path();
    }
  }
}

// Replaces the former check of the Containerfile's list alone: each library
// the binary needs is in the image, byte for byte a file of an installed
// package that the Containerfile installs or bookworm-slim already has, and
// each package the Containerfile installs provides one of them.
TEST_F(Image, ContainerfilePackagesAreExactlyTheBinarysLibrariesBeyondTheBase) {
  auto listed = apt_packages(runtime_stage());
  ASSERT_FALSE(listed.empty());
  const std::string binary = rootfs_ + "/usr/local/bin/nri-seccomp";
  auto needed = elf_needed(binary);
  ASSERT_FALSE(needed.empty());
  EXPECT_EQ(needed, elf_needed(kBinary)) << "stripping changed the NEEDED entries";
  const std::string triplet = config_["architecture"] == "amd64" ? "x86_64-linux-gnu" : "aarch64-linux-gnu";
  std::set<std::string> providers;
  for (const auto& lib : needed) {
    std::string in_image;
    for (const auto& dir : std::vector<std::string>{"/lib/" + triplet, "/usr/lib/" + triplet, "/lib", "/usr/lib"}) {
      in_image = resolve_in_root(rootfs_, dir + "/" + lib);
      if (!in_image.empty()) break;
    }
    ASSERT_FALSE(in_image.empty()) << lib << " is not in the image";
    // The installed package whose file has the same bytes.
    auto owners = run_command("dpkg -S " + shell_quote("*/" + lib) + " 2>/dev/null");
    std::string package;
    std::istringstream lines(owners.output);
    std::string line;
    while (std::getline(lines, line) && package.empty()) {
      auto colon = line.find(": ");
      if (colon == std::string::npos) continue;
      auto host_path = line.substr(colon + 2);
      if (fs::exists(host_path) && read_file(host_path) == read_file(rootfs_ + in_image)) {
        package = line.substr(0, line.find_first_of(":,"));
      }
    }
    ASSERT_FALSE(package.empty()) << lib << " in the image is no installed package's file";
    EXPECT_TRUE(listed.count(package) || kSlimBasePackages.count(package))
        << "the binary needs " << lib << " from " << package
        << ", which neither the Containerfile's runtime stage nor bookworm-slim has";
    providers.insert(package);
  }
  for (const auto& package : listed) {
    EXPECT_TRUE(providers.count(package)) << "the Containerfile installs " << package
                                          << ", which provides none of the binary's NEEDED libraries";
  }
}

TEST_F(Image, BinaryRunsInTheImageAndEveryLibraryResolvesThere) {
  if (::geteuid() != 0) GTEST_SKIP() << "chroot needs root (CI runs this as root)";
  auto version = run_command("chroot " + shell_quote(rootfs_) + " /usr/local/bin/nri-seccomp --version 2>&1");
  EXPECT_EQ(version.status, 0) << version.output;
  EXPECT_EQ(version.output, run_command(std::string(kBinary) + " --version 2>&1").output);

  // The image's own loader lists what it maps: inside the chroot only the
  // image's files exist, so a library missing there cannot come from the host.
  auto interpreter = elf_interpreter(rootfs_ + "/usr/local/bin/nri-seccomp");
  ASSERT_FALSE(interpreter.empty());
  auto listed = run_command("chroot " + shell_quote(rootfs_) + " " + interpreter +
                            " --list /usr/local/bin/nri-seccomp 2>&1");
  ASSERT_EQ(listed.status, 0) << listed.output;
  EXPECT_EQ(listed.output.find("not found"), std::string::npos) << listed.output;
  for (const auto& lib : elf_needed(rootfs_ + "/usr/local/bin/nri-seccomp")) {
    auto at = listed.output.find(lib + " => ");
    ASSERT_NE(at, std::string::npos) << lib << " unresolved:\n" << listed.output;
    auto path = words(listed.output.substr(at + lib.size() + 4)).at(0);
    EXPECT_FALSE(resolve_in_root(rootfs_, path).empty()) << lib << " => " << path;
  }
}

TEST_F(Image, RebuildingUnchangedInputsGivesTheSameArchive) {
  auto before = sha256_of("cat " + shell_quote(archive_));
  fs::remove(archive_ + ".inputs");  // drop the cache: a real rebuild
  auto rebuilt = build_image(archive_);
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.output;
  EXPECT_EQ(sha256_of("cat " + shell_quote(archive_)), before);
}

}  // namespace
