// cri-client: the smallest CRI client the e2e scenarios need, talking gRPC
// to containerd's or CRI-O's CRI service the way kubelet does (but
// host-network only; see spec.h for the labels and namespaces it sends).
//
//   cri-client --endpoint unix:///path/containerd.sock [--timeout SECONDS] CMD ...
//     version                          runtime name, version, CRI version
//     runp POD.json                    prints the pod sandbox id
//     create POD_ID CONTAINER.json POD.json   prints the container id, or the
//                                      runtime's error message and exits 1
//     start CID | stop CID | rm CID
//     stopp POD_ID | rmp POD_ID
//     exec CID -- CMD [ARG...]         ExecSync: the command's stdout/stderr,
//                                      exits with the command's exit code
//     inspect CID                      JSON: state, exit code, finishedAt (ns), annotations and the
//                                      runtime's verbose info (OCI spec)
//
// Exit codes: the command's own (exec), 0 success, 1 the runtime refused,
// 2 usage or local errors.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api.grpc.pb.h"
#include "spec.h"

namespace {

using runtime::v1::ImageService;
using runtime::v1::RuntimeService;

struct Options {
  std::string endpoint;
  int timeout_seconds = 60;
  std::vector<std::string> args;  // the command and its operands
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "cri-client: " << why << "\n"
            << "usage: cri-client --endpoint unix:///PATH [--timeout S] "
               "version|runp|create|start|stop|rm|stopp|rmp|exec|inspect ...\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--endpoint" && i + 1 < argc) {
      o.endpoint = argv[++i];
    } else if (a.rfind("--endpoint=", 0) == 0) {
      o.endpoint = a.substr(11);
    } else if (a == "--timeout" && i + 1 < argc) {
      o.timeout_seconds = std::stoi(argv[++i]);
    } else {
      break;
    }
  }
  for (; i < argc; ++i) o.args.emplace_back(argv[i]);
  if (o.endpoint.empty()) usage("--endpoint is required");
  if (o.args.empty()) usage("no command");
  return o;
}

class Client {
 public:
  explicit Client(const Options& o)
      : channel_(grpc::CreateChannel(o.endpoint, grpc::InsecureChannelCredentials())),
        runtime_(RuntimeService::NewStub(channel_)),
        images_(ImageService::NewStub(channel_)),
        timeout_(o.timeout_seconds) {}

  // Each call gets a fresh context with the configured deadline.
  std::unique_ptr<grpc::ClientContext> context() const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_));
    return ctx;
  }

  RuntimeService::Stub& runtime() { return *runtime_; }
  ImageService::Stub& images() { return *images_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<RuntimeService::Stub> runtime_;
  std::unique_ptr<ImageService::Stub> images_;
  int timeout_;
};

// The runtime's own words reach the caller unchanged: the scenarios grep
// them for the plugin's refusal message.
int report(const std::string& what, const grpc::Status& s) {
  std::cerr << what << " failed: rpc error: code = " << static_cast<int>(s.error_code())
            << " desc = " << s.error_message() << "\n";
  return 1;
}

void need(const Options& o, size_t n, const char* form) {
  if (o.args.size() != n + 1) usage(std::string("usage: ") + form);
}

int cmd_version(Client& c, const Options& o) {
  need(o, 0, "version");
  runtime::v1::VersionRequest req;
  req.set_version("v1");
  runtime::v1::VersionResponse resp;
  auto s = c.runtime().Version(c.context().get(), req, &resp);
  if (!s.ok()) return report("version", s);
  std::cout << resp.runtime_name() << " " << resp.runtime_version() << " " << resp.runtime_api_version() << "\n";
  return 0;
}

int cmd_runp(Client& c, const Options& o) {
  need(o, 1, "runp POD.json");
  runtime::v1::RunPodSandboxRequest req;
  *req.mutable_config() = nri_seccomp::e2e::pod_config_from_file(o.args[1]);
  runtime::v1::RunPodSandboxResponse resp;
  auto s = c.runtime().RunPodSandbox(c.context().get(), req, &resp);
  if (!s.ok()) return report("runp", s);
  std::cout << resp.pod_sandbox_id() << "\n";
  return 0;
}

int cmd_create(Client& c, const Options& o) {
  need(o, 3, "create POD_ID CONTAINER.json POD.json");
  runtime::v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(o.args[1]);
  *req.mutable_sandbox_config() = nri_seccomp::e2e::pod_config_from_file(o.args[3]);
  *req.mutable_config() = nri_seccomp::e2e::container_config_from_file(o.args[2], req.sandbox_config());
  runtime::v1::CreateContainerResponse resp;
  auto s = c.runtime().CreateContainer(c.context().get(), req, &resp);
  if (!s.ok()) return report("create", s);
  std::cout << resp.container_id() << "\n";
  return 0;
}

int cmd_container_op(Client& c, const Options& o) {
  need(o, 1, "start|stop|rm CONTAINER_ID");
  const std::string& op = o.args[0];
  const std::string& id = o.args[1];
  grpc::Status s;
  if (op == "start") {
    runtime::v1::StartContainerRequest req;
    req.set_container_id(id);
    runtime::v1::StartContainerResponse resp;
    s = c.runtime().StartContainer(c.context().get(), req, &resp);
  } else if (op == "stop") {
    runtime::v1::StopContainerRequest req;
    req.set_container_id(id);
    req.set_timeout(0);
    runtime::v1::StopContainerResponse resp;
    s = c.runtime().StopContainer(c.context().get(), req, &resp);
  } else {
    runtime::v1::RemoveContainerRequest req;
    req.set_container_id(id);
    runtime::v1::RemoveContainerResponse resp;
    s = c.runtime().RemoveContainer(c.context().get(), req, &resp);
  }
  return s.ok() ? 0 : report(op, s);
}

int cmd_pod_op(Client& c, const Options& o) {
  need(o, 1, "stopp|rmp POD_ID");
  grpc::Status s;
  if (o.args[0] == "stopp") {
    runtime::v1::StopPodSandboxRequest req;
    req.set_pod_sandbox_id(o.args[1]);
    runtime::v1::StopPodSandboxResponse resp;
    s = c.runtime().StopPodSandbox(c.context().get(), req, &resp);
  } else {
    runtime::v1::RemovePodSandboxRequest req;
    req.set_pod_sandbox_id(o.args[1]);
    runtime::v1::RemovePodSandboxResponse resp;
    s = c.runtime().RemovePodSandbox(c.context().get(), req, &resp);
  }
  return s.ok() ? 0 : report(o.args[0], s);
}

int cmd_exec(Client& c, const Options& o) {
  if (o.args.size() < 4 || o.args[2] != "--") usage("usage: exec CONTAINER_ID -- CMD [ARG...]");
  runtime::v1::ExecSyncRequest req;
  req.set_container_id(o.args[1]);
  for (size_t i = 3; i < o.args.size(); ++i) req.add_cmd(o.args[i]);
  req.set_timeout(30);
  runtime::v1::ExecSyncResponse resp;
  auto s = c.runtime().ExecSync(c.context().get(), req, &resp);
  if (!s.ok()) {
    report("exec", s);
    return 2;
  }
  std::cout << resp.stdout() << std::flush;
  std::cerr << resp.stderr() << std::flush;
  return resp.exit_code();
}

int cmd_inspect(Client& c, const Options& o) {
  need(o, 1, "inspect CONTAINER_ID");
  runtime::v1::ContainerStatusRequest req;
  req.set_container_id(o.args[1]);
  req.set_verbose(true);
  runtime::v1::ContainerStatusResponse resp;
  auto s = c.runtime().ContainerStatus(c.context().get(), req, &resp);
  if (!s.ok()) return report("inspect", s);
  nlohmann::json out;
  const auto& st = resp.status();
  out["id"] = st.id();
  out["name"] = st.metadata().name();
  out["state"] = runtime::v1::ContainerState_Name(st.state());
  out["exitCode"] = st.exit_code();
  out["finishedAt"] = st.finished_at();  // ns since the epoch; 0 while it runs
  out["reason"] = st.reason();
  out["annotations"] = std::map<std::string, std::string>(st.annotations().begin(), st.annotations().end());
  // The verbose "info" of containerd and CRI-O is a JSON document (with the
  // OCI runtime spec under "runtimeSpec"); keep it structured so callers can
  // pick linux.seccomp out of it.
  for (const auto& [key, value] : resp.info()) {
    auto parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
    out["info"][key] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  try {
    Client c(o);
    const std::string& cmd = o.args[0];
    if (cmd == "version") return cmd_version(c, o);
    if (cmd == "runp") return cmd_runp(c, o);
    if (cmd == "create") return cmd_create(c, o);
    if (cmd == "start" || cmd == "stop" || cmd == "rm") return cmd_container_op(c, o);
    if (cmd == "stopp" || cmd == "rmp") return cmd_pod_op(c, o);
    if (cmd == "exec") return cmd_exec(c, o);
    if (cmd == "inspect") return cmd_inspect(c, o);
    usage("unknown command " + cmd);
  } catch (const std::exception& e) {
    std::cerr << "cri-client: " << e.what() << "\n";
    return 2;
  }
}
