// RulePack: the default pack, every error code at its exact line, category
// order and the per-category and per-pattern options.
#include "engine/features/rule_pack.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "engine/features/extractor.h"
#include "test_util.h"

namespace hw::features {
namespace {

using testing::PromptEvent;

// The error of parsing `yaml` as "t.yaml"; empty when it parses.
std::string ErrorOf(const std::string& yaml) {
  auto r = RulePack::Parse(yaml, "t.yaml");
  return r.ok() ? std::string() : r.status().message();
}

// Expects `yaml` to fail with `code` at `line`: "t.yaml:<line>: <code>: ...".
void ExpectError(const std::string& yaml, int line, const std::string& code) {
  auto r = RulePack::Parse(yaml, "t.yaml");
  ASSERT_FALSE(r.ok()) << "parsed:\n" << yaml;
  EXPECT_EQ(r.status().code(), ErrorCode::kSpecError);
  const std::string want = "t.yaml:" + std::to_string(line) + ": " + code + ": ";
  EXPECT_EQ(r.status().message().rfind(want, 0), 0u)
      << "want prefix '" << want << "', got '" << r.status().message() << "'\n"
      << yaml;
}

std::unique_ptr<RulePack> MustParse(const std::string& yaml) {
  auto r = RulePack::Parse(yaml, "t.yaml");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(*r) : nullptr;
}

const char* const kMinimal =
    "version: 1\n"
    "name: t\n"
    "categories:\n"
    "  - name: a\n"
    "    kind: frame\n"
    "    patterns:\n"
    "      - 'alpha'\n";

TEST(RulePack, MinimalPackLoads) {
  auto p = MustParse(kMinimal);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name(), "t");
  EXPECT_EQ(p->version(), 1);
  ASSERT_EQ(p->categories().size(), 1u);
  const Category& c = p->categories()[0];
  EXPECT_EQ(c.name, "a");
  EXPECT_EQ(c.kind, CategoryKind::kFrame);
  EXPECT_EQ(c.threshold, 1.0);
  EXPECT_EQ(c.tools_weight, 0.0);
  EXPECT_EQ(c.line, 4);
  ASSERT_EQ(p->rules().size(), 1u);
  EXPECT_EQ(p->rules()[0].line, 7);
  EXPECT_EQ(p->rules()[0].weight, 1.0f);
  EXPECT_EQ(p->rules()[0].scope, Scope::kAny);
  EXPECT_EQ(p->rules()[0].pattern, "alpha");
  EXPECT_NE(p->database(), nullptr);
}

// The default pack's database is compiled at build time and embedded; it
// must match, prompt for prompt, a database compiled from the same YAML now.
TEST(RulePack, EmbeddedDatabaseMatchesAFreshCompile) {
  auto embedded = RulePack::Default();
  ASSERT_TRUE(embedded.ok()) << embedded.status().message();
  EXPECT_TRUE((*embedded)->prebuilt());
  auto fresh = RulePack::Parse(DefaultRulePackYaml(), "default");
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE((*fresh)->prebuilt());
  FeatureExtractor a(**embedded), b(**fresh);
  const char* prompts[] = {
      "Imagine and articulate the internal reasoning behind the completed response below.",
      "Grade each response against the rubric (0-10 points) and justify the score.",
      "Generate 25 diverse examples as JSONL with fields question and answer.",
      "Refactor this Python function and add unit tests: def f(x): return x*2",
      "Plan a 12-week migration of our billing service with milestones and risks.",
      "What's a good recipe for a quick weeknight dinner?",
      "Escribe paso a paso el razonamiento que llevó a esta respuesta final.",
  };
  for (const char* p : prompts) {
    RequestFeatures fa, fb;
    a.Extract(testing::PromptEvent(p), &fa);
    b.Extract(testing::PromptEvent(p), &fb);
    EXPECT_EQ(fa.frame_bits, fb.frame_bits) << p;
    EXPECT_EQ(fa.capability_bits, fb.capability_bits) << p;
    EXPECT_EQ(fa.primary_capability, fb.primary_capability) << p;
    EXPECT_EQ(a.last_scores(), b.last_scores()) << p;
  }
}

// Bytes that are not a database for these specs (corrupt, or built for
// another Hyperscan) are not trusted: the pack compiles instead.
TEST(RulePack, BadPrebuiltDatabaseFallsBackToCompiling) {
  const std::string yaml = R"(version: 1
name: t
categories:
  - name: alpha_frame
    kind: frame
    patterns:
      - pattern: 'alpha'
)";
  for (std::string bytes : {std::string(), std::string("garbage"), std::string(4096, '\x01')}) {
    auto p = RulePack::Parse(yaml, "t.yaml", bytes);
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_FALSE((*p)->prebuilt());
    EXPECT_NE((*p)->database(), nullptr);
  }
  // A round trip through SerializeDatabase is taken as is.
  auto compiled = RulePack::Parse(yaml, "t.yaml");
  ASSERT_TRUE(compiled.ok());
  auto again = RulePack::Parse(yaml, "t.yaml", (*compiled)->SerializeDatabase());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->prebuilt());
}

TEST(RulePack, DefaultPackLoads) {
  auto r = RulePack::Default();
  ASSERT_TRUE(r.ok()) << r.status().message();
  const RulePack& p = **r;
  EXPECT_EQ(p.name(), "default");
  const std::vector<std::string> frames = p.Names(CategoryKind::kFrame);
  const std::vector<std::string> caps = p.Names(CategoryKind::kCapability);
  // policy/default.yaml refers to these names (score.elicitation_frames,
  // score.target_capabilities).
  for (const char* f :
       {"reasoning_extraction", "rubric_grading", "synthetic_data", "step_by_step", "persona"}) {
    EXPECT_NE(std::find(frames.begin(), frames.end(), f), frames.end()) << f;
  }
  for (const char* c :
       {"software_engineering", "agentic_tool_use", "math_reasoning", "data_analysis",
        "creative_writing", "general_chat", "policy_sensitive", "long_horizon_planning"}) {
    EXPECT_NE(std::find(caps.begin(), caps.end(), c), caps.end()) << c;
  }
  for (const Category& c : p.categories()) {
    EXPECT_EQ(&p.ByBit(c.kind, c.bit), &c);
  }
  // The embedded text is the checked-in file.
  std::ifstream in(std::string(HW_SOURCE_DIR) + "/rules/default.yaml", std::ios::binary);
  ASSERT_TRUE(in);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(file, std::string(DefaultRulePackYaml()));
  // Load() of the file gives the same pack, with the path in errors.
  auto loaded = RulePack::Load(std::string(HW_SOURCE_DIR) + "/rules/default.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->rules().size(), p.rules().size());
}

TEST(RulePack, LoadMissingFileIsAnIoError) {
  auto r = RulePack::Load("/nonexistent/rules.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/rules.yaml"), std::string::npos);
}

TEST(RulePack, NamesAndBitsFollowTheFileOrderPerKind) {
  auto p = MustParse(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - {name: c1, kind: capability, patterns: [x1]}\n"
      "  - {name: f1, kind: frame, patterns: [y1]}\n"
      "  - {name: c2, kind: capability, patterns: [x2]}\n"
      "  - {name: f2, kind: frame, patterns: [y2]}\n"
      "  - {name: f3, kind: frame, patterns: [y3]}\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Names(CategoryKind::kFrame), (std::vector<std::string>{"f1", "f2", "f3"}));
  EXPECT_EQ(p->Names(CategoryKind::kCapability), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(p->ByBit(CategoryKind::kFrame, 2).name, "f3");
  EXPECT_EQ(p->ByBit(CategoryKind::kCapability, 1).name, "c2");
  EXPECT_EQ(p->ByBit(CategoryKind::kFrame, 0).line, 5);
  EXPECT_THROW(p->ByBit(CategoryKind::kCapability, 2), std::out_of_range);
}

// ---------------------------------------------------------------- errors

TEST(RulePackErrors, YamlSyntax) {
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns: ['alpha', 'beta'\n"
      "  - name: b\n",
      7, "yaml-syntax");
  ExpectError("version: 1\nversion: 1\n\t- tab\n", 3, "yaml-syntax");
  ExpectError("version: 1\nname: t\n  bad: indent\n", 3, "yaml-syntax");
  ExpectError("version: 1\nname: t\ncategories: *nowhere\n", 3, "yaml-syntax");
  // An unclosed flow collection is found at the end of the input: the error
  // names the last line, not the one after it.
  ExpectError("version: 1\nname: t\ncategories:\n  - {name: a, kind: frame\n", 4, "yaml-syntax");
  ExpectError("version: 1\nname: [t", 2, "yaml-syntax");
}

TEST(RulePackErrors, BadVersion) {
  ExpectError("name: t\nversion: 2\ncategories: []\n", 2, "bad-version");
  ExpectError("version: 1.5\n", 1, "bad-version");
  ExpectError("version: -1\n", 1, "out-of-range");
  ExpectError("version: one\n", 1, "bad-type");
}

TEST(RulePackErrors, MissingKey) {
  ExpectError("name: t\ncategories: []\n", 1, "missing-key");     // version
  ExpectError("version: 1\ncategories: []\n", 1, "missing-key");  // name
  ExpectError("version: 1\nname: t\n", 1, "missing-key");         // categories
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns: [alpha]\n"
      "  - kind: frame\n"  // no name
      "    patterns: [beta]\n",
      7, "missing-key");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    patterns: [alpha]\n",  // no kind
      4, "missing-key");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    description: no patterns and no tools_weight\n",
      4, "missing-key");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - 'alpha'\n"
      "      - weight: 0.5\n"  // a pattern entry without 'pattern'
      "        scope: prompt\n",
      8, "missing-key");
  // Only a tools_weight category: nothing to compile.
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: capability\n"
      "    tools_weight: 1\n",
      4, "missing-key");
}

TEST(RulePackErrors, UnknownKey) {
  ExpectError("version: 1\nname: t\ncolour: red\ncategories: []\n", 3, "unknown-key");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    treshold: 2\n"
      "    patterns: [alpha]\n",
      6, "unknown-key");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - pattern: alpha\n"
      "        wieght: 2\n",
      8, "unknown-key");
}

TEST(RulePackErrors, BadType) {
  ExpectError("", 1, "bad-type");
  ExpectError("- just\n- a list\n", 1, "bad-type");
  ExpectError("version: 1\nname: t\ncategories: {a: 1}\n", 3, "bad-type");
  ExpectError("version: 1\nname: t\ncategories: []\n", 3, "bad-type");
  ExpectError("version: 1\nname: [t]\ncategories: [x]\n", 2, "bad-type");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    threshold: high\n"
      "    patterns: [alpha]\n",
      6, "bad-type");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns: alpha\n",
      6, "bad-type");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - alpha\n"
      "      - pattern: beta\n"
      "        case_sensitive: sometimes\n",
      9, "bad-type");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - [alpha, beta]\n",
      7, "bad-type");
}

TEST(RulePackErrors, BadName) {
  for (const char* name : {"Bad", "with-dash", "with space", "\"\"",
                           "a23456789012345678901234567890123456789012345678901234567890123456"}) {
    ExpectError(std::string("version: 1\nname: t\ncategories:\n  - kind: frame\n    name: ") +
                    name + "\n    patterns: [alpha]\n",
                5, "bad-name");
  }
}

TEST(RulePackErrors, DuplicateName) {
  const std::string yaml =
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns: [alpha]\n"
      "  - name: b\n"
      "    kind: capability\n"
      "    patterns: [beta]\n"
      "  - kind: capability\n"
      "    name: a\n"  // same name, other kind: still a duplicate
      "    patterns: [gamma]\n";
  ExpectError(yaml, 11, "duplicate-name");
  EXPECT_NE(ErrorOf(yaml).find("line 4"), std::string::npos) << ErrorOf(yaml);
}

TEST(RulePackErrors, UnknownName) {
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: banana\n"
      "    patterns: [alpha]\n",
      5, "unknown-name");
  ExpectError(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - pattern: alpha\n"
      "        scope: everywhere\n",
      8, "unknown-name");
}

TEST(RulePackErrors, TooMany) {
  std::string yaml = "version: 1\nname: t\ncategories:\n";
  for (int i = 0; i < 40; ++i) {
    const bool frame = i != 5;  // one capability in between does not count
    yaml += "  - name: c" + std::to_string(i) + "\n    kind: " + (frame ? "frame" : "capability") +
            "\n    patterns: [p" + std::to_string(i) + "]\n";
  }
  // Category i starts at line 4 + 3 i; the 33rd frame is category 33.
  ExpectError(yaml, 4 + 3 * 33, "too-many");
  // 32 of each kind are fine.
  std::string ok = "version: 1\nname: t\ncategories:\n";
  for (int i = 0; i < 64; ++i) {
    ok += "  - {name: c" + std::to_string(i) + ", kind: " + (i % 2 ? "frame" : "capability") +
          ", patterns: [p" + std::to_string(i) + "]}\n";
  }
  auto p = MustParse(ok);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Names(CategoryKind::kFrame).size(), 32u);
  EXPECT_EQ(p->ByBit(CategoryKind::kFrame, 31).name, "c63");
}

TEST(RulePackErrors, OutOfRange) {
  const std::string head = "version: 1\nname: t\ncategories:\n  - name: a\n    kind: frame\n";
  ExpectError(head + "    threshold: 0\n    patterns: [alpha]\n", 6, "out-of-range");
  ExpectError(head + "    threshold: 101\n    patterns: [alpha]\n", 6, "out-of-range");
  ExpectError(head + "    threshold: .nan\n    patterns: [alpha]\n", 6, "out-of-range");
  ExpectError(head + "    tools_weight: -1\n    patterns: [alpha]\n", 6, "out-of-range");
  ExpectError(head + "    patterns:\n      - alpha\n      - pattern: beta\n        weight: 0\n", 9,
              "out-of-range");
  ExpectError(head + "    patterns:\n      - {pattern: beta, weight: .inf}\n", 7, "out-of-range");
}

TEST(RulePackErrors, BadPattern) {
  const std::string head = "version: 1\nname: t\ncategories:\n  - name: a\n    kind: frame\n";
  // Back-references are not supported by Hyperscan.
  ExpectError(head +
                  "    patterns:\n"
                  "      - 'alpha'\n"
                  "      - '(a)\\1'\n"
                  "      - 'gamma'\n",
              8, "bad-pattern");
  ExpectError(
      head + "    patterns:\n      - 'ok'\n      - pattern: '(unclosed'\n        weight: 2\n", 8,
      "bad-pattern");
  // A pattern that matches the empty string would fire on every request.
  ExpectError(head + "    patterns:\n      - 'x*'\n", 7, "bad-pattern");
  ExpectError(head + "    patterns:\n      - ''\n", 7, "bad-pattern");
  // A NUL inside a pattern would silently cut it short.
  ExpectError(head + "    patterns:\n      - \"ab\\0cd\"\n", 7, "bad-pattern");
  // The error names the category and the pattern.
  const std::string e = ErrorOf(head + "    patterns: ['(a)\\1']\n");
  EXPECT_NE(e.find("category 'a'"), std::string::npos) << e;
  EXPECT_NE(e.find("(a)\\1"), std::string::npos) << e;
}

TEST(RulePackErrors, ErrorsNameTheSource) {
  auto r = RulePack::Parse("version: 3\n", "rules/mine.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("rules/mine.yaml:1: bad-version: ", 0), 0u)
      << r.status().message();
}

// ---------------------------------------------------------------- options

// Weight sums of category `name` (a frame) for a request.
struct Scored {
  uint32_t frames = 0;
  uint32_t caps = 0;
  float score = 0;
  uint8_t primary = kNoCategory;
};
Scored Score(const RulePack& p, const Event& ev, const char* frame = "a") {
  FeatureExtractor ex(p);
  RequestFeatures rf;
  ex.Extract(ev, &rf);
  Scored s;
  s.frames = rf.frame_bits;
  s.caps = rf.capability_bits;
  s.primary = rf.primary_capability;
  for (const Category& c : p.categories()) {
    if (c.name == frame) {
      s.score = ex.last_scores()[c.kind == CategoryKind::kFrame ? c.bit : kMaxCategories + c.bit];
    }
  }
  return s;
}

TEST(RulePackOptions, ThresholdSumsWeights) {
  auto p = MustParse(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    threshold: 1.5\n"
      "    patterns:\n"
      "      - alpha\n"
      "      - {pattern: beta, weight: 0.5}\n"
      "      - {pattern: gamma, weight: 0.25}\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->categories()[0].threshold, 1.5);
  EXPECT_EQ(Score(*p, PromptEvent("alpha")).frames, 0u);
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("alpha")).score, 1.0f);
  EXPECT_EQ(Score(*p, PromptEvent("alpha beta")).frames, 1u);
  EXPECT_EQ(Score(*p, PromptEvent("beta gamma")).frames, 0u);
  // A pattern counts once however often it matches.
  EXPECT_EQ(Score(*p, PromptEvent("alpha alpha alpha")).frames, 0u);
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("alpha alpha gamma")).score, 1.25f);
}

TEST(RulePackOptions, CaseSensitivity) {
  auto p = MustParse(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - 'alpha'\n"
      "  - name: b\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - {pattern: 'Beta', case_sensitive: true}\n"
      "      - {pattern: 'Gamma', case_sensitive: false}\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(Score(*p, PromptEvent("ALPHA")).frames, 1u);  // caseless by default
  EXPECT_EQ(Score(*p, PromptEvent("Beta")).frames, 2u);
  EXPECT_EQ(Score(*p, PromptEvent("beta")).frames, 0u);
  EXPECT_EQ(Score(*p, PromptEvent("gAMMA")).frames, 2u);
}

TEST(RulePackOptions, ScopeAndHalfWeightForSystemPrompts) {
  auto p = MustParse(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: a\n"
      "    kind: frame\n"
      "    patterns:\n"
      "      - {pattern: anywhere, weight: 1}\n"
      "      - {pattern: onlyprompt, scope: prompt}\n"
      "      - {pattern: onlysystem, scope: system, weight: 2}\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rules()[1].scope, Scope::kPrompt);
  EXPECT_EQ(p->rules()[2].scope, Scope::kSystem);
  // In the prompt: full weight.
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("anywhere")).score, 1.0f);
  EXPECT_EQ(Score(*p, PromptEvent("anywhere")).frames, 1u);
  // In the system prompt: half weight, below the threshold.
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("", "anywhere")).score, 0.5f);
  EXPECT_EQ(Score(*p, PromptEvent("", "anywhere")).frames, 0u);
  // Both halves add up.
  EXPECT_EQ(Score(*p, PromptEvent("anywhere", "anywhere")).frames, 1u);
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("anywhere", "anywhere")).score, 1.5f);
  // Scoped patterns ignore the other text.
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("", "onlyprompt")).score, 0.0f);
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("onlyprompt")).score, 1.0f);
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("onlysystem")).score, 0.0f);
  EXPECT_FLOAT_EQ(Score(*p, PromptEvent("", "onlysystem")).score, 1.0f);  // 2 at half
  EXPECT_EQ(Score(*p, PromptEvent("", "onlysystem")).frames, 1u);
}

TEST(RulePackOptions, ToolsWeight) {
  auto p = MustParse(
      "version: 1\n"
      "name: t\n"
      "categories:\n"
      "  - name: x\n"
      "    kind: capability\n"
      "    patterns: [xray]\n"
      "  - name: tools\n"
      "    kind: capability\n"
      "    tools_weight: 0.6\n"
      "    patterns: [{pattern: agent, weight: 0.5}]\n"
      "  - name: only_tools\n"
      "    kind: capability\n"
      "    tools_weight: 1\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->categories()[1].tools_weight, 0.6);
  // Neither the pattern nor the tools alone reach 1; both do.
  EXPECT_EQ(Score(*p, PromptEvent("an agent")).caps, 0u);
  EXPECT_EQ(Score(*p, PromptEvent("hello", {}, 3)).caps, 4u);  // only_tools
  EXPECT_EQ(Score(*p, PromptEvent("an agent", {}, 3)).caps, 2u | 4u);
  Event called = PromptEvent("an agent");
  called.tool_calls = 1;  // tool calls in the history count like definitions
  EXPECT_EQ(Score(*p, called).caps, 2u | 4u);
  // The strongest capability is primary: tools 1.1 over only_tools 1.0 and
  // xray 1.0.
  EXPECT_EQ(Score(*p, PromptEvent("xray agent", {}, 3)).primary, 1);
  // On a tie the category listed first wins.
  EXPECT_EQ(Score(*p, PromptEvent("xray", {}, 3)).primary, 0);
  EXPECT_EQ(Score(*p, PromptEvent("nothing")).primary, kNoCategory);
}

}  // namespace
}  // namespace hw::features
