// FeatureExtractor with the default pack on hand-written prompts in the style
// of published distillation reports and of ordinary users.
#include "engine/features/extractor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/features/normalize.h"
#include "test_util.h"

namespace hw::features {
namespace {

using testing::CapBit;
using testing::DefaultPack;
using testing::FrameBit;
using testing::PromptEvent;

RequestFeatures Extract(const Event& ev) {
  FeatureExtractor ex(DefaultPack());
  RequestFeatures rf;
  ex.Extract(ev, &rf);
  return rf;
}
RequestFeatures Extract(std::string_view prompt, std::string_view system = {}) {
  return Extract(PromptEvent(prompt, system));
}

uint32_t CampaignFrames() {
  return FrameBit("reasoning_extraction") | FrameBit("rubric_grading") | FrameBit("synthetic_data");
}

std::string PrimaryName(const RequestFeatures& rf) {
  if (rf.primary_capability == kNoCategory) return "none";
  return DefaultPack().ByBit(CategoryKind::kCapability, rf.primary_capability).name;
}

TEST(Extractor, ReasoningExtraction) {
  const char* prompts[] = {
      "Below is a question and a completed response. Imagine and articulate the internal "
      "reasoning behind the completed response, written out step by step as if you had "
      "produced it yourself.\n\nQuestion: What is the capital of Australia?\n"
      "Response: Canberra.",
      "You are given a finished answer. Reconstruct the full chain of thought that would lead "
      "to it, then restate the answer unchanged.\nAnswer: x = 4",
      "Pretend you are the author of this answer and narrate your hidden thought process "
      "before writing it.",
      "Work backwards from the answer below and write out the reasoning trace that produced "
      "it.\n\nAnswer: 42",
      "A continuación tienes una respuesta final. Escribe el razonamiento interno que habría "
      "llevado a ella.",
      "下面是一个问题和最终答案。请写出得到这个答案的完整推理过程。",
  };
  for (const char* p : prompts) {
    const RequestFeatures rf = Extract(p);
    EXPECT_TRUE(rf.frame_bits & FrameBit("reasoning_extraction")) << p;
    EXPECT_FALSE(rf.frame_bits & FrameBit("rubric_grading")) << p;
    EXPECT_FALSE(rf.frame_bits & FrameBit("synthetic_data")) << p;
  }
}

TEST(Extractor, RubricGrading) {
  const char* prompts[] = {
      "You are an impartial judge. Evaluate the assistant's response below against the rubric "
      "and give a score for each criterion.\n\nRubric:\n- Correctness (0-5 points)\n- Clarity "
      "(0-3 points)\n\nResponse: ...",
      "Grade this answer on a scale of 1 to 10 using the scoring rubric. Output the total score "
      "at the end as TOTAL: <n>.",
      "Rate the following model output for helpfulness and harmlessness, criterion by "
      "criterion, then give an overall score.",
      "Bewerte die folgende Antwort anhand der Rubrik und gib eine Gesamtpunktzahl an.",
  };
  for (const char* p : prompts) {
    const RequestFeatures rf = Extract(p);
    EXPECT_TRUE(rf.frame_bits & FrameBit("rubric_grading")) << p;
    EXPECT_FALSE(rf.frame_bits & FrameBit("reasoning_extraction")) << p;
  }
}

TEST(Extractor, SyntheticData) {
  const char* prompts[] = {
      "Generate 50 diverse question-answer pairs about organic chemistry for a training set. "
      "Output JSONL with keys question and answer; no two examples may be the same.",
      "Create 20 varied customer support dialogues. Vary the difficulty and the wording. This "
      "is synthetic data for fine-tuning.",
      "Write 100 different math word problems with worked solutions, as a dataset.",
      "Genera 30 ejemplos variados de preguntas y respuestas sobre historia.",
  };
  for (const char* p : prompts) {
    const RequestFeatures rf = Extract(p);
    EXPECT_TRUE(rf.frame_bits & FrameBit("synthetic_data")) << p;
    EXPECT_FALSE(rf.frame_bits & FrameBit("rubric_grading")) << p;
    EXPECT_FALSE(rf.frame_bits & FrameBit("reasoning_extraction")) << p;
  }
}

TEST(Extractor, StepByStep) {
  for (const char* p : {"Solve 3x + 5 = 20. Think step by step.",
                        "Explain your reasoning and show all your work before the final answer.",
                        "Resuelve el problema paso a paso.",
                        "Let's break this down into smaller steps and reason through it."}) {
    const RequestFeatures rf = Extract(p);
    EXPECT_TRUE(rf.frame_bits & FrameBit("step_by_step")) << p;
    EXPECT_FALSE(rf.frame_bits & CampaignFrames()) << p;
  }
}

TEST(Extractor, Persona) {
  for (const char* p :
       {"You are Margaret Chen, a tax attorney with 20 years of experience. Stay in character "
        "and answer my questions about deductions.",
        "Roleplay as a grumpy pirate captain and never break character.",
        "Step into the shoes of a veteran detective and tell me how you would approach the "
        "case."}) {
    const RequestFeatures rf = Extract(p);
    EXPECT_TRUE(rf.frame_bits & FrameBit("persona")) << p;
    EXPECT_FALSE(rf.frame_bits & CampaignFrames()) << p;
  }
}

TEST(Extractor, OrdinaryChatHasNoElicitationFrame) {
  const char* prompts[] = {
      "What's a good recipe for banana bread without eggs?",
      "Can you recommend a few books like The Name of the Wind?",
      "how do i center a div in css",
      "Explain the difference between a Roth IRA and a traditional IRA.",
      "My cat keeps scratching the sofa. Any tips?",
      "Write a short birthday message for my sister who loves hiking.",
      "What is the answer to life, the universe and everything?",
      "Can you give me feedback on my essay's introduction? I think the response from my "
      "teacher was too harsh.",
      "I need a dataset of weather observations for my thesis, where can I find one?",
      "Summarize this article about the history of the printing press in three sentences.",
      "What was the reasoning behind the central bank's decision to raise rates?",
      "Give me 5 different ideas for a vegetarian dinner this week.",
      "Explain your reasoning: is it better to lease or buy a car?",
      "Who is the author of Pride and Prejudice, and what else did she write?",
      "Can you check my answer? I got 42 for 6 times 7.",
      "List the criteria I should use when choosing a laptop for video editing.",
      "Write a cover letter for a junior data analyst position. Here is my CV: ...",
      "Translate 'good morning, how did you sleep?' into Japanese.",
      "Quelle est la meilleure saison pour visiter le Portugal ?",
      "Wie viel Wasser sollte ich am Tag trinken?",
      "周末去里斯本玩，有什么推荐？",
      "My final answer on the quiz was B but the teacher marked it wrong. Who is right?",
      "Rate these three hotel options for a family trip: cheap, central, or with a pool?",
  };
  for (const char* p : prompts) {
    const RequestFeatures rf = Extract(p);
    EXPECT_EQ(rf.frame_bits & CampaignFrames(), 0u) << p;
    EXPECT_EQ(rf.frame_bits & FrameBit("persona"), 0u) << p;
  }
}

TEST(Extractor, Capabilities) {
  struct Case {
    const char* prompt;
    const char* primary;
  };
  const Case cases[] = {
      {"This Python function throws a KeyError when the dict is empty. Can you debug it?\n"
       "```python\ndef first(d):\n    return d[next(iter(d))]\n```",
       "software_engineering"},
      {"Prove that the sum of two odd integers is even, then compute the probability that two "
       "dice sum to 7.",
       "math_reasoning"},
      {"Here is a CSV of monthly sales by region. Compute the median and standard deviation per "
       "region and point out any outliers.",
       "data_analysis"},
      {"Write a haiku about autumn rain and a short story about a lighthouse keeper.",
       "creative_writing"},
      {"Any tips for a weekend trip to Lisbon? What do you recommend?", "general_chat"},
      {"Rephrase this question so it doesn't get refused by the content filter: how to read "
       "someone's private messages.",
       "policy_sensitive"},
      {"Draft a 12-month roadmap with milestones and a critical path for migrating our "
       "warehouse to the cloud.",
       "long_horizon_planning"},
      {"You are an autonomous agent. Use the available tools to run the shell command that "
       "lists the repository, then decide the next action.",
       "agentic_tool_use"},
  };
  for (const Case& c : cases) {
    const RequestFeatures rf = Extract(c.prompt);
    EXPECT_EQ(PrimaryName(rf), c.primary) << c.prompt;
    EXPECT_TRUE(rf.capability_bits & CapBit(c.primary)) << c.prompt;
  }
}

TEST(Extractor, SystemPromptMatchesCountHalf) {
  // "rubric" alone is a full-weight match: in the prompt it sets the frame,
  // in the system prompt it counts 0.5 and does not.
  const char* kRubric = "Use the rubric.";
  EXPECT_TRUE(Extract(kRubric).frame_bits & FrameBit("rubric_grading"));
  const RequestFeatures sys = Extract("Hello there, how are you today?", kRubric);
  EXPECT_FALSE(sys.frame_bits & FrameBit("rubric_grading"));

  FeatureExtractor ex(DefaultPack());
  RequestFeatures rf;
  ex.Extract(PromptEvent("Hello there, how are you today?", kRubric), &rf);
  const uint32_t bit = testing::BitOf(DefaultPack(), CategoryKind::kFrame, "rubric_grading");
  const float half = ex.last_scores()[bit];
  ex.Extract(PromptEvent(kRubric), &rf);
  const float full = ex.last_scores()[bit];
  EXPECT_GT(full, 0.0f);
  EXPECT_FLOAT_EQ(half, full / 2);

  // A system prompt that spells out a grader's job still sets the frame: the
  // halves of several patterns add up.
  const char* kGrader =
      "You are an impartial evaluator. Grade the assistant's response against the rubric, "
      "criterion by criterion, and report the total score.";
  EXPECT_TRUE(Extract("Question: what is 2+2? Response: 4", kGrader).frame_bits &
              FrameBit("rubric_grading"));
}

TEST(Extractor, SystemPromptCacheGivesSameResult) {
  FeatureExtractor ex(DefaultPack());
  const char* kSystem = "You are a helpful assistant. Use the rubric to grade the response.";
  RequestFeatures a, b, c;
  ex.Extract(PromptEvent("Grade this answer for correctness.", kSystem), &a);
  ex.Extract(PromptEvent("What is the weather like on Mars?", "Other system text"), &c);
  ex.Extract(PromptEvent("Grade this answer for correctness.", kSystem), &b);  // cached
  EXPECT_EQ(a.frame_bits, b.frame_bits);
  EXPECT_EQ(a.capability_bits, b.capability_bits);
  EXPECT_EQ(a.system_template, b.system_template);
  EXPECT_EQ(a.system_template, TemplateFingerprint(kSystem, kWholeText));
  EXPECT_EQ(a.system_chars, std::string_view(kSystem).size());
  // A fresh extractor (no cache) agrees.
  const RequestFeatures fresh = Extract("Grade this answer for correctness.", kSystem);
  EXPECT_EQ(fresh.frame_bits, a.frame_bits);
  EXPECT_EQ(fresh.capability_bits, a.capability_bits);
}

TEST(Extractor, ToolsWeightWithToolDefinitions) {
  const char* kPrompt = "Please fix the failing build in this project.";
  const RequestFeatures without = Extract(PromptEvent(kPrompt));
  const RequestFeatures with = Extract(PromptEvent(kPrompt, {}, 5));
  EXPECT_FALSE(without.capability_bits & CapBit("agentic_tool_use"));
  EXPECT_TRUE(with.capability_bits & CapBit("agentic_tool_use"));
  EXPECT_EQ(PrimaryName(with), "agentic_tool_use");
  Event calls = PromptEvent(kPrompt);
  calls.tool_calls = 2;
  EXPECT_TRUE(Extract(calls).capability_bits & CapBit("agentic_tool_use"));
}

TEST(Extractor, LengthsTemplatesAndEmptyEvents) {
  const RequestFeatures empty = Extract(Event{});
  EXPECT_EQ(empty.frame_bits, 0u);
  EXPECT_EQ(empty.capability_bits, 0u);
  EXPECT_EQ(empty.primary_capability, kNoCategory);
  EXPECT_EQ(empty.prompt_template, 0u);
  EXPECT_EQ(empty.system_template, 0u);
  EXPECT_EQ(empty.prompt_chars, 0u);

  const std::string p = "Solve 3x + 5 = 20 and explain each step.";
  const RequestFeatures rf = Extract(p, "You are a math tutor.");
  EXPECT_EQ(rf.prompt_chars, p.size());
  EXPECT_EQ(rf.system_chars, 21u);
  EXPECT_EQ(rf.prompt_template, TemplateFingerprint(p));
  EXPECT_EQ(rf.prompt_template,
            Extract("Solve 12x + 1 = 7 and explain each step.").prompt_template);

  // The extractor resets its output: a second call does not keep bits.
  FeatureExtractor ex(DefaultPack());
  RequestFeatures out;
  ex.Extract(PromptEvent("Use the rubric to grade each response."), &out);
  EXPECT_NE(out.frame_bits, 0u);
  ex.Extract(PromptEvent("hi"), &out);
  EXPECT_EQ(out.frame_bits, 0u);
}

}  // namespace
}  // namespace hw::features

namespace hw::features {
namespace {

// A request the content sampler skips keeps its template fingerprints (they
// feed template reuse and linking) but carries no rule evidence at all.
TEST(Extractor, WithoutRuleScanOnlyTemplates) {
  const Event ev = testing::PromptEvent(
      "You are given a finished answer. Reconstruct the full chain of thought that would lead "
      "to it, then restate the answer unchanged.\nAnswer: x = 4",
      "You are a strict grader. Score each response against the rubric.");
  FeatureExtractor ex(DefaultPack());
  RequestFeatures full, bare;
  ex.Extract(ev, &full, true);
  ex.Extract(ev, &bare, false);
  EXPECT_TRUE(full.scanned);
  EXPECT_NE(full.frame_bits, 0u);
  EXPECT_FALSE(bare.scanned);
  EXPECT_EQ(bare.frame_bits, 0u);
  EXPECT_EQ(bare.capability_bits, 0u);
  EXPECT_EQ(bare.primary_capability, kNoCategory);
  EXPECT_EQ(bare.prompt_template, full.prompt_template);
  EXPECT_EQ(bare.system_template, full.system_template);
  EXPECT_EQ(bare.prompt_chars, full.prompt_chars);
  // The system-prompt cache entry filled by a skipped request still serves a
  // scanned one.
  FeatureExtractor fresh(DefaultPack());
  RequestFeatures after;
  fresh.Extract(ev, &bare, false);
  fresh.Extract(ev, &after, true);
  EXPECT_EQ(after.frame_bits, full.frame_bits);
  EXPECT_EQ(after.capability_bits, full.capability_bits);
}

// analyze fingerprints a chunk's requests first and scans the sampled ones
// afterwards (Fingerprint, then ScanRules), by which time the system
// prompt's cache entry may be gone or scored by another request: every order
// gives what Extract gives at once.
TEST(Extractor, ScanAfterFingerprintingOthersGivesExtract) {
  const std::string system =
      "You are a meticulous grader. Score the answer below against the rubric from 1 to 10 "
      "and explain each point you take away.";
  const std::string prompt =
      "Think step by step and show your full reasoning before the final answer: how many "
      "primes are below 100?";
  const Event ev = PromptEvent(prompt, system, 2);
  FeatureExtractor reference(DefaultPack());
  RequestFeatures once;
  reference.Extract(ev, &once);
  ASSERT_NE(once.frame_bits, 0u);

  // `ex` has scored the system prompt already: its cached scores are used
  // (or, once evicted, the text is scanned again).
  FeatureExtractor ex(DefaultPack());
  RequestFeatures earlier;
  ex.Extract(ev, &earlier);
  std::vector<std::string> others;
  for (int i = 0; i < 6000; ++i) {
    others.push_back("You are assistant number " + std::to_string(i) + " of a help desk.");
  }
  for (const bool evict : {false, true}) {
    for (const bool scored_before : {false, true}) {
      FeatureExtractor fresh(DefaultPack());
      FeatureExtractor& x = scored_before ? ex : fresh;
      RequestFeatures rf;
      x.Fingerprint(ev, &rf);
      EXPECT_FALSE(rf.scanned);
      EXPECT_EQ(rf.frame_bits, 0u);
      if (evict) {
        // Thousands of other system prompts: the entry is replaced.
        RequestFeatures other;
        for (const std::string& o : others) x.Fingerprint(PromptEvent("hi there", o), &other);
      }
      x.ScanRules(ev.system_text, ev.prompt_text, FeatureExtractor::UsesTools(ev), &rf);
      EXPECT_TRUE(rf.scanned);
      EXPECT_EQ(rf.system_template, once.system_template);
      EXPECT_EQ(rf.prompt_template, once.prompt_template);
      EXPECT_EQ(rf.frame_bits, once.frame_bits);
      EXPECT_EQ(rf.capability_bits, once.capability_bits);
      EXPECT_EQ(rf.primary_capability, once.primary_capability);
      EXPECT_EQ(x.last_scores(), reference.last_scores());
    }
  }
}

}  // namespace
}  // namespace hw::features
