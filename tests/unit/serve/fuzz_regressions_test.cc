// Replays tests/fuzz_regressions/http/ (seeds and kept inputs of
// fuzz/fuzz_http.cc) through a session holding every built-in endpoint, fed
// whole and byte by byte: the same answers either way, each a whole HTTP
// response; the seeds of real flows get the answers they are written for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/common/sha256.h"
#include "engine/serve/admin.h"
#include "engine/serve/checks.h"
#include "engine/serve/http.h"

namespace hw::serve {
namespace {

namespace fs = std::filesystem;

std::string Replay(const ServeConfig& config, const std::string& input, bool bytewise) {
  Metrics metrics;
  DecisionService decisions(config.throttle_slots);
  Router router(&metrics);
  CheckService checks(config, nullptr, &decisions, &metrics);
  AdminService admin(config, &decisions, &metrics);
  checks.Register(&router);
  admin.RegisterHealth(&router);
  admin.Register(&router);
  HttpLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_body_bytes = 4096;
  HttpSession s(&router, &limits, 0);
  std::string out;
  if (bytewise) {
    for (char c : input) {
      s.Feed(&c, 1, 0);
      out += s.output();
      s.output().clear();
    }
  } else {
    s.Feed(input.data(), input.size(), 0);
    out = s.output();
  }
  return out;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(HttpFuzzRegressions, EveryFileAnswersTheSameWholeOrBytewise) {
  auto config = ParseServeConfig(
      "version: 1\nthrottle_slots: 64\nchecks: {exempt_paths: [/public]}\n"
      "auth: {admin_tokens: [" +
          ToHex(Sha256Of("fuzz-admin")) + "], bouncer_keys: [" + ToHex(Sha256Of("fuzz-bouncer")) +
          "]}\n",
      "fuzz.yaml", "");
  ASSERT_TRUE(config.ok());
  const fs::path dir = fs::path(HW_SOURCE_DIR) / "tests/fuzz_regressions/http";
  ASSERT_TRUE(fs::is_directory(dir));
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string whole = Replay(*config, input, false);
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(whole, Replay(*config, input, true)) << name;
    EXPECT_TRUE(whole.empty() || whole.rfind("HTTP/1.", 0) == 0) << name;
    if (name == "chunked_admin_flow.http") {
      EXPECT_EQ(Count(whole, "HTTP/1.1 201"), 1u) << whole;
      EXPECT_EQ(Count(whole, "HTTP/1.1 200"), 3u) << whole;
      EXPECT_NE(whole.find("\"new\":[{\"id\":1"), std::string::npos) << whole;
    } else if (name == "post_then_check.http") {
      EXPECT_EQ(Count(whole, "HTTP/1.1 201"), 1u) << whole;
      EXPECT_NE(whole.find("x-hydrawatch-action: throttle"), std::string::npos) << whole;
    } else if (name == "nginx_traefik_pipelined.http") {
      EXPECT_EQ(Count(whole, "HTTP/1.1 200"), 2u) << whole;
      EXPECT_NE(whole.find("x-hydrawatch-action: exempt"), std::string::npos) << whole;
    } else if (name == "malformed.http") {
      EXPECT_EQ(whole.rfind("HTTP/1.1 400", 0), 0u) << whole;
    } else if (name == "huge_body.http") {
      EXPECT_EQ(whole.rfind("HTTP/1.1 413", 0), 0u) << whole;
    } else if (name == "ops.http") {
      EXPECT_EQ(Count(whole, "HTTP/1.1 100 Continue"), 1u) << whole;
      EXPECT_NE(whole.find("HTTP/1.0 200"), std::string::npos) << whole;
    }
    ++files;
  }
  EXPECT_GE(files, 7u);
}

}  // namespace
}  // namespace hw::serve
