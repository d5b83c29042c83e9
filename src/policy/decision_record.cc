#include "policy/decision_record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/log.h"

namespace nri_seccomp::policy {
namespace {

constexpr int kFormatVersion = 1;
// A node runs a few hundred containers; far more means the file is not ours
// or pruning failed: refuse to grow without bound.
constexpr size_t kMaxEntries = 100000;

void make_parent_dirs(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    ::mkdir(path.substr(0, slash).c_str(), 0700);
  }
}

}  // namespace

DecisionRecord::DecisionRecord(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  std::ifstream in(path_);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    try {
      const auto doc = nlohmann::json::parse(text.str());
      if (doc.value("version", 0) != kFormatVersion) fail("unknown format version {}", doc.value("version", 0));
      for (const auto& [id, e] : doc.at("containers").items()) {
        RecordedDecision d;
        d.pod_namespace = e.value("namespace", "");
        d.pod = e.value("pod", "");
        d.container = e.value("container", "");
        d.profiles = e.value("profiles", "");
        d.mode = e.value("mode", "");
        d.hash = e.value("hash", "");
        d.wire_hash = e.value("wire_hash", "");
        d.generation = e.value("generation", uint64_t{0});
        if (by_id_.size() < kMaxEntries) by_id_.emplace(id, std::move(d));
      }
      log::info("decision_record_loaded", {{"path", path_}, {"containers", by_id_.size()}});
    } catch (const std::exception& e) {
      // Without it the audit reports every judged container as unprotected:
      // loud, and the safe direction.
      by_id_.clear();
      log::error("decision_record_unreadable", {{"path", path_}, {"error", e.what()}, {"action", "starting empty"}});
    }
  } else {
    make_parent_dirs(path_);
    log::info("decision_record_new", {{"path", path_}});
  }
  writer_ = std::thread([this] { write_loop(); });
}

DecisionRecord::~DecisionRecord() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

void DecisionRecord::confirm(const std::string& container_id, RecordedDecision decision) {
  {
    std::lock_guard lock(mutex_);
    if (by_id_.size() >= kMaxEntries && !by_id_.count(container_id)) return;
    by_id_.insert_or_assign(container_id, std::move(decision));
    dirty_ = true;
  }
  cv_.notify_all();
}

std::unordered_map<std::string, RecordedDecision> DecisionRecord::snapshot() const {
  std::lock_guard lock(mutex_);
  return by_id_;
}

void DecisionRecord::keep_only(const std::set<std::string>& container_ids) {
  {
    std::lock_guard lock(mutex_);
    for (auto it = by_id_.begin(); it != by_id_.end();) {
      if (container_ids.count(it->first)) {
        ++it;
      } else {
        it = by_id_.erase(it);
        dirty_ = true;
      }
    }
  }
  cv_.notify_all();
}

std::string DecisionRecord::serialize() const {
  nlohmann::json containers = nlohmann::json::object();
  for (const auto& [id, d] : by_id_) {
    containers[id] = {{"namespace", d.pod_namespace}, {"pod", d.pod},         {"container", d.container},
                      {"profiles", d.profiles},       {"mode", d.mode},       {"hash", d.hash},
                      {"wire_hash", d.wire_hash},     {"generation", d.generation}};
  }
  // Names come from pods: replace invalid UTF-8 rather than throw.
  return nlohmann::json{{"version", kFormatVersion}, {"containers", containers}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void DecisionRecord::flush() {
  if (path_.empty()) return;
  std::string text;
  {
    std::lock_guard lock(mutex_);
    text = serialize();
    dirty_ = false;
  }
  write_file(text);
}

void DecisionRecord::write_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return dirty_ || stopping_; });
    if (!dirty_ && stopping_) return;
    // Batch the confirmations of a burst of creations into one write.
    if (!stopping_) cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return stopping_; });
    std::string text = serialize();
    dirty_ = false;
    lock.unlock();
    write_file(text);
    lock.lock();
  }
}

void DecisionRecord::write_file(const std::string& text) const {
  // Per process: during a rolling replace two instances share the file.
  const std::string tmp = fmt::format("{}.tmp.{}", path_, ::getpid());
  int err = 0;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) err = errno;
  for (size_t off = 0; err == 0 && off < text.size();) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) err = n < 0 ? errno : EIO;
    if (n > 0) off += static_cast<size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (fd >= 0) ::close(fd);
  if (err == 0 && ::rename(tmp.c_str(), path_.c_str()) != 0) err = errno;
  if (err != 0) log::error("decision_record_write_failed", {{"path", path_}, {"error", std::strerror(err)}});
}

}  // namespace nri_seccomp::policy
