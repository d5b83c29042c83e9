// The NRI Handler the session calls: a thin adapter from the session's
// callbacks to the policy Engine. The daemon builds it with
//   auto engine = std::make_shared<policy::Engine>(engine_options);
//   engine->set_observer(...metrics...);
//   auto handler = policy::make_nri_handler(engine);
// The engine's reload poller starts when the runtime has registered the
// plugin (on_registered) and stops when the handler is destroyed.
#pragma once

#include <memory>

#include "nri/handler.h"
#include "policy/engine.h"

namespace nri_seccomp::policy {

std::unique_ptr<nri::Handler> make_nri_handler(std::shared_ptr<Engine> engine);

}  // namespace nri_seccomp::policy
