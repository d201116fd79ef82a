// STIX and MISP exports of a hand-written result: object shapes, ids,
// determinism, options, and that nothing private leaves.
#include "engine/share/export.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/share/digest.h"
#include "test_util.h"

namespace hw::share {
namespace {

namespace dom = simdjson::dom;

ResultSet Sample() {
  ResultSet r;
  auto c = ParseCampaigns(testing::kCampaignsJson, "campaigns.json");
  auto a = ParseAccounts(testing::kAccountsJsonl, "accounts.jsonl");
  EXPECT_TRUE(c.ok() && a.ok());
  r.campaigns = std::move(c.value());
  r.accounts = std::move(a.value());
  return r;
}

std::string Str(dom::element e, const char* key) {
  std::string_view s;
  if (e[key].get_string().get(s)) return "";
  return std::string(s);
}

struct Bundle {
  simdjson::padded_string text;
  dom::parser parser;
  dom::element root;
  std::vector<dom::element> objects;
  std::map<std::string, std::vector<dom::element>> by_type;
  std::map<std::string, dom::element> by_id;

  explicit Bundle(const std::string& json) : text(json) {
    EXPECT_FALSE(parser.parse(text).get(root));
    dom::array arr;
    EXPECT_FALSE(root["objects"].get_array().get(arr));
    for (dom::element o : arr) {
      objects.push_back(o);
      by_type[Str(o, "type")].push_back(o);
      EXPECT_TRUE(by_id.emplace(Str(o, "id"), o).second) << "duplicate id " << Str(o, "id");
    }
  }
  size_t Count(const std::string& type) const {
    auto it = by_type.find(type);
    return it == by_type.end() ? 0 : it->second.size();
  }
  std::vector<std::pair<std::string, std::string>> Relationships(const std::string& type) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!by_type.count("relationship")) return out;
    for (dom::element r : by_type.at("relationship")) {
      if (Str(r, "relationship_type") == type)
        out.emplace_back(Str(r, "source_ref"), Str(r, "target_ref"));
    }
    return out;
  }
};

TEST(ExportStix, WritesTheExpectedObjects) {
  const ResultSet r = Sample();
  Bundle b(ExportStix(r, ExportOptions{}));
  EXPECT_EQ(Str(b.root, "type"), "bundle");
  EXPECT_EQ(b.Count("marking-definition"), 1u);
  EXPECT_EQ(b.Count("identity"), 2u);  // reporter and the extension's author
  EXPECT_EQ(b.Count("extension-definition"), 1u);
  EXPECT_EQ(b.Count("attack-pattern"), 2u);
  EXPECT_EQ(b.Count("campaign"), 2u);  // the benign group stays home
  EXPECT_EQ(b.Count("infrastructure"), 2u);
  // 203.0.113.0/24 (both campaigns, one indicator), 2001:db8:1::/48,
  // 203.0.113.7 and the template fingerprint.
  EXPECT_EQ(b.Count("indicator"), 4u);
  EXPECT_EQ(b.Count("llm-prompt-template"), 1u);
  EXPECT_EQ(b.Count("user-account"), 5u);
  // Two campaigns, plus the address and the template, which carry requests.
  EXPECT_EQ(b.Count("sighting"), 4u);
  EXPECT_EQ(b.Relationships("indicates").size(), 5u);
  EXPECT_EQ(b.Relationships("uses").size(), 6u);  // 2 attack patterns + infrastructure, x2
  EXPECT_EQ(b.Relationships("targets").size(), 2u);
  EXPECT_EQ(b.Relationships("consists-of").size(), 5u);
  EXPECT_EQ(b.Relationships("related-to").size(), 1u);

  std::set<std::string> patterns;
  for (dom::element i : b.by_type["indicator"]) {
    patterns.insert(Str(i, "pattern"));
    EXPECT_EQ(Str(i, "pattern_type"), "stix");
  }
  EXPECT_EQ(patterns, (std::set<std::string>{
                          "[ipv4-addr:value ISSUBSET '203.0.113.0/24']",
                          "[ipv6-addr:value ISSUBSET '2001:db8:1::/48']",
                          "[ipv4-addr:value = '203.0.113.7']",
                          "[llm-prompt-template:fingerprint = 'tpl_9f2c4e1a0b7d3366']",
                      }));

  dom::element c1 = b.by_type["campaign"][0];
  EXPECT_EQ(Str(c1, "name"), "hydrawatch distillation campaign C001 (2026-04-22)");
  EXPECT_EQ(Str(c1, "first_seen"), "2026-04-22T00:00:00Z");
  EXPECT_EQ(Str(c1, "last_seen"), "2026-04-23T12:00:00.500000Z");
  EXPECT_EQ(Str(c1, "objective"),
            "Copy the model's capabilities by distillation, targeting software engineering "
            "(60%), math reasoning (30%) of requests");
  int64_t confidence = 0;
  EXPECT_FALSE(c1["confidence"].get_int64().get(confidence));
  EXPECT_EQ(confidence, 93);
  // Every reporter object: created/modified from event time (the latest
  // last_seen), to the millisecond; marked TLP:AMBER.
  for (dom::element o : b.objects) {
    if (Str(o, "created_by_ref").empty() || Str(o, "type") == "extension-definition") continue;
    EXPECT_EQ(Str(o, "created"), "2026-04-23T12:00:00.500Z") << Str(o, "id");
    EXPECT_EQ(Str(o, "modified"), "2026-04-23T12:00:00.500Z");
    dom::array marks;
    ASSERT_FALSE(o["object_marking_refs"].get_array().get(marks)) << Str(o, "id");
    EXPECT_EQ(Str(b.by_type["marking-definition"][0], "id"),
              std::string((*marks.begin()).get_string().value()));
  }
  // The campaign sighting counts its requests.
  for (dom::element s : b.by_type["sighting"]) {
    if (Str(s, "sighting_of_ref") != Str(c1, "id")) continue;
    int64_t count = 0;
    EXPECT_FALSE(s["count"].get_int64().get(count));
    EXPECT_EQ(count, 1200);
  }
  // ATLAS references.
  std::set<std::string> atlas;
  for (dom::element ap : b.by_type["attack-pattern"]) {
    dom::element ref = ap["external_references"].at(0);
    EXPECT_EQ(Str(ref, "source_name"), "mitre-atlas");
    atlas.insert(Str(ref, "external_id"));
  }
  EXPECT_EQ(atlas, (std::set<std::string>{"AML.T0024.002", "AML.T0040"}));
}

TEST(ExportStix, IdsAreVersion5AndReferencesResolve) {
  Bundle b(ExportStix(Sample(), ExportOptions{}));
  for (dom::element o : b.objects) {
    const std::string id = Str(o, "id");
    const size_t sep = id.find("--");
    ASSERT_NE(sep, std::string::npos);
    EXPECT_EQ(id.substr(0, sep), Str(o, "type"));
    Uuid u{};
    ASSERT_TRUE(ParseUuid(id.substr(sep + 2), u)) << id;
    // The published TLP markings are version 4.
    if (Str(o, "type") != "marking-definition") {
      EXPECT_EQ(u[6] >> 4, 5) << id;
    }
    for (const char* key : {"created_by_ref", "source_ref", "target_ref", "sighting_of_ref"}) {
      const std::string ref = Str(o, key);
      if (!ref.empty()) {
        EXPECT_TRUE(b.by_id.count(ref)) << id << " " << key << " " << ref;
      }
    }
  }
  // A user-account's id is the STIX SCO id of its user_id.
  dom::element ua = b.by_type["user-account"][0];
  EXPECT_EQ(Str(ua, "id"),
            "user-account--" + FormatUuid(UuidV5(StixObservableNamespace(),
                                                 "{\"user_id\":\"" + Str(ua, "user_id") + "\"}")));
}

TEST(ExportStix, AccountsLeaveOnlyAsSaltedHashes) {
  const ResultSet r = Sample();
  ExportOptions opt;
  opt.salt = "partner-secret";
  const std::string text = ExportStix(r, opt);
  Bundle b(text);
  std::set<std::string> hashes;
  for (dom::element ua : b.by_type["user-account"]) hashes.insert(Str(ua, "user_id"));
  std::set<std::string> expected;
  for (const char* id : {"acct_a1", "acct_a2", "acct_a3", "acct_b1", "acct_b2"}) {
    expected.insert(HashAccount("partner-secret", id));
  }
  EXPECT_EQ(hashes, expected);
  // No raw id, no benign account, nothing from the fields that are not
  // exported (payment, e-mail, organisation, reasons).
  for (const char* secret : {"acct_", "pm_secret01", "mailer.example", "org_secret", "@",
                             "198.51.100.0", "partner-secret", "C003"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

TEST(ExportStix, IsDeterministicAndFollowsItsOptions) {
  const ResultSet r = Sample();
  const std::string a = ExportStix(r, ExportOptions{});
  EXPECT_EQ(a, ExportStix(r, ExportOptions{}));
  EXPECT_EQ(a.back(), '\n');

  ExportOptions salted;
  salted.salt = "other";
  const std::string s = ExportStix(r, salted);
  Bundle bs(s), ba(a);
  // Accounts and the campaign ids derived from them change with the salt;
  // indicators do not.
  EXPECT_NE(Str(ba.by_type["campaign"][0], "id"), Str(bs.by_type["campaign"][0], "id"));
  EXPECT_NE(Str(ba.by_type["user-account"][0], "id"), Str(bs.by_type["user-account"][0], "id"));
  EXPECT_EQ(Str(ba.by_type["indicator"][0], "id"), Str(bs.by_type["indicator"][0], "id"));

  ExportOptions named;
  named.identity = "Example AI";
  named.tlp = Tlp::kRed;
  Bundle bn(ExportStix(r, named));
  dom::element mark = bn.by_type["marking-definition"][0];
  EXPECT_EQ(Str(mark, "id"), "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
  EXPECT_EQ(Str(mark, "name"), "TLP:RED");
  EXPECT_EQ(Str(bn.by_type["identity"][0], "name"), "Example AI");
  // Producer-scoped ids differ between reporters; the project's do not.
  EXPECT_NE(Str(bn.by_type["indicator"][0], "id"), Str(ba.by_type["indicator"][0], "id"));
  EXPECT_EQ(Str(bn.by_type["extension-definition"][0], "id"),
            Str(ba.by_type["extension-definition"][0], "id"));
  // Fixed forever (docs/SHARING.md): consumers key the extension on it.
  EXPECT_EQ(Str(ba.by_type["extension-definition"][0], "id"),
            "extension-definition--19d1767b-e91c-576f-b90e-9548b4c73590");
  EXPECT_EQ(Str(ba.by_type["extension-definition"][0], "created_by_ref"),
            "identity--2ae13d92-60fa-5a36-90dd-04007a44b3f6");
}

TEST(ExportStix, EmptyResultGivesAValidSkeleton) {
  ResultSet r;
  auto a =
      ParseAccounts(R"({"user.id":"u","verdict":"benign","requests":2,)"
                    R"("first_seen":"2026-05-01T00:00:00Z","last_seen":"2026-05-02T03:04:05Z"})",
                    "a");
  ASSERT_TRUE(a.ok());
  r.accounts = std::move(a.value());
  Bundle b(ExportStix(r, ExportOptions{}));
  EXPECT_EQ(b.Count("campaign"), 0u);
  EXPECT_EQ(b.Count("identity"), 2u);
  EXPECT_EQ(Str(b.by_type["attack-pattern"][0], "created"), "2026-05-02T03:04:05.000Z");
}

TEST(ParseTlp, AcceptsTheFiveLevels) {
  EXPECT_EQ(ParseTlp("amber").value(), Tlp::kAmber);
  EXPECT_EQ(ParseTlp("TLP:AMBER+STRICT").value(), Tlp::kAmberStrict);
  EXPECT_EQ(ParseTlp("Clear").value(), Tlp::kClear);
  EXPECT_STREQ(TlpName(Tlp::kGreen), "green");
  auto bad = ParseTlp("white");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown TLP level \"white\" (expected clear, green, amber, amber+strict or red)");
}

TEST(ExportMisp, HasTheCoreFormatShape) {
  const ResultSet r = Sample();
  ExportOptions opt;
  opt.salt = "s3";
  const std::string text = ExportMisp(r, opt);
  EXPECT_EQ(text, ExportMisp(r, opt));
  simdjson::padded_string padded(text);
  dom::parser parser;
  dom::element root;
  ASSERT_FALSE(parser.parse(padded).get(root));
  dom::element ev;
  ASSERT_FALSE(root["Event"].get(ev));
  EXPECT_EQ(Str(ev, "info"),
            "hydrawatch: 2 distillation campaigns (1,500 exchanges through 5 accounts)");
  EXPECT_EQ(Str(ev, "date"), "2026-04-21");
  EXPECT_EQ(Str(ev, "timestamp"), std::to_string(*ParseRfc3339("2026-04-23T12:00:00Z") / 1000000));
  EXPECT_EQ(Str(ev, "threat_level_id"), "1");
  EXPECT_EQ(Str(ev, "analysis"), "2");
  EXPECT_EQ(Str(ev, "distribution"), "1");
  Uuid u{};
  EXPECT_TRUE(ParseUuid(Str(ev, "uuid"), u));
  EXPECT_EQ(Str(ev["Orgc"], "name"), "hydrawatch");
  EXPECT_EQ(Str(ev["Tag"].at(0), "name"), "tlp:amber");
  bool published = true;
  EXPECT_FALSE(ev["published"].get_bool().get(published));
  EXPECT_FALSE(published);

  std::map<std::string, std::set<std::string>> by_type;
  std::set<std::pair<std::string, std::string>> seen;
  dom::array attrs;
  ASSERT_FALSE(ev["Attribute"].get_array().get(attrs));
  for (dom::element a : attrs) {
    const std::string type = Str(a, "type");
    by_type[type].insert(Str(a, "value"));
    EXPECT_TRUE(seen.emplace(type, Str(a, "value")).second) << "duplicate " << Str(a, "value");
    EXPECT_TRUE(ParseUuid(Str(a, "uuid"), u));
    EXPECT_FALSE(Str(a, "category").empty());
    EXPECT_FALSE(Str(a, "comment").empty());
    bool to_ids = true;
    EXPECT_FALSE(a["to_ids"].get_bool().get(to_ids));
    EXPECT_FALSE(to_ids);
  }
  EXPECT_EQ(by_type["campaign-name"].size(), 2u);
  EXPECT_EQ(by_type["ip-src"],
            (std::set<std::string>{"203.0.113.0/24", "2001:db8:1::/48", "203.0.113.7"}));
  EXPECT_EQ(by_type["text"], (std::set<std::string>{"tpl_9f2c4e1a0b7d3366"}));
  std::set<std::string> hashes;
  for (const char* id : {"acct_a1", "acct_a2", "acct_a3", "acct_b1", "acct_b2"}) {
    hashes.insert(HashAccount("s3", id));
  }
  EXPECT_EQ(by_type["sha256"], hashes);
  EXPECT_EQ(by_type.size(), 4u);
  for (const char* secret :
       {"acct_", "pm_secret01", "mailer.example", "org_secret", "@", "C003", "198.51.100.0"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

TEST(ExportMisp, DistributionFollowsTlp) {
  ExportOptions opt;
  opt.tlp = Tlp::kClear;
  const std::string text = ExportMisp(Sample(), opt);
  EXPECT_NE(text.find("\"distribution\":\"3\""), std::string::npos);
  EXPECT_NE(text.find("\"name\":\"tlp:clear\""), std::string::npos);
}

}  // namespace
}  // namespace hw::share
