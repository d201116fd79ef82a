#include "engine/sim/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "engine/common/hash.h"

namespace hw::sim {
namespace {

struct SimRun {
  std::string events, accounts, labels;
  SimStats stats;
};

SimRun Simulate(const Scenario& sc, uint64_t seed, int threads) {
  auto gen = Generator::Create(sc, seed, threads);
  EXPECT_TRUE(gen.ok());
  SimRun r;
  (*gen)->WriteAccounts(r.accounts);
  Status s = (*gen)->Run([&](std::string_view block) {
    r.events.append(block);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  (*gen)->WriteLabels(r.labels);
  r.stats = (*gen)->stats();
  return r;
}

Scenario Small(double scale = 0.3) {
  auto sc = LoadScenario("small");
  EXPECT_TRUE(sc.ok());
  return sc->Scaled(scale);
}

TEST(Generator, DeterministicForASeedAndThreadCount) {
  const Scenario sc = Small();
  const SimRun a = Simulate(sc, 11, 2);
  const SimRun b = Simulate(sc, 11, 2);
  const SimRun c = Simulate(sc, 11, 1);
  const SimRun e = Simulate(sc, 11, 3);
  EXPECT_EQ(Hash64(a.events), Hash64(b.events));
  EXPECT_EQ(Hash64(a.events), Hash64(c.events));
  EXPECT_EQ(Hash64(a.events), Hash64(e.events));
  EXPECT_EQ(a.stats.bytes, a.events.size());
  EXPECT_EQ(a.stats.events, e.stats.events);
  EXPECT_EQ(a.labels, c.labels);
  EXPECT_EQ(a.accounts, b.accounts);
  const SimRun d = Simulate(sc, 12, 2);
  EXPECT_NE(Hash64(a.events), Hash64(d.events));
}

// Every event line is valid log format v1, and labels agree with events.
TEST(Generator, LabelsAgreeWithEvents) {
  const Scenario sc = Small();
  const SimRun run = Simulate(sc, 5, 2);
  simdjson::dom::parser parser;
  std::set<std::string> registry;
  for (size_t pos = 0; pos < run.accounts.size();) {
    const size_t end = run.accounts.find('\n', pos);
    simdjson::dom::element doc = parser.parse(run.accounts.substr(pos, end - pos));
    registry.insert(std::string(std::string_view(doc["user.id"])));
    pos = end + 1;
  }
  struct Seen {
    int64_t requests = 0;
    std::string first, last;
  };
  std::map<std::string, Seen> seen;
  std::set<std::string> response_ids;
  uint64_t lines = 0, duplicates = 0;
  TimeUs previous_time = 0;
  for (size_t pos = 0; pos < run.events.size();) {
    const size_t end = run.events.find('\n', pos);
    ASSERT_NE(end, std::string::npos);
    auto result = parser.parse(run.events.substr(pos, end - pos));
    ASSERT_FALSE(result.error()) << run.events.substr(pos, 300);
    simdjson::dom::object obj = result.value();
    const std::string id{std::string_view(obj["user.id"])};
    const std::string time{std::string_view(obj["time"])};
    const std::string rid{std::string_view(obj["gen_ai.response.id"])};
    ASSERT_TRUE(ParseRfc3339(time).has_value()) << time;
    ASSERT_GE(*ParseRfc3339(time), previous_time) << "events are in time order: " << time;
    previous_time = *ParseRfc3339(time);
    ASSERT_TRUE(registry.count(id)) << id;
    simdjson::dom::array messages;
    ASSERT_FALSE(obj["gen_ai.input.messages"].get_array().get(messages));
    ++lines;
    if (!response_ids.insert(rid).second) {
      ++duplicates;
    } else {
      Seen& s = seen[id];
      if (s.requests++ == 0) s.first = time;
      s.last = time;
    }
    pos = end + 1;
  }
  EXPECT_EQ(lines, run.stats.events);
  EXPECT_EQ(duplicates, run.stats.duplicates);
  EXPECT_GT(duplicates, 0u);
  size_t attack_accounts = 0, label_lines = 0;
  for (size_t pos = 0; pos < run.labels.size();) {
    const size_t end = run.labels.find('\n', pos);
    simdjson::dom::object obj = parser.parse(run.labels.substr(pos, end - pos));
    const std::string id{std::string_view(obj["user.id"])};
    const int64_t requests = obj["requests"];
    EXPECT_EQ(requests, seen.count(id) ? seen[id].requests : 0) << id;
    if (requests > 0) {
      EXPECT_EQ(std::string(std::string_view(obj["first_seen"])), seen[id].first);
      EXPECT_EQ(std::string(std::string_view(obj["last_seen"])), seen[id].last);
    }
    const std::string label{std::string_view(obj["label"])};
    if (label == "attack") {
      ++attack_accounts;
      EXPECT_TRUE(obj["campaign"].is_string());
    } else {
      EXPECT_EQ(label, "benign");
      EXPECT_TRUE(obj["campaign"].is_null());
    }
    ++label_lines;
    pos = end + 1;
  }
  EXPECT_EQ(label_lines, registry.size());
  EXPECT_EQ(attack_accounts, run.stats.attack_accounts);
}

TEST(Generator, ScaleChangesVolume) {
  const SimRun small = Simulate(Small(0.1), 3, 2);
  const SimRun larger = Simulate(Small(0.3), 3, 2);
  // Groups (a class, a company) keep their size, so compare what scales freely.
  EXPECT_GT(larger.stats.attack_events, 2 * small.stats.attack_events);
  EXPECT_GT(larger.stats.events, small.stats.events);
  EXPECT_GT(larger.stats.accounts, 2 * small.stats.accounts);
}

// A failing sink stops the run with its status (and the pipeline's threads
// shut down: the test would hang otherwise).
TEST(Generator, SinkErrorStopsTheRun) {
  const Scenario sc = Small(0.3);
  for (int threads : {1, 2, 4}) {
    for (int fail_at : {0, 1, 5, 40}) {
      auto gen = Generator::Create(sc, 3, threads);
      ASSERT_TRUE(gen.ok());
      int blocks = 0;
      Status s = (*gen)->Run([&](std::string_view block) {
        EXPECT_FALSE(block.empty());
        if (blocks++ == fail_at) return Status(ErrorCode::kIoError, "disk full");
        return Status::Ok();
      });
      EXPECT_FALSE(s.ok());
      EXPECT_EQ(s.message(), "disk full");
      EXPECT_EQ(blocks, fail_at + 1);
    }
  }
}

// Sizes stay at 1-2 KB a line; token counts are of the unabbreviated request,
// so never below what the line shows; tool kits go with agentic traffic.
TEST(Generator, LineSizesTokensAndTools) {
  const Scenario sc = Small(0.3);
  const SimRun run = Simulate(sc, 9, 2);
  simdjson::dom::parser parser;
  uint64_t lines = 0, with_tools = 0, tool_calls = 0;
  for (size_t pos = 0; pos < run.events.size();) {
    const size_t end = run.events.find('\n', pos);
    const std::string line = run.events.substr(pos, end - pos);
    pos = end + 1;
    ++lines;
    simdjson::dom::object obj = parser.parse(line);
    int64_t input_tokens = 0;
    ASSERT_EQ(obj["gen_ai.usage.input_tokens"].get_int64().get(input_tokens), simdjson::SUCCESS);
    size_t text = 0;
    std::set<std::string> kit;
    simdjson::dom::array tools;
    if (obj["gen_ai.tool.definitions"].get_array().get(tools) == simdjson::SUCCESS) {
      ++with_tools;
      EXPECT_TRUE(obj["gen_ai.conversation.id"].is_string()) << line.substr(0, 300);
      for (simdjson::dom::element t : tools) kit.insert(std::string(std::string_view(t["name"])));
      EXPECT_GE(kit.size(), 3u);
    }
    for (simdjson::dom::element m : obj["gen_ai.input.messages"].get_array()) {
      for (simdjson::dom::element part : m["parts"].get_array()) {
        std::string_view content;
        if (part["content"].get_string().get(content) == simdjson::SUCCESS) text += content.size();
        std::string_view name;
        if (part["name"].get_string().get(name) == simdjson::SUCCESS) {
          ++tool_calls;
          EXPECT_TRUE(kit.count(std::string(name))) << name << " not in the kit";
        }
      }
    }
    EXPECT_GE(input_tokens * 4, static_cast<int64_t>(text)) << line.substr(0, 300);
  }
  EXPECT_GT(with_tools, lines / 20);
  EXPECT_GT(tool_calls, 0u);
  const double mean = static_cast<double>(run.events.size()) / static_cast<double>(lines);
  EXPECT_GE(mean, 900);
  EXPECT_LE(mean, 2200);
}

}  // namespace
}  // namespace hw::sim
