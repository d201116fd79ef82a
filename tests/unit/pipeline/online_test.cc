// The online engine (serve, replay): bad lines and duplicates on the ingest
// path, and on the `small` scenario: every attack account gets an enforced
// decision, and the decisions do not depend on how the input is cut into
// blocks.
#include "engine/pipeline/online.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "../engine_fixtures.h"
#include "engine/decide/enforcement.h"
#include "engine/fingerprint/account_codec.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"

namespace hw::pipeline {
namespace {

using hw::testing::Enforcement;
using hw::testing::Spec;

TEST(OnlineEngine, RejectsBadLinesWithTheirNumbersAndCountsDuplicatesOnce) {
  OnlineEngine engine(Spec(), Enforcement(), nullptr, OnlineOptions{});
  const std::string block =
      R"({"time":"2026-05-01T10:00:00Z","user.id":"a","gen_ai.response.id":"r1"})"
      "\n"
      "not json\n"
      "\n"
      R"({"time":"2026-05-01T10:00:01Z","user.id":"a","gen_ai.response.id":"r1"})"
      "\n"
      R"({"user.id":"b"})"
      "\n"
      R"({"time":"2026-05-01T10:00:02Z","user.id":"b"})";
  std::vector<LineReject> rejects;
  const IngestStats st = engine.Ingest(block, 10, &rejects);
  EXPECT_EQ(st.lines, 6u);
  EXPECT_EQ(st.events, 2u);
  EXPECT_EQ(st.duplicates, 1u);
  EXPECT_EQ(st.rejected, 2u);
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0].line, 11u);
  EXPECT_EQ(rejects[0].reason, decode::RejectReason::kInvalidJson);
  EXPECT_EQ(rejects[1].line, 14u);
  EXPECT_EQ(rejects[1].reason, decode::RejectReason::kMissingTime);
  EXPECT_EQ(engine.table().size(), 2u);
  EXPECT_EQ(engine.watermark(), ParseRfc3339("2026-05-01T10:00:02Z").value());
}

TEST(OnlineEngine, DetectsAtPeriodBoundariesOfEventTime) {
  OnlineOptions opt;
  opt.detect_period = kUsPerMinute;
  OnlineEngine engine(Spec(), Enforcement(), nullptr, opt);
  auto line = [](const char* t) {
    return std::string(R"({"time":")") + t + R"(","user.id":"a"})" + "\n";
  };
  EXPECT_EQ(engine.Ingest(line("2026-05-01T10:00:05Z"), 1, nullptr).detections, 0u);
  EXPECT_EQ(engine.Ingest(line("2026-05-01T10:00:59Z"), 2, nullptr).detections, 0u);
  // Crossing 10:01 runs detection once, before this event is folded.
  EXPECT_EQ(engine.Ingest(line("2026-05-01T10:03:30Z"), 3, nullptr).detections, 1u);
  EXPECT_EQ(engine.detection_runs(), 1u);
  EXPECT_EQ(engine.table().state(0).requests, 3u);
  // Nothing new since: the next boundary is crossed by the next event only.
  EXPECT_EQ(engine.Ingest(line("2026-05-01T10:04:00Z"), 4, nullptr).detections, 1u);
}

class OnlineSmall : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto sc = sim::LoadScenario("small");
    ASSERT_TRUE(sc.ok()) << sc.status().ToString();
    auto gen = sim::Generator::Create(*sc, sc->seed, 2);
    ASSERT_TRUE(gen.ok());
    events_ = new std::string;
    ASSERT_TRUE((*gen)
                    ->Run([](std::string_view b) {
                      events_->append(b);
                      return Status::Ok();
                    })
                    .ok());
    std::string accounts, labels;
    (*gen)->WriteAccounts(accounts);
    (*gen)->WriteLabels(labels);
    registry_ = new decode::Registry(decode::Registry::Parse(accounts, "accounts"));
    attackers_ = new std::set<std::string>;
    size_t pos = 0;
    while (pos < labels.size()) {
      const size_t end = labels.find('\n', pos);
      const std::string line = labels.substr(pos, end - pos);
      pos = end == std::string::npos ? labels.size() : end + 1;
      if (line.find("\"label\":\"attack\"") == std::string::npos) continue;
      if (line.find("\"requests\":0,") != std::string::npos) continue;
      const size_t a = line.find("acct_");
      attackers_->insert(line.substr(a, line.find('"', a) - a));
    }
  }
  static void TearDownTestSuite() {
    delete events_;
    delete registry_;
    delete attackers_;
  }

  // Decisions of a replay that feeds the events in blocks of about `block`
  // bytes (cut at line ends), as "account action start".
  static std::vector<std::string> Replay(size_t block, std::set<std::string>* enforced) {
    OnlineOptions opt;
    opt.detect_period = 60 * kUsPerMinute;  // a one-hour period keeps the test short
    OnlineEngine engine(Spec(), Enforcement(), registry_, opt);
    size_t pos = 0;
    uint64_t line = 1;
    while (pos < events_->size()) {
      size_t end = std::min(events_->size(), pos + block);
      end = events_->find('\n', end - 1);
      end = end == std::string::npos ? events_->size() : end + 1;
      const std::string_view part(events_->data() + pos, end - pos);
      const IngestStats st = engine.Ingest(part, line, nullptr);
      EXPECT_EQ(st.rejected, 0u);
      line += st.lines;
      pos = end;
    }
    std::vector<std::string> out;
    for (const decide::Decision* d : engine.decisions().All()) {
      out.push_back(d->account + " " + decide::ActionName(d->action) + " " +
                    std::to_string(d->start));
    }
    for (size_t i = 0; i < engine.first_enforced().size(); ++i) {
      if (engine.first_enforced()[i]) enforced->insert(engine.table().id(i));
    }
    return out;
  }

  // What an engine folding `blocks` with `threads` fold threads (detection
  // on a copy, as serve runs it) shows after each block and at the end.
  struct FoldRun {
    std::vector<std::string> blocks;  // stats, rejects, clock, changes, detection
    std::string states;               // ids and encoded states, in table order
    std::vector<std::string> decisions;
    std::map<std::string, uint64_t> tokens;
    size_t parallel = 0;
  };
  static FoldRun Fold(int threads, const std::vector<std::string>& blocks) {
    FoldRun run;
    OnlineOptions opt;
    opt.detect_period = 60 * kUsPerMinute;
    opt.detect_inline = false;
    opt.detect_on_copy = true;
    opt.track_changes = true;
    opt.fold_threads = threads;
    opt.on_tokens = [&run](std::string_view a, uint64_t t) { run.tokens[std::string(a)] += t; };
    OnlineEngine engine(Spec(), Enforcement(), registry_, opt);
    uint64_t line = 1;
    for (const std::string& b : blocks) {
      std::vector<LineReject> rejects;
      const IngestStats st = engine.Ingest(b, line, &rejects);
      run.parallel += st.parallel;
      std::string e = fmt::format("{} {} {} {} |", st.lines, st.events, st.duplicates, st.rejected);
      for (const LineReject& r : rejects) {
        e += fmt::format(" {}:{}:{}", r.line, decode::RejectReasonCode(r.reason), r.excerpt);
      }
      const EngineClock c = engine.clock();
      e += fmt::format(" | {} {} {} {} |", c.watermark, c.next_detect, c.due, c.dirty);
      const EngineChanges ch = engine.TakeChanges();
      for (uint32_t i : ch.accounts) e += " " + engine.table().id(i);
      for (uint64_t id : ch.response_ids) e += fmt::format(" {:x}", id);
      if (engine.RunDueDetection()) e += " | detected";
      run.blocks.push_back(std::move(e));
      line += st.lines;
    }
    for (size_t i = 0; i < engine.table().size(); ++i) {
      std::string bytes;
      fingerprint::EncodeAccountState(engine.table().state(i), &bytes);
      run.states += engine.table().id(i) + "\n" + bytes;
    }
    for (const decide::Decision* d : engine.decisions().All()) {
      run.decisions.push_back(d->account + " " + decide::ActionName(d->action) + " " +
                              std::to_string(d->start));
    }
    return run;
  }

  static std::string* events_;
  static decode::Registry* registry_;
  static std::set<std::string>* attackers_;
};
std::string* OnlineSmall::events_ = nullptr;
decode::Registry* OnlineSmall::registry_ = nullptr;
std::set<std::string>* OnlineSmall::attackers_ = nullptr;

TEST_F(OnlineSmall, EveryAttackAccountIsEnforcedAndBlocksDoNotMatter) {
  ASSERT_FALSE(attackers_->empty());
  std::set<std::string> enforced_a, enforced_b;
  const std::vector<std::string> a = Replay(size_t{4} << 20, &enforced_a);
  const std::vector<std::string> b = Replay(size_t{64} << 10, &enforced_b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(enforced_a, enforced_b);
  size_t caught = 0;
  for (const std::string& id : *attackers_) caught += enforced_a.count(id);
  EXPECT_EQ(caught, attackers_->size());
  // No benign account is enforced at any time, not even for one period.
  for (const std::string& id : enforced_a) EXPECT_TRUE(attackers_->count(id)) << id;
}

// Several fold threads leave the engine as one does: account states in the
// same table order, clock, changes, statistics, rejected lines, token
// charges and decisions, with bad lines, a redelivered line, a response id
// reused by another account, an escaped user.id (that block is folded by
// one thread, as is one with a line that names no account) and a nested
// "user.id" ahead of the real one.
TEST_F(OnlineSmall, FoldThreadsLeaveTheEngineAsOneThreadDoes) {
  std::vector<std::string> blocks;
  for (size_t pos = 0; pos < events_->size();) {
    size_t end = std::min(events_->size(), pos + (size_t{256} << 10));
    end = events_->find('\n', end - 1);
    end = end == std::string::npos ? events_->size() : end + 1;
    blocks.push_back(events_->substr(pos, end - pos));
    pos = end;
  }
  ASSERT_GT(blocks.size(), 8u);
  // The time and response id of a block's first line, for quirks that fit it.
  auto field = [](const std::string& block, const std::string& key) {
    const size_t a = block.find("\"" + key + "\":\"") + key.size() + 4;
    return block.substr(a, block.find('"', a) - a);
  };
  const std::string t2 = field(blocks[2], "time"), t3 = field(blocks[3], "time");
  const std::string first = blocks[0].substr(0, blocks[0].find('\n') + 1);
  blocks[0] += "not json\n\n{\"user.id\":\"quirk_a\"}\n";
  blocks[1] += first;  // redelivered
  blocks[2] += R"({"time":")" + t2 +
               R"(","user.id":"quirk_\u0062"})"
               "\n";
  blocks[3] += R"({"extra":{"user.id":"quirk_c"},"time":")" + t3 +
               R"(","user.id":"quirk_d"})"
               "\n";
  blocks[5] += R"({"time":")" + field(blocks[5], "time") +
               R"(","user.id":"quirk_e","gen_ai.response.id":")" +
               field(blocks[4], "gen_ai.response.id") + "\"}\n";

  const FoldRun one = Fold(1, blocks);
  const FoldRun three = Fold(3, blocks);
  EXPECT_EQ(one.parallel, 0u);
  // All but the blocks with a line without a user.id (not JSON) and an
  // escaped one.
  EXPECT_EQ(three.parallel, blocks.size() - 2);
  ASSERT_EQ(one.blocks.size(), three.blocks.size());
  for (size_t i = 0; i < one.blocks.size(); ++i) EXPECT_EQ(one.blocks[i], three.blocks[i]) << i;
  EXPECT_NE(one.blocks[0].find(":missing_time:"), std::string::npos) << one.blocks[0];
  EXPECT_TRUE(one.states == three.states);
  EXPECT_NE(one.states.find("quirk_b"), std::string::npos);
  EXPECT_NE(one.states.find("quirk_d"), std::string::npos);
  EXPECT_EQ(one.tokens, three.tokens);
  EXPECT_FALSE(one.decisions.empty());
  EXPECT_EQ(one.decisions, three.decisions);
}

}  // namespace
}  // namespace hw::pipeline
