// TemplateFingerprint: equal across fillings of one template, different for
// differently worded prompts, 0 without prose, and bounded reads.
#include "engine/features/normalize.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/rng.h"

namespace hw::features {
namespace {

uint64_t Fp(std::string_view s) { return TemplateFingerprint(s); }

TEST(TemplateFingerprint, NumbersAreSlots) {
  const uint64_t a = Fp("Solve the equation 3x + 7 = 22 and explain each step.");
  EXPECT_NE(a, 0u);
  EXPECT_EQ(a, Fp("Solve the equation 15x + 2 = 1,024.5 and explain each step."));
}

TEST(TemplateFingerprint, QuotedSpansAreSlots) {
  const uint64_t a = Fp("Translate \"the cat sat on the mat\" into formal French, please.");
  EXPECT_EQ(a, Fp("Translate \"where is the railway station\" into formal French, please."));
  EXPECT_EQ(a, Fp("Translate `x` into formal French, please."));
}

TEST(TemplateFingerprint, CurlyQuotedSpansAreSlots) {
  const uint64_t a = Fp("Translate \xe2\x80\x9cthe cat sat\xe2\x80\x9d into formal French.");
  EXPECT_EQ(a, Fp("Translate \xe2\x80\x9cgood morning to you all\xe2\x80\x9d into formal French."));
  EXPECT_EQ(a, Fp("Translate \"a plain quote\" into formal French."));
}

TEST(TemplateFingerprint, CodeFencesAreSlots) {
  const char* kA =
      "Review this code and point out problems.\n```python\ndef f(x):\n    return x + 1\n```\n"
      "Focus on correctness.";
  const char* kB =
      "Review this code and point out problems.\n```go\nfunc main() {\n  for i := 0; i < 10; "
      "i++ {\n    fmt.Println(i)\n  }\n}\n```\nFocus on correctness.";
  EXPECT_EQ(Fp(kA), Fp(kB));
  // An unclosed fence runs to the end of the text.
  EXPECT_EQ(Fp("Review this code and point out problems.\n```\nint x;"),
            Fp("Review this code and point out problems.\n```js\nlet y = [1, 2];\nfoo()"));
}

TEST(TemplateFingerprint, NamesAndIdentifiersAreSlots) {
  const uint64_t a = Fp("Write a short poem for my friend Alice about Lisbon in spring.");
  EXPECT_EQ(a, Fp("Write a short poem for my friend Bob about Tokyo in spring."));
  const uint64_t b = Fp("Why does parse_config crash when the field user_id2 is empty?");
  EXPECT_EQ(b, Fp("Why does loadUser crash when the field x_9 is empty?"));
}

TEST(TemplateFingerprint, DataLinesCollapseToOneSlot) {
  const char* kA =
      "Here is a sample of the data:\nid,region,amount\n1,EU,12.5\n2,US,7\n"
      "What are the trends?";
  const char* kB =
      "Here is a sample of the data:\nid,country,total,date\n17,DE,3.25,2024-01-02\n"
      "18,FR,4,2024-01-03\n19,IT,9,2024-01-05\n20,ES,1,2024-02-01\nWhat are the trends?";
  EXPECT_EQ(Fp(kA), Fp(kB));
}

TEST(TemplateFingerprint, FillingLaterInTheSentenceIsIgnored) {
  // The template words the opening of a sentence; the topic comes later.
  EXPECT_EQ(Fp("I need some advice on choosing a laptop for school."),
            Fp("I need some advice on growing tomatoes on a balcony."));
}

TEST(TemplateFingerprint, DifferentWordingDiffers) {
  const std::vector<std::string> texts = {
      "Solve the equation 3x + 7 = 22 and explain each step.",
      "Please solve the equation 3x + 7 = 22 and explain each step.",
      "Find x such that 3x + 7 = 22.",
      "Write a short poem for my friend Alice about Lisbon in spring.",
      "Compose a short poem for my friend Alice about Lisbon in spring.",
      "Review this code and point out problems.",
      "Review this code and point out problems. Focus on correctness.",
      "Focus on correctness. Review this code and point out problems.",
      "Imagine you wrote the answer below and articulate your reasoning.",
      "Grade the response below against the rubric.",
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    for (size_t j = i + 1; j < texts.size(); ++j) {
      EXPECT_NE(Fp(texts[i]), Fp(texts[j])) << texts[i] << " | " << texts[j];
    }
  }
}

TEST(TemplateFingerprint, OnlyTheHeadCounts) {
  // Pasted material after the instructions is filling, whatever its form.
  const std::string head =
      "Read the task below. Then write the reasoning behind the answer. Keep it short.\n\n";
  const std::string a = head + "The service runs out of memory at night.";
  const std::string b = head + "Our team is small and nobody owns this code.";
  static_assert(kTemplateSegments == 3);
  EXPECT_EQ(Fp(a), Fp(b));
  EXPECT_NE(TemplateFingerprint(a, kWholeText), TemplateFingerprint(b, kWholeText));
  // Labels and markers before the third prose segment still count.
  EXPECT_NE(Fp("Read the task below.\n```\ncode\n```\nThen write the reasoning. Keep it short."),
            Fp("Read the task below. Then write the reasoning. Keep it short."));
  EXPECT_EQ(TemplateFingerprint("Only one sentence here.", 1),
            TemplateFingerprint("Only one sentence here. And another one there.", 1));
}

TEST(TemplateFingerprint, LogAndCsvLinesAreData) {
  const uint64_t a =
      Fp("Why does this fail?\n$ npm test\nrun_shell(\"make\") -> exit code 2\n"
         "order_id,customer,total\nSee the output above.");
  const uint64_t b =
      Fp("Why does this fail?\n$ git status\nread_file(\"a.txt\") -> not found\nx => y\n"
         "user,plan,country\nSee the output above.");
  EXPECT_EQ(a, b);
  EXPECT_EQ(Fp("The error is in java.util.concurrent and src/main/app.py somewhere."),
            Fp("The error is in os.path and ./internal/utils.sh somewhere."));
}

TEST(TemplateFingerprint, CaseOfTheOpeningWordDoesNotMatter) {
  EXPECT_EQ(Fp("Review this code and point out problems."),
            Fp("review this code and point out problems."));
}

TEST(TemplateFingerprint, NoProseGivesZero) {
  for (const char* s : {"", " ", "\n\n\t  \n", "...!?;:,", "```\ncode only\n```", "12 34 5.6",
                        "\"quoted only\"", "--- *** ---", "x", "Hello"}) {
    EXPECT_EQ(Fp(s), 0u) << '[' << s << ']';
  }
}

TEST(TemplateFingerprint, NonEnglishText) {
  const uint64_t es = Fp("¿Cuántas formas hay de sentar a 5 personas en una mesa redonda?");
  EXPECT_NE(es, 0u);
  EXPECT_EQ(es, Fp("¿Cuántas formas hay de sentar a 12 personas en una mesa redonda?"));
  const uint64_t de = Fp("Schreibe ein Gedicht über den Regen in der Stadt.");
  EXPECT_NE(de, 0u);
  EXPECT_NE(de, Fp("Erkläre mir bitte, wie Zinseszins funktioniert."));
  EXPECT_NE(es, de);
}

TEST(TemplateFingerprint, ChineseText) {
  // Each CJK character is a word; full-width punctuation separates and the
  // full stop, question and exclamation marks end a segment.
  const uint64_t a = Fp("解方程 3x + 7 = 0，并解释每一步。");
  EXPECT_NE(a, 0u);
  EXPECT_EQ(a, Fp("解方程 12x + 5 = 0，并解释每一步。"));
  EXPECT_NE(a, Fp("写一首关于城市雨夜的诗。"));
  EXPECT_NE(Fp("复利是怎么计算的？"), Fp("怎样才能睡得更好？"));
  EXPECT_EQ(Fp("任务：解方程 3x = 9。"), Fp("任务：解方程 4x = 8。"));
  // A label's full-width colon ends the label like an ASCII colon.
  EXPECT_EQ(Fp("任务：写一首关于城市雨夜的诗。"), Fp("任务:写一首关于城市雨夜的诗。"));
}

TEST(TemplateFingerprint, StableAndDeterministic) {
  const std::string s = "Explain what this code does, line by line.\n```\nx = 1\n```";
  EXPECT_EQ(Fp(s), Fp(std::string(s)));
}

// Pins the fingerprint of 20,000 random texts built from pieces that reach
// every branch (letter runs longer than a SIMD block, capitals inside and at
// the start of words, digits, identifiers, paths, quotes, fences, non-ASCII
// letters, wide punctuation, CJK, stops): a faster tokenizer must give the
// same value for every text, since templates feed the linker and the report.
// The digest was computed by the byte-at-a-time tokenizer of 2026-12-02.
TEST(TemplateFingerprint, ValuesArePinned) {
  const std::vector<std::string_view> pieces = {
      "the ",
      "quick ",
      "Brown ",
      "fox",
      "jumps",
      " over ",
      "a ",
      "LAZY ",
      "dog",
      ". ",
      "? ",
      "! ",
      ": ",
      "; ",
      ", ",
      ",x",
      "\n",
      "\n\n",
      "  ",
      "\t",
      "internationalization ",
      "characteristically ",
      "supercalifragilisticexpialidocious ",
      "McDonald ",
      "iPhone ",
      "JavaScript ",
      "x_y ",
      "snake_case_name ",
      "v2 ",
      "3.14 ",
      "1,000 ",
      "42",
      "fix-42 ",
      "step-by-step ",
      "don't ",
      "java.util.List ",
      "src/main.py ",
      "https://example.com/a ",
      "f(x) ",
      "{",
      "}",
      "-> ",
      "=> ",
      "$ ",
      "\"quoted span\" ",
      "`code` ",
      "```\nint x;\n```\n",
      "\u201Ccurly\u201D ",
      "\u00ABguillemets\u00BB ",
      "\u300Ccorner\u300D",
      "caf\xc3\xa9 ",
      "na\xc3\xafve ",
      "\xc3\x89mile ",
      "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 ",
      "\xe8\xa7\xa3\xe9\x87\x8a",
      "\xe3\x80\x82",
      "\xef\xbc\x9a",
      "\xef\xbc\x8c",
      "\xe2\x80\x94",
      "\xc2\xa0",
      "Task:",
      "Answer: ",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "abcdefghijklmnopqrstuvwxyz",
      "'",
      "-",
      "_",
      "\xe2\x80\x99s ",
      "\xff",
      "\xc3",
  };
  Rng rng(20261202);
  uint64_t digest = 0;
  std::string text;
  for (int k = 0; k < 20000; ++k) {
    text.clear();
    const uint64_t n = rng.Below(120);
    for (uint64_t i = 0; i < n; ++i) text += pieces[rng.Below(pieces.size())];
    const int segments = rng.Below(4) == 0 ? kWholeText : kTemplateSegments;
    digest = digest * 0x100000001b3ULL ^ TemplateFingerprint(text, segments);
  }
  EXPECT_EQ(digest, 0x7d7e3452d6e70d66ULL);
}

// Every prefix of each text, copied into a buffer of exactly that size, so
// that AddressSanitizer reports any read past the end.
TEST(TemplateFingerprint, NeverReadsPastTheEnd) {
  const std::vector<std::string> texts = {
      "Translate \xe2\x80\x9cthe cat\xe2\x80\x9d now.",
      "\xe2\x80\x9cunterminated curly quote",
      "Say \"unterminated quote\nnext line.",
      "```",
      "``",
      "ok ```\nfence not at line start",
      "```py\ncode\n``",
      "解方程，并解释每一步。写一首诗？好！",
      "\xe4\xbd",
      "\xe3\x80",
      "\xef\xbc",
      "\xe2\x80",
      "3.5, 1,000 and 2.",
      "a.b c. d? e! f: g; h",
      "don't step-by-step x'",
      std::string("nul\0byte inside", 15),
      "\xff\xfe\x80\x80 invalid utf8 \xc3",
      "Émile, Zoë and Ångström wrote naïve café reviews.",
  };
  for (const std::string& t : texts) {
    for (size_t n = 0; n <= t.size(); ++n) {
      std::unique_ptr<char[]> buf(new char[n == 0 ? 1 : n]);
      std::memcpy(buf.get(), t.data(), n);
      (void)Fp(std::string_view(buf.get(), n));
    }
  }
  // Long runs: a quote longer than the 400-byte limit and a huge number.
  std::string q = "Say \"" + std::string(1000, 'a') + "\" now.";
  (void)Fp(q);
  (void)Fp(std::string(100000, '9'));
  (void)Fp(std::string(30000, '\n'));
  SUCCEED();
}

}  // namespace
}  // namespace hw::features
