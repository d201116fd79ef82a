#include "engine/decode/route_key.h"

#include <gtest/gtest.h>

namespace hw::decode {
namespace {

TEST(RawUserId, FindsTheValueWhereverTheKeyIs) {
  EXPECT_EQ(RawUserId(R"({"time":"2026-01-01T00:00:00Z","user.id":"acct_1"})"), "acct_1");
  EXPECT_EQ(RawUserId(R"({"user.id" :  "a b","time":1})"), "a b");
  EXPECT_EQ(RawUserId(R"({"x":{"y":[1,2]},"user.id":"z"})"), "z");
}

TEST(RawUserId, SkipsTheKeyTextInsideStrings) {
  // The prompt quotes the key: its quotes are escaped, so it is not a member.
  EXPECT_EQ(RawUserId(R"({"p":"set \"user.id\": \"evil\"","user.id":"real"})"), "real");
  // The key text as a value, not followed by a colon.
  EXPECT_EQ(RawUserId(R"({"p":"user.id","k":["user.id"],"user.id":"real"})"), "real");
}

TEST(RawUserId, EmptyWhenAbsentOrNotAString) {
  EXPECT_EQ(RawUserId(R"({"time":"2026-01-01T00:00:00Z"})"), "");
  EXPECT_EQ(RawUserId(R"({"user.id":42})"), "");
  EXPECT_EQ(RawUserId(R"({"user.id":"unterminated)"), "");
  EXPECT_EQ(RawUserId(""), "");
  EXPECT_EQ(RawUserId("not json at all"), "");
  EXPECT_EQ(RawUserId(R"("user.id")"), "");
}

TEST(RouteKey, SameAccountSameKeyAndNoneIsZero) {
  const uint64_t a = RouteKey(R"({"user.id":"acct_1","time":"2026-01-01T00:00:00Z"})");
  const uint64_t b = RouteKey(R"({"time":"2026-01-02T00:00:00Z","user.id":"acct_1","x":1})");
  const uint64_t c = RouteKey(R"({"user.id":"acct_2"})");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(RouteKey(R"({"time":"2026-01-01T00:00:00Z"})"), 0u);
}

}  // namespace
}  // namespace hw::decode
