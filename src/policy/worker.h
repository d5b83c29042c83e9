// One background thread running tasks in order. The engine keeps slow work
// (cold merges, Localhost reads, the recovery audit) here so that the thread
// answering the runtime can give up on it at its deadline and still leave it
// to finish (the result lands in the caches for the next request).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace nri_seccomp::policy {

class Worker {
 public:
  explicit Worker(std::string name);
  ~Worker();  // lets the running task finish, drops the queued ones
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void submit(std::function<void()> task);
  void wait_idle();  // tests and benchmarks

 private:
  void loop();

  std::string name_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool running_ = false, stopping_ = false;
  std::thread thread_;
};

}  // namespace nri_seccomp::policy
