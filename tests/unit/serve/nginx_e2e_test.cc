// nginx in front of hydrawatch, with the auth_request snippet of
// docs/SERVE.md, in front of a tiny upstream standing in for the model API:
// a clean account gets the upstream's 200, a throttled one 429 (the 403 +
// X-Hydrawatch-Action the snippet maps), a suspended one 403. Skipped when
// /usr/sbin/nginx is absent (./hw installs it).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "engine/serve/app.h"
#include "test_client.h"

extern char** environ;

namespace hw::serve {
namespace {

using testing::Get;
using testing::TestClient;

constexpr char kNginx[] = "/usr/sbin/nginx";

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// The snippet documented in docs/SERVE.md, with this test's ports.
std::string NginxConf(const std::string& dir, uint16_t listen, uint16_t hw, uint16_t upstream) {
  const std::string p = std::to_string(hw), u = std::to_string(upstream);
  return "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + dir +
         "/nginx.pid;\nerror_log " + dir +
         "/error.log warn;\nevents { worker_connections 64; }\n"
         "http {\n"
         "  access_log off;\n"
         "  client_body_temp_path " +
         dir + "/body;\n  proxy_temp_path " + dir +
         "/proxy;\n"
         "  fastcgi_temp_path " +
         dir + "/fcgi;\n  uwsgi_temp_path " + dir +
         "/uwsgi;\n"
         "  scgi_temp_path " +
         dir +
         "/scgi;\n"
         "  upstream hydrawatch { server 127.0.0.1:" +
         p +
         "; keepalive 16; }\n"
         "  upstream model_api { server 127.0.0.1:" +
         u +
         "; }\n"
         "  server {\n"
         "    listen 127.0.0.1:" +
         std::to_string(listen) +
         ";\n"
         "    location / {\n"
         "      auth_request /_hydrawatch;\n"
         "      auth_request_set $hw_action $upstream_http_x_hydrawatch_action;\n"
         "      auth_request_set $hw_retry $upstream_http_retry_after;\n"
         "      auth_request_set $hw_account $upstream_http_x_hydrawatch_account;\n"
         "      error_page 403 = @hw_denied;\n"
         "      proxy_set_header X-Hydrawatch-Account $hw_account;\n"
         "      proxy_pass http://model_api;\n"
         "    }\n"
         "    location = /_hydrawatch {\n"
         "      internal;\n"
         "      proxy_pass http://hydrawatch/nginx/check;\n"
         "      proxy_http_version 1.1;\n"
         "      proxy_set_header Connection \"\";\n"
         "      proxy_pass_request_body off;\n"
         "      proxy_set_header Content-Length \"\";\n"
         "      proxy_set_header X-Original-URI $request_uri;\n"
         "      proxy_set_header X-Original-Method $request_method;\n"
         "    }\n"
         "    location @hw_denied {\n"
         "      default_type application/json;\n"
         "      add_header Retry-After $hw_retry always;\n"
         "      add_header X-Hydrawatch-Action $hw_action always;\n"
         "      if ($hw_action = throttle) { return 429 '{\"action\":\"throttle\"}'; }\n"
         "      return 403 '{\"action\":\"$hw_action\"}';\n"
         "    }\n"
         "  }\n"
         "}\n";
}

TEST(NginxEndToEnd, AuthRequestAllowsThrottlesAndSuspends) {
  if (access(kNginx, X_OK) != 0) GTEST_SKIP() << kNginx << " not installed";
  // hydrawatch, with an account-id header.
  auto cfg = ParseServeConfig(
      "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 1\n", "t.yaml", "");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  auto app = ServeApp::Create(std::move(cfg.value()));
  ASSERT_TRUE(app.ok());
  ServeApp& hw = **app;
  // The model API stand-in: echoes the account nginx passed on.
  hw.check_router().Add("upstream", MethodBit(Method::kGet) | MethodBit(Method::kPost), "/v1/",
                        true, [](const Request& q, Response& r) {
                          r.body() = "model answer for ";
                          r.body() += q.Header("x-hydrawatch-account");
                        });
  ASSERT_TRUE(hw.Start().ok());
  hw.decisions().AdvanceWatermark(500 * kUsPerDay);
  decide::Decision s;
  s.account = "acct_suspended";
  s.action = decide::Action::kSuspend;
  s.start = hw.decisions().now();
  s.until = s.start + kUsPerDay;
  hw.decisions().Add(s);
  decide::Decision t = s;
  t.account = "acct_throttled";
  t.action = decide::Action::kThrottle;
  t.throttle.requests = 2;
  t.throttle.window = kUsPerHour;
  hw.decisions().Add(t);

  const std::string dir = ::testing::TempDir() + "/hw_nginx_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const uint16_t port = FreePort();
  {
    std::ofstream f(dir + "/nginx.conf");
    f << NginxConf(dir, port, hw.check_port(), hw.check_port());
  }
  const std::string conf = dir + "/nginx.conf";
  const char* argv[] = {kNginx, "-p", dir.c_str(), "-c", conf.c_str(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, kNginx, nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    TestClient probe(port);
    up = probe.connected();
  }
  if (!up) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    std::ifstream log(dir + "/error.log");
    FAIL() << "nginx did not start: " << std::string(std::istreambuf_iterator<char>(log), {});
  }
  auto ask = [&](const char* account) {
    TestClient c(port);
    return c.Request(Get("/v1/messages", std::string("x-account-id: ") + account + "\r\n"));
  };
  auto clean = ask("acct_clean");
  ASSERT_TRUE(clean);
  EXPECT_EQ(clean->status, 200);
  EXPECT_EQ(clean->body, "model answer for acct_clean");
  for (int i = 0; i < 2; ++i) {
    auto r = ask("acct_throttled");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << i;
  }
  auto throttled = ask("acct_throttled");
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->status, 429);
  EXPECT_EQ(throttled->Header("retry-after"), "3600");
  EXPECT_EQ(throttled->body, "{\"action\":\"throttle\"}");
  auto suspended = ask("acct_suspended");
  ASSERT_TRUE(suspended);
  EXPECT_EQ(suspended->status, 403);
  EXPECT_EQ(suspended->Header("x-hydrawatch-action"), "suspend");
  EXPECT_EQ(suspended->body, "{\"action\":\"suspend\"}");
  EXPECT_EQ(hw.metrics().Checks(CheckOutcome::kSuspend), 1u);

  kill(pid, SIGQUIT);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hw::serve
