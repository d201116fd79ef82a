// The online engine (serve, replay): bad lines and duplicates on the ingest
// path, and on the `small` scenario: every attack account gets an enforced
// decision, and the decisions do not depend on how the input is cut into
// blocks.
#include "engine/pipeline/online.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "../engine_fixtures.h"
#include "engine/decide/enforcement.h"
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
}

}  // namespace
}  // namespace hw::pipeline
