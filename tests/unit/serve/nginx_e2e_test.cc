// nginx in front of hydrawatch, with the auth_request snippet of README.md
// ("Behind a gateway") read from the file, only its ports changed, and a
// second nginx server standing in for the model API:
// - decisions placed by hand: a clean account gets the upstream's 200, a
//   throttled one 429 (the 403 + X-Hydrawatch-Action the snippet maps), a
//   suspended one 403;
// - feb2026 replayed through nginx in accelerated event time: each simulated
//   request asks nginx first, and only the exchanges nginx let through reach
//   hydrawatch's ingest (as a gateway's logs would); the campaigns' accounts
//   are refused once detected while every benign persona keeps its 200s.
// Skipped when /usr/sbin/nginx is absent (./hw installs it).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/common/sha256.h"
#include "engine/serve/app.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"
#include "test_client.h"

extern char** environ;

namespace hw::serve {
namespace {

using testing::Get;
using testing::HttpReply;
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

// Replaces the one occurrence of `from` in `text`; false when there is not
// exactly one (the README's snippet changed: this test must follow it).
bool ReplaceOnce(std::string* text, std::string_view from, std::string_view to) {
  const size_t at = text->find(from);
  if (at == std::string::npos || text->find(from, at + 1) != std::string::npos) return false;
  text->replace(at, from.size(), to);
  return true;
}

// The nginx configuration this test runs: README.md's snippet (its first
// ```nginx block) with hydrawatch's and the upstream's ports and a loopback
// listener instead of 443, inside a main context writing only into `dir`,
// and a server on `upstream` standing in for the model API (it answers with
// the account hydrawatch named, which the snippet passes on).
std::optional<std::string> NginxConf(const std::string& dir, uint16_t listen, uint16_t hw,
                                     uint16_t upstream, std::string* error) {
  std::ifstream in(std::string(HW_SOURCE_DIR) + "/README.md");
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t begin = readme.find("```nginx\n");
  const size_t end = readme.find("```\n", begin + 9);
  if (begin == std::string::npos || end == std::string::npos) {
    *error = "README.md has no ```nginx block";
    return std::nullopt;
  }
  std::string snippet = readme.substr(begin + 9, end - begin - 9);
  const std::string h = std::to_string(hw), u = std::to_string(upstream);
  if (!ReplaceOnce(&snippet, "server 127.0.0.1:8080;", "server 127.0.0.1:" + h + ";") ||
      !ReplaceOnce(&snippet, "server 127.0.0.1:9000;", "server 127.0.0.1:" + u + ";") ||
      !ReplaceOnce(&snippet, "listen 443 ssl;",
                   "listen 127.0.0.1:" + std::to_string(listen) + ";")) {
    *error =
        "README.md's nginx snippet no longer has the upstreams on 8080 and 9000 and "
        "`listen 443 ssl;`:\n" +
        snippet;
    return std::nullopt;
  }
  return "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + dir +
         "/nginx.pid;\nerror_log " + dir +
         "/error.log warn;\nevents { worker_connections 256; }\n" +
         "http {\n  access_log off;\n  client_body_temp_path " + dir +
         "/body;\n  proxy_temp_path " + dir + "/proxy;\n  fastcgi_temp_path " + dir +
         "/fcgi;\n  uwsgi_temp_path " + dir + "/uwsgi;\n  scgi_temp_path " + dir + "/scgi;\n" +
         snippet + "  server {\n    listen 127.0.0.1:" + u +
         ";\n    location / {\n      default_type text/plain;\n"
         "      return 200 \"model answer for $http_x_hydrawatch_account\";\n    }\n  }\n}\n";
}

// nginx with NginxConf, for one test: started by Start, stopped (SIGQUIT,
// then waited for) by the destructor.
class Nginx {
 public:
  ~Nginx() {
    if (pid_ > 0) {
      kill(pid_, SIGQUIT);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // The port clients reach nginx on; empty `*error` on success.
  uint16_t Start(uint16_t hw_port, std::string* error) {
    dir_ = ::testing::TempDir() + "/hw_nginx_" + std::to_string(getpid()) + "_" +
           std::to_string(++starts_);
    std::filesystem::create_directories(dir_);
    const uint16_t port = FreePort();
    uint16_t upstream = FreePort();
    while (upstream == port) upstream = FreePort();  // both closed: one may come back
    auto conf = NginxConf(dir_, port, hw_port, upstream, error);
    if (!conf) return 0;
    const std::string path = dir_ + "/nginx.conf";
    std::ofstream(path) << *conf;
    const char* argv[] = {kNginx, "-p", dir_.c_str(), "-c", path.c_str(), nullptr};
    if (posix_spawn(&pid_, kNginx, nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
      *error = "cannot start nginx";
      return 0;
    }
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      TestClient probe(port);
      if (probe.connected()) return port;
    }
    std::ifstream log(dir_ + "/error.log");
    *error = "nginx did not start: " + std::string(std::istreambuf_iterator<char>(log), {});
    return 0;
  }

 private:
  static inline int starts_ = 0;
  std::string dir_;
  pid_t pid_ = 0;
};

TEST(NginxEndToEnd, AuthRequestAllowsThrottlesAndSuspends) {
  if (access(kNginx, X_OK) != 0) GTEST_SKIP() << kNginx << " not installed";
  // hydrawatch, with an account-id header.
  auto cfg = ParseServeConfig(
      "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 1\n", "t.yaml", "");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  auto app = ServeApp::Create(std::move(cfg.value()));
  ASSERT_TRUE(app.ok());
  ServeApp& hw = **app;
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

  Nginx nginx;
  std::string error;
  const uint16_t port = nginx.Start(hw.check_port(), &error);
  ASSERT_NE(port, 0) << error;
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
}

// The value of "key":"..." in a JSON line of the simulator's (no escapes in
// the fields read here).
std::string_view Field(std::string_view line, std::string_view key) {
  const std::string k = "\"" + std::string(key) + "\":\"";
  const size_t at = line.find(k);
  if (at == std::string_view::npos) return {};
  const size_t from = at + k.size();
  return line.substr(from, line.find('"', from) - from);
}

// One client connection to nginx, opened again when nginx closes it (after
// keepalive_requests) or a reply is lost.
class Gateway {
 public:
  explicit Gateway(uint16_t port) : port_(port) {}
  int Ask(std::string_view account) {
    const std::string req =
        "POST /v1/messages HTTP/1.1\r\nHost: api\r\nx-account-id: " + std::string(account) +
        "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (client_ == nullptr) client_ = std::make_unique<TestClient>(port_, 30000);
      std::optional<HttpReply> r = client_->Request(req);
      if (!r || r->Header("connection") == "close") client_.reset();
      if (r) {
        if (r->status == 200 && r->body != "model answer for " + std::string(account)) return -1;
        return r->status;
      }
    }
    return 0;
  }

 private:
  uint16_t port_;
  std::unique_ptr<TestClient> client_;
};

TEST(NginxEndToEnd, Feb2026ThroughNginxCampaignsAreRefusedAndEveryBenignPersonaPasses) {
  if (access(kNginx, X_OK) != 0) GTEST_SKIP() << kNginx << " not installed";
  // feb2026 at 1/200 of its accounts and volume, its first two days: the
  // three campaigns that start on day 0 (campaign-d starts on day 3) and
  // every benign persona.
  constexpr double kScale = 0.005;
  constexpr TimeUs kSlice = 2 * kUsPerDay;
  auto sc = sim::LoadScenario("feb2026");
  ASSERT_TRUE(sc.ok()) << sc.status().message();
  const sim::Scenario scaled = sc->Scaled(kScale);
  auto gen = sim::Generator::Create(scaled, scaled.seed, 2);
  ASSERT_TRUE(gen.ok()) << gen.status().message();
  const TimeUs cut = scaled.start + kSlice;
  struct Line {
    size_t offset, size;
    TimeUs time;
  };
  std::string events;
  std::vector<Line> lines;
  const Status ran = (*gen)->Run([&](std::string_view b) {
    for (size_t pos = 0; pos < b.size();) {
      const size_t end = b.find('\n', pos);
      const std::string_view line = b.substr(pos, end + 1 - pos);
      pos = end + 1;
      const auto t = ParseRfc3339(Field(line, "time"));
      if (!t) return Status(ErrorCode::kParseError, "no time: " + std::string(line));
      if (*t >= cut) return Status(ErrorCode::kOutOfRange, "slice done");
      lines.push_back({events.size(), line.size(), *t});
      events.append(line);
    }
    return Status::Ok();
  });
  ASSERT_EQ(ran.message(), "slice done");
  ASSERT_GT(lines.size(), 20000u);
  std::string accounts, labels;
  (*gen)->WriteAccounts(accounts);
  (*gen)->WriteLabels(labels);
  struct Who {
    std::string persona, campaign;  // campaign empty: benign
  };
  std::map<std::string, Who, std::less<>> who;
  for (size_t p = 0; p < labels.size();) {
    const size_t e = labels.find('\n', p);
    const std::string_view l(labels.data() + p, e - p);
    p = e + 1;
    who[std::string(Field(l, "user.id"))] = {std::string(Field(l, "persona")),
                                             std::string(Field(l, "campaign"))};
  }

  const char kAdmin[] = "admin-token-nginx-e2e";
  const std::string dir = ::testing::TempDir() + "/hw_nginx_feb2026";
  std::filesystem::create_directories(dir);
  { std::ofstream(dir + "/accounts.jsonl") << accounts; }
  // Detection every 60 s of event time, as in production (the most
  // serve allows).
  auto cfg = ParseServeConfig(
      "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 2\n"
      "limits: {max_body_bytes: 16777216}\n"
      "auth: {admin_tokens: [" +
          ToHex(Sha256Of(kAdmin)) + "]}\nengine: {accounts: " + dir +
          "/accounts.jsonl, detect_period: 60s}\n",
      "t.yaml", "");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  auto app = ServeApp::Create(std::move(cfg.value()));
  ASSERT_TRUE(app.ok()) << app.status().message();
  ServeApp& hw = **app;
  ASSERT_TRUE(hw.Start().ok());
  ASSERT_NE(hw.ingest(), nullptr);
  Nginx nginx;
  std::string error;
  const uint16_t port = nginx.Start(hw.check_port(), &error);
  ASSERT_NE(port, 0) << error;

  struct Tally {
    uint64_t passed = 0, refused = 0;
    uint64_t passed_after_suspend = 0;  // a 200 after this account's first 403
    TimeUs first = 0, first_refused = 0;
    bool suspended = false;
  };
  std::map<std::string, Tally> tally;
  std::map<int, uint64_t> statuses;
  // Chunks of ~5 min of event time: nginx is asked for each request (four
  // connections at once), then the exchanges it let through are posted to
  // /v1/events in order and the detection runs due by then are run, so that
  // the next chunk meets the decisions they made.
  constexpr int kConns = 4;
  std::vector<Gateway> gateways;
  for (int c = 0; c < kConns; ++c) gateways.emplace_back(port);
  std::vector<int> status(lines.size());
  uint64_t posted = 0;
  for (size_t from = 0; from < lines.size();) {
    size_t to = from;
    while (to < lines.size() && lines[to].time < lines[from].time + 5 * kUsPerMinute) ++to;
    std::vector<std::thread> askers;
    for (int c = 0; c < kConns; ++c) {
      askers.emplace_back([&, c] {
        for (size_t i = from + static_cast<size_t>(c); i < to; i += kConns) {
          const std::string_view line(events.data() + lines[i].offset, lines[i].size);
          status[i] = gateways[static_cast<size_t>(c)].Ask(Field(line, "user.id"));
        }
      });
    }
    for (std::thread& t : askers) t.join();
    std::string body;
    for (size_t i = from; i < to; ++i) {
      const std::string_view line(events.data() + lines[i].offset, lines[i].size);
      Tally& a = tally[std::string(Field(line, "user.id"))];
      ++statuses[status[i]];
      if (a.first == 0) a.first = lines[i].time;
      if (status[i] == 200) {
        ++a.passed;
        a.passed_after_suspend += a.suspended;
        body.append(line);
      } else {
        ++a.refused;
        if (a.first_refused == 0) a.first_refused = lines[i].time;
        a.suspended |= status[i] == 403;
      }
    }
    if (!body.empty()) {
      TestClient c(hw.admin_port(), 120000);
      auto r = c.Request("POST /v1/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                         std::string(kAdmin) +
                         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      ASSERT_NE(r->body.find("\"rejected\":0"), std::string::npos) << r->body;
      posted += std::count(body.begin(), body.end(), '\n');
    }
    hw.ingest()->RunDueDetection();
    from = to;
  }
  // Every request got the upstream's answer or a refusal nginx mapped.
  for (const auto& [code, n] : statuses) {
    EXPECT_TRUE(code == 200 || code == 403 || code == 429) << n << " answered " << code;
  }
  EXPECT_EQ(hw.ingest()->totals().lines, posted);
  EXPECT_EQ(hw.ingest()->totals().rejected, 0u);
  EXPECT_GT(hw.ingest()->totals().detections, 200u);

  // Benign: every persona that sent a request got a 200 for each.
  std::map<std::string, std::pair<uint64_t, uint64_t>> personas;  // passed, refused
  struct Campaign {
    uint64_t accounts = 0, requests = 0, through = 0;
    uint64_t judged = 0, judged_refused = 0;  // accounts seen in the first 36 h
    TimeUs first = 0, first_refused = 0;
  };
  std::map<std::string, Campaign> campaigns;
  for (const auto& [id, a] : tally) {
    const auto w = who.find(id);
    ASSERT_NE(w, who.end()) << id;
    if (w->second.campaign.empty()) {
      personas[w->second.persona].first += a.passed;
      personas[w->second.persona].second += a.refused;
      continue;
    }
    Campaign& c = campaigns[w->second.campaign];
    ++c.accounts;
    c.requests += a.passed + a.refused;
    c.through += a.passed;
    if (c.first == 0 || a.first < c.first) c.first = a.first;
    if (a.first_refused != 0 && (c.first_refused == 0 || a.first_refused < c.first_refused)) {
      c.first_refused = a.first_refused;
    }
    // A suspension lasts 7 days: the slice never sees one end.
    EXPECT_EQ(a.passed_after_suspend, 0u) << id << " passed after its suspension";
    if (a.first < cut - 12 * kUsPerHour) {
      ++c.judged;
      c.judged_refused += a.refused > 0;
    }
  }
  EXPECT_EQ(personas.size(), scaled.personas.size()) << "personas active in the slice";
  for (const auto& [persona, n] : personas) {
    std::printf("benign %-17s %7llu requests, %llu refused\n", persona.c_str(),
                static_cast<unsigned long long>(n.first + n.second),
                static_cast<unsigned long long>(n.second));
    EXPECT_GT(n.first, 0u) << persona;
    EXPECT_EQ(n.second, 0u) << persona << ": benign requests refused";
  }
  // Attack: the three campaigns of the slice are detected within 24 h of
  // event time and their accounts refused.
  EXPECT_EQ(campaigns.size(), 3u);
  for (const auto& [id, c] : campaigns) {
    const double hours = c.first_refused == 0 ? -1
                                              : static_cast<double>(c.first_refused - c.first) /
                                                    static_cast<double>(kUsPerHour);
    std::printf(
        "%-11s %4llu accounts, %6llu requests: first refused after %.1f h of event time, "
        "%llu of them through (%.1f%%), %llu of %llu accounts seen in the first 36 h refused\n",
        id.c_str(), static_cast<unsigned long long>(c.accounts),
        static_cast<unsigned long long>(c.requests), hours,
        static_cast<unsigned long long>(c.through),
        100.0 * static_cast<double>(c.through) /
            static_cast<double>(std::max<uint64_t>(1, c.requests)),
        static_cast<unsigned long long>(c.judged_refused),
        static_cast<unsigned long long>(c.judged));
    ASSERT_NE(c.first_refused, 0) << id << " never refused";
    EXPECT_LE(c.first_refused - c.first, kUsPerDay) << id;
    EXPECT_GT(c.judged, 0u) << id;
    EXPECT_GE(c.judged_refused * 10, c.judged * 9) << id;
    // Most of what the campaign sent in the slice was refused (the rest went
    // through before its accounts were judged).
    EXPECT_LT(c.through * 2, c.requests) << id;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hw::serve
