// TemplateFingerprint takes plain prose past a segment's lead words, and the
// letters of a word, 16 bytes at a time; the reference reads one byte at a
// time. They must agree (the same 64-bit values, not only the same
// groupings: serve keeps fingerprints in its state across versions) on
// every text: the simulator's prompts and system prompts in every language,
// random texts over the characters the shortcut handles and the ones that
// stop it, and hand cases at its edges.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/rng.h"
#include "engine/features/normalize.h"
#include "engine/sim/grammar.h"

namespace hw::features {
namespace {

// Every head length that the segment limit can reach: the shortcut must
// stop where the reference stops.
constexpr int kLimits[] = {1, 2, kTemplateSegments, 5, kWholeText};

void ExpectSame(std::string_view text, int* compared) {
  for (const int limit : kLimits) {
    ASSERT_EQ(TemplateFingerprint(text, limit), detail::TemplateFingerprintReference(text, limit))
        << "limit " << limit << ", text: " << text;
    ++*compared;
  }
}

TEST(PlainRun, SimulatorPromptsAgreeWithTheReference) {
  int compared = 0;
  Rng rng(20261204);
  const int caps = static_cast<int>(sim::Capability::kCount);
  const int frames = static_cast<int>(sim::Frame::kCount);
  const int langs = static_cast<int>(sim::Language::kCount);
  std::string p;
  for (int c = 0; c < caps; ++c) {
    for (int f = 0; f < frames; ++f) {
      for (int l = 0; l < langs; ++l) {
        for (int k = 0; k < 6; ++k) {
          sim::PromptSpec spec;
          spec.capability = static_cast<sim::Capability>(c);
          spec.frame = static_cast<sim::Frame>(f);
          spec.language = static_cast<sim::Language>(l);
          spec.template_seed = k % 3 == 0 ? 0 : 1 + rng.Below(1000);
          spec.paraphrase = k == 5 ? 0.5 : 0;
          p.clear();
          sim::WriteUserPrompt(spec, rng, p);
          ExpectSame(p, &compared);
        }
      }
    }
  }
  for (int kind = 1; kind < static_cast<int>(sim::SystemKind::kCount); ++kind) {
    for (int l = 0; l < langs; ++l) {
      for (uint64_t seed = 1; seed <= 8; ++seed) {
        p.clear();
        sim::WriteSystemPrompt(static_cast<sim::SystemKind>(kind), seed,
                               static_cast<sim::Language>(l), rng, p);
        ExpectSame(p, &compared);
      }
    }
  }
  EXPECT_GT(compared, 5000);
}

TEST(PlainRun, RandomTextsAgreeWithTheReference) {
  // Most texts draw only the first 18 pieces, what the shortcut takes (letters,
  // spaces, commas, ' and -); the rest draw every piece, each kind of byte
  // that ends a run or a segment.
  // clang-format off
  static const std::vector<std::string> kPieces = {
      "a", "e", "t", "s", "word", "the", "Name", "inner", "X", "q", " ", " ", " ", "  ", ", ", ",",
      "'", "-", "->", "'s", "-by-", ". ", ".", "? ", "!", ": ", ";", "\n", "\n\n", "\t", "3",
      "42", "x_1", "_", "(", "f(x)", "{", "}", "\"", "\"quoted span\"", "`", "```", "```\ncode\n```\n",
      "$ ", "/", "src/main.py", "http://x", "\r", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x99",
      "\xe3\x80\x82", "\xe4\xbd\xa0", "\xc3\xa9", "\xc2\xa0", "\xef\xbc\x8c", "\xff", "\x80", "=",
      "A", "B", "Zz", "aB",
  };
  // clang-format on
  Rng rng(7);
  int compared = 0;
  std::string t;
  for (int k = 0; k < 20000; ++k) {
    t.clear();
    const uint64_t pieces = 1 + rng.Below(120);
    const uint64_t bias = rng.Below(4);
    for (uint64_t j = 0; j < pieces; ++j) {
      const uint64_t pick = rng.Below(bias == 0 ? kPieces.size() : 18);
      t += kPieces[pick];
    }
    ExpectSame(t, &compared);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_EQ(compared, 20000 * static_cast<int>(std::size(kLimits)));
}

TEST(PlainRun, EdgesOfTheShortcut) {
  int compared = 0;
  const std::vector<std::string> texts = {
      // Runs that end exactly at, just before and just after a block edge.
      "Please write it now. then some more plain words follow here and then stop.",
      "Explain it well. abcdefghijklmno pqrstuvwxyzabcde fghijklmnopqrstu vwxyz.",
      "Explain it well. abcdefghijklmnop qrstuvwxyzabcdef ghijklmnopqrstuv wxyz",
      // A capital first and inside a word, a comma before a letter (data),
      // a quote or dash at bit 15, an arrow, a shell prompt after spaces.
      "Write it out. and then Alice met bOb and the rest, of them wrote a,b,c here now.",
      "Write it out. and then xxxxxxxxxx' yyyy and zzzzzzzzzzzzzz- aaaa bbbb cccc dddd.",
      "Write it out. and then step-by-step don't -lead 'quote' a -> b as it goes on here.",
      "Write it out.\n   $ run this now please and then some words come after it all.",
      "Write it out. and then     many     spaces     between     words     here.",
      "Write it out. and then a word that runs right up to the end of the text",
      "Write it out. and then a word that runs right up to the end of the text ",
  };
  for (const std::string& t : texts) {
    ExpectSame(t, &compared);
    // Every suffix too, so that runs start at every offset of a block.
    for (size_t s = 1; s < t.size(); ++s) ExpectSame(std::string_view(t).substr(s), &compared);
  }
  EXPECT_GT(compared, 1000);
}

}  // namespace
}  // namespace hw::features
