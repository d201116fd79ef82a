// SIGHUP reload (ServeApp::Reload): a new API-key table and enforcement
// policy take effect while the server keeps serving; a broken configuration
// changes nothing; settings that need a restart are named.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/common/sha256.h"
#include "engine/decide/enforcement.h"
#include "engine/serve/app.h"
#include "test_client.h"

namespace hw::serve {
namespace {

using testing::TestClient;

std::string KeyLine(const char* key, const char* account) {
  return "{\"key.sha256\":\"" + ToHex(Sha256Of(key)) + "\",\"user.id\":\"" + account + "\"}\n";
}

int Check(uint16_t port, const char* key) {
  TestClient c(port);
  auto r = c.Request(std::string("GET /nginx/check HTTP/1.1\r\nHost: t\r\nx-api-key: ") + key +
                     "\r\n\r\n");
  return r ? r->status : -1;
}

TEST(Reload, NewKeysAndPolicyApplyWithoutARestartAndBadConfigChangesNothing) {
  const std::string dir = ::testing::TempDir() + "/hw_reload";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string config = dir + "/serve.yaml";
  auto write_config = [&](const std::string& extra) {
    std::ofstream(config) << "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\n"
                             "threads: 1\naccount: {header: x-api-key, lookup: api_key, "
                             "api_keys: keys.jsonl, unknown: deny}\n"
                          << extra;
  };
  std::ofstream(dir + "/keys.jsonl") << KeyLine("sk-1", "acct_bad") << KeyLine("sk-2", "acct_ok");
  write_config("");
  auto c = LoadServeConfig(config);
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto made = ServeApp::Create(std::move(c.value()));
  ASSERT_TRUE(made.ok()) << made.status().message();
  ServeApp& app = **made;
  ASSERT_TRUE(app.Start().ok());
  decide::Decision d;
  d.origin = decide::Origin::kManual;
  d.profile = "manual";
  d.account = "acct_bad";
  d.action = decide::Action::kSuspend;
  app.decisions().Add(d);
  EXPECT_EQ(Check(app.check_port(), "sk-1"), 403);
  EXPECT_EQ(Check(app.check_port(), "sk-2"), 200);
  EXPECT_EQ(Check(app.check_port(), "sk-3"), 401);

  // Keys rotated: sk-1 now belongs to another account, sk-3 is new; and a
  // policy of our own.
  std::ofstream(dir + "/keys.jsonl", std::ios::trunc)
      << KeyLine("sk-1", "acct_ok") << KeyLine("sk-3", "acct_bad");
  std::string policy(decide::DefaultEnforcementYaml());
  const size_t name = policy.find("name: ");
  ASSERT_NE(name, std::string::npos);
  policy.replace(name, policy.find('\n', name) - name, "name: reloaded-policy");
  std::ofstream(dir + "/enforcement.yaml") << policy;
  write_config("enforcement: enforcement.yaml\n");
  std::string summary;
  const Status st = app.Reload(config, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_NE(summary.find("'reloaded-policy', 2 API keys"), std::string::npos) << summary;
  EXPECT_EQ(app.policy().name, "reloaded-policy");
  EXPECT_EQ(Check(app.check_port(), "sk-1"), 200);
  EXPECT_EQ(Check(app.check_port(), "sk-3"), 403);
  EXPECT_EQ(Check(app.check_port(), "sk-2"), 401);

  // A broken key file: the reload fails and the tables in use stay.
  std::ofstream(dir + "/keys.jsonl", std::ios::trunc) << "not json\n";
  EXPECT_FALSE(app.Reload(config, &summary).ok());
  EXPECT_EQ(Check(app.check_port(), "sk-1"), 200);
  EXPECT_EQ(Check(app.check_port(), "sk-3"), 403);

  // A setting that needs a restart is named, the rest applied.
  std::ofstream(dir + "/keys.jsonl", std::ios::trunc) << KeyLine("sk-9", "acct_bad");
  std::string text;
  {
    std::ifstream in(config);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  text.replace(text.find("threads: 1"), 10, "threads: 3");
  std::ofstream(config, std::ios::trunc) << text;
  ASSERT_TRUE(app.Reload(config, &summary).ok());
  EXPECT_NE(summary.find("applied only at restart: threads"), std::string::npos) << summary;
  EXPECT_EQ(Check(app.check_port(), "sk-9"), 403);
  EXPECT_EQ(Check(app.check_port(), "sk-1"), 401);
}

// The status of one request on its own connection (-1: no answer).
int StatusOf(uint16_t port, const std::string& raw) {
  TestClient c(port);
  auto r = c.Request(raw);
  return r ? r->status : -1;
}

std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }
std::string ApiKey(const std::string& key) { return "X-Api-Key: " + key + "\r\n"; }

std::string Post(const std::string& target, const std::string& body, const std::string& headers) {
  return "POST " + target + " HTTP/1.1\r\nHost: t\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// auth: with the SHA-256 of the given secrets.
std::string AuthYaml(std::initializer_list<std::string> bouncers,
                     std::initializer_list<std::string> admins) {
  auto list = [](std::initializer_list<std::string> secrets) {
    std::string out = "[";
    for (const std::string& s : secrets) out += (out.size() > 1 ? ", " : "") + ToHex(Sha256Of(s));
    return out + "]";
  };
  return "auth: {bouncer_keys: " + list(bouncers) + ", admin_tokens: " + list(admins) + "}\n";
}

// What one admin token gets on every endpoint that checks admin tokens:
// decisions API read and write, POST /v1/events, the console.
struct AdminAnswers {
  int read, write, ingest, console;
};
AdminAnswers AsAdmin(uint16_t port, const std::string& token) {
  const std::string h = Bearer(token);
  return {StatusOf(port, testing::Get("/v1/decisions", h)),
          StatusOf(port, Post("/v1/decisions",
                              R"({"account":"acct_r","action":"monitor","duration":"1h"})", h)),
          StatusOf(port, Post("/v1/events", "", h)),
          StatusOf(port, testing::Get("/v1/console/summary", h))};
}
// What one bouncer key gets reading the decisions API (list and stream).
std::pair<int, int> AsBouncer(uint16_t port, const std::string& key) {
  return {StatusOf(port, testing::Get("/v1/decisions", ApiKey(key))),
          StatusOf(port, testing::Get("/v1/decisions/stream", ApiKey(key)))};
}

class ReloadAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/hw_reload_auth";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_ = dir_ + "/serve.yaml";
  }
  // threads: 2, so that requests run on two event loops.
  void WriteConfig(const std::string& auth) {
    std::ofstream(config_, std::ios::trunc)
        << "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 2\n"
        << auth;
  }
  void Start() {
    auto c = LoadServeConfig(config_);
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto made = ServeApp::Create(std::move(c.value()));
    ASSERT_TRUE(made.ok()) << made.status().message();
    app_ = std::move(made.value());
    ASSERT_TRUE(app_->Start().ok());
    ASSERT_NE(app_->ingest(), nullptr);  // POST /v1/events is served
  }
  std::string dir_, config_;
  std::unique_ptr<ServeApp> app_;
};

// A leaked admin token or bouncer key is rotated by SIGHUP, without a
// restart: every endpoint refuses the old secret and takes the new one at
// once; a list with an error changes nothing.
TEST_F(ReloadAuth, RotatedAdminTokenAndBouncerKeyApplyOnEveryEndpoint) {
  WriteConfig(AuthYaml({"bnc-1"}, {"adm-1"}));
  ASSERT_NO_FATAL_FAILURE(Start());
  const uint16_t port = app_->admin_port();
  auto expect_admin = [&](const std::string& token, int read, int write, int ingest, int console) {
    const AdminAnswers a = AsAdmin(port, token);
    EXPECT_EQ(a.read, read) << token << ": GET /v1/decisions";
    EXPECT_EQ(a.write, write) << token << ": POST /v1/decisions";
    EXPECT_EQ(a.ingest, ingest) << token << ": POST /v1/events";
    EXPECT_EQ(a.console, console) << token << ": GET /v1/console/summary";
  };
  auto expect_bouncer = [&](const std::string& key, int status) {
    const auto [list, stream] = AsBouncer(port, key);
    EXPECT_EQ(list, status) << key << ": GET /v1/decisions";
    EXPECT_EQ(stream, status) << key << ": GET /v1/decisions/stream";
  };
  expect_admin("adm-1", 200, 201, 200, 200);
  expect_admin("adm-2", 403, 403, 403, 403);
  expect_bouncer("bnc-1", 200);
  expect_bouncer("bnc-2", 403);

  // Both rotated.
  WriteConfig(AuthYaml({"bnc-2"}, {"adm-2"}));
  std::string summary;
  const Status st = app_->Reload(config_, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_NE(summary.find("1 bouncer keys, 1 admin tokens"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("restart"), std::string::npos) << summary;
  expect_admin("adm-1", 403, 403, 403, 403);
  expect_admin("adm-2", 200, 201, 200, 200);
  expect_bouncer("bnc-1", 403);
  expect_bouncer("bnc-2", 200);

  // A list with an error (one entry is not a digest; bouncer_keys not a
  // list): the reload fails and the secrets in force stay, none of the
  // broken file's is taken.
  WriteConfig("auth: {bouncer_keys: [" + ToHex(Sha256Of("bnc-3")) + "], admin_tokens: [" +
              ToHex(Sha256Of("adm-3")) + ", not-a-digest]}\n");
  Status bad = app_->Reload(config_, &summary);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("auth.admin_tokens"), std::string::npos) << bad.message();
  WriteConfig("auth: {bouncer_keys: " + ToHex(Sha256Of("bnc-3")) + ", admin_tokens: [" +
              ToHex(Sha256Of("adm-3")) + "]}\n");
  bad = app_->Reload(config_, &summary);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("auth.bouncer_keys"), std::string::npos) << bad.message();
  expect_admin("adm-2", 200, 201, 200, 200);
  expect_admin("adm-3", 403, 403, 403, 403);
  expect_admin("adm-1", 403, 403, 403, 403);
  expect_bouncer("bnc-2", 200);
  expect_bouncer("bnc-3", 403);

  // Emptied: no admin token at all, so every admin endpoint refuses.
  WriteConfig(AuthYaml({"bnc-2"}, {}));
  ASSERT_TRUE(app_->Reload(config_, &summary).ok());
  expect_admin("adm-2", 403, 403, 403, 403);
  expect_bouncer("bnc-2", 200);
}

// Reloads swap the lists under requests running on both event loops: a
// secret that every reload keeps never fails on the way, and each reload's
// rotated secret works at once while the one before it stops.
TEST_F(ReloadAuth, SwapsUnderRunningRequests) {
  WriteConfig(AuthYaml({"bnc-keep"}, {"adm-keep"}));
  ASSERT_NO_FATAL_FAILURE(Start());
  const uint16_t port = app_->admin_port();
  std::atomic<bool> stop{false};
  std::atomic<int> requests{0}, failures{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 2; ++i) {
    clients.emplace_back([&, i] {
      TestClient c(port);  // keep-alive: one connection, one event loop
      const std::string raw =
          testing::Get("/v1/decisions", i == 0 ? Bearer("adm-keep") : ApiKey("bnc-keep"));
      while (!stop.load()) {
        auto r = c.Request(raw);
        ++requests;
        if (!r || r->status != 200) ++failures;
      }
    });
  }
  for (int round = 1; round <= 20; ++round) {
    const std::string admin = "adm-" + std::to_string(round);
    const std::string bouncer = "bnc-" + std::to_string(round);
    WriteConfig(AuthYaml({"bnc-keep", bouncer}, {admin, "adm-keep"}));
    std::string summary;
    if (!app_->Reload(config_, &summary).ok()) {
      ADD_FAILURE() << "reload " << round;
      break;  // the clients are still to be joined
    }
    EXPECT_EQ(StatusOf(port, testing::Get("/v1/decisions", Bearer(admin))), 200) << round;
    EXPECT_EQ(AsBouncer(port, bouncer).first, 200) << round;
    const std::string before = std::to_string(round - 1);
    EXPECT_EQ(StatusOf(port, testing::Get("/v1/decisions", Bearer("adm-" + before))), 403) << round;
    EXPECT_EQ(AsBouncer(port, "bnc-" + before).first, 403) << round;
  }
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_GT(requests.load(), 0);
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace hw::serve
