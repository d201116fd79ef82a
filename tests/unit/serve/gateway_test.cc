// The serve app over loopback: each gateway protocol's check semantics
// (Envoy ext_authz, nginx auth_request, Traefik ForwardAuth), account
// lookup, fail modes, the decisions API (auth, list, stream, create,
// delete), /metrics and the health endpoints.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "engine/common/sha256.h"
#include "engine/serve/app.h"
#include "test_client.h"

namespace hw::serve {
namespace {

using testing::Get;
using testing::HttpReply;
using testing::TestClient;

const char kBouncer[] = "bouncer-key-1";
const char kAdmin[] = "admin-token-1";

std::string BaseYaml(const std::string& extra) {
  return "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 2\n"
         "auth: {bouncer_keys: [" +
         ToHex(Sha256Of(kBouncer)) + "], admin_tokens: [" + ToHex(Sha256Of(kAdmin)) + "]}\n" +
         extra;
}

class GatewayTest : public ::testing::Test {
 protected:
  void Start(const std::string& extra = "", const std::string& base_dir = "") {
    auto c = ParseServeConfig(BaseYaml(extra), "test.yaml", base_dir);
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto a = ServeApp::Create(std::move(c.value()));
    ASSERT_TRUE(a.ok()) << a.status().message();
    app_ = std::move(a.value());
    ASSERT_TRUE(app_->Start().ok());
    app_->decisions().AdvanceWatermark(1000 * kUsPerDay);
  }
  uint64_t Add(const std::string& account, decide::Action a, TimeUs len = kUsPerHour,
               uint32_t requests = 0) {
    decide::Decision d;
    d.account = account;
    d.action = a;
    d.start = app_->decisions().now();
    d.until = d.start + len;
    d.reason = "linked to campaign c1";
    d.profile = "distillation-campaign";
    d.throttle.requests = requests;
    d.throttle.window = requests ? kUsPerHour : 0;
    return app_->decisions().Add(d);
  }
  std::optional<HttpReply> Check(const std::string& raw) {
    TestClient c(app_->check_port());
    return c.Request(raw);
  }
  std::optional<HttpReply> Admin(const std::string& raw) {
    TestClient c(app_->admin_port());
    return c.Request(raw);
  }
  std::unique_ptr<ServeApp> app_;
};

TEST_F(GatewayTest, EnvoyExtAuthz) {
  Start();
  const uint64_t sid = Add("susp", decide::Action::kSuspend);
  Add("thr", decide::Action::kThrottle, kUsPerDay, 1);
  // Clean account: 200 and the headers Envoy copies upstream.
  auto ok = Check(
      "POST /envoy/check/v1/messages?x=1 HTTP/1.1\r\nHost: t\r\nx-account-id: good\r\n"
      "Content-Length: 0\r\n\r\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->Header("x-hydrawatch-account"), "good");
  EXPECT_EQ(ok->Header("x-hydrawatch-action"), "allow");
  // Suspended: 403 with the JSON body.
  auto s = Check(Get("/envoy/check/v1/messages", "x-account-id: susp\r\n"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 403);
  EXPECT_EQ(s->Header("x-hydrawatch-action"), "suspend");
  EXPECT_EQ(s->Header("retry-after"), "3600");
  EXPECT_EQ(s->body,
            "{\"action\":\"suspend\",\"reason\":\"linked to campaign c1\",\"decision_id\":" +
                std::to_string(sid) + ",\"retry_after\":3600}");
  // Throttled (1 per hour): the first passes, the second is 429.
  auto t1 = Check(Get("/envoy/check/a", "x-account-id: thr\r\n"));
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->status, 200);
  EXPECT_EQ(t1->Header("x-hydrawatch-action"), "throttle");
  auto t2 = Check(Get("/envoy/check/a", "x-account-id: thr\r\n"));
  ASSERT_TRUE(t2);
  EXPECT_EQ(t2->status, 429);
  EXPECT_EQ(t2->Header("retry-after"), "3600");
  EXPECT_NE(t2->body.find("\"action\":\"throttle\""), std::string::npos);
  EXPECT_EQ(app_->metrics().Checks(CheckOutcome::kThrottle), 1u);
  EXPECT_EQ(app_->metrics().Checks(CheckOutcome::kSuspend), 1u);
  EXPECT_EQ(app_->metrics().Requests("envoy", 429), 1u);
}

TEST_F(GatewayTest, NginxAuthRequestOnlyUses2xxAnd403) {
  Start();
  Add("susp", decide::Action::kSuspend);
  Add("ver", decide::Action::kVerify, decide::kForever / 2);
  Add("thr", decide::Action::kThrottle, kUsPerDay, 1);
  auto ok = Check(Get("/nginx/check", "X-Original-URI: /v1/x\r\nx-account-id: good\r\n"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  for (const char* acct : {"susp", "ver"}) {
    auto r = Check(Get("/nginx/check", std::string("x-account-id: ") + acct + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(r->Header("x-hydrawatch-action"), acct == std::string("susp") ? "suspend" : "verify");
  }
  ASSERT_TRUE(Check(Get("/nginx/check", "x-account-id: thr\r\n")));
  auto t = Check(Get("/nginx/check", "x-account-id: thr\r\n"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, 403);  // never 429: nginx would turn it into a 500
  EXPECT_EQ(t->Header("x-hydrawatch-action"), "throttle");
  EXPECT_EQ(t->Header("retry-after"), "3600");
}

TEST_F(GatewayTest, TraefikForwardAuth) {
  Start("checks: {exempt_paths: [/public/]}\n");
  Add("susp", decide::Action::kSuspend);
  Add("thr", decide::Action::kThrottle, kUsPerDay, 1);
  const std::string fwd =
      "X-Forwarded-Method: POST\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: api.example\r\n";
  auto ok =
      Check(Get("/traefik/check", fwd + "X-Forwarded-Uri: /v1/messages\r\nx-account-id: a\r\n"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->Header("x-hydrawatch-account"), "a");
  auto s =
      Check(Get("/traefik/check", fwd + "X-Forwarded-Uri: /v1/messages\r\nx-account-id: susp\r\n"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 403);
  EXPECT_NE(s->body.find("\"action\":\"suspend\""), std::string::npos);
  ASSERT_TRUE(Check(Get("/traefik/check", fwd + "X-Forwarded-Uri: /v1\r\nx-account-id: thr\r\n")));
  auto t = Check(Get("/traefik/check", fwd + "X-Forwarded-Uri: /v1\r\nx-account-id: thr\r\n"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, 429);  // returned to the client as is
  EXPECT_EQ(t->Header("retry-after"), "3600");
  // An exempt original path is never checked, even for a suspended account.
  auto ex = Check(
      Get("/traefik/check", fwd + "X-Forwarded-Uri: /public/status?x\r\nx-account-id: susp\r\n"));
  ASSERT_TRUE(ex);
  EXPECT_EQ(ex->status, 200);
  EXPECT_EQ(ex->Header("x-hydrawatch-action"), "exempt");
  // Envoy's original path is what follows the prefix.
  auto ex2 = Check(Get("/envoy/check/public/x", "x-account-id: susp\r\n"));
  ASSERT_TRUE(ex2);
  EXPECT_EQ(ex2->status, 200);
}

TEST_F(GatewayTest, ApiKeyLookupAndUnknownAccounts) {
  const std::string dir = ::testing::TempDir();
  {
    std::ofstream f(dir + "/hw_keys.jsonl");
    f << "{\"key.sha256\":\"" << ToHex(Sha256Of("sk-1")) << "\",\"user.id\":\"acct_1\"}\n";
  }
  Start(
      "account: {header: authorization, lookup: api_key, api_keys: hw_keys.jsonl, unknown: deny}\n",
      dir);
  Add("acct_1", decide::Action::kSuspend);
  auto s = Check(Get("/envoy/check/x", "Authorization: Bearer sk-1\r\n"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 403);
  auto unknown = Check(Get("/envoy/check/x", "Authorization: Bearer sk-2\r\n"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(unknown->Header("x-hydrawatch-account-status"), "unknown");
  auto missing = Check(Get("/nginx/check"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(missing->Header("x-hydrawatch-account-status"), "missing");
}

TEST_F(GatewayTest, UnknownAllowedByDefault) {
  Start();
  auto r = Check(Get("/nginx/check"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("x-hydrawatch-account-status"), "missing");
  EXPECT_EQ(app_->metrics().Checks(CheckOutcome::kAllowUnknown), 1u);
}

TEST_F(GatewayTest, FailOpenAndFailClosed) {
  Start();
  app_->decisions().SetReady(false);
  auto open = Check(Get("/envoy/check/x", "x-account-id: a\r\n"));
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 200);
  EXPECT_EQ(open->Header("x-hydrawatch-degraded"), "not ready");
  auto ready = Check(Get("/readyz"));
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  app_.reset();
  Start("fail_mode: closed\n");
  app_->decisions().SetReady(false);
  auto closed = Check(Get("/envoy/check/x", "x-account-id: a\r\n"));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->status, 503);
  EXPECT_EQ(app_->metrics().Checks(CheckOutcome::kFailClosed), 1u);
}

TEST_F(GatewayTest, OverloadOnTheCheckListenerFollowsFailMode) {
  Start("limits: {max_connections: 1}\n");
  TestClient hold(app_->check_port());
  ASSERT_TRUE(hold.Request(Get("/healthz")));
  TestClient over(app_->check_port());
  auto r = over.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("x-hydrawatch-degraded"), "overload");
}

std::string Auth(const char* token) {
  return std::string("Authorization: Bearer ") + token + "\r\n";
}
std::string Key(const char* key) { return std::string("X-Api-Key: ") + key + "\r\n"; }
std::string Post(const std::string& body, const std::string& headers) {
  return "POST /v1/decisions HTTP/1.1\r\nHost: t\r\n" + headers +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST_F(GatewayTest, DecisionsApiAuth) {
  Start();
  const std::string body = R"({"account":"x","action":"suspend","duration":"1h","reason":"r"})";
  auto none = Admin(Post(body, ""));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto bouncer = Admin(Post(body, Key(kBouncer)));
  ASSERT_TRUE(bouncer);
  EXPECT_EQ(bouncer->status, 403);  // a bouncer key never writes
  auto wrong = Admin(Post(body, Auth("nope")));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto read_none = Admin(Get("/v1/decisions"));
  ASSERT_TRUE(read_none);
  EXPECT_EQ(read_none->status, 401);
  auto read_wrong = Admin(Get("/v1/decisions", Key("nope")));
  ASSERT_TRUE(read_wrong);
  EXPECT_EQ(read_wrong->status, 403);
  EXPECT_FALSE(app_->decisions().Check("x").enforced);
  // The decisions API is not on the check listener.
  auto on_check = Check(Post(body, Auth(kAdmin)));
  ASSERT_TRUE(on_check);
  EXPECT_EQ(on_check->status, 404);
}

// Every admin-only endpoint answers a caller without an admin token the
// same way: 401 + WWW-Authenticate only when no credential at all was
// presented, 403 "not an admin token" for any credential that is not one -
// a bouncer key included (POST /v1/events answered it 401).
TEST_F(GatewayTest, AdminOnlyEndpointsAgreeOn401And403) {
  Start();
  auto raw = [](const std::string& method, const std::string& target, const std::string& body,
                const std::string& headers) {
    return method + " " + target + " HTTP/1.1\r\nHost: t\r\n" + headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  const struct {
    const char* method;
    const char* target;
    const char* body;
    int ok;  // the admin's answer
  } endpoints[] = {
      {"POST", "/v1/events", "", 200},
      {"POST", "/v1/decisions", R"({"account":"x","action":"monitor"})", 201},
      {"DELETE", "/v1/decisions/999", "", 404},
      {"POST", "/v1/decisions/999/lift", "", 404},
      {"GET", "/v1/console/summary", "", 200},
  };
  for (const auto& e : endpoints) {
    const std::string what = std::string(e.method) + " " + e.target;
    auto none = Admin(raw(e.method, e.target, e.body, ""));
    ASSERT_TRUE(none) << what;
    EXPECT_EQ(none->status, 401) << what;
    EXPECT_EQ(none->Header("www-authenticate"), "Bearer") << what;
    for (const std::string& cred :
         {Key(kBouncer), Key("unknown-key"), Auth("nope"), Auth(kBouncer),
          std::string("Authorization: Basic YWRtaW46YWRtaW4=\r\n"), Key(kAdmin)}) {
      auto r = Admin(raw(e.method, e.target, e.body, cred));
      ASSERT_TRUE(r) << what << " with " << cred;
      EXPECT_EQ(r->status, 403) << what << " with " << cred;
      EXPECT_EQ(r->body, "{\"error\":\"not an admin token\"}") << what << " with " << cred;
      EXPECT_FALSE(r->Has("www-authenticate")) << what << " with " << cred;
    }
    // A bouncer key beside the admin token does not spoil it.
    auto admin = Admin(raw(e.method, e.target, e.body, Auth(kAdmin) + Key(kBouncer)));
    ASSERT_TRUE(admin) << what;
    EXPECT_EQ(admin->status, e.ok) << what << ": " << admin->body;
  }
}

TEST_F(GatewayTest, DecisionsApiCreateListStreamDelete) {
  Start();
  auto created = Admin(
      Post(R"({"account":"acct 7","action":"suspend","duration":"2h","reason":"manual review"})",
           Auth(kAdmin)));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->body, "{\"id\":1}");
  EXPECT_TRUE(app_->decisions().Check("acct 7").deny);
  auto thr = Admin(Post(
      R"({"account":"t","action":"throttle","duration":"2h","throttle":{"requests":5,"window":"1m"}})",
      Auth(kAdmin)));
  ASSERT_TRUE(thr);
  EXPECT_EQ(thr->status, 201);
  for (const char* bad :
       {R"({"account":"x","action":"ban"})", R"({"action":"suspend"})", R"([1,2])",
        R"({"account":"x","action":"suspend","duration":"soon"})",
        R"({"account":"x","action":"throttle"})", R"({"account":"x","action":"suspend","extra":1})",
        R"({"account":"x","action":"suspend"} junk)", "not json"}) {
    auto r = Admin(Post(bad, Auth(kAdmin)));
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad << " -> " << r->body;
  }
  // List by scope and value (bouncer key), and all.
  auto one = Admin(Get("/v1/decisions?scope=account&value=acct%207", Key(kBouncer)));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_NE(one->body.find("\"value\":\"acct 7\""), std::string::npos);
  EXPECT_NE(one->body.find("\"type\":\"suspend\""), std::string::npos);
  EXPECT_NE(one->body.find("\"origin\":\"manual\""), std::string::npos);
  EXPECT_NE(one->body.find("\"duration\":\"2h\""), std::string::npos);
  EXPECT_EQ(one->body.find("\"value\":\"t\""), std::string::npos);
  auto all = Admin(Get("/v1/decisions", Key(kBouncer)));
  ASSERT_TRUE(all);
  EXPECT_NE(all->body.find("\"value\":\"t\""), std::string::npos);
  auto none = Admin(Get("/v1/decisions?scope=account&value=nobody", Key(kBouncer)));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->body, "[]");
  // Stream: the first poll gets everything; the next only changes.
  auto s1 = Admin(Get("/v1/decisions/stream?startup=true", Key(kBouncer)));
  ASSERT_TRUE(s1);
  EXPECT_NE(s1->body.find("\"value\":\"acct 7\""), std::string::npos);
  EXPECT_NE(s1->body.find("\"value\":\"t\""), std::string::npos);
  auto s2 = Admin(Get("/v1/decisions/stream", Key(kBouncer)));
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->body, "{\"new\":[],\"deleted\":[]}");
  auto del = Admin("DELETE /v1/decisions/1 HTTP/1.1\r\nHost: t\r\n" + Auth(kAdmin) + "\r\n");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  EXPECT_FALSE(app_->decisions().Check("acct 7").enforced);
  auto del_again = Admin("DELETE /v1/decisions/1 HTTP/1.1\r\nHost: t\r\n" + Auth(kAdmin) + "\r\n");
  ASSERT_TRUE(del_again);
  EXPECT_EQ(del_again->status, 404);
  auto del_bouncer =
      Admin("DELETE /v1/decisions/2 HTTP/1.1\r\nHost: t\r\n" + Key(kBouncer) + "\r\n");
  ASSERT_TRUE(del_bouncer);
  EXPECT_EQ(del_bouncer->status, 403);
  auto s3 = Admin(Get("/v1/decisions/stream", Key(kBouncer)));
  ASSERT_TRUE(s3);
  EXPECT_EQ(s3->body,
            "{\"new\":[],\"deleted\":[{\"id\":1,\"scope\":\"account\",\"value\":\"acct "
            "7\",\"type\":\"suspend\"}]}");
  // The throttle decision expires with event time and is then reported deleted.
  app_->decisions().AdvanceWatermark(app_->decisions().now() + kUsPerDay);
  Admin(Post(R"({"account":"late","action":"verify"})", Auth(kAdmin)));
  auto s4 = Admin(Get("/v1/decisions/stream", Key(kBouncer)));
  ASSERT_TRUE(s4);
  EXPECT_NE(s4->body.find("\"value\":\"late\""), std::string::npos);
  EXPECT_NE(s4->body.find("\"deleted\":[{\"id\":2"), std::string::npos) << s4->body;
  // The admin's own cursor is separate from the bouncer's.
  auto admin_stream = Admin(Get("/v1/decisions/stream", Auth(kAdmin)));
  ASSERT_TRUE(admin_stream);
  EXPECT_NE(admin_stream->body.find("\"value\":\"late\""), std::string::npos);
}

TEST_F(GatewayTest, MetricsAndHealth) {
  Start();
  Add("s", decide::Action::kSuspend);
  ASSERT_TRUE(Check(Get("/envoy/check/x", "x-account-id: s\r\n")));
  ASSERT_TRUE(Check(Get("/envoy/check/x", "x-account-id: ok\r\n")));
  auto h = Check(Get("/healthz"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  auto r = Admin(Get("/readyz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto m = Admin(Get("/metrics"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->Header("content-type"), "text/plain; version=0.0.4");
  for (const char* want :
       {"hydrawatch_http_requests_total{endpoint=\"envoy\",status=\"403\"} 1\n",
        "hydrawatch_http_requests_total{endpoint=\"envoy\",status=\"200\"} 1\n",
        "hydrawatch_checks_total{outcome=\"suspend\"} 1\n",
        "hydrawatch_check_latency_seconds_count 2\n",
        "hydrawatch_check_latency_seconds_bucket{le=\"+Inf\"} 2\n",
        "hydrawatch_decisions_active{action=\"suspend\",simulated=\"false\"} 1\n",
        "# TYPE hydrawatch_check_latency_seconds histogram\n"}) {
    EXPECT_NE(m->body.find(want), std::string::npos) << want << "\n" << m->body;
  }
}

}  // namespace
}  // namespace hw::serve
