// SIGHUP reload (ServeApp::Reload): a new API-key table and enforcement
// policy take effect while the server keeps serving; a broken configuration
// changes nothing; settings that need a restart are named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

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

}  // namespace
}  // namespace hw::serve
