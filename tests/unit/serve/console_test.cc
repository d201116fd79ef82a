// The analyst console's API (docs/CONSOLE.md) on a server that ingested the
// first hours of `small`: campaigns by score, case pages, members, account
// lookup, and the decision actions; nothing without the admin token. The
// browser side is tests/e2e/console.e2e.mjs.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>

#include "engine/common/output_file.h"
#include "engine/common/sha256.h"
#include "engine/serve/app.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"
#include "test_client.h"

namespace hw::serve {
namespace {

using testing::HttpReply;
using testing::TestClient;

const char kAdmin[] = "admin-token-console";
const char kBouncer[] = "bouncer-key-console";
const std::string kAuth = std::string("Authorization: Bearer ") + kAdmin + "\r\n";

class ConsoleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto sc = sim::LoadScenario("small");
    ASSERT_TRUE(sc.ok());
    auto gen = sim::Generator::Create(*sc, sc->seed, 2);
    ASSERT_TRUE(gen.ok());
    const TimeUs cut = ParseRfc3339("2026-04-22T08:00:00Z").value();
    std::string events;
    bool past = false;
    ASSERT_TRUE((*gen)
                    ->Run([&](std::string_view b) {
                      for (size_t pos = 0; !past && pos < b.size();) {
                        const size_t end = b.find('\n', pos);
                        const std::string_view line = b.substr(pos, end + 1 - pos);
                        pos = end + 1;
                        const auto t = ParseRfc3339(line.substr(9, 27));
                        past = t && *t >= cut;
                        if (!past) events.append(line);
                      }
                      return Status::Ok();
                    })
                    .ok());
    std::string accounts;
    (*gen)->WriteAccounts(accounts);
    const std::string dir = ::testing::TempDir();
    ASSERT_TRUE(WriteFile(dir + "/console_accounts.jsonl", accounts).ok());
    const std::string yaml =
        "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 2\n"
        "auth: {admin_tokens: [" +
        ToHex(Sha256Of(kAdmin)) + "], bouncer_keys: [" + ToHex(Sha256Of(kBouncer)) +
        "]}\nengine: {accounts: " + dir + "/console_accounts.jsonl, detect_period: 60s}\n";
    auto c = ParseServeConfig(yaml, "test.yaml", "");
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto a = ServeApp::Create(std::move(c.value()));
    ASSERT_TRUE(a.ok()) << a.status().message();
    app_ = std::move(a.value()).release();
    ASSERT_TRUE(app_->Start().ok());
    pipeline::IngestStats stats;
    ASSERT_TRUE(app_->ingest()->IngestFrom(events, state::SourcePosition{}, 1, nullptr, &stats));
    ASSERT_GT(stats.events, 1000u);
    app_->ingest()->RunDueDetection();
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
  }

  static HttpReply Get(const std::string& target, const std::string& headers = kAuth) {
    TestClient c(app_->admin_port(), 30000);
    auto r = c.Request("GET " + target + " HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n");
    EXPECT_TRUE(r.has_value()) << target;
    return r.value_or(HttpReply{});
  }
  static HttpReply Post(const std::string& target, const std::string& body,
                        const std::string& headers = kAuth) {
    TestClient c(app_->admin_port(), 30000);
    auto r = c.Request("POST " + target + " HTTP/1.1\r\nHost: t\r\n" + headers +
                       "Content-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_TRUE(r.has_value()) << target;
    return r.value_or(HttpReply{});
  }
  // A parsed JSON body; it owns its parser, which the elements point into.
  struct Parsed {
    std::unique_ptr<simdjson::dom::parser> parser = std::make_unique<simdjson::dom::parser>();
    simdjson::dom::element root;
    simdjson::simdjson_result<simdjson::dom::element> operator[](std::string_view key) const {
      return root[key];
    }
  };
  // The parsed JSON body of an admin GET that must answer 200.
  static Parsed GetJson(const std::string& target) {
    Parsed out;
    const HttpReply r = Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/json");
    const auto err = out.parser->parse(r.body).get(out.root);
    EXPECT_EQ(err, simdjson::SUCCESS) << target << ": " << r.body;
    return out;
  }
  // The top attack campaign's id, its best-scored member and that member's
  // enforced engine decision.
  static void TopAttack(std::string* campaign, std::string* member, int64_t* decision) {
    const auto list = GetJson("/v1/console/campaigns");
    for (auto c : list["campaigns"].get_array()) {
      if (std::string_view(c["verdict"].get_string()) != "attack") continue;
      *campaign = std::string(c["id"].get_string().value());
      break;
    }
    ASSERT_FALSE(campaign->empty());
    const auto members = GetJson("/v1/console/campaigns/" + *campaign + "/accounts?limit=1000");
    for (auto m : members["accounts"].get_array()) {
      if (m["decision"].is_null()) continue;
      if (std::string_view(m["decision"]["origin"].get_string()) != "engine") continue;
      *member = std::string(m["user.id"].get_string().value());
      *decision = m["decision"]["id"].get_int64();
      return;
    }
    FAIL() << "no member of " << *campaign << " has an engine decision";
  }

  static ServeApp* app_;
};

ServeApp* ConsoleTest::app_ = nullptr;

TEST_F(ConsoleTest, ServesItsOwnAssetsUnderAStrictPolicy) {
  EXPECT_EQ(Get("/console", "").status, 301);
  for (const char* path : {"/console/", "/console/app.js", "/console/app.css"}) {
    const HttpReply r = Get(path, "");
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_FALSE(r.body.empty()) << path;
    const std::string csp = r.Header("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self' 'sha256-"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(r.body.find("http://"), std::string::npos) << path << ": no external reference";
    EXPECT_EQ(r.body.find("https://"), std::string::npos) << path << ": no external reference";
  }
  EXPECT_NE(Get("/console/", "").Header("content-type").find("text/html"), std::string::npos);
  EXPECT_EQ(Get("/console/../etc/passwd", "").status, 404);
}

TEST_F(ConsoleTest, EveryDataEndpointAndActionNeedsTheAdminToken) {
  std::string campaign, member;
  int64_t decision = 0;
  TopAttack(&campaign, &member, &decision);
  const std::string id = std::to_string(decision);
  const std::string gets[] = {"/v1/console/summary", "/v1/console/campaigns",
                              "/v1/console/campaigns/" + campaign + "/case.html",
                              "/v1/console/campaigns/" + campaign + "/accounts",
                              "/v1/console/accounts/" + member};
  for (const std::string& target : gets) {
    EXPECT_EQ(Get(target, "").status, 401) << target;
    EXPECT_EQ(Get(target, std::string("X-Api-Key: ") + kBouncer + "\r\n").status, 403) << target;
    EXPECT_EQ(Get(target, "Authorization: Bearer wrong\r\n").status, 403) << target;
    EXPECT_EQ(Get(target).status, 200) << target;
  }
  for (const char* action : {"confirm", "extend", "shadow", "lift"}) {
    const std::string target = "/v1/decisions/" + id + "/" + action;
    EXPECT_EQ(Post(target, "{\"duration\":\"1d\"}", "").status, 401) << target;
    EXPECT_EQ(Post(target, "{\"duration\":\"1d\"}", std::string("X-Api-Key: ") + kBouncer + "\r\n")
                  .status,
              403)
        << target;
  }
  // Nothing changed: the engine's decision is still the one in force.
  const auto account = GetJson("/v1/console/accounts/" + member);
  auto first = account["decisions"].at(0);
  EXPECT_EQ(first["id"].get_int64().value(), decision);
  EXPECT_TRUE(first["active"].get_bool().value());
}

TEST_F(ConsoleTest, CampaignsByScoreWithTheirCasePagesAndMembers) {
  const auto summary = GetJson("/v1/console/summary");
  EXPECT_FALSE(summary["run_at"].is_null());
  EXPECT_GE(summary["attack_campaigns"].get_int64().value(), 1);
  EXPECT_GT(summary["accounts"].get_int64().value(), 100);
  const auto list = GetJson("/v1/console/campaigns");
  double last = 2;
  size_t n = 0;
  std::string top;
  for (auto c : list["campaigns"].get_array()) {
    const double score = c["score"].get_double();
    EXPECT_LE(score, last);
    last = score;
    if (n++ == 0) top = std::string(c["id"].get_string().value());
  }
  ASSERT_EQ(n, static_cast<size_t>(summary["campaigns"].get_int64().value()));
  auto first = list["campaigns"].at(0);
  EXPECT_EQ(std::string_view(first["verdict"].get_string()), "attack");
  // The engine enforces on the top campaign's members.
  const auto d = first["decisions"];
  EXPECT_GT(d["suspend"].get_int64().value() + d["verify"].get_int64().value() +
                d["throttle"].get_int64().value(),
            0);

  const HttpReply page = Get("/v1/console/campaigns/" + top + "/case.html");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.Header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("<svg"), std::string::npos);
  EXPECT_NE(page.body.find(top), std::string::npos);
  EXPECT_EQ(Get("/v1/console/campaigns/C999/case.html").status, 404);

  const int64_t accounts = first["accounts"].get_int64();
  const auto all = GetJson("/v1/console/campaigns/" + top + "/accounts?limit=1000");
  EXPECT_EQ(all["total"].get_int64().value(), accounts);
  const auto page2 = GetJson("/v1/console/campaigns/" + top + "/accounts?offset=1&limit=2");
  ASSERT_EQ(page2["accounts"].get_array().size(), 2u);
  EXPECT_EQ(std::string_view(page2["accounts"].at(0)["user.id"].get_string()),
            std::string_view(all["accounts"].at(1)["user.id"].get_string()));
  EXPECT_EQ(Get("/v1/console/campaigns/" + top + "/accounts?limit=5000").status, 400);
  EXPECT_EQ(Get("/v1/console/campaigns/" + top + "/accounts?offset=x").status, 400);
}

TEST_F(ConsoleTest, AccountLookupShowsReasonsLinksAndDecisions) {
  std::string campaign, member;
  int64_t decision = 0;
  TopAttack(&campaign, &member, &decision);
  const auto a = GetJson("/v1/console/accounts/" + member);
  EXPECT_EQ(std::string_view(a["user.id"].get_string()), member);
  EXPECT_EQ(std::string_view(a["account"]["verdict"].get_string()), "attack");
  EXPECT_EQ(std::string_view(a["account"]["campaign"].get_string()), campaign);
  EXPECT_GT(a["account"]["reasons"].get_array().size(), 0u);
  ASSERT_GT(a["links"].get_array().size(), 0u);
  auto link = a["links"].at(0);
  EXPECT_NE(std::string_view(link["other"].get_string()), member);
  EXPECT_EQ(std::string_view(link["campaign"].get_string()), campaign);
  EXPECT_GT(link["weight"].get_double().value(), 0);
  // Percent-encoded ids are decoded; unknown accounts are 404.
  std::string encoded;
  for (char ch : member) encoded += ch == '_' ? std::string("%5F") : std::string(1, ch);
  EXPECT_EQ(Get("/v1/console/accounts/" + encoded).status, 200);
  EXPECT_EQ(Get("/v1/console/accounts/no_such_account").status, 404);
  EXPECT_EQ(Get("/v1/console/accounts/%zz").status, 400);
  EXPECT_EQ(Get("/v1/console/nothing").status, 404);
}

TEST_F(ConsoleTest, ActionsReplaceTheDecisionAndTheEngineDefersToTheAnalyst) {
  std::string campaign, member;
  int64_t decision = 0;
  TopAttack(&campaign, &member, &decision);
  auto body_of = [](const HttpReply& r) {
    static simdjson::dom::parser parser;
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(r.body).get(e), simdjson::SUCCESS) << r.body;
    return std::pair<int64_t, std::optional<int64_t>>(
        e["ended"].get_int64().value(),
        e["id"].is_null() ? std::nullopt : std::optional<int64_t>(e["id"].get_int64().value()));
  };
  // Confirm: the analyst's now.
  HttpReply r = Post("/v1/decisions/" + std::to_string(decision) + "/confirm", "");
  ASSERT_EQ(r.status, 200) << r.body;
  auto [ended, confirmed] = body_of(r);
  EXPECT_EQ(ended, decision);
  ASSERT_TRUE(confirmed);
  auto a = GetJson("/v1/console/accounts/" + member);
  EXPECT_EQ(a["decisions"].at(0)["id"].get_int64().value(), *confirmed);
  EXPECT_EQ(std::string_view(a["decisions"].at(0)["origin"].get_string()), "manual");
  bool old_ended = false;
  for (auto d : a["decisions"].get_array()) {
    if (d["id"].get_int64().value() == decision) old_ended = !d["active"].get_bool().value();
  }
  EXPECT_TRUE(old_ended);
  // Bad requests change nothing.
  const std::string confirmed_path = "/v1/decisions/" + std::to_string(*confirmed);
  EXPECT_EQ(Post(confirmed_path + "/extend", "").status, 400);  // needs a duration
  EXPECT_EQ(Post(confirmed_path + "/extend", "{\"duration\":\"soon\"}").status, 400);
  EXPECT_EQ(Post(confirmed_path + "/extend", "{\"until\":\"1d\"}").status, 400);
  EXPECT_EQ(Post(confirmed_path + "/promote", "").status, 404);
  EXPECT_EQ(Post("/v1/decisions/" + std::to_string(decision) + "/confirm", "").status, 404);
  EXPECT_EQ(Post("/v1/decisions/x/confirm", "").status, 400);
  // Extend, then shadow: no longer enforced at the gateway.
  r = Post(confirmed_path + "/extend", "{\"duration\":\"7d\",\"reason\":\"case 42\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto extended = body_of(r).second;
  ASSERT_TRUE(extended);
  r = Post("/v1/decisions/" + std::to_string(*extended) + "/shadow", "");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto shadowed = body_of(r).second;
  ASSERT_TRUE(shadowed);
  TestClient check(app_->check_port());
  auto c =
      check.Request("GET /nginx/check HTTP/1.1\r\nHost: t\r\nx-account-id: " + member + "\r\n\r\n");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 200);
  a = GetJson("/v1/console/accounts/" + member);
  EXPECT_TRUE(a["decisions"].at(0)["simulated"].get_bool().value());
  EXPECT_NE(std::string_view(a["decisions"].at(0)["reason"].get_string()).find("case 42"),
            std::string_view::npos);
  // Lift of the analyst's own decision leaves nothing in its place.
  r = Post("/v1/decisions/" + std::to_string(*shadowed) + "/lift", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(body_of(r).second.has_value());
}

}  // namespace
}  // namespace hw::serve
