// NameBook: bounded, and the same book whatever way a stream is split among
// workers; MaskExcerpt: what an example prompt may show.
#include "engine/fingerprint/name_book.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hw::fingerprint {
namespace {

struct Offer {
  uint64_t key;
  TimeUs time;
  std::string text;
};

std::vector<Offer> Stream(size_t n) {
  std::vector<Offer> v;
  uint64_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const uint64_t key = 1 + (x >> 40) % 300;
    v.push_back({key, static_cast<TimeUs>((x >> 20) % 1000), "text " + std::to_string(x % 97)});
  }
  return v;
}

void Feed(NameBook& b, const Offer& o) {
  if (b.Wants(o.key, o.time)) b.Offer(o.key, o.time, o.text);
}

TEST(NameBook, BoundedAndIndependentOfSharding) {
  const auto stream = Stream(5000);
  NameBook whole(64, 32);
  for (const auto& o : stream) Feed(whole, o);
  EXPECT_EQ(whole.size(), 64u);
  for (int shards : {2, 3, 7}) {
    std::vector<NameBook> parts(static_cast<size_t>(shards), NameBook(64, 32));
    // Offers of one key land in several books, as one template's prompts
    // come from accounts of different workers.
    for (size_t i = 0; i < stream.size(); ++i) Feed(parts[i % parts.size()], stream[i]);
    NameBook merged = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) merged.Merge(parts[i]);
    ASSERT_EQ(merged.size(), whole.size());
    for (uint64_t k = 1; k <= 300; ++k) {
      const std::string* a = whole.Find(k);
      const std::string* b = merged.Find(k);
      ASSERT_EQ(a == nullptr, b == nullptr) << k;
      if (a) {
        EXPECT_EQ(*a, *b) << k;
      }
    }
  }
  // The smallest keys are kept.
  for (uint64_t k = 1; k <= 64; ++k) EXPECT_NE(whole.Find(k), nullptr) << k;
}

TEST(NameBook, EarliestTextWinsAndIsCut) {
  NameBook b(4, 8);
  b.Offer(7, 50, "later");
  b.Offer(7, 10, "earlier text that is long");
  b.Offer(7, 10, "b");  // same time: the smaller text
  b.Offer(7, 90, "latest");
  ASSERT_NE(b.Find(7), nullptr);
  EXPECT_EQ(*b.Find(7), "b");
  EXPECT_FALSE(b.Wants(7, 11));
  EXPECT_TRUE(b.Wants(7, 9));
  b.Offer(8, 0, "0123456789abc");
  EXPECT_EQ(*b.Find(8), "01234567");
  b.Note(9, "model-a");
  b.Note(9, "model-b");
  EXPECT_EQ(*b.Find(9), "model-a");
}

TEST(MaskExcerpt, MasksContactKeysAndNumbers) {
  EXPECT_EQ(MaskExcerpt("Mail jane.doe@example.com now.", 200), "Mail [email] now.");
  EXPECT_EQ(MaskExcerpt("key sk-abcdef0123456789 here", 200), "key [key] here");
  EXPECT_EQ(MaskExcerpt("token A1b2C3d4E5f6G7h8I9j0K1 end", 200), "token [key] end");
  EXPECT_EQ(MaskExcerpt("card 4111 1111 1111 1111, id 12345, acct ID98765432", 200),
            "card [digits], id 12345, acct ID[digits]");
  EXPECT_EQ(MaskExcerpt("line one\nline two", 200), "line one line two");
  const std::string cut = MaskExcerpt(std::string(500, 'a'), 200);
  EXPECT_EQ(cut.size(), 203u);
  EXPECT_EQ(cut.substr(200), "...");
  // A cut never splits a UTF-8 character.
  std::string utf8;
  for (int i = 0; i < 150; ++i) utf8 += "\xc3\xa9";  // é
  const std::string u = MaskExcerpt(utf8, 201);
  EXPECT_EQ(u.size(), 203u);
  EXPECT_EQ(u.substr(0, 200), utf8.substr(0, 200));
}

}  // namespace
}  // namespace hw::fingerprint
