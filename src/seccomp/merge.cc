// merge(): strictest-wins combination of policies (see merge.h).
#include "seccomp/merge.h"

#include <algorithm>
#include <set>

#include <fmt/ranges.h>

#include "common/error.h"
#include "seccomp/compile.h"
#include "seccomp/libseccomp_hazards.h"
#include "seccomp/merge_combine.h"

namespace nri_seccomp::seccomp {
namespace {

constexpr std::string_view kSpecAllow = "SECCOMP_FILTER_FLAG_SPEC_ALLOW";

void refuse_notify(const Policy& p, const std::string& source) {
  if (!p.listener_path.empty()) {
    fail<ProfileError>("{}: seccomp notify (listenerPath) cannot be merged: not supported", source);
  }
  if (p.default_action == Action::notify) {
    fail<ProfileError>("{}: defaultAction SCMP_ACT_NOTIFY is not supported", source);
  }
  for (size_t i = 0; i < p.syscalls.size(); ++i) {
    if (p.syscalls[i].action == Action::notify) {
      fail<ProfileError>("{}: syscalls[{}]: SCMP_ACT_NOTIFY is not supported", source, i);
    }
  }
}

// Strictest verdict; on equal actions the earliest input's errno/message.
Verdict strictest(std::span<const Verdict> verdicts) {
  Verdict best = verdicts.empty() ? Verdict{} : verdicts[0];
  for (const auto& v : verdicts) {
    if (stricter(v.action, best.action)) best = v;
  }
  return best;
}

}  // namespace

Policy merge(const Policy* base, std::span<const Policy> overlays) {
  return merge(base, overlays, {});
}

Policy merge(const Policy* base, std::span<const Policy> overlays, const std::vector<std::string>& sources) {
  std::vector<const Policy*> inputs;
  if (base != nullptr) inputs.push_back(base);
  for (const auto& o : overlays) inputs.push_back(&o);
  std::vector<std::string> names = sources;
  for (size_t i = names.size(); i < inputs.size(); ++i) {
    names.push_back(base != nullptr && i == 0 ? "base" : fmt::format("overlay {}", base ? i : i + 1));
  }
  if (inputs.empty()) return Policy{};  // no filter at all: allow everything
  for (size_t i = 0; i < inputs.size(); ++i) refuse_notify(*inputs[i], names[i]);

  CombineOptions options;
  options.sources = names;
  Policy out = combine(inputs, strictest, options);

  // Architectures: intersection of the lists that say anything.
  bool any_list = false;
  std::vector<std::string> arches;
  for (const Policy* p : inputs) {
    if (p->architectures.empty()) continue;
    if (!any_list) {
      for (const auto& a : p->architectures) {
        if (std::find(arches.begin(), arches.end(), a) == arches.end()) arches.push_back(a);
      }
      any_list = true;
      continue;
    }
    std::erase_if(arches, [&](const std::string& a) {
      return std::find(p->architectures.begin(), p->architectures.end(), a) == p->architectures.end();
    });
  }
  if (any_list && arches.empty()) {
    std::string all;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i]->architectures.empty()) continue;
      all += fmt::format("{}{}: [{}]", all.empty() ? "" : "; ", names[i], fmt::join(inputs[i]->architectures, ", "));
    }
    fail<ProfileError>("the inputs have no architecture in common ({}): the merged filter would kill every syscall",
                       all);
  }
  out.architectures = std::move(arches);

  std::set<std::string> flags;
  for (const Policy* p : inputs) flags.insert(p->flags.begin(), p->flags.end());
  const bool all_spec_allow = std::all_of(inputs.begin(), inputs.end(), [](const Policy* p) {
    return std::find(p->flags.begin(), p->flags.end(), kSpecAllow) != p->flags.end();
  });
  if (!all_spec_allow) flags.erase(std::string(kSpecAllow));
  out.flags.assign(flags.begin(), flags.end());
  try {
    check_libseccomp_hazards(out);
  } catch (const ProfileError& e) {
    fail<LibseccompHazard>("the exact merge result cannot be compiled by the plugin's libseccomp: {}", e.what());
  }
  return out;
}

}  // namespace nri_seccomp::seccomp
