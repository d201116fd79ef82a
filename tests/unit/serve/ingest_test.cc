// POST /v1/events into the online engine, and the gateway check reading its
// decisions: the first hours of the `small` scenario go in as JSON Lines
// batches (some gzip); attack accounts are then refused at the nginx check
// while every benign account keeps passing. Also: auth, per-line errors,
// bad encodings.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/common/sha256.h"
#include "engine/decode/registry.h"
#include "engine/serve/app.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"
#include "test_client.h"

namespace hw::serve {
namespace {

using testing::HttpReply;
using testing::TestClient;

const char kAdmin[] = "admin-token-ingest";

std::unique_ptr<ServeApp> StartApp(const std::string& extra) {
  const std::string yaml =
      "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 2\n"
      "limits: {max_body_bytes: 4194304}\n"
      "auth: {admin_tokens: [" +
      ToHex(Sha256Of(kAdmin)) + "]}\n" + extra;
  auto c = ParseServeConfig(yaml, "test.yaml", "");
  EXPECT_TRUE(c.ok()) << c.status().message();
  if (!c.ok()) return nullptr;
  auto a = ServeApp::Create(std::move(c.value()));
  EXPECT_TRUE(a.ok()) << a.status().message();
  if (!a.ok()) return nullptr;
  EXPECT_TRUE((*a)->Start().ok());
  return std::move(a.value());
}

std::optional<HttpReply> Post(uint16_t port, std::string_view body, const std::string& headers) {
  TestClient c(port, 120000);
  return c.Request("POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-ndjson\r\n" +
                   headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                   std::string(body));
}

std::string Gzip(std::string_view in) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

const std::string kAuth = std::string("Authorization: Bearer ") + kAdmin + "\r\n";

TEST(Ingest, NeedsAnAdminTokenAndReportsEveryBadLine) {
  auto app = StartApp("");
  ASSERT_TRUE(app);
  const std::string body =
      "{\"time\":\"2026-05-01T10:00:00Z\",\"user.id\":\"a\"}\nnot json\n"
      "{\"user.id\":\"b\"}\n{\"time\":\"2026-05-01T10:00:03Z\",\"user.id\":\"b\"}\n";
  auto none = Post(app->admin_port(), body, "");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto wrong = Post(app->admin_port(), body, "Authorization: Bearer nope\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto ok = Post(app->admin_port(), body, kAuth);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("\"accepted\":2"), std::string::npos) << ok->body;
  EXPECT_NE(ok->body.find("\"rejected\":2"), std::string::npos) << ok->body;
  EXPECT_NE(ok->body.find("{\"line\":2,\"reason\":\"invalid_json\""), std::string::npos)
      << ok->body;
  EXPECT_NE(ok->body.find("{\"line\":3,\"reason\":\"missing_time\""), std::string::npos)
      << ok->body;
  // The watermark the checks use is the latest event time.
  EXPECT_EQ(app->decisions().now(), ParseRfc3339("2026-05-01T10:00:03Z").value());
  auto zipped = Post(app->admin_port(), Gzip(body), kAuth + "Content-Encoding: gzip\r\n");
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->status, 200);
  EXPECT_NE(zipped->body.find("\"lines\":4"), std::string::npos) << zipped->body;
  auto bad_zip = Post(app->admin_port(), body, kAuth + "Content-Encoding: gzip\r\n");
  ASSERT_TRUE(bad_zip);
  EXPECT_EQ(bad_zip->status, 400);
  auto br = Post(app->admin_port(), body, kAuth + "Content-Encoding: br\r\n");
  ASSERT_TRUE(br);
  EXPECT_EQ(br->status, 415);
  TestClient m(app->admin_port());
  auto metrics = m.Request("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nhydrawatch_ingest_events_total 4\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("\nhydrawatch_ingest_rejected_total 4\n"), std::string::npos)
      << metrics->body;
}

TEST(Ingest, IngestedTokensChargeATokenThrottle) {
  auto app = StartApp("");
  ASSERT_TRUE(app);
  auto line = [](const char* t, int out) {
    return std::string("{\"time\":\"") + t +
           "\",\"user.id\":\"t\",\"gen_ai.usage.input_tokens\":100,"
           "\"gen_ai.usage.output_tokens\":" +
           std::to_string(out) + "}\n";
  };
  ASSERT_EQ(Post(app->admin_port(), line("2026-05-01T10:00:00Z", 1), kAuth)->status, 200);
  // An analyst's decision: the engine's detection runs (on their own thread)
  // leave manual decisions alone, so the check below does not race them.
  decide::Decision d;
  d.origin = decide::Origin::kManual;
  d.profile = "manual";
  d.account = "t";
  d.action = decide::Action::kThrottle;
  d.start = app->decisions().now();
  d.until = d.start + kUsPerDay;
  d.throttle.tokens = 1000;
  d.throttle.window = kUsPerHour;
  app->decisions().Add(d);
  auto check = [&] {
    TestClient c(app->check_port());
    return c.Request("GET /nginx/check HTTP/1.1\r\nHost: t\r\nx-account-id: t\r\n\r\n")->status;
  };
  EXPECT_EQ(check(), 200);
  // 100 + 950 tokens in the same hour: over the limit of 1000.
  ASSERT_EQ(Post(app->admin_port(), line("2026-05-01T10:01:00Z", 950), kAuth)->status, 200);
  EXPECT_EQ(check(), 403);
}

TEST(Ingest, AttackAccountsAreRefusedAtTheGatewayAndBenignOnesPass) {
  auto sc = sim::LoadScenario("small");
  ASSERT_TRUE(sc.ok());
  auto gen = sim::Generator::Create(*sc, sc->seed, 2);
  ASSERT_TRUE(gen.ok());
  // The first six hours of event time.
  const TimeUs cut = ParseRfc3339("2026-04-22T06:00:00Z").value();
  std::string events;
  bool past = false;
  ASSERT_TRUE((*gen)
                  ->Run([&](std::string_view b) {
                    if (past) return Status::Ok();
                    size_t pos = 0;
                    while (pos < b.size()) {
                      const size_t end = b.find('\n', pos);
                      const std::string_view line = b.substr(pos, end + 1 - pos);
                      pos = end + 1;
                      const auto t = ParseRfc3339(line.substr(9, 27));
                      if (t && *t >= cut) {
                        past = true;
                        break;
                      }
                      events.append(line);
                    }
                    return Status::Ok();
                  })
                  .ok());
  std::string accounts, labels;
  (*gen)->WriteAccounts(accounts);
  (*gen)->WriteLabels(labels);
  const std::string dir = ::testing::TempDir();
  { std::ofstream(dir + "/ingest_accounts.jsonl") << accounts; }
  auto app =
      StartApp("engine: {accounts: " + dir + "/ingest_accounts.jsonl, detect_period: 60s}\n");
  ASSERT_TRUE(app);
  // Batches of about 1 MiB cut at line ends, every third one gzip.
  size_t pos = 0, batch = 0, accepted = 0;
  while (pos < events.size()) {
    size_t end = events.find('\n', std::min(events.size(), pos + (size_t{1} << 20)) - 1);
    end = end == std::string::npos ? events.size() : end + 1;
    const std::string_view part(events.data() + pos, end - pos);
    const bool zip = batch++ % 3 == 2;
    std::optional<HttpReply> r;
    // A client backs off while the engine is busy (429 + Retry-After).
    for (int attempt = 0; attempt < 6000; ++attempt) {
      r = zip ? Post(app->admin_port(), Gzip(part), kAuth + "Content-Encoding: gzip\r\n")
              : Post(app->admin_port(), part, kAuth);
      ASSERT_TRUE(r);
      if (r->status != 429) break;
      EXPECT_EQ(r->Header("retry-after"), "1");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->body.find("\"rejected\":0"), std::string::npos) << r->body;
    const size_t a = r->body.find("\"accepted\":");
    accepted += std::stoull(r->body.substr(a + 11));
    pos = end;
  }
  EXPECT_GT(accepted, 1000u);
  ASSERT_NE(app->ingest(), nullptr);
  // The detector thread may still be on the last due run.
  app->ingest()->RunDueDetection();
  EXPECT_GT(app->ingest()->totals().detections, 3u);

  // Accounts active in the slice, by label.
  std::map<std::string, bool> attack;
  for (size_t p = 0; p < labels.size();) {
    const size_t e = labels.find('\n', p);
    const std::string line = labels.substr(p, e - p);
    p = e + 1;
    const size_t a = line.find("acct_");
    const std::string id = line.substr(a, line.find('"', a) - a);
    if (events.find("\"user.id\":\"" + id + "\"") == std::string::npos) continue;
    attack[id] = line.find("\"label\":\"attack\"") != std::string::npos;
  }
  size_t attackers = 0, refused = 0, benign = 0, benign_refused = 0;
  for (const auto& [id, is_attack] : attack) {
    TestClient c(app->check_port());
    auto r = c.Request("GET /nginx/check HTTP/1.1\r\nHost: t\r\nx-account-id: " + id +
                       "\r\nX-Original-URI: /v1/messages\r\n\r\n");
    ASSERT_TRUE(r);
    const bool denied = r->status == 403;
    if (is_attack) {
      ++attackers;
      refused += denied;
    } else {
      ++benign;
      benign_refused += denied;
      EXPECT_EQ(r->status, 200) << id;
    }
  }
  ASSERT_GT(attackers, 20u);
  ASSERT_GT(benign, 100u);
  EXPECT_EQ(benign_refused, 0u);
  // Accounts that joined the campaign in the last minutes of the slice may
  // not have been judged yet; nearly all others must be refused.
  EXPECT_GE(refused * 10, attackers * 9) << refused << " of " << attackers;
}

// A batch that finds no place within kAdmitWait is answered 429 with
// Retry-After and not folded; the batches in flight are answered once the
// engine moves again, and the admin listener still answers meanwhile. The
// engine is held up on purpose, not by load: a read of the latest detection
// run that does not end holds the detection lock, so the detector thread,
// once a run is due, waits for it holding the engine lock.
TEST(Ingest, ABatchWithNoPlaceWithinTheWaitGets429AndIsNotFolded) {
  auto app = StartApp("engine: {detect_period: 60s}\n");
  ASSERT_TRUE(app);
  IngestService* ingest = app->ingest();
  ASSERT_NE(ingest, nullptr);
  auto line = [](const char* t, const std::string& user) {
    return std::string("{\"time\":\"") + t + "\",\"user.id\":\"" + user + "\"}\n";
  };
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread reader([&] {
    ingest->ReadLatestRun([&](const pipeline::OnlineEngine&) {
      entered.set_value();
      released.wait();
    });
  });
  std::future<void> stuck_run;
  std::future<IngestTotals> quick;
  std::future<std::optional<HttpReply>> first, second, third;
  // Whatever fails below, the engine moves again before the futures above
  // wait for their threads.
  struct Releaser {
    std::promise<void>* p;
    std::thread* t;
    ~Releaser() {
      if (p == nullptr) return;
      p->set_value();
      t->join();
    }
  } releaser{&release, &reader};
  entered.get_future().wait();
  // Two minutes of event time: a detection falls due after this fold.
  auto due = Post(app->admin_port(),
                  line("2026-05-01T10:00:00Z", "a") + line("2026-05-01T10:02:00Z", "a"), kAuth);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->status, 200) << due->body;
  // A detection run now waits for the detection lock holding the engine
  // lock; so does the detector thread, woken by the due run, if it takes
  // the engine lock first. Either way the engine is held until the read ends.
  stuck_run = std::async(std::launch::async, [ingest] { ingest->RunDueDetection(); });
  ASSERT_EQ(stuck_run.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  // The totals do not wait for the engine.
  quick = std::async(std::launch::async, [ingest] { return ingest->totals(); });
  ASSERT_EQ(quick.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(quick.get().queue_batches, 0u);

  // Two batches take the two places and wait for their folds; the third,
  // read by the admin listener's third loop, waits for a place in vain.
  auto post_async = [&](const std::string& user) {
    return std::async(std::launch::async, [&app, user, line] {
      return Post(app->admin_port(), line("2026-05-01T10:03:00Z", user), kAuth);
    });
  };
  first = post_async("b");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  second = post_async("c");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto sent = std::chrono::steady_clock::now();
  third = post_async("d");
  // While the third waits for a place, the queue's gauges show it.
  IngestTotals queued;
  for (int i = 0; i < 50 && queued.queue_waiting == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    queued = ingest->totals();
  }
  EXPECT_EQ(queued.queue_waiting, 1u);
  EXPECT_EQ(queued.queue_batches, 2u);
  EXPECT_EQ(queued.queue_bytes, 2 * line("2026-05-01T10:03:00Z", "b").size());
  ASSERT_EQ(third.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const auto waited = std::chrono::steady_clock::now() - sent;
  auto busy = third.get();
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 429) << busy->body;
  EXPECT_EQ(busy->Header("retry-after"), std::to_string(IngestService::kAdmitWaitSeconds));
  EXPECT_GE(waited, IngestService::kAdmitWait);
  EXPECT_EQ(first.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  EXPECT_EQ(second.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  {
    TestClient c(app->admin_port());
    auto health = c.Request("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    // /metrics answers too, with the engine held: two batches queued, the
    // queue full, nothing waiting now that the third was refused.
    auto metrics = c.Request("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_TRUE(metrics);
    for (const char* want :
         {"\nhydrawatch_ingest_queue_batches 2\n", "\nhydrawatch_ingest_queue_capacity 2\n",
          "\nhydrawatch_ingest_queue_waiting 0\n", "\nhydrawatch_ingest_busy_total 1\n",
          "\n# TYPE hydrawatch_ingest_queue_batches gauge\n"}) {
      EXPECT_NE(metrics->body.find(want), std::string::npos) << want << metrics->body;
    }
  }

  release.set_value();
  reader.join();
  releaser.p = nullptr;
  for (auto* f : {&first, &second}) {
    auto r = f->get();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->body.find("\"accepted\":1"), std::string::npos) << r->body;
  }
  // Nothing of the refused batch was folded; sent again, it is.
  IngestTotals t = ingest->totals();
  EXPECT_EQ(t.busy, 1u);
  EXPECT_EQ(t.events, 4u);
  auto again = Post(app->admin_port(), line("2026-05-01T10:03:00Z", "d"), kAuth);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(ingest->totals().events, 5u);
  TestClient m(app->admin_port());
  auto metrics = m.Request("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nhydrawatch_ingest_busy_total 1\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("\nhydrawatch_ingest_queue_batches 0\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("\nhydrawatch_ingest_queue_bytes 0\n"), std::string::npos)
      << metrics->body;
  stuck_run.get();
}

// Checkpoints (every state.checkpoint_bytes of journal, after the batch that
// reaches it is folded) are counted on /metrics: how many, the account
// states they wrote and the time they held ingest up.
TEST(Ingest, CheckpointsAreCountedOnMetrics) {
  const std::string dir = ::testing::TempDir() + "/hw_ingest_checkpoints";
  std::filesystem::remove_all(dir);
  auto app = StartApp("state: {dir: " + dir + ", checkpoint_bytes: 65536}\n");
  ASSERT_TRUE(app);
  const std::string text(200, 'x');
  for (int b = 0; b < 3; ++b) {
    std::string body;
    // 400 lines of about 300 bytes: past 64 KiB, one checkpoint per batch;
    // ten accounts per batch, new in each.
    for (int i = 0; i < 400; ++i) {
      body += "{\"time\":\"2026-05-01T10:" + std::to_string(10 + b) + ":" +
              std::to_string(10 + i % 50) + "Z\",\"user.id\":\"u" + std::to_string(b) + "-" +
              std::to_string(i % 10) +
              "\",\"gen_ai.input.messages\":[{\"role\":\"user\",\"parts\":[{\"type\":"
              "\"text\",\"content\":\"" +
              text + "\"}]}]}\n";
    }
    ASSERT_GT(body.size(), 65536u);
    auto r = Post(app->admin_port(), body, kAuth);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    ASSERT_NE(r->body.find("\"accepted\":400"), std::string::npos) << r->body;
  }
  const IngestTotals t = app->ingest()->totals();
  EXPECT_EQ(t.checkpoints.checkpoints, 3u);
  EXPECT_EQ(t.checkpoints.accounts, 30u);
  EXPECT_GT(t.checkpoints.bytes, 30u * 100);
  EXPECT_GT(t.checkpoint_ns, 0u);
  TestClient m(app->admin_port());
  auto metrics = m.Request("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(metrics);
  for (const std::string& want : std::vector<std::string>{
           "\nhydrawatch_state_checkpoints_total 3\n",
           "\nhydrawatch_state_checkpoint_accounts_total 30\n",
           "\nhydrawatch_state_checkpoint_bytes_total " + std::to_string(t.checkpoints.bytes) +
               "\n",
           "\nhydrawatch_state_errors_total 0\n",
           "\n# TYPE hydrawatch_state_checkpoint_seconds_total counter\n",
           "\n# TYPE hydrawatch_state_checkpoint_write_seconds_total counter\n"}) {
    EXPECT_NE(metrics->body.find(want), std::string::npos) << want << metrics->body;
  }
}

}  // namespace
}  // namespace hw::serve
