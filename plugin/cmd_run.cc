// `nri-seccomp run`: the NRI plugin daemon.
#include <pthread.h>
#include <signal.h>

#include <thread>

#include "command.h"
#include "common/log.h"
#include "nri/session.h"
#include "run_options.h"
#include "seccomp/compile.h"

namespace nri_seccomp {
namespace {

// SIGTERM/SIGINT are blocked in every thread and taken by one thread with
// sigwait(), which then asks the session to stop: no work in signal handlers.
class SignalWatcher {
 public:
  explicit SignalWatcher(nri::Session& session) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGUSR2);  // our own wake-up on normal exit
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    thread_ = std::thread([this, &session] {
      int signal = 0;
      while (sigwait(&signals_, &signal) == 0) {
        if (signal == SIGUSR2) return;
        log::info("signal_received", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
        session.stop();
        return;
      }
    });
  }
  ~SignalWatcher() {
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }

 private:
  sigset_t signals_;
  std::thread thread_;
};

int run_daemon(const RunOptions& options) {
  log::setup(options.log_level, options.log_format);
  // Blocked before any thread exists so every thread inherits the mask.
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  // Writes to a closed runtime socket must fail with EPIPE, not kill us
  // (MSG_NOSIGNAL covers the socket, this covers anything else, e.g. stderr).
  signal(SIGPIPE, SIG_IGN);

  nri::SessionOptions session_options;
  session_options.socket_path = options.socket;
  session_options.name = options.name;
  session_options.index = options.idx;
  session_options = nri::with_launch_environment(session_options);

  auto handler = make_handler(options);
  nri::Session session(session_options, *handler);
  log::info("daemon_started", {{"name", session_options.name},
                               {"idx", session_options.index},
                               {"mode", session_options.adopted_fd >= 0 ? "runtime-launched" : "external"},
                               // The runtime compiles the final filter with its own libseccomp: ours only checks.
                               {"libseccomp", seccomp::libseccomp_version()}});
  int code;
  {
    SignalWatcher watcher(session);
    code = session.run();
  }
  log::info("daemon_stopped", {{"exit_code", code}});
  return code;
}

cli::Register reg{{"run", [](CLI::App& app) {
  app.description("Run the NRI plugin daemon");
  auto options = std::make_shared<RunOptions>();
  app.add_option("--socket", options->socket, "NRI socket to connect to")->capture_default_str();
  app.add_option("--name", options->name, "plugin name (letters, digits, -_.+)")->capture_default_str();
  app.add_option("--idx", options->idx, "plugin index, two digits")->capture_default_str();
  app.add_option("--config", options->config_file, "config file");
  app.add_option("--profiles-dir", options->profile_dirs, "profile directory (repeatable)");
  app.add_option("--state-file", options->state_file,
                 "file that keeps the record of validated decisions across restarts (the recovery audit's "
                 "evidence); default: none, kept in memory only");
  app.add_option("--metrics-address", options->metrics_address,
                 "serve /metrics, /healthz, /readyz on HOST:PORT (default: policy metricsAddress, else off)");
  app.add_option("--log-level", options->log_level, "trace, debug, info, warn, error")->capture_default_str();
  app.add_option("--log-format", options->log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return [options] { return run_daemon(*options); };
}}};

}  // namespace
}  // namespace nri_seccomp
