// From a record to the operator's words: container id from cgroup text as
// containerd and CRI-O lay it out (cgroupfs and systemd drivers, v1 and v2),
// the syscall's name per architecture, and a real process of this test.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "denials/attribution.h"

namespace nri_seccomp::denials {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kPodId = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

TEST(Attribution, ContainerIdFromCgroupPaths) {
  // containerd, cgroupfs driver, v1 (kubelet's cgroup parent, then the id).
  EXPECT_EQ(container_id_in_cgroups("12:pids:/kubepods/besteffort/pod1b2c/" + kId + "\n11:memory:/kubepods/besteffort/pod1b2c/" +
                                    kId + "\n"),
            kId);
  // containerd, systemd driver, v2.
  EXPECT_EQ(container_id_in_cgroups("0::/kubepods.slice/kubepods-pod1b2c.slice/cri-containerd-" + kId + ".scope\n"), kId);
  // CRI-O, both drivers; its conmon is not the container.
  EXPECT_EQ(container_id_in_cgroups("0::/kubepods.slice/kubepods-pod1b2c.slice/crio-" + kId + ".scope\n"), kId);
  EXPECT_EQ(container_id_in_cgroups("3:cpu:/kubepods/pod1b2c/crio-" + kId + "\n"), kId);
  EXPECT_EQ(container_id_in_cgroups("0::/kubepods.slice/crio-conmon-" + kId + ".scope\n"), "");
  // A sandbox id higher up the path loses to the container's own.
  EXPECT_EQ(container_id_in_cgroups("1:name=systemd:/e2e/" + kPodId + "/" + kId + "\n"), kId);
  EXPECT_EQ(container_id_in_cgroups("0::/user.slice/session-1.scope\n"), "");
  EXPECT_EQ(container_id_in_cgroups("0::/abc" + kId + "0/x\n"), "") << "65 hex digits are not an id";
  EXPECT_EQ(container_id_in_cgroups("garbage without colons"), "");
}

TEST(Attribution, ALivePidIsReadFromProcAndAGoneOneIsEmpty) {
  std::ifstream in("/proc/self/cgroup");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_FALSE(text.str().empty());
  EXPECT_EQ(container_id_of_pid(static_cast<uint32_t>(::getpid())), container_id_in_cgroups(text.str()));
  EXPECT_EQ(container_id_of_pid(0x7ffffff0u), "");
}

TEST(Attribution, SyscallNamesPerArchitecture) {
  EXPECT_EQ(syscall_name(0xc000003e, 258), "mkdirat");   // x86_64
  EXPECT_EQ(syscall_name(0xc000003e, 83), "mkdir");
  EXPECT_EQ(syscall_name(0x40000003, 39), "mkdir");      // i386
  EXPECT_EQ(syscall_name(0xc00000b7, 34), "mkdirat");    // aarch64
  EXPECT_EQ(syscall_name(0xc000003e, 0x40000000 + 83), "mkdir");  // x32
  EXPECT_EQ(syscall_name(0xc000003e, 99999), "syscall#99999");
}

}  // namespace
}  // namespace nri_seccomp::denials
