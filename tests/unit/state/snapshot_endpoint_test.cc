// POST /v1/state/snapshot?name= on a running server (docs/SERVE.md,
// "State"): only an admin token takes a snapshot; a name that is empty or
// could leave `<state.dir>-snapshots/` is refused with 400 and writes
// nothing; a name already taken is refused (409) and the snapshot under it
// kept.
// The first hours of `small` go in over HTTP; the snapshot, restored with
// RestoreSnapshot (`hydrawatch state restore`) after the server has moved
// on, recovers without a journal to replay the account states (byte for
// byte, against an engine that saw the same events) and the decisions in
// force that the server had when it answered.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../serve/test_client.h"
#include "engine/common/sha256.h"
#include "engine/serve/app.h"
#include "small_blocks.h"
#include "state_fixtures.h"

namespace hw::state {
namespace {

namespace fs = std::filesystem;
using serve::testing::HttpReply;
using serve::testing::TestClient;

constexpr char kAdmin[] = "admin-token-snapshot";
const std::string kAuth = std::string("Authorization: Bearer ") + kAdmin + "\r\n";

// A server on ephemeral ports with its state in `state_dir`.
std::unique_ptr<serve::ServeApp> StartServer(const std::string& state_dir) {
  const std::string yaml =
      "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\nthreads: 2\n"
      "limits: {max_body_bytes: 4194304}\nauth: {admin_tokens: [" +
      ToHex(Sha256Of(kAdmin)) + "]}\nstate: {dir: " + state_dir + "}\n";
  auto config = serve::ParseServeConfig(yaml, "snapshot.yaml", "");
  EXPECT_TRUE(config.ok()) << config.status().message();
  if (!config.ok()) return nullptr;
  auto app = serve::ServeApp::Create(std::move(config.value()));
  EXPECT_TRUE(app.ok()) << app.status().message();
  if (!app.ok()) return nullptr;
  EXPECT_TRUE((*app)->Start().ok());
  return std::move(app.value());
}

std::optional<HttpReply> Send(uint16_t port, const std::string& request) {
  TestClient c(port, 120000);
  return c.Request(request);
}

// Posts one batch of events, backing off while the engine is busy (429).
void PostEvents(uint16_t port, const std::string& body) {
  const std::string request =
      "POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-ndjson\r\n" + kAuth +
      "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::optional<HttpReply> r;
  for (int attempt = 0; attempt < 6000; ++attempt) {
    r = Send(port, request);
    ASSERT_TRUE(r);
    if (r->status != 429) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("\"rejected\":0"), std::string::npos) << r->body;
}

std::optional<HttpReply> PostSnapshot(uint16_t port, const std::string& query,
                                      const std::string& headers) {
  return Send(port, "POST /v1/state/snapshot" + query + " HTTP/1.1\r\nHost: t\r\n" + headers +
                        "Content-Length: 0\r\n\r\n");
}

TEST(SnapshotEndpoint, RestoresTheStateTheServerHadWhenItAnswered) {
  const std::vector<std::string> blocks = SmallBlocks(1000, "2026-04-22T08:00:00Z");
  ASSERT_GT(blocks.size(), 6u);
  const size_t at_snapshot = blocks.size() * 2 / 3;
  const std::string dir = TempDir("snapshot_endpoint");
  const std::string state_dir = dir + "/state", snapshots = state_dir + "-snapshots";
  fs::create_directories(dir);
  // state.dir as an operator may write it, with a trailing slash: the
  // snapshots still go beside the live store, not into it.
  auto app = StartServer(state_dir + "/");
  ASSERT_TRUE(app);
  ASSERT_NE(app->ingest(), nullptr);
  const uint16_t admin = app->admin_port();
  for (size_t i = 0; i < at_snapshot; ++i) PostEvents(admin, blocks[i]);
  // Nothing left to detect: the detector thread is idle until more events.
  app->ingest()->RunDueDetection();
  const auto live_decisions = app->decisions().Read(ActiveDecisions);
  const TimeUs live_now = app->decisions().now();
  ASSERT_GT(live_decisions.size(), 0u) << "no decision to carry: the test would not test it";

  // Refused: no token, a token that is not an admin's, names that are empty
  // or leave the snapshots folder (raw or percent-encoded).
  auto none = PostSnapshot(admin, "?name=s1", "");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401) << none->body;
  auto wrong = PostSnapshot(admin, "?name=s1", "Authorization: Bearer nope\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403) << wrong->body;
  for (const char* query : {"", "?name=", "?name=../x", "?name=..%2Fx", "?name=%2e%2e%2fx",
                            "?name=a/../../x", "?name=..", "?name=.", "?name=%2Ftmp%2Fx"}) {
    auto bad = PostSnapshot(admin, query, kAuth);
    ASSERT_TRUE(bad) << query;
    EXPECT_EQ(bad->status, 400) << query << ": " << bad->body;
  }
  EXPECT_FALSE(fs::exists(snapshots)) << "a refused snapshot wrote something";
  EXPECT_FALSE(fs::exists(dir + "/x"));
  EXPECT_FALSE(fs::exists(state_dir + "/x"));

  auto ok = PostSnapshot(admin, "?name=s1", kAuth);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  const std::string snap = snapshots + "/s1";
  EXPECT_EQ(ok->body, "{\"snapshot\":\"" + snap + "\"}\n");
  ASSERT_TRUE(fs::exists(snap + "/CURRENT"));
  EXPECT_FALSE(fs::exists(state_dir + "/-snapshots"));
  // A name already taken: refused, the snapshot under it kept.
  auto again = PostSnapshot(admin, "?name=s1", kAuth);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;
  ASSERT_TRUE(fs::exists(snap + "/CURRENT"));

  // The server moves on: the snapshot must not.
  for (size_t i = at_snapshot; i < blocks.size(); ++i) PostEvents(admin, blocks[i]);
  app->ingest()->RunDueDetection();
  EXPECT_GT(app->decisions().now(), live_now);

  // The events the server had at the snapshot, once through an engine.
  decide::DecisionStore ref_store;
  auto ref = MakeEngine(&ref_store, nullptr);
  for (size_t i = 0; i < at_snapshot; ++i) ref->Ingest(blocks[i], 1, nullptr);

  const std::string restored = dir + "/restored";
  ASSERT_TRUE(RestoreSnapshot(snap, restored).ok());
  StateOptions so;
  so.dir = restored;
  auto st = StateStore::Open(so);
  ASSERT_TRUE(st.ok()) << st.status().message();
  decide::DecisionStore store;
  auto engine = MakeEngine(&store, st->get());
  auto rec = (*st)->Recover(engine.get(), &store);
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_EQ(rec->journal_batches, 0u) << "the snapshot is taken after a checkpoint";
  EXPECT_EQ(engine->watermark(), live_now);
  EXPECT_EQ(EncodedStates(*engine), EncodedStates(*ref));
  EXPECT_EQ(ActiveDecisions(store), live_decisions);
  app->Stop();
}

}  // namespace
}  // namespace hw::state
