#include "policy/worker.h"

#include <pthread.h>

#include "common/log.h"

namespace nri_seccomp::policy {

Worker::Worker(std::string name) : name_(std::move(name)) {
  thread_ = std::thread([this] { loop(); });
  ::pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

Worker::~Worker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    tasks_.clear();
  }
  cv_.notify_all();
  thread_.join();
}

void Worker::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    tasks_.push_back(std::move(task));
  }
  cv_.notify_all();
}

void Worker::wait_idle() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return stopping_ || (tasks_.empty() && !running_); });
}

void Worker::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (stopping_) return;
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    running_ = true;
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {  // a task must never take the daemon down
      log::error("worker_task_failed", {{"worker", name_}, {"error", e.what()}});
    }
    lock.lock();
    running_ = false;
    cv_.notify_all();
  }
}

}  // namespace nri_seccomp::policy
