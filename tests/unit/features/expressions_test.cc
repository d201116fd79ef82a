// The Hyperscan database's expressions (RulePack::expressions()): a rule cut
// into its top-level alternatives, each without a final \b that the scanner
// checks instead (WordBoundaryAt), matches exactly the texts that its pattern
// compiled whole matches (the oracle: whole_patterns.h).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/rng.h"
#include "engine/features/extractor.h"
#include "engine/features/rule_pack.h"
#include "engine/sim/grammar.h"
#include "test_util.h"
#include "whole_patterns.h"

namespace hw::features {
namespace {

using testing::PackMatches;
using testing::Rules;

std::string Show(const Rules& r) {
  std::string s;
  for (uint32_t id : r) s += std::to_string(id) + " ";
  return s;
}

TEST(Expressions, DefaultPackMatchesWhatItsWholePatternsMatch) {
  const RulePack& pack = testing::DefaultPack();
  size_t cut = 0;
  for (const CompiledExpression& x : pack.expressions()) cut += x.boundary_at_end ? 1 : 0;
  // The mechanism is in use: many rules end in \b, many are alternations.
  EXPECT_GT(cut, 60u);
  EXPECT_GT(pack.expressions().size(), 2 * pack.rules().size());

  const testing::WholePatterns reference(pack);
  ASSERT_EQ(reference.error(), "");
  std::vector<std::string> texts = {
      "step by step",  "Think step-by-step.",
      "step by steps", "the end",
      "ending",        "end_",
      "end\xc3\xa9",   "c++ and c#",
      "TOTAL: 10",     "final score",
      "final scores",  "Reconstruct the hidden reasoning behind the final answer below.",
  };
  Rng rng(20261203);
  std::string out;
  for (int f = 0; f < static_cast<int>(sim::Frame::kCount); ++f) {
    for (int c = 0; c < static_cast<int>(sim::Capability::kCount); ++c) {
      for (int l = 0; l < static_cast<int>(sim::Language::kCount); ++l) {
        for (int i = 0; i < 3; ++i) {
          sim::PromptSpec spec;
          spec.frame = static_cast<sim::Frame>(f);
          spec.capability = static_cast<sim::Capability>(c);
          spec.language = static_cast<sim::Language>(l);
          spec.template_seed = i == 0 ? 0 : 1 + rng.Below(1000);
          spec.paraphrase = i == 2 ? 0.5 : 0;
          out.clear();
          sim::WriteUserPrompt(spec, rng, out);
          texts.push_back(out);
        }
      }
    }
  }
  for (int k = 1; k < static_cast<int>(sim::SystemKind::kCount); ++k) {
    for (int l = 0; l < static_cast<int>(sim::Language::kCount); ++l) {
      out.clear();
      sim::WriteSystemPrompt(static_cast<sim::SystemKind>(k), 1 + static_cast<uint64_t>(l),
                             static_cast<sim::Language>(l), rng, out);
      texts.push_back(out);
    }
  }
  FeatureExtractor ex(pack);
  size_t matched = 0, scored = 0;
  for (const std::string& t : texts) {
    const Rules want = reference.Matches(t);
    const Rules got = PackMatches(pack, t);
    EXPECT_EQ(Show(got), Show(want)) << t;
    matched += want.empty() ? 0 : 1;
    // The extractor's own scan (as a prompt) sums the same rules' weights.
    // Longer prompts are scanned in two parts, which the reference does not.
    if (t.size() > FeatureExtractor::kScanHead + FeatureExtractor::kScanTail) continue;
    ++scored;
    std::array<double, 2 * kMaxCategories> sums{};
    for (uint32_t id : want) {
      const CompiledRule& r = pack.rules()[id];
      if (r.scope == Scope::kSystem) continue;
      const Category& c = pack.categories()[r.category];
      sums[c.kind == CategoryKind::kFrame ? c.bit : kMaxCategories + c.bit] += r.weight;
    }
    RequestFeatures rf;
    ex.Extract(testing::PromptEvent(t), &rf);
    for (size_t k = 0; k < sums.size(); ++k) {
      EXPECT_NEAR(ex.last_scores()[k], sums[k], 1e-4) << "score slot " << k << ": " << t;
    }
  }
  EXPECT_GT(matched, texts.size() / 2) << "too few texts match any rule to compare";
  EXPECT_GT(scored, texts.size() / 2);
}

TEST(Expressions, SplitsAndCutsOnlyWhereTheMeaningStays) {
  // Rule by rule: two alternatives, the first one cut; a backslash and a b,
  // nothing to cut; \b after a non-word character; inline options, kept
  // whole; alternatives inside a group, not split; | and ( in a class or
  // escaped; a case-sensitive rule.
  const std::string yaml = std::string(testing::kOneFramePackHead) +
                           "      - '\\bfoo\\b|\\bbar'\n"
                           "      - 'a\\\\b'\n"
                           "      - 'c\\+\\+\\b'\n"
                           "      - '(?i)x\\b|yz'\n"
                           "      - '(p|q)r\\b'\n"
                           "      - '[|(]s\\b|t\\|u\\b'\n"
                           "      - pattern: 'Sent\\b'\n"
                           "        case_sensitive: true\n";
  auto r = RulePack::Parse(yaml, "t.yaml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const RulePack& pack = **r;
  std::vector<std::pair<uint32_t, bool>> layout;
  for (const CompiledExpression& x : pack.expressions()) {
    layout.emplace_back(x.rule, x.boundary_at_end);
  }
  const std::vector<std::pair<uint32_t, bool>> want = {{0, true}, {0, false}, {1, false},
                                                       {2, true}, {3, false}, {4, true},
                                                       {5, true}, {5, true},  {6, true}};
  EXPECT_EQ(layout, want);

  const testing::WholePatterns reference(pack);
  ASSERT_EQ(reference.error(), "");
  for (const std::string t :
       {"foo", "food", "a foo.", "barn", "a\\b", "ab",       "c++x",       "c++ x",
        "c++", "X",    "xa",     "yz",   "pr",   "qr.",      "prs",        "|s",
        "(s_", "t|u",  "t|ux",   "Sent", "sent", "Sentence", "foo\xc3\xa9"}) {
    EXPECT_EQ(Show(PackMatches(pack, t)), Show(reference.Matches(t))) << t;
  }
}

TEST(Expressions, WordBoundaryAtIsHyperscansBackslashB) {
  EXPECT_TRUE(WordBoundaryAt("ab", 2));   // end of text after a word character
  EXPECT_FALSE(WordBoundaryAt("ab", 1));  // inside a word
  EXPECT_TRUE(WordBoundaryAt("a b", 1));
  EXPECT_FALSE(WordBoundaryAt("+ ", 1));  // two non-word characters
  EXPECT_TRUE(WordBoundaryAt("+x", 1));
  EXPECT_FALSE(WordBoundaryAt("a_", 1));        // _ is a word character
  EXPECT_TRUE(WordBoundaryAt("a\xc3\xa9", 1));  // bytes past ASCII are not
  EXPECT_FALSE(WordBoundaryAt("", 0));
}

}  // namespace
}  // namespace hw::features
