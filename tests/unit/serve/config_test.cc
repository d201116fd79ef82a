// The serve config: the built-in default loads; every field is read; errors
// are coded `file:line: code: message`; API-key files and SHA-256 helpers.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "../spec_error.h"
#include "engine/common/sha256.h"
#include "engine/serve/api_keys.h"
#include "engine/serve/config.h"

namespace hw::serve {
namespace {

bool Coded(const Result<ServeConfig>& r, const char* code, int line) {
  if (r.ok()) return false;
  const std::string& m = r.status().message();
  return hw::testing::IsCodedSpecError(m, "c.yaml", {code}) &&
         m.rfind("c.yaml:" + std::to_string(line) + ":", 0) == 0;
}

TEST(ServeConfig, DefaultLoads) {
  auto c = DefaultServeConfig();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->check_address, "127.0.0.1:8080");
  EXPECT_EQ(c->admin_address, "127.0.0.1:8081");
  EXPECT_EQ(c->lookup, AccountLookup::kAccountId);
  EXPECT_EQ(c->fail_mode, FailMode::kOpen);
  EXPECT_TRUE(c->enforcement_path.empty());
}

TEST(ServeConfig, ReadsEveryField) {
  const std::string key_hash = ToHex(Sha256Of("bouncer-1"));
  auto c = ParseServeConfig(R"(version: 1
listen: {check: "[::1]:9000", admin: "127.0.0.1:0"}
threads: 3
limits: {max_connections: 50, max_header_bytes: 4096, max_body_bytes: 10, header_timeout: 2s, idle_timeout: 1m, drain_timeout: 5s}
checks: {envoy_prefix: /e, nginx_path: /n, traefik_path: /t, exempt_paths: [/health]}
account: {header: X-Api-Key, lookup: api_key, api_keys: keys.jsonl, unknown: deny}
fail_mode: closed
throttle_slots: 1024
auth: {bouncer_keys: [)" + key_hash +
                                R"(], admin_tokens: []}
enforcement: enf.yaml
watermark: wall
)",
                            "c.yaml", "/etc/hw");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->check_address, "[::1]:9000");
  EXPECT_EQ(c->threads, 3);
  EXPECT_EQ(c->max_connections, 50u);
  EXPECT_EQ(c->header_timeout_ms, 2000);
  EXPECT_EQ(c->idle_timeout_ms, 60000);
  EXPECT_EQ(c->envoy_prefix, "/e");
  EXPECT_EQ(c->exempt_paths.size(), 1u);
  EXPECT_EQ(c->account_header, "x-api-key");
  EXPECT_EQ(c->lookup, AccountLookup::kApiKey);
  EXPECT_EQ(c->api_keys_path, "/etc/hw/keys.jsonl");
  EXPECT_FALSE(c->unknown_allow);
  EXPECT_EQ(c->fail_mode, FailMode::kClosed);
  ASSERT_EQ(c->bouncer_keys.size(), 1u);
  EXPECT_TRUE(SameHash(c->bouncer_keys[0], Sha256Of("bouncer-1")));
  EXPECT_EQ(c->enforcement_path, "/etc/hw/enf.yaml");
  EXPECT_EQ(c->watermark, WatermarkSource::kWall);
}

TEST(ServeConfig, CodedErrors) {
  EXPECT_TRUE(Coded(ParseServeConfig("version: 2\n", "c.yaml", ""), "bad-version", 1));
  EXPECT_TRUE(Coded(ParseServeConfig("threads: 1\n", "c.yaml", ""), "missing-key", 1));
  EXPECT_TRUE(
      Coded(ParseServeConfig("version: 1\nlisten:\n  check: nope\n", "c.yaml", ""), "bad-type", 3));
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\nlisten: {chek: ':1'}\n", "c.yaml", ""),
                    "unknown-key", 2));
  EXPECT_TRUE(
      Coded(ParseServeConfig("version: 1\nfail_mode: maybe\n", "c.yaml", ""), "unknown-name", 2));
  EXPECT_TRUE(
      Coded(ParseServeConfig("version: 1\nthreads: 500\n", "c.yaml", ""), "out-of-range", 2));
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\nlimits: {idle_timeout: soon}\n", "c.yaml", ""),
                    "bad-type", 2));
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\nauth:\n  admin_tokens: [abc]\n", "c.yaml", ""),
                    "bad-type", 3));
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\naccount: {lookup: api_key}\n", "c.yaml", ""),
                    "missing-key", 2));
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\nchecks: {nginx_path: nginx}\n", "c.yaml", ""),
                    "bad-type", 2));
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\nlisten: [\n", "c.yaml", ""), "yaml-syntax", 2));
  auto missing = LoadServeConfig("/nonexistent/serve.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/serve.yaml"), std::string::npos);
}

// The credentials in force are the loaded lists until a reload publishes
// others, which then replace them whole; a copy of the config is unpublished.
TEST(ServeConfig, PublishedAuthReplacesTheLoadedSecrets) {
  auto c = ParseServeConfig("version: 1\nauth: {bouncer_keys: [" + ToHex(Sha256Of("bnc-1")) +
                                "], admin_tokens: [" + ToHex(Sha256Of("adm-1")) + "]}\n",
                            "c.yaml", "");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ServeConfig& config = c.value();
  EXPECT_TRUE(config.IsAdminToken(Sha256Of("adm-1")));
  EXPECT_TRUE(config.IsBouncerKey(Sha256Of("bnc-1")));
  EXPECT_FALSE(config.IsAdminToken(Sha256Of("bnc-1")));  // a bouncer key never writes
  EXPECT_FALSE(config.IsBouncerKey(Sha256Of("adm-1")));
  const AuthSecrets next{{Sha256Of("bnc-2")}, {Sha256Of("adm-2"), Sha256Of("adm-3")}};
  config.published_auth.Publish(&next);
  EXPECT_FALSE(config.IsAdminToken(Sha256Of("adm-1")));
  EXPECT_FALSE(config.IsBouncerKey(Sha256Of("bnc-1")));
  EXPECT_TRUE(config.IsAdminToken(Sha256Of("adm-2")));
  EXPECT_TRUE(config.IsAdminToken(Sha256Of("adm-3")));
  EXPECT_TRUE(config.IsBouncerKey(Sha256Of("bnc-2")));
  const ServeConfig copy = config;
  EXPECT_EQ(copy.published_auth.Load(), nullptr);
  EXPECT_TRUE(copy.IsAdminToken(Sha256Of("adm-1")));
  EXPECT_FALSE(copy.IsAdminToken(Sha256Of("adm-2")));
}

TEST(ApiKeys, LooksUpByHashOnly) {
  const std::string text = "{\"key.sha256\":\"" + ToHex(Sha256Of("sk-live-1")) +
                           "\",\"user.id\":\"acct_1\",\"note\":{\"x\":1}}\n\n" +
                           "{\"user.id\":\"acct_2\",\"key.sha256\":\"" +
                           ToHex(Sha256Of("sk-live-2")) + "\"}\n";
  auto t = ApiKeyTable::Parse(text, "keys.jsonl");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->size(), 2u);
  EXPECT_EQ(t->Find("sk-live-1"), "acct_1");
  EXPECT_EQ(t->Find("sk-live-2"), "acct_2");
  EXPECT_EQ(t->Find("sk-live-3"), "");
  EXPECT_EQ(t->Find(""), "");
}

// Every event loop hashes keys with its own libcrypto context: lookups from
// several threads at once find the same accounts as Sha256Of would.
TEST(ApiKeys, LookupsFromSeveralThreads) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "{\"key.sha256\":\"" + ToHex(Sha256Of("sk-" + std::to_string(i))) +
            "\",\"user.id\":\"acct_" + std::to_string(i) + "\"}\n";
  }
  auto t = ApiKeyTable::Parse(text, "keys.jsonl");
  ASSERT_TRUE(t.ok()) << t.status().message();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 3; ++th) {
    threads.emplace_back([&, th] {
      for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 200; ++i) {
          const int k = (i * 7 + th * 13 + round) % 200;
          if (t->Find("sk-" + std::to_string(k)) != "acct_" + std::to_string(k)) ++wrong;
          if (!t->Find("sk-x" + std::to_string(k)).empty()) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ApiKeys, ErrorsNameTheLine) {
  const std::string h = ToHex(Sha256Of("k"));
  struct Case {
    std::string text;
    const char* want;
  } cases[] = {
      {"{\"key.sha256\":\"" + h + "\",\"user.id\":\"a\"}\nnot json\n", "keys.jsonl:2: "},
      {"{\"key.sha256\":\"abc\",\"user.id\":\"a\"}\n", "keys.jsonl:1: 'key.sha256' is not"},
      {"{\"user.id\":\"a\"}\n", "keys.jsonl:1: needs"},
      {"{\"key.sha256\":\"" + h + "\",\"user.id\":\"a\"}\n{\"key.sha256\":\"" + h +
           "\",\"user.id\":\"b\"}\n",
       "keys.jsonl:2: key given twice"},
      {"{\"key.sha256\":\"" + h + "\",\"user.id\":\"a\\nb\"}\n", "keys.jsonl:1: 'user.id' holds"},
      {"{\"key.sha256\":\"" + h + "\",\"user.id\":\"a\"} x\n", "keys.jsonl:1: "},
  };
  for (const auto& c : cases) {
    auto t = ApiKeyTable::Parse(c.text, "keys.jsonl");
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().message().rfind(c.want, 0), 0u) << t.status().message();
  }
}

TEST(ServeConfig, EngineIntel) {
  auto c = ParseServeConfig(
      "version: 1\nengine:\n  intel: [a.json, /x/b.json]\n  intel_salt_file: salt\n", "c.yaml",
      "/etc/hw");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->engine_intel_paths, (std::vector<std::string>{"/etc/hw/a.json", "/x/b.json"}));
  EXPECT_EQ(c->engine_intel_salt_path, "/etc/hw/salt");
  EXPECT_TRUE(DefaultServeConfig()->engine_intel_paths.empty());
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\nengine:\n  intel: a.json\n", "c.yaml", "/"),
                    "bad-type", 3));
  EXPECT_TRUE(Coded(ParseServeConfig("version: 1\nengine:\n  intel: [\"\"]\n", "c.yaml", "/"),
                    "bad-type", 3));
}

TEST(Crypto, Sha256KnownAnswerAndMatching) {
  EXPECT_EQ(ToHex(Sha256Of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  EXPECT_TRUE(
      ParseSha256Hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", &h));
  EXPECT_TRUE(SameHash(h, Sha256Of("abc")));
  EXPECT_FALSE(ParseSha256Hex("zz", &h));
  EXPECT_TRUE(MatchesAny({Sha256Of("x"), Sha256Of("abc")}, "abc"));
  EXPECT_FALSE(MatchesAny({Sha256Of("x")}, "abc"));
  EXPECT_FALSE(MatchesAny({}, "abc"));
}

}  // namespace
}  // namespace hw::serve
