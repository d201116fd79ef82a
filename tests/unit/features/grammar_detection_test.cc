// Measured tests over the simulator's own prompt grammar: how often the
// default rule pack detects each frame, how often it fires on prompts without
// a frame, how well primary_capability matches the capability asked for, and
// how stable the template fingerprint is across fillings of one template.
// The grammar is written independently of the rules (docs/RULES.md); the
// floors below are measured values with a margin, so a rule or normaliser
// change that loses detection fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/common/rng.h"
#include "engine/features/normalize.h"
#include "engine/sim/grammar.h"
#include "test_util.h"

namespace hw::features {
namespace {

using sim::Capability;
using sim::Frame;
using sim::Language;
using testing::DefaultPack;

constexpr int kCaps = static_cast<int>(Capability::kCount);
constexpr int kFrames = static_cast<int>(Frame::kCount);
constexpr int kLangs = static_cast<int>(Language::kCount);
constexpr int kPerFrame = 300;

// Pack bit of each simulator frame (kNone has none) and capability.
std::array<int, kFrames> FrameBits() {
  std::array<int, kFrames> bits{};
  bits[0] = -1;
  for (int f = 1; f < kFrames; ++f) {
    bits[f] = static_cast<int>(
        testing::BitOf(DefaultPack(), CategoryKind::kFrame, sim::FrameName(static_cast<Frame>(f))));
  }
  return bits;
}
std::array<int, kCaps> CapBits() {
  std::array<int, kCaps> bits{};
  for (int c = 0; c < kCaps; ++c) {
    bits[c] = static_cast<int>(testing::BitOf(DefaultPack(), CategoryKind::kCapability,
                                              sim::CapabilityName(static_cast<Capability>(c))));
  }
  return bits;
}

// A prompt of frame `f`, number `i` of its series: capabilities and languages
// cycle, a third are free-form, the rest templated with some paraphrasing.
std::string Prompt(int f, int i, Rng& rng, Language lang) {
  sim::PromptSpec spec;
  spec.frame = static_cast<Frame>(f);
  spec.capability = static_cast<Capability>(i % kCaps);
  spec.language = lang;
  spec.template_seed = i % 3 == 0 ? 0 : 1 + rng.Below(1000);
  spec.paraphrase = i % 3 == 2 ? rng.Uniform() : 0;
  std::string out;
  sim::WriteUserPrompt(spec, rng, out);
  return out;
}

TEST(GrammarDetection, FramesAcrossLanguagesAndCapabilities) {
  const RulePack& pack = DefaultPack();
  FeatureExtractor ex(pack);
  const auto bits = FrameBits();
  // rate[true frame][detected frame]
  std::array<std::array<double, kFrames>, kFrames> rate{};
  std::array<std::array<int, kLangs>, kFrames> missed_by_lang{};
  for (int f = 0; f < kFrames; ++f) {
    Rng rng(MixSeed(0xf7a3e, static_cast<uint64_t>(f)));
    for (int i = 0; i < kPerFrame; ++i) {
      const auto lang = static_cast<Language>((i / kCaps) % kLangs);
      const std::string p = Prompt(f, i, rng, lang);
      RequestFeatures rf;
      ex.Extract(testing::PromptEvent(p), &rf);
      for (int g = 1; g < kFrames; ++g) {
        if (rf.frame_bits & (1u << bits[g])) rate[f][g] += 1.0 / kPerFrame;
      }
      if (f > 0 && !(rf.frame_bits & (1u << bits[f]))) {
        ++missed_by_lang[f][static_cast<int>(lang)];
        if (std::getenv("HW_SHOW_MISSES")) {
          std::printf("MISS %s [%s]: %s\n---\n", sim::FrameName(static_cast<Frame>(f)),
                      sim::LanguageName(lang), p.c_str());
        }
      } else if (f == 0 && rf.frame_bits != 0 && std::getenv("HW_SHOW_MISSES")) {
        std::printf("FP %x [%s]: %s\n---\n", rf.frame_bits, sim::LanguageName(lang), p.c_str());
      }
    }
  }
  std::printf("frame detection rate (rows: simulated frame; columns: detected frame)\n%-22s", "");
  for (int g = 1; g < kFrames; ++g) std::printf(" %9.9s", sim::FrameName(static_cast<Frame>(g)));
  std::printf("   misses by language (en es de fr zh pt)\n");
  for (int f = 0; f < kFrames; ++f) {
    std::printf("%-22s", sim::FrameName(static_cast<Frame>(f)));
    for (int g = 1; g < kFrames; ++g) std::printf(" %9.3f", rate[f][g]);
    std::printf("  ");
    for (int l = 0; l < kLangs; ++l) std::printf(" %2d", missed_by_lang[f][l]);
    std::printf("\n");
  }
  const int re = static_cast<int>(Frame::kReasoningExtraction);
  const int rub = static_cast<int>(Frame::kRubricGrading);
  const int syn = static_cast<int>(Frame::kSyntheticData);
  const int step = static_cast<int>(Frame::kStepByStep);
  const int per = static_cast<int>(Frame::kPersona);
  EXPECT_GE(rate[re][re], 0.9);
  EXPECT_GE(rate[rub][rub], 0.9);
  EXPECT_GE(rate[syn][syn], 0.9);
  EXPECT_GE(rate[step][step], 0.9);
  EXPECT_GE(rate[per][per], 0.9);
  // Frames a campaign is scored on must stay quiet on ordinary prompts.
  EXPECT_LE(rate[0][re], 0.02);
  EXPECT_LE(rate[0][rub], 0.02);
  EXPECT_LE(rate[0][syn], 0.02);
  EXPECT_LE(rate[0][per], 0.05);
  EXPECT_LE(rate[0][step], 0.05);
  // Nor confuse one campaign frame for another.
  for (int f : {re, rub, syn}) {
    for (int g : {re, rub, syn}) {
      if (f != g) {
        EXPECT_LE(rate[f][g], 0.1) << f << " detected as " << g;
      }
    }
  }
}

TEST(GrammarDetection, PrimaryCapabilityOnEnglishPrompts) {
  const RulePack& pack = DefaultPack();
  FeatureExtractor ex(pack);
  const auto bits = CapBits();
  constexpr int kPerCap = 300;
  std::array<std::array<int, kCaps + 1>, kCaps> confusion{};  // last column: none
  for (int c = 0; c < kCaps; ++c) {
    Rng rng(MixSeed(0xca9, static_cast<uint64_t>(c)));
    for (int i = 0; i < kPerCap; ++i) {
      sim::PromptSpec spec;
      spec.capability = static_cast<Capability>(c);
      // Mostly unframed, some with each frame: frames add their own words.
      spec.frame = i % 2 == 0 ? Frame::kNone : static_cast<Frame>(1 + (i / 2) % (kFrames - 1));
      spec.template_seed = i % 3 == 0 ? 0 : 1 + rng.Below(1000);
      spec.paraphrase = i % 3 == 2 ? rng.Uniform() : 0;
      std::string p;
      sim::WriteUserPrompt(spec, rng, p);
      RequestFeatures rf;
      ex.Extract(testing::PromptEvent(p), &rf);
      int col = kCaps;
      for (int d = 0; d < kCaps; ++d) {
        if (rf.primary_capability == bits[d]) col = d;
      }
      ++confusion[c][col];
      if (col != c && std::getenv("HW_SHOW_MISSES")) {
        std::printf("CAP %s -> %s: %s\n---\n", sim::CapabilityName(spec.capability),
                    col == kCaps ? "none" : sim::CapabilityName(static_cast<Capability>(col)),
                    p.c_str());
      }
    }
  }
  std::printf("primary_capability, English (rows: simulated; columns: detected, last none)\n");
  std::printf("%-22s", "");
  for (int d = 0; d < kCaps; ++d)
    std::printf(" %6.6s", sim::CapabilityName(static_cast<Capability>(d)));
  std::printf("   none  accuracy\n");
  int total = 0;
  for (int c = 0; c < kCaps; ++c) {
    std::printf("%-22s", sim::CapabilityName(static_cast<Capability>(c)));
    for (int d = 0; d <= kCaps; ++d) std::printf(" %6d", confusion[c][d]);
    const double acc = static_cast<double>(confusion[c][c]) / kPerCap;
    std::printf("  %.3f\n", acc);
    total += confusion[c][c];
    EXPECT_GE(acc, 0.75) << sim::CapabilityName(static_cast<Capability>(c));
  }
  const double overall = static_cast<double>(total) / (kPerCap * kCaps);
  std::printf("overall primary_capability accuracy %.3f\n", overall);
  EXPECT_GE(overall, 0.85);
}

TEST(GrammarDetection, PrimaryCapabilityOtherLanguages) {
  // The pack has fewer words for the other languages: a looser floor, printed
  // per language.
  const RulePack& pack = DefaultPack();
  FeatureExtractor ex(pack);
  const auto bits = CapBits();
  constexpr int kPerCell = 60;
  int total = 0, right = 0;
  std::printf("primary_capability accuracy by language:");
  for (int l = 1; l < kLangs; ++l) {
    int lang_right = 0;
    for (int c = 0; c < kCaps; ++c) {
      Rng rng(MixSeed(0x1a9, static_cast<uint64_t>(l * kCaps + c)));
      for (int i = 0; i < kPerCell; ++i) {
        sim::PromptSpec spec;
        spec.capability = static_cast<Capability>(c);
        spec.language = static_cast<Language>(l);
        spec.frame = i % 2 == 0 ? Frame::kNone : static_cast<Frame>(1 + (i / 2) % (kFrames - 1));
        spec.template_seed = i % 3 == 0 ? 0 : 1 + rng.Below(1000);
        std::string p;
        sim::WriteUserPrompt(spec, rng, p);
        RequestFeatures rf;
        ex.Extract(testing::PromptEvent(p), &rf);
        lang_right += rf.primary_capability == bits[c];
      }
    }
    std::printf(" %s %.3f", sim::LanguageName(static_cast<Language>(l)),
                static_cast<double>(lang_right) / (kPerCell * kCaps));
    right += lang_right;
    total += kPerCell * kCaps;
  }
  const double acc = static_cast<double>(right) / total;
  std::printf(", all %.3f\n", acc);
  EXPECT_GE(acc, 0.7);
}

TEST(GrammarFingerprint, OneTemplateDifferentFillingsMatch) {
  // Pairs of prompts of one template seed (no paraphrase) drawn from
  // different random streams.
  int pairs = 0, same = 0;
  std::array<int, kLangs> lang_pairs{}, lang_same{};
  for (int c = 0; c < kCaps; ++c) {
    for (int f = 0; f < kFrames; ++f) {
      for (int l = 0; l < kLangs; ++l) {
        for (uint64_t s = 1; s <= 4; ++s) {
          sim::PromptSpec spec;
          spec.capability = static_cast<Capability>(c);
          spec.frame = static_cast<Frame>(f);
          spec.language = static_cast<Language>(l);
          spec.template_seed = MixSeed(c * 100 + f * 10 + l, s);
          Rng a(MixSeed(s, 1)), b(MixSeed(s, 2));
          std::string pa, pb;
          sim::WriteUserPrompt(spec, a, pa);
          sim::WriteUserPrompt(spec, b, pb);
          const uint64_t fa = TemplateFingerprint(pa), fb = TemplateFingerprint(pb);
          ++pairs;
          ++lang_pairs[l];
          if (fa == fb && fa != 0) {
            ++same;
            ++lang_same[l];
          } else if (std::getenv("HW_SHOW_MISSES") && l == 0) {
            std::printf("FPDIFF\n%s\n~~~\n%s\n---\n", pa.c_str(), pb.c_str());
          }
        }
      }
    }
  }
  const double rate = static_cast<double>(same) / pairs;
  std::printf("template fingerprint: same template, different fillings: %d/%d = %.3f (", same,
              pairs, rate);
  for (int l = 0; l < kLangs; ++l) {
    std::printf("%s %.2f%s", sim::LanguageName(static_cast<Language>(l)),
                static_cast<double>(lang_same[l]) / lang_pairs[l], l + 1 < kLangs ? ", " : ")\n");
  }
  EXPECT_GE(rate, 0.8);
}

TEST(GrammarFingerprint, FreeFormPromptsRarelyCollide) {
  // Free-form prompts (template seed 0) over every capability, frame and
  // language; cell = (capability, frame, language).
  constexpr int kCells = kCaps * kFrames * kLangs;
  constexpr int kPrompts = 8 * kCells;
  std::vector<uint64_t> fps;
  Rng rng(0xf4ee);
  for (int i = 0; i < kPrompts; ++i) {
    sim::PromptSpec spec;
    spec.capability = static_cast<Capability>(i % kCaps);
    spec.frame = static_cast<Frame>((i / kCaps) % kFrames);
    spec.language = static_cast<Language>((i / (kCaps * kFrames)) % kLangs);
    std::string p;
    sim::WriteUserPrompt(spec, rng, p);
    fps.push_back(TemplateFingerprint(p));
    EXPECT_NE(fps.back(), 0u) << p;
  }
  std::unordered_map<uint64_t, int> count;
  for (uint64_t f : fps) ++count[f];
  double colliding = 0;
  for (const auto& [f, m] : count) colliding += 0.5 * m * (m - 1);
  const double n = static_cast<double>(fps.size());
  const double pair_rate = colliding / (n * (n - 1) / 2);
  // Pairs asking the same kind of thing in the same language: the hard case,
  // since the grammar draws their sentences from the same phrase lists.
  std::array<int, kLangs> cell_pairs{}, cell_same{};
  for (int i = 0; i < kPrompts; ++i) {
    for (int j = i + kCells; j < kPrompts; j += kCells) {
      const int l = (i / (kCaps * kFrames)) % kLangs;
      ++cell_pairs[l];
      cell_same[l] += fps[i] == fps[j];
    }
  }
  int all_pairs = 0, all_same = 0;
  std::printf(
      "template fingerprint: free-form prompts, colliding pairs %.5f; same capability, "
      "frame and language:",
      pair_rate);
  for (int l = 0; l < kLangs; ++l) {
    all_pairs += cell_pairs[l];
    all_same += cell_same[l];
    std::printf(" %s %.3f", sim::LanguageName(static_cast<Language>(l)),
                static_cast<double>(cell_same[l]) / cell_pairs[l]);
  }
  const double cell_rate = static_cast<double>(all_same) / all_pairs;
  std::printf(", all %.4f\n", cell_rate);
  EXPECT_LT(pair_rate, 0.001);
  EXPECT_LT(cell_rate, 0.03);
  EXPECT_LT(static_cast<double>(cell_same[0]) / cell_pairs[0], 0.01);  // English
}

TEST(GrammarFingerprint, DistinctSystemPromptsRarelyCollide) {
  // System prompts are fingerprinted whole (FeatureExtractor): distinct
  // products' prompts that open alike must still differ.
  Rng rng(0x5e5);
  int texts = 0, shared = 0;
  for (int k = 1; k < static_cast<int>(sim::SystemKind::kCount); ++k) {
    std::unordered_map<std::string, int> seen;
    std::unordered_map<uint64_t, int> count;
    std::vector<uint64_t> fps;
    for (uint64_t seed = 1; seed <= 300; ++seed) {
      std::string s;
      sim::WriteSystemPrompt(static_cast<sim::SystemKind>(k), seed, Language::kEnglish, rng, s);
      if (seen[s]++) continue;
      const uint64_t f = TemplateFingerprint(s, kWholeText);
      EXPECT_NE(f, 0u);
      // Verbatim reuse gives the same value.
      EXPECT_EQ(f, TemplateFingerprint(std::string(s), kWholeText));
      fps.push_back(f);
      ++count[f];
    }
    for (uint64_t f : fps) shared += count[f] > 1;
    texts += static_cast<int>(fps.size());
  }
  const double rate = static_cast<double>(shared) / texts;
  std::printf("template fingerprint: distinct system prompts sharing a fingerprint %d/%d = %.4f\n",
              shared, texts, rate);
  EXPECT_LT(rate, 0.05);
}

}  // namespace
}  // namespace hw::features
