// Shared helpers of the features tests: the default pack (compiled once per
// binary) and events built from prompt text.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string_view>

#include "engine/common/event.h"
#include "engine/features/extractor.h"
#include "engine/features/rule_pack.h"

namespace hw::features::testing {

inline const RulePack& DefaultPack() {
  static const std::unique_ptr<RulePack> pack = [] {
    auto r = RulePack::Default();
    if (!r.ok()) ADD_FAILURE() << r.status().message();
    return r.ok() ? std::move(*r) : nullptr;
  }();
  if (!pack) std::abort();
  return *pack;
}

// A pack's YAML up to the patterns of its one category, a frame named a.
inline constexpr char kOneFramePackHead[] =
    "version: 1\n"
    "name: t\n"
    "categories:\n"
    "  - name: a\n"
    "    kind: frame\n"
    "    patterns:\n";

inline Event PromptEvent(std::string_view prompt, std::string_view system = {},
                         uint16_t tool_definitions = 0) {
  Event ev;
  ev.prompt_text = prompt;
  ev.system_text = system;
  ev.tool_definitions = tool_definitions;
  return ev;
}

// Bit of the category `name` of `kind` in the pack; fails the test when absent.
inline uint32_t BitOf(const RulePack& pack, CategoryKind kind, std::string_view name) {
  for (const Category& c : pack.categories()) {
    if (c.kind == kind && c.name == name) return c.bit;
  }
  ADD_FAILURE() << "no category " << name;
  return 31;
}

inline uint32_t FrameBit(std::string_view name) {
  return 1u << BitOf(DefaultPack(), CategoryKind::kFrame, name);
}
inline uint32_t CapBit(std::string_view name) {
  return 1u << BitOf(DefaultPack(), CategoryKind::kCapability, name);
}

}  // namespace hw::features::testing
