// Case files from a hand-written result: figures, escaping of every data
// string (HTML and Markdown), no external reference, deterministic output,
// and the result reader's new campaigns.json fields.
#include "engine/casefile/casefile.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/common/output_file.h"

namespace hw::casefile {
namespace {

namespace fs = std::filesystem;

// A UA, a reason and an example prompt carry markup and URLs: they must come
// out as text.
const char kCampaigns[] = R"json({
 "policy": "test <policy>",
 "campaigns": [
  {
   "id": "C001", "verdict": "attack", "score": 0.93, "accounts": 3, "interactions": 1200,
   "first_seen": "2026-04-22T00:00:00Z", "last_seen": "2026-04-23T12:00:00Z",
   "capabilities": {"software_engineering": 0.6, "math_reasoning": 0.3},
   "elicitation_frames": {"reasoning_extraction": 0.5},
   "indicators": {
    "payment_fingerprints": [{"value": "pm_1|x", "accounts": 3}],
    "organizations": [],
    "email_domains": [{"value": "www.mailer.example", "accounts": 3}],
    "networks": [{"cidr": "203.0.113.0/24", "accounts": 3}],
    "user_agents": [{"value": "<script>alert(1)</script> bot (+https://evil.example)", "accounts": 2, "requests": 700}],
    "template_fingerprints": [{"value": "tpl_00000000000000ab", "accounts": 3, "example": "Explain **this** <img src=x onerror=alert(1)> [link](http://evil.example)"}],
    "linked_by": ["shared payment instruments (2 of 2 links)"],
    "template_similarity": 0.5, "synchrony": 0.7
   },
   "features": {"size": 3, "target_share": 0.9},
   "reasons": ["90% of requests in *two* target capabilities | see <b>"],
   "daily": [{"day": "2026-04-22", "requests": 700, "accounts": 3}, {"day": "2026-04-23", "requests": 500, "accounts": 2}],
   "hours": [50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50],
   "models": [{"name": "frontier-1.5", "requests": 400, "accounts": 3, "first_seen": "2026-04-22T01:00:00Z",
               "adoption": [{"day": "2026-04-22", "accounts": 2}, {"day": "2026-04-23", "accounts": 1}]},
              {"name": "frontier-1", "requests": 800, "accounts": 3, "first_seen": "2026-04-22T00:00:00Z",
               "adoption": [{"day": "2026-04-22", "accounts": 3}]}],
   "signups": [{"day": "2026-04-20", "accounts": 2}, {"day": "2026-04-21", "accounts": 1}],
   "link_groups": {"by": "payment", "groups": [
     {"value": "pm_1|x", "accounts": 3, "indicators": [{"kind": "network", "value": "203.0.113.0/24", "accounts": 3}]},
     {"value": null, "accounts": 1, "indicators": [{"kind": "network", "value": "203.0.113.0/24", "accounts": 1}]}]},
   "account_ids": ["acct_a1", "acct_a2", "acct_<a3>"]
  },
  {
   "id": "C002", "verdict": "benign", "score": 0.2, "accounts": 2, "interactions": 50,
   "first_seen": "2026-04-21T00:00:00Z", "last_seen": "2026-04-22T00:00:00Z",
   "account_ids": ["acct_c1", "acct_c2"]
  }
 ],
 "baseline": {"accounts": 2, "requests": 60,
   "daily": [{"day": "2026-04-20", "requests": 5, "accounts": 1}, {"day": "2026-04-21", "requests": 10, "accounts": 2},
             {"day": "2026-04-22", "requests": 40, "accounts": 2}, {"day": "2026-04-24", "requests": 5, "accounts": 1}],
   "hours": [0,0,0,0,0,0,0,0,0,10,10,10,10,10,10,0,0,0,0,0,0,0,0,0],
   "models": [{"name": "frontier-1", "requests": 50, "accounts": 2, "first_seen": "2026-04-21T00:00:00Z", "adoption": [{"day": "2026-04-21", "accounts": 2}]},
              {"name": "frontier-1.5", "requests": 10, "accounts": 1, "first_seen": "2026-04-22T00:30:00Z", "adoption": [{"day": "2026-04-22", "accounts": 1}]}],
   "capabilities": {"software_engineering": 0.2, "general_chat": 0.8}}
}
)json";

const char kAccounts[] =
    R"json({"user.id":"acct_a1","score":0.9,"verdict":"attack","campaign":"C001","requests":400,"first_seen":"2026-04-22T00:00:00Z","last_seen":"2026-04-23T00:00:00Z"}
{"user.id":"acct_a2","score":0.95,"verdict":"attack","campaign":"C001","requests":500,"first_seen":"2026-04-22T00:10:00Z","last_seen":"2026-04-23T12:00:00Z"}
{"user.id":"acct_<a3>","score":0.3,"verdict":"suspicious","campaign":"C001","requests":300,"first_seen":"2026-04-22T00:20:00Z","last_seen":"2026-04-23T00:00:00Z"}
{"user.id":"acct_c1","score":0.2,"verdict":"benign","campaign":"C002","requests":25,"first_seen":"2026-04-21T00:00:00Z","last_seen":"2026-04-22T00:00:00Z"}
{"user.id":"acct_c2","score":0.2,"verdict":"benign","campaign":"C002","requests":25,"first_seen":"2026-04-21T00:00:00Z","last_seen":"2026-04-22T00:00:00Z"}
)json";

share::ResultSet Load() {
  share::ResultSet r;
  auto c = share::ParseCampaigns(kCampaigns, "campaigns.json");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (c.ok()) r.campaigns = std::move(c.value());
  auto a = share::ParseAccounts(kAccounts, "accounts.jsonl");
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  if (a.ok()) r.accounts = std::move(a.value());
  return r;
}

TEST(ResultReader, ReadsCaseFileFields) {
  const share::ResultSet r = Load();
  ASSERT_EQ(r.campaigns.campaigns.size(), 2u);
  const auto& c = r.campaigns.campaigns[0];
  EXPECT_EQ(c.activity.daily.size(), 2u);
  EXPECT_EQ(c.activity.daily[1].requests, 500);
  EXPECT_EQ(c.activity.hours.size(), 24u);
  ASSERT_EQ(c.activity.models.size(), 2u);
  EXPECT_EQ(c.activity.models[0].adoption.size(), 2u);
  EXPECT_EQ(c.signups.size(), 2u);
  EXPECT_EQ(c.link_groups_by, "payment");
  ASSERT_EQ(c.link_groups.size(), 2u);
  EXPECT_EQ(c.link_groups[1].value, "");
  EXPECT_EQ(c.user_agents.size(), 1u);
  EXPECT_EQ(c.payment_fingerprints.size(), 1u);
  ASSERT_EQ(c.template_fingerprints.size(), 1u);
  EXPECT_NE(c.template_fingerprints[0].example.find("**this**"), std::string::npos);
  EXPECT_EQ(c.reasons.size(), 1u);
  EXPECT_EQ(c.features.size(), 2u);
  EXPECT_TRUE(r.campaigns.baseline.present);
  EXPECT_EQ(r.campaigns.baseline.accounts, 2);
  EXPECT_EQ(r.campaigns.baseline.capabilities.size(), 2u);
  ASSERT_NE(r.FindAccount("acct_a1"), nullptr);
  EXPECT_DOUBLE_EQ(r.FindAccount("acct_a1")->score, 0.9);
}

TEST(ResultReader, RejectsBadCaseFileFields) {
  const std::string base = kCampaigns;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = base;
    s.replace(s.find(from), from.size(), to);
    return share::ParseCampaigns(s, "c.json");
  };
  auto hours = with("\"hours\": [50,50,", "\"hours\": [50,");
  ASSERT_FALSE(hours.ok());
  EXPECT_NE(hours.status().message().find("c.json:"), std::string::npos);
  EXPECT_NE(hours.status().message().find("24 counts"), std::string::npos);
  auto day = with("{\"day\": \"2026-04-23\", \"requests\": 500",
                  "{\"day\": \"2026-04-32\", \"requests\": 500");
  ASSERT_FALSE(day.ok());
  EXPECT_NE(day.status().message().find("daily[1].day"), std::string::npos)
      << day.status().message();
  auto order = with("{\"day\": \"2026-04-23\", \"requests\": 500",
                    "{\"day\": \"2026-04-21\", \"requests\": 500");
  EXPECT_FALSE(order.ok());
  auto model = with("{\"name\": \"frontier-1\", \"requests\": 800", "{\"requests\": 800");
  EXPECT_FALSE(model.ok());
}

// An occurrence of `needle` whose first character is not backslash-escaped
// (Markdown): escaped markup renders as text.
bool Unescaped(const std::string& hay, const std::string& needle) {
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) {
    if (p == 0 || hay[p - 1] != '\\') return true;
  }
  return false;
}

// An element (not escaped text) with a src attribute.
bool TagWithSrc(const std::string& html) {
  for (size_t p = html.find('<'); p != std::string::npos; p = html.find('<', p + 1)) {
    if (p + 1 >= html.size() || !std::isalpha(static_cast<unsigned char>(html[p + 1]))) continue;
    const size_t end = html.find('>', p);
    const std::string tag = html.substr(p, end - p);
    if (tag.find(" src=") != std::string::npos || tag.find("\nsrc=") != std::string::npos)
      return true;
  }
  return false;
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

TEST(CaseFiles, FiguresAndSections) {
  const CaseFiles f = Build(Load());
  ASSERT_EQ(f.pages.size(), 2u);
  const CasePage& p = f.pages[0];
  EXPECT_EQ(p.file, "C001");
  EXPECT_NE(
      p.html.find("1,200 exchanges through 3 accounts between April 22, 2026 and April 23, 2026"),
      std::string::npos);
  EXPECT_NE(p.markdown.find(
                "1,200 exchanges through 3 accounts between April 22, 2026 and April 23, 2026"),
            std::string::npos);
  EXPECT_NE(p.html.find("software engineering (60%)"), std::string::npos);
  EXPECT_NE(p.html.find("high confidence"), std::string::npos);
  // Daily bars, rate lines, sign-ups, hours, capability mix, adoption, link structure.
  EXPECT_EQ(Count(p.html, "<svg "), 7u);
  EXPECT_EQ(Count(p.html, "<svg "), Count(p.html, "</svg>"));
  EXPECT_NE(p.html.find("Adoption of frontier-1.5"), std::string::npos);
  // Released 2026-04-22, data to 2026-04-24: days 0..2; by day 1 all 3
  // campaign accounts (100%) and 1 of 2 baseline accounts (50%) had used it.
  EXPECT_NE(p.html.find("<title>campaign</title>"), std::string::npos);
  const size_t adoption = p.html.find("Adoption of frontier-1.5");
  const std::string chart = p.html.substr(adoption, p.html.find("</svg>", adoption) - adoption);
  EXPECT_EQ(Count(chart, "<polyline"), 2u);
  EXPECT_NE(chart.find(">2</text>"), std::string::npos);
  EXPECT_EQ(chart.find(">3</text>"), std::string::npos);
  // Accounts by score, highest first.
  EXPECT_LT(p.html.find(">acct_a2<"), p.html.find(">acct_a1<"));
  EXPECT_NE(p.html.find("acct_&lt;a3&gt;"), std::string::npos);
  EXPECT_NE(f.index_html.find("href=\"C001.html\""), std::string::npos);
  EXPECT_LT(f.index_html.find("C001.html"), f.index_html.find("C002.html"));
  // A benign group has a page without the daily data: it says so.
  EXPECT_NE(f.pages[1].html.find("no daily series"), std::string::npos);
}

TEST(CaseFiles, EscapesDataAndHasNoExternalReference) {
  const CaseFiles f = Build(Load());
  std::vector<std::string> html{f.index_html}, md{f.index_markdown};
  for (const auto& p : f.pages) {
    html.push_back(p.html);
    md.push_back(p.markdown);
  }
  for (const auto& h : html) {
    EXPECT_EQ(h.find("http://"), std::string::npos);
    EXPECT_EQ(h.find("https://"), std::string::npos);
    EXPECT_EQ(h.find("<link"), std::string::npos);
    EXPECT_FALSE(TagWithSrc(h));
    EXPECT_EQ(h.find("<img"), std::string::npos);
    EXPECT_EQ(h.find("<script>alert"), std::string::npos);
    EXPECT_EQ(h.find("<b>"), std::string::npos);
    EXPECT_LE(Count(h, "<script"), 1u);  // the sort script only
    EXPECT_EQ(h.find("@import"), std::string::npos);
    EXPECT_EQ(h.find("url("), std::string::npos);
  }
  EXPECT_NE(html[1].find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html[1].find("&lt;img src=x"), std::string::npos);
  for (const auto& m : md) {
    EXPECT_EQ(m.find("http://"), std::string::npos);
    EXPECT_EQ(m.find("https://"), std::string::npos);
    EXPECT_FALSE(Unescaped(m, "<script"));
    EXPECT_FALSE(Unescaped(m, "<img"));
    EXPECT_FALSE(Unescaped(m, "](http"));
    EXPECT_EQ(m.find("www.mailer"), std::string::npos);
  }
  EXPECT_NE(md[1].find("Explain \\*\\*this\\*\\* \\<img"), std::string::npos) << md[1];
  EXPECT_NE(md[1].find("pm\\_1\\|x"), std::string::npos);
  EXPECT_NE(md[1].find("\\*two\\* target capabilities \\| see \\<b\\>"), std::string::npos);
}

TEST(CaseFiles, Deterministic) {
  const CaseFiles a = Build(Load()), b = Build(Load());
  ASSERT_EQ(a.pages.size(), b.pages.size());
  for (size_t i = 0; i < a.pages.size(); ++i) {
    EXPECT_EQ(a.pages[i].html, b.pages[i].html);
    EXPECT_EQ(a.pages[i].markdown, b.pages[i].markdown);
  }
  EXPECT_EQ(a.index_html, b.index_html);
}

TEST(CaseFiles, UnsafeIdsGetNeutralFileNames) {
  std::string text = kCampaigns;
  text.replace(text.find("\"id\": \"C002\""), 12, "\"id\": \"../x\"");
  std::string accounts = kAccounts;
  for (size_t p; (p = accounts.find("\"C002\"")) != std::string::npos;)
    accounts.replace(p, 6, "\"../x\"");
  share::ResultSet r;
  auto c = share::ParseCampaigns(text, "c.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  r.campaigns = std::move(c.value());
  r.accounts = std::move(share::ParseAccounts(accounts, "a.jsonl").value());
  const CaseFiles f = Build(r);
  EXPECT_EQ(f.pages[1].file, "campaign-0002");
}

TEST(CaseFiles, WritesFilesAndNamesBadInput) {
  const fs::path dir = fs::temp_directory_path() / "hw_casefile_write";
  fs::remove_all(dir);
  fs::create_directories(dir);
  ASSERT_TRUE(WriteFile((dir / "campaigns.json").string(), kCampaigns).ok());
  ASSERT_TRUE(WriteFile((dir / "accounts.jsonl").string(), kAccounts).ok());
  auto w = WriteCaseFiles(dir.string(), (dir / "cases").string());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->pages, 2u);
  for (const char* name :
       {"C001.html", "C001.md", "C002.html", "C002.md", "index.html", "index.md"})
    EXPECT_TRUE(fs::exists(dir / "cases" / name)) << name;
  ASSERT_TRUE(
      WriteFile((dir / "campaigns.json").string(), "{\"campaigns\": [\n{\"id\": 3}]}").ok());
  auto bad = WriteCaseFiles(dir.string(), (dir / "cases").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("campaigns.json:2:"), std::string::npos)
      << bad.status().message();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hw::casefile
