// One NRI plugin session: connect (or adopt the runtime's socket), register,
// serve the Plugin service, and keep doing that until stopped.
//
// External mode (socket path): a lost connection is retried with exponential
// backoff (initial_backoff doubling up to max_backoff, back to initial after
// a successful registration). Runtime-launched mode (NRI_PLUGIN_SOCKET): the
// runtime owns our lifetime, so a lost connection ends run().
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "nri/handler.h"

namespace nri_seccomp::transport {
class Mux;
}

namespace nri_seccomp::nri {

struct SessionOptions {
  std::string socket_path = "/var/run/nri/nri.sock";
  std::string name = "seccomp";
  std::string index = "10";
  int adopted_fd = -1;  // >= 0: runtime-launched mode, use this connected socket
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // Until the runtime tells us its own (ConfigureRequest), NRI's default.
  std::chrono::milliseconds registration_timeout{5000};
};

// Applies NRI_PLUGIN_SOCKET / NRI_PLUGIN_NAME / NRI_PLUGIN_IDX if set.
SessionOptions with_launch_environment(SessionOptions options);

class Session {
 public:
  // Throws Error if the name or index is invalid.
  Session(SessionOptions options, Handler& handler);

  // Blocks until stop() (returns 0) or, in runtime-launched mode, until the
  // connection is lost (returns 0 after a clean close by the runtime, 1 if
  // the connection failed).
  int run();

  // Thread-safe and idempotent; makes run() return promptly.
  void stop();

 private:
  // Serves one connection until it closes; `registered` tells whether the
  // runtime accepted our registration and configured us on it.
  std::string serve(int fd, bool& registered);
  int connect_socket(std::string& error) const;
  bool wait_stop_for(std::chrono::milliseconds delay);

  SessionOptions options_;
  Handler& handler_;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  transport::Mux* current_ = nullptr;
  bool connection_closed_ = false;
  bool configured_ = false;
};

}  // namespace nri_seccomp::nri
