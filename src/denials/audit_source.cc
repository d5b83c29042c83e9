#include "denials/audit_source.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/log.h"

namespace nri_seccomp::denials {
namespace {

bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  return n > 0 && (p.revents & POLLIN);
}

class NetlinkSource final : public AuditSource {
 public:
  explicit NetlinkSource(int fd) : fd_(fd) {}
  ~NetlinkSource() override { ::close(fd_); }
  std::string name() const override { return "netlink"; }

  bool read(std::chrono::milliseconds timeout, std::vector<SeccompRecord>& out) override {
    if (!wait_readable(fd_, timeout)) return true;
    while (true) {
      const ssize_t n = ::recv(fd_, buffer_, sizeof buffer_, MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (n < 0 && errno == ENOBUFS) {  // the socket buffer overran: records were lost
        ++stats_.lost;
        continue;
      }
      if (n <= 0) {
        log::error("audit_source_failed", {{"source", "netlink"}, {"error", n < 0 ? std::strerror(errno) : "closed"}});
        return false;
      }
      int len = static_cast<int>(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(buffer_); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type != kAuditSeccompType) continue;
        const std::string_view payload(static_cast<const char*>(NLMSG_DATA(h)), h->nlmsg_len - NLMSG_HDRLEN);
        auto parsed = parse_netlink_payload(payload);
        if (parsed.record) {
          ++stats_.records;
          out.push_back(std::move(*parsed.record));
        } else {
          ++stats_.unparsed;
          log::warn("audit_record_unparsed", {{"source", "netlink"}, {"error", parsed.error}});
        }
      }
    }
  }

 private:
  int fd_;
  alignas(nlmsghdr) char buffer_[64 * 1024];
};

class KmsgSource final : public AuditSource {
 public:
  explicit KmsgSource(int fd) : fd_(fd) {}
  ~KmsgSource() override { ::close(fd_); }
  std::string name() const override { return "kmsg"; }

  bool read(std::chrono::milliseconds timeout, std::vector<SeccompRecord>& out) override {
    if (!wait_readable(fd_, timeout)) return true;
    while (true) {
      // One read() returns one record (the kernel's /dev/kmsg protocol).
      const ssize_t n = ::read(fd_, buffer_, sizeof buffer_ - 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return true;
      if (n < 0 && errno == EPIPE) {  // overwritten before we read it
        ++stats_.lost;
        continue;
      }
      if (n <= 0) {
        log::error("audit_source_failed", {{"source", "kmsg"}, {"error", n < 0 ? std::strerror(errno) : "closed"}});
        return false;
      }
      auto parsed = parse_kmsg_line(std::string_view(buffer_, static_cast<size_t>(n)));
      if (parsed.record) {
        ++stats_.records;
        out.push_back(std::move(*parsed.record));
      } else if (parsed.error != "not a seccomp record") {
        ++stats_.unparsed;
        log::warn("audit_record_unparsed", {{"source", "kmsg"}, {"error", parsed.error}});
      }
    }
  }

 private:
  int fd_;
  char buffer_[8192];
};

}  // namespace

std::unique_ptr<AuditSource> open_audit_source(std::string& why) {
  std::string netlink_error;
  const int nl = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (nl >= 0) {
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = AUDIT_NLGRP_READLOG;
    if (::bind(nl, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      why = "audit netlink multicast group (CAP_AUDIT_READ)";
      return std::make_unique<NetlinkSource>(nl);
    }
    netlink_error = fmt::format("joining the audit netlink group: {}", std::strerror(errno));
    ::close(nl);
  } else {
    netlink_error = fmt::format("audit netlink socket: {}", std::strerror(errno));
  }
  const int kmsg = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (kmsg >= 0) {
    ::lseek(kmsg, 0, SEEK_END);  // only what happens from now on
    why = fmt::format("/dev/kmsg, because {} (records reach it only while no audit daemon runs)", netlink_error);
    return std::make_unique<KmsgSource>(kmsg);
  }
  why = fmt::format("none: {}; /dev/kmsg: {}", netlink_error, std::strerror(errno));
  return nullptr;
}

}  // namespace nri_seccomp::denials
