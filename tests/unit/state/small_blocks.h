// The `small` scenario's events before `until`, cut into blocks of `lines`
// lines: the input of the state tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/time.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"

namespace hw::state {

inline std::vector<std::string> SmallBlocks(size_t lines, const char* until) {
  auto sc = sim::LoadScenario("small");
  EXPECT_TRUE(sc.ok());
  auto gen = sim::Generator::Create(*sc, sc->seed, 2);
  EXPECT_TRUE(gen.ok());
  const TimeUs cut = ParseRfc3339(until).value();
  std::vector<std::string> blocks(1);
  size_t n = 0;
  bool past = false;
  EXPECT_TRUE((*gen)
                  ->Run([&](std::string_view b) {
                    size_t pos = 0;
                    while (!past && pos < b.size()) {
                      const size_t end = b.find('\n', pos) + 1;
                      const std::string_view line = b.substr(pos, end - pos);
                      pos = end;
                      const auto t = ParseRfc3339(line.substr(9, 27));
                      if (t && *t >= cut) {
                        past = true;
                        break;
                      }
                      blocks.back().append(line);
                      if (++n % lines == 0) blocks.emplace_back();
                    }
                    return Status::Ok();
                  })
                  .ok());
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

}  // namespace hw::state
