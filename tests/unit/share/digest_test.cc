#include "engine/share/digest.h"

#include <gtest/gtest.h>

#include "engine/share/export.h"

namespace hw::share {
namespace {

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(HashAccount, IsSha256OfSaltThenId) {
  EXPECT_EQ(HashAccount("ab", "c"), Sha256Hex("abc"));
  EXPECT_NE(HashAccount("salt1", "acct_1"), HashAccount("salt2", "acct_1"));
  EXPECT_EQ(HashAccount("s", "acct_1").size(), 64u);
}

TEST(Uuid, ParsesAndFormats) {
  Uuid u{};
  ASSERT_TRUE(ParseUuid("6BA7B810-9dad-11d1-80b4-00c04fd430c8", u));
  EXPECT_EQ(FormatUuid(u), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_FALSE(ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c", u));    // short
  EXPECT_FALSE(ParseUuid("6ba7b810x9dad-11d1-80b4-00c04fd430c8", u));   // separator
  EXPECT_FALSE(ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430cg", u));   // not hex
  EXPECT_FALSE(ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8 ", u));  // long
}

TEST(Uuid, Version5MatchesRfcExample) {
  // RFC 9562 appendix A.4: the DNS namespace and "www.example.com".
  Uuid dns{};
  ASSERT_TRUE(ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", dns));
  EXPECT_EQ(FormatUuid(UuidV5(dns, "www.example.com")), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

TEST(Uuid, StixObservableIdsFollowTheSpec) {
  // The STIX 2.1 SCO namespace (section 2.9) over an ipv4-addr's id
  // contributing properties; value from Python's uuid.uuid5.
  EXPECT_EQ(FormatUuid(UuidV5(StixObservableNamespace(), R"({"value":"198.51.100.3"})")),
            "28bb3599-77cd-5a82-a950-b5bc3caf07c4");
}

}  // namespace
}  // namespace hw::share
