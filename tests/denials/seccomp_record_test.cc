// The seccomp audit record parsers, on records captured from this kernel
// (Debian 12, 6.x; a libseccomp filter with mkdir -> LOG, mkdirat and
// getppid -> ERRNO(EPERM) and SECCOMP_FILTER_FLAG_LOG), read once from the
// audit netlink multicast group and once from /dev/kmsg.
#include <gtest/gtest.h>

#include "denials/seccomp_record.h"

namespace nri_seccomp::denials {
namespace {

const std::string kNetlinkLog =
    "audit(1796335107.710:60): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=24956 comm=\"cap\" "
    "exe=\"/tmp/cap/cap\" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7feff44f9f37 code=0x7ffc0000";
const std::string kKmsgErrno =
    "5,408,3265561838,-;audit: type=1326 audit(1796335107.710:61): auid=4294967295 uid=0 gid=0 ses=4294967295 "
    "pid=24956 comm=\"cap\" exe=\"/tmp/cap/cap\" sig=0 arch=c000003e syscall=258 compat=0 ip=0x7feff4503829 code=0x50000";

TEST(SeccompRecord, NetlinkPayloadOfALogAction) {
  const auto parsed = parse_netlink_payload(kNetlinkLog);
  ASSERT_TRUE(parsed.record) << parsed.error;
  const auto& r = *parsed.record;
  EXPECT_EQ(r.serial, 60u);
  EXPECT_EQ(r.time_ms, 1796335107710u);
  EXPECT_EQ(r.pid, 24956u);
  EXPECT_EQ(r.comm, "cap");
  EXPECT_EQ(r.exe, "/tmp/cap/cap");
  EXPECT_EQ(r.arch, 0xc000003eu);
  EXPECT_EQ(r.syscall, 83);  // mkdir on x86_64
  EXPECT_FALSE(r.compat);
  EXPECT_EQ(action_of(r.code), "log");
}

TEST(SeccompRecord, KmsgLineOfAnErrnoAction) {
  const auto parsed = parse_kmsg_line(kKmsgErrno);
  ASSERT_TRUE(parsed.record) << parsed.error;
  EXPECT_EQ(parsed.record->serial, 61u);
  EXPECT_EQ(parsed.record->syscall, 258);  // mkdirat
  // The filter returned ERRNO(EPERM); the kernel logs the action alone.
  EXPECT_EQ(parsed.record->code, 0x50000u);
  EXPECT_EQ(action_of(parsed.record->code), "errno");
}

TEST(SeccompRecord, TheNetlinkPayloadMayEndInNul) {
  EXPECT_TRUE(parse_netlink_payload(kNetlinkLog + std::string(1, '\0')).record);
}

TEST(SeccompRecord, HexEncodedCommIsDecoded) {
  // The kernel hex-encodes a comm with a space or quote in it.
  std::string line = kNetlinkLog;
  line.replace(line.find("comm=\"cap\""), 10, "comm=6D7920617070");
  const auto parsed = parse_netlink_payload(line);
  ASSERT_TRUE(parsed.record) << parsed.error;
  EXPECT_EQ(parsed.record->comm, "my app");
}

TEST(SeccompRecord, KillActions) {
  EXPECT_EQ(action_of(0x80000000u), "kill_process");
  EXPECT_EQ(action_of(0x00000000u), "kill_thread");
  EXPECT_EQ(action_of(0x00030000u), "trap");
  EXPECT_EQ(action_of(0x12340000u), "0x12340000");
}

TEST(SeccompRecord, MalformedLinesSayWhy) {
  EXPECT_EQ(parse_kmsg_line("6,1,2,-;audit: type=1400 audit(1.2:3): apparmor=\"DENIED\"").error, "not a seccomp record");
  EXPECT_EQ(parse_kmsg_line("no prefix").error, "no ';' after the kmsg prefix");
  EXPECT_EQ(parse_netlink_payload("type=1326 pid=1").error, "no audit( header");
  EXPECT_EQ(parse_netlink_payload("audit(1.2:3) pid=1").error, "no end of the audit( header");
  EXPECT_EQ(parse_netlink_payload("audit(x.2:3): pid=1").error, "bad audit stamp \"x.2:3\"");
  EXPECT_EQ(parse_netlink_payload("audit(1.2:3): pid=1 arch=c000003e syscall=83").error, "missing pid, arch, syscall or code");
  EXPECT_EQ(parse_netlink_payload("audit(1.2:3): pid=-1 arch=c000003e syscall=83 code=0x0").error, "bad pid \"-1\"");
  EXPECT_EQ(parse_netlink_payload("audit(1.2:3): pid=1 arch=zz syscall=83 code=0x0").error, "bad arch \"zz\"");
  EXPECT_EQ(parse_netlink_payload("audit(1.2:3): pid=1 arch=c000003e syscall=83 code=50000").error, "bad code \"50000\"");
  EXPECT_EQ(parse_netlink_payload("audit(99999999999999999.2:3): pid=1 arch=c000003e syscall=83 code=0x0").error,
            "bad audit stamp \"99999999999999999.2:3\"");
}

}  // namespace
}  // namespace nri_seccomp::denials
