#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "helpers.h"
#include "policy/profile_store.h"
#include "support/daemon_process.h"

namespace nri_seccomp::policy {
namespace {

using test::write_file;

ProfileStore load(const std::vector<std::string>& dirs, const ProfileStore* previous = nullptr) {
  StoreOptions o;
  o.dirs = dirs;
  return ProfileStore::load(o, previous);
}

bool has_warning(const ProfileStore& s, std::string_view needle) {
  for (const auto& w : s.warnings()) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(ProfileStore, LoadsEveryProfileByFileNameWithoutExtension) {
  testing::TempDir dir;
  test::write_test_profiles(dir.path());
  write_file(dir.file("README.md"), "not a profile");
  write_file(dir.file("spo.yaml"), R"(apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: spo
spec:
  defaultAction: SCMP_ACT_ALLOW
  syscalls:
    - names: [unshare]
      action: SCMP_ACT_ERRNO
)");
  auto store = load({dir.path()});
  EXPECT_EQ(store.size(), 6u);
  EXPECT_EQ(store.broken(), 0u);
  for (const char* name : {"block-mkdir", "block-mkdir-kill", "no-ptrace", "log-chmod", "allow-all", "spo"}) {
    const auto* e = store.find(name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_TRUE(e->ok()) << name << ": " << e->error;
    EXPECT_EQ(e->hash.rfind("sha256:", 0), 0u);
  }
  EXPECT_EQ(store.find("README"), nullptr);
  EXPECT_EQ(store.find("block-mkdir")->policy->syscalls.at(0).names, (std::vector<std::string>{"mkdir", "mkdirat"}));
}

TEST(ProfileStore, BrokenFilesAreRecordedWithTheirError) {
  testing::TempDir dir;
  write_file(dir.file("garbage.json"), "{ not json");
  write_file(dir.file("bad-action.json"), R"({"defaultAction":"SCMP_ACT_EXPLODE"})");
  write_file(dir.file("unknown-syscall.json"),
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_syscall_x"],"action":"SCMP_ACT_ERRNO"}]})");
  auto store = load({dir.path()});
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.broken(), 3u);
  for (const char* name : {"garbage", "bad-action", "unknown-syscall"}) {
    const auto* e = store.find(name);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->ok());
    EXPECT_NE(e->error.find(dir.file(std::string(name) + ".json")), std::string::npos) << e->error;
  }
  EXPECT_NE(store.find("bad-action")->error.find("SCMP_ACT_EXPLODE"), std::string::npos);
  EXPECT_NE(store.find("unknown-syscall")->error.find("no_such_syscall_x"), std::string::npos);
}

TEST(ProfileStore, UnknownSyscallsCanBeIgnoredByOption) {
  testing::TempDir dir;
  write_file(dir.file("u.json"),
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_syscall_x","ptrace"],"action":"SCMP_ACT_ERRNO"}]})");
  StoreOptions o;
  o.dirs = {dir.path()};
  o.compile.unknown_syscalls = seccomp::UnknownSyscalls::ignore;
  auto store = ProfileStore::load(o);
  ASSERT_NE(store.find("u"), nullptr);
  EXPECT_TRUE(store.find("u")->ok()) << store.find("u")->error;
}

TEST(ProfileStore, FirstDirWinsWithAWarning) {
  testing::TempDir a, b;
  write_file(a.file("p.json"), R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]})");
  write_file(b.file("p.yaml"), "garbage: [");
  write_file(b.file("only-b.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  auto store = load({a.path(), b.path()});
  ASSERT_NE(store.find("p"), nullptr);
  EXPECT_EQ(store.find("p")->path, a.file("p.json"));
  EXPECT_TRUE(store.find("p")->ok());
  EXPECT_NE(store.find("only-b"), nullptr);
  EXPECT_TRUE(has_warning(store, "profile p: " + b.file("p.yaml") + " is shadowed by " + a.file("p.json")));
}

TEST(ProfileStore, SameNameTwiceInOneDirFirstInNameOrderWins) {
  testing::TempDir a;
  write_file(a.file("p.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  write_file(a.file("p.yaml"), "garbage: [");
  auto store = load({a.path()});
  EXPECT_EQ(store.find("p")->path, a.file("p.json"));
  EXPECT_TRUE(has_warning(store, "is shadowed by"));
}

TEST(ProfileStore, SymlinksInsideTheDirWorkOutsideAreBroken) {
  testing::TempDir dir, outside;
  write_file(outside.file("evil.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  write_file(dir.file("real.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  ASSERT_EQ(::symlink("real.json", dir.file("alias.json").c_str()), 0);
  ASSERT_EQ(::symlink(outside.file("evil.json").c_str(), dir.file("escape.json").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../../../../etc/passwd", dir.file("passwd.json").c_str()), 0);
  ASSERT_EQ(::symlink("nowhere.json", dir.file("dangling.json").c_str()), 0);
  auto store = load({dir.path()});
  EXPECT_TRUE(store.find("alias")->ok());
  EXPECT_FALSE(store.find("escape")->ok());
  EXPECT_NE(store.find("escape")->error.find("outside its profile dir"), std::string::npos) << store.find("escape")->error;
  EXPECT_FALSE(store.find("passwd")->ok());
  EXPECT_NE(store.find("passwd")->error.find("outside its profile dir"), std::string::npos);
  EXPECT_FALSE(store.find("dangling")->ok());
  EXPECT_NE(store.find("dangling")->error.find("cannot resolve"), std::string::npos);
}

// Kubernetes mounts a ConfigMap as: ..2026_x/<files>, ..data -> ..2026_x,
// <name> -> ..data/<name>. Everything resolves inside the mounted dir.
TEST(ProfileStore, ConfigMapLayoutLoads) {
  testing::TempDir dir;
  ASSERT_EQ(::mkdir(dir.file("..2026_11_27_20_00_00.1").c_str(), 0755), 0);
  test::write_test_profiles(dir.file("..2026_11_27_20_00_00.1"));
  ASSERT_EQ(::symlink("..2026_11_27_20_00_00.1", dir.file("..data").c_str()), 0);
  for (const char* f : {"block-mkdir.json", "no-ptrace.json"}) {
    ASSERT_EQ(::symlink((std::string("..data/") + f).c_str(), dir.file(f).c_str()), 0);
  }
  auto store = load({dir.path()});
  EXPECT_EQ(store.size(), 2u);
  EXPECT_TRUE(store.find("block-mkdir")->ok()) << store.find("block-mkdir")->error;
  EXPECT_TRUE(store.find("no-ptrace")->ok());
  EXPECT_TRUE(store.warnings().empty());
}

TEST(ProfileStore, OversizedFilesAreBroken) {
  testing::TempDir dir;
  write_file(dir.file("huge.json"), R"({"defaultAction":"SCMP_ACT_ALLOW","x":")" + std::string(1 << 20, 'a') + "\"}");
  auto store = load({dir.path()});
  ASSERT_NE(store.find("huge"), nullptr);
  EXPECT_FALSE(store.find("huge")->ok());
  EXPECT_NE(store.find("huge")->error.find("over the 1048576 byte limit"), std::string::npos) << store.find("huge")->error;
}

TEST(ProfileStore, MissingDirIsAWarningNotAFailure) {
  testing::TempDir dir;
  auto store = load({dir.file("nope"), dir.path()});
  EXPECT_EQ(store.size(), 0u);
  EXPECT_TRUE(has_warning(store, "profile dir " + dir.file("nope") + ": cannot open: No such file or directory"));
}

TEST(ProfileStore, InvalidFileNamesAreSkippedWithAWarning) {
  testing::TempDir dir;
  write_file(dir.file("bad name.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  auto store = load({dir.path()});
  EXPECT_EQ(store.size(), 0u);
  EXPECT_TRUE(has_warning(store, "skipped"));
}

TEST(ProfileStore, FiveHundredProfilesLoadAndUnchangedOnesAreReused) {
  testing::TempDir dir;
  const char* syscalls[] = {"ptrace", "mkdirat", "unshare", "setns", "mount", "chroot", "reboot", "swapon"};
  for (int i = 0; i < 500; ++i) {
    write_file(dir.file("p" + std::to_string(i) + ".json"),
               std::string(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[")") + syscalls[i % 8] +
                   R"("],"action":"SCMP_ACT_ERRNO","errnoRet":)" + std::to_string(1 + i % 100) + "}]}");
  }
  auto first = load({dir.path()});
  EXPECT_EQ(first.size(), 500u);
  EXPECT_EQ(first.broken(), 0u);
  EXPECT_EQ(first.reused(), 0u);
  write_file(dir.file("p7.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  auto second = load({dir.path()}, &first);
  EXPECT_EQ(second.size(), 500u);
  EXPECT_EQ(second.reused(), 499u);
  EXPECT_TRUE(second.find("p7")->policy->syscalls.empty());
}

}  // namespace
}  // namespace nri_seccomp::policy

namespace nri_seccomp::policy {
namespace {

TEST(ProfileStore, ShippedExampleProfilesAllLoad) {
  StoreOptions o;
  o.dirs = {test::source_dir() + "/config/profiles"};
  auto store = ProfileStore::load(o);
  EXPECT_GE(store.size(), 5u);
  for (const auto& [name, entry] : store.entries()) EXPECT_TRUE(entry->ok()) << name << ": " << entry->error;
  EXPECT_TRUE(store.warnings().empty());
}

}  // namespace
}  // namespace nri_seccomp::policy
