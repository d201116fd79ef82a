// End to end on the built-in `small` scenario: simulate, analyze, evaluate,
// and hold the result to the accuracy bars of the analyze issue. The
// simulator's own output must decode without a single rejected line.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../engine_fixtures.h"
#include "../simulate_into.h"
#include "engine/common/output_file.h"
#include "engine/decode/line_source.h"
#include "engine/eval/eval.h"
#include "engine/pipeline/analyze.h"

namespace hw::pipeline {
namespace {

namespace fs = std::filesystem;

class EndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(hw::testing::FreshTempDir("hw_e2e_"));
    auto simulated = hw::testing::SimulateInto(*dir_);
    ASSERT_TRUE(simulated.ok()) << simulated.status().ToString();
    simulated_events_ = *simulated;

    AnalyzeOptions opt;
    opt.inputs = {(*dir_ / "sim/events.jsonl.zst").string()};
    opt.accounts_path = (*dir_ / "sim/accounts.jsonl").string();
    opt.out_dir = (*dir_ / "result").string();
    auto res = Analyze(opt);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    outcome_ = new AnalyzeOutcome(std::move(res).value());
  }
  static void TearDownTestSuite() {
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    delete outcome_;
  }
  static fs::path* dir_;
  static AnalyzeOutcome* outcome_;
  static uint64_t simulated_events_;
};
fs::path* EndToEnd::dir_ = nullptr;
AnalyzeOutcome* EndToEnd::outcome_ = nullptr;
uint64_t EndToEnd::simulated_events_ = 0;

// The bytes of a file; empty when it cannot be read.
std::string ReadWhole(const fs::path& p) {
  std::string s;
  FILE* fp = std::fopen(p.c_str(), "rb");
  if (!fp) return s;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) s.append(buf, n);
  std::fclose(fp);
  return s;
}

TEST_F(EndToEnd, SimulatorOutputDecodesCleanly) {
  ASSERT_NE(outcome_, nullptr);
  EXPECT_EQ(outcome_->summary.rejected, 0u);
  EXPECT_EQ(outcome_->summary.lines, simulated_events_);
  EXPECT_GT(outcome_->summary.duplicates, 0u);  // the scenario redelivers some requests
  EXPECT_EQ(outcome_->summary.events + outcome_->summary.duplicates, simulated_events_);
}

TEST_F(EndToEnd, MeetsTheAccuracyBars) {
  ASSERT_NE(outcome_, nullptr);
  auto report = eval::Evaluate((*dir_ / "sim/labels.jsonl").string(), (*dir_ / "result").string());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const eval::ViewReport& v = report->attack;
  std::printf("%s", eval::FormatTable(*report).c_str());
  ASSERT_TRUE(v.accounts.precision && v.accounts.recall);
  EXPECT_GE(*v.accounts.precision, 0.99);
  EXPECT_GE(*v.accounts.recall, 0.95);
  ASSERT_EQ(v.campaigns.size(), 2u);
  for (const eval::CampaignMetrics& c : v.campaigns) {
    ASSERT_TRUE(c.recall && c.completeness && c.purity) << c.id;
    EXPECT_GE(*c.recall, 0.90) << c.id;
    EXPECT_GE(*c.completeness, 0.90) << c.id;
    EXPECT_GE(*c.purity, 0.95) << c.id;
  }
  for (const eval::PersonaMetrics& p : v.personas) {
    ASSERT_TRUE(p.fpr) << p.name;
    EXPECT_LE(*p.fpr, 0.001) << p.name;
  }
  EXPECT_TRUE(v.pass);
}

// Accounts are sharded by id and each shard sees its accounts' requests in
// input order, so neither the thread count nor the chunk size may change a
// byte of the result.
TEST_F(EndToEnd, OutputIsDeterministicAcrossThreadsAndChunks) {
  ASSERT_NE(outcome_, nullptr);
  AnalyzeOptions opt;
  opt.inputs = {(*dir_ / "sim/events.jsonl.zst").string()};
  opt.accounts_path = (*dir_ / "sim/accounts.jsonl").string();
  opt.out_dir = (*dir_ / "again").string();
  opt.threads = 3;
  opt.chunk_bytes = size_t{1} << 20;
  auto again = Analyze(opt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->summary.events, outcome_->summary.events);
  EXPECT_EQ(again->summary.duplicates, outcome_->summary.duplicates);
  EXPECT_EQ(again->summary.out_of_order, outcome_->summary.out_of_order);
  for (const char* f : {"accounts.jsonl", "campaigns.json", "links.jsonl", "report.md"}) {
    const std::string a = ReadWhole(*dir_ / "result" / f), b = ReadWhole(*dir_ / "again" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_TRUE(a == b) << f << " differs between two runs";
  }
}

// The simulated events with bad lines among them (a line over the 8 MiB
// limit among them), once as a plain file (mapped) and once compressed (read
// into buffers): both give the same output and see every line.
TEST_F(EndToEnd, PlainAndCompressedInputWithBadLinesGiveTheSameOutput) {
  ASSERT_NE(outcome_, nullptr);
  auto src = decode::LineSource::Open((*dir_ / "sim/events.jsonl.zst").string());
  ASSERT_TRUE(src.ok());
  std::string text;
  decode::Chunk chunk;
  uint64_t lines = 0;
  while (!(*src)->eof()) {
    ASSERT_TRUE((*src)->Next(&chunk).ok());
    decode::ForEachLine(chunk, [&](uint64_t, std::string_view line) {
      text.append(line).push_back('\n');
      if (++lines % 5000 == 0) text.append("{\"time\": 12}\nnot json\n\n");
      if (lines == 20000) text.append("{\"a\":\"" + std::string(size_t{9} << 20, 'a') + "\"}\n");
    });
  }
  ASSERT_GT(lines, 20000u);
  text.append("{\"time\":");  // a bad last line without '\n'
  const uint64_t total = lines + lines / 5000 * 3 + 2;
  for (const char* name : {"events.jsonl", "events.jsonl.zst"}) {
    auto out = OutputFile::Open((*dir_ / name).string());
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write(text).ok());
    ASSERT_TRUE((*out)->Close().ok());
  }
  std::string first[5];
  for (const char* name : {"events.jsonl", "events.jsonl.zst"}) {
    AnalyzeOptions opt;
    opt.inputs = {(*dir_ / name).string()};
    opt.accounts_path = (*dir_ / "sim/accounts.jsonl").string();
    opt.out_dir = (*dir_ / "bad" / name).string();
    auto res = Analyze(opt);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->summary.lines, total) << name;
    EXPECT_EQ(res->summary.rejected, lines / 5000 * 2 + 2) << name;
    EXPECT_EQ(res->summary.events + res->summary.duplicates, lines) << name;
    int i = 0;
    for (const char* f :
         {"accounts.jsonl", "campaigns.json", "links.jsonl", "rejected.jsonl", "report.md"}) {
      std::string s = ReadWhole(*dir_ / "bad" / name / f);
      // rejected.jsonl names the input file: compare without it.
      for (size_t at; (at = s.find(opt.inputs[0])) != std::string::npos;) {
        s.erase(at, opt.inputs[0].size());
      }
      if (first[i].empty()) {
        first[i] = s;
      } else {
        EXPECT_TRUE(s == first[i]) << f << " differs between plain and compressed input";
      }
      ++i;
    }
  }
}

}  // namespace
}  // namespace hw::pipeline
