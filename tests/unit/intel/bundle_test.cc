// The partner bundle reader: a good bundle compiles into indicators with
// their campaigns; unsupported patterns are skipped and counted; malformed
// JSON and wrong types are errors naming file:line and the reason.
#include <gtest/gtest.h>

#include <string>

#include "engine/intel/intel.h"
#include "test_bundle.h"

namespace hw::intel {
namespace {

std::string Bundle(const std::string& extra = {}) {
  return std::string(testing::kBundlePrefix) + extra + testing::kBundleSuffix;
}

TEST(IntelBundle, GoodBundleCompiles) {
  auto b = ParseBundle(Bundle(), "p.json");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->partner, "Acme AI");
  EXPECT_EQ(b->source, "p.json");
  ASSERT_EQ(b->campaigns.size(), 1u);
  EXPECT_EQ(b->campaigns[0].name, "Acme AI distillation campaign C001 (2026-04-22)");
  ASSERT_EQ(b->indicators.size(), 5u);
  const Indicator& net = b->indicators[0];
  EXPECT_EQ(net.id, "indicator--55555555-5555-4555-8555-555555555501");
  ASSERT_EQ(net.observables.size(), 1u);
  EXPECT_EQ(net.observables[0].kind, IndicatorKind::kNetwork);
  EXPECT_EQ(net.observables[0].network.prefix, 24);
  EXPECT_EQ(net.campaigns, std::vector<uint32_t>{0});
  EXPECT_EQ(net.valid_from, ParseRfc3339("2026-04-22T00:00:00Z"));
  EXPECT_FALSE(net.valid_until.has_value());
  EXPECT_TRUE(b->indicators[1].observables[0].network.ipv6);
  EXPECT_TRUE(b->indicators[1].campaigns.empty());
  EXPECT_EQ(b->indicators[2].observables[0].kind, IndicatorKind::kTemplate);
  EXPECT_EQ(b->indicators[2].observables[0].template_key, 0x9f2c4e1a0b7d3366ULL);
  EXPECT_EQ(b->indicators[2].campaigns, std::vector<uint32_t>{0});
  // OR-ed observation expressions and comparisons.
  const Indicator& ored = b->indicators[3];
  ASSERT_EQ(ored.observables.size(), 3u);
  EXPECT_EQ(ored.observables[1].network.prefix, 25);
  EXPECT_EQ(ored.observables[2].network.prefix, 128);
  EXPECT_EQ(ored.valid_until, ParseRfc3339("2026-05-01T00:00:00Z"));
  // The shared account joins the campaign through its infrastructure.
  const Indicator& acct = b->indicators[4];
  EXPECT_EQ(acct.observables[0].kind, IndicatorKind::kAccount);
  EXPECT_EQ(acct.observables[0].value,
            "c108f13652c39382a3eafe676c28eb15979f4fafbff01f6bfac0a9158dbfdc65");
  EXPECT_EQ(acct.campaigns, std::vector<uint32_t>{0});
}

TEST(IntelBundle, UnsupportedPatternsAreSkippedAndCounted) {
  auto b = ParseBundle(Bundle(), "p.json");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  // AND, a qualifier, another object, a snort rule, a bad address, a raw user id.
  EXPECT_EQ(b->skipped, 6u);
  EXPECT_EQ(b->revoked, 1u);
  ASSERT_EQ(b->skipped_examples.size(), 5u);
  EXPECT_EQ(b->skipped_examples[0],
            "[ipv4-addr:value = '203.0.113.1' AND ipv4-addr:value = '203.0.113.2']");
  EXPECT_EQ(b->skipped_examples[3], "snort: alert tcp any any -> any any");
}

TEST(IntelBundle, LatestVersionOfAnObjectWins) {
  const std::string v2 =
      ",\n{\"type\":\"indicator\",\"spec_version\":\"2.1\","
      "\"id\":\"indicator--55555555-5555-4555-8555-555555555501\",\"modified\":"
      "\"2026-05-01T00:00:00Z\",\"pattern\":\"[ipv4-addr:value = '198.51.100.0/24']\","
      "\"pattern_type\":\"stix\",\"valid_from\":\"2026-04-22T00:00:00Z\"}";
  auto b = ParseBundle(Bundle(v2), "p.json");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->indicators.size(), 5u);
  EXPECT_EQ(b->indicators[0].observables[0].value, "198.51.100.0/24");
}

TEST(IntelBundle, PartnerFallsBackToAnIdentityThenTheFileName) {
  auto b = ParseBundle(R"({"type":"bundle","objects":[
{"type":"identity","id":"identity--1","name":"Beta Labs"},
{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']","pattern_type":"stix"}]})",
                       "dir/b.json");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->partner, "Beta Labs");
  auto c = ParseBundle(R"({"type":"bundle","objects":[]})", "dir/c.json");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->partner, "c.json");
}

struct BadCase {
  const char* text;
  const char* message;
};

TEST(IntelBundle, MalformedBundlesNameFileLineAndReason) {
  const BadCase cases[] = {
      {"", "p.json:1: invalid JSON: "},
      {"[1]", "p.json:1: expected a JSON object"},
      {"{\"type\":\"bundle\",\n\"objects\":[\n{\"type\":\"indicator\",,}]}",
       "p.json:3: invalid JSON: "},
      {"{\"type\":\"report\",\"objects\":[]}", "p.json:1: type: expected \"bundle\""},
      {"{\"type\":\"bundle\"}", "p.json:1: objects: missing"},
      {"{\"type\":\"bundle\",\n\"objects\":{}}", "p.json:2: objects: expected an array of objects"},
      {"{\"type\":\"bundle\",\"objects\":[\n1]}", "p.json:2: objects[0]: expected an object"},
      {"{\"type\":\"bundle\",\"objects\":[{\"id\":\"x--1\"}]}",
       "p.json:1: objects[0]: missing \"type\""},
      {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"campaign\"}]}",
       "p.json:1: objects[0]: missing \"id\""},
      {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"campaign\",\"id\":\"indicator--1\"}]}",
       "p.json:1: objects[0].id: expected \"campaign--<uuid>\""},
      {"{\"type\":\"bundle\",\"objects\":[\n{\"type\":\"indicator\",\"id\":\"indicator--1\",\n"
       "\"pattern\":7,\"pattern_type\":\"stix\"}]}",
       "p.json:3: objects[0].pattern: expected a string"},
      {"{\"type\":\"bundle\",\"objects\":[\n{\"type\":\"indicator\",\"id\":\"indicator--1\","
       "\"pattern_type\":\"stix\"}]}",
       "p.json:2: objects[0]: missing \"pattern\""},
      {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--1\","
       "\"pattern\":\"[ipv4-addr:value = '192.0.2.1']\",\"pattern_type\":\"stix\",\n"
       "\"valid_from\":\"yesterday\"}]}",
       "p.json:2: objects[0].valid_from: expected an RFC 3339 time"},
      {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--1\","
       "\"pattern\":\"[ipv4-addr:value = '192.0.2.1']\",\"pattern_type\":\"stix\","
       "\"valid_from\":\"2026-02-01T00:00:00Z\",\"valid_until\":\"2026-01-01T00:00:00Z\"}]}",
       "p.json:1: objects[0].valid_until: not after valid_from"},
      {"{\"type\":\"bundle\",\"objects\":[\n{\"type\":\"indicator\",\"id\":\"indicator--1\","
       "\"revoked\":\"no\"}]}",
       "p.json:2: objects[0].revoked: expected true or false"},
      {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"relationship\",\"id\":\"relationship--1\","
       "\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--1\"}]}",
       "p.json:1: objects[0]: missing \"target_ref\""},
      {"{\"type\":\"bundle\",\"objects\":[]}\n{}", "p.json:2: invalid JSON: trailing content"},
      {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x-custom\",\"id\":\"x-custom--1\",\n"
       "\"extra\":[1,2,tru]}]}",
       "p.json:2: invalid JSON: "},
  };
  for (const auto& c : cases) {
    auto b = ParseBundle(c.text, "p.json");
    ASSERT_FALSE(b.ok()) << c.text;
    EXPECT_EQ(b.status().code(), ErrorCode::kParseError) << c.text;
    EXPECT_EQ(b.status().message().rfind(c.message, 0), 0u)
        << c.text << "\n got: " << b.status().message() << "\n want: " << c.message;
  }
}

TEST(IntelBundle, MissingFileIsAnIoError) {
  auto b = LoadBundle("/nonexistent/bundle.json");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), ErrorCode::kIoError);
  EXPECT_EQ(b.status().message().rfind("/nonexistent/bundle.json: cannot open", 0), 0u);
}

TEST(IntelPattern, SupportedSubset) {
  auto p = ParsePattern("[ipv4-addr:value ISSUBSET '10.1.0.0/16']");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].network.prefix, 16);
  // Host bits are masked off.
  p = ParsePattern("[ipv4-addr:value = '10.1.2.3/16']");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ((*p)[0].network.addr[2], 0);
  p = ParsePattern("  [ ipv6-addr:value = '2001:db8::1' OR ipv4-addr:value='192.0.2.1' ]  ");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->size(), 2u);
  p = ParsePattern(
      "[user-account:user_id = "
      "'C108F13652C39382A3EAFE676C28EB15979F4FAFBFF01F6BFAC0A9158DBFDC65']");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ((*p)[0].value, "c108f13652c39382a3eafe676c28eb15979f4fafbff01f6bfac0a9158dbfdc65");
  p = ParsePattern("[llm-prompt-template:fingerprint = '9F2C4E1A0B7D3366']");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ((*p)[0].template_key, 0x9f2c4e1a0b7d3366ULL);
  for (const char* bad :
       {"", "[]", "[ipv4-addr:value = '192.0.2.1'",
        "[ipv4-addr:value = '192.0.2.1'] AND [ipv4-addr:value = '192.0.2.2']",
        "[ipv4-addr:value = '192.0.2.1'] OR", "([ipv4-addr:value = '192.0.2.1'])",
        "[ipv4-addr:value != '192.0.2.1']", "[ipv4-addr:value LIKE '192.0.2.%']",
        "[ipv4-addr:value = '192.0.2.1/33']", "[ipv4-addr:value = '192.0.2.1/08']",
        "[ipv4-addr:value = '2001:db8::1']", "[ipv6-addr:value = '192.0.2.1']",
        "[ipv4-addr:value = 3232235521]", "[domain-name:value = 'example.com']",
        "[llm-prompt-template:fingerprint = 'Explain step by step']",
        "[llm-prompt-template:fingerprint ISSUBSET 'tpl_9f2c4e1a0b7d3366']",
        "[user-account:user_id = 'acct_1']", "[ipv4-addr:value = '192.0.2.1\\x']"}) {
    EXPECT_FALSE(ParsePattern(bad).has_value()) << bad;
  }
}

TEST(IntelPattern, TemplateFingerprintRoundTrip) {
  EXPECT_EQ(FormatTemplateFingerprint(0x9f2c4e1a0b7d3366ULL), "tpl_9f2c4e1a0b7d3366");
  EXPECT_EQ(FormatTemplateFingerprint(1), "tpl_0000000000000001");
  EXPECT_EQ(ParseTemplateFingerprint("tpl_0000000000000001"), 1u);
  EXPECT_FALSE(ParseTemplateFingerprint("tpl_123").has_value());
  EXPECT_FALSE(ParseTemplateFingerprint("tpl_9f2c4e1a0b7d336g").has_value());
}

}  // namespace
}  // namespace hw::intel
