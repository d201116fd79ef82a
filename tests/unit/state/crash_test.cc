// kill -9 at any moment: `hydrawatch serve` (a real process) takes the first
// hours of the `small` scenario over POST /v1/events; several times a batch
// is sent and the server is killed with SIGKILL while it may be reading,
// journaling or folding it, and restarted on the same state directory; the
// client sends again every batch it got no answer for. At the end the state
// the server would recover must equal, account by account and byte for
// byte, that of an engine that saw the stream once; and every decision seen
// through the API before a kill (an analyst's included) must still be there.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../serve/test_client.h"
#include "engine/common/sha256.h"
#include "engine/common/time.h"
#include "engine/decide/enforcement.h"
#include "engine/fingerprint/account_codec.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"
#include "engine/state/state_store.h"
#include "small_blocks.h"

namespace hw::state {
namespace {

using serve::testing::HttpReply;
using serve::testing::TestClient;

const char kAdmin[] = "admin-token-crash";

// One `hydrawatch serve` process; its ports read off its "listening" log line.
class Server {
 public:
  Server(const std::string& config, const std::string& log) {
    std::filesystem::remove(log);
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 2);
      execl(HW_HYDRAWATCH, HW_HYDRAWATCH, "serve", "--config", config.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 3000 && admin_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::ifstream in(log);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const size_t p = text.find("admin 127.0.0.1:0 (port ");
      if (p != std::string::npos) admin_ = static_cast<uint16_t>(std::stoi(text.substr(p + 24)));
      if (text.find("\"error\"") != std::string::npos ||
          text.find("hydrawatch:") != std::string::npos) {
        ADD_FAILURE() << text;
        break;
      }
    }
  }
  ~Server() { Kill(); }
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }
  uint16_t admin() const { return admin_; }

 private:
  pid_t pid_ = 0;
  uint16_t admin_ = 0;
};

std::string PostRequest(std::string_view body) {
  return "POST /v1/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + std::string(kAdmin) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Sends a batch until it is answered 200 (backing off on 429).
void PostBatch(uint16_t port, std::string_view body) {
  for (int attempt = 0; attempt < 6000; ++attempt) {
    TestClient c(port, 120000);
    auto r = c.Request(PostRequest(body));
    ASSERT_TRUE(r);
    if (r->status == 429) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    ASSERT_EQ(r->status, 200) << r->body;
    return;
  }
  FAIL() << "engine busy for a minute";
}

// Ids of the decisions the API lists (active ones).
std::set<uint64_t> ListedDecisions(uint16_t port) {
  TestClient c(port);
  auto r = c.Request("GET /v1/decisions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                     std::string(kAdmin) + "\r\n\r\n");
  std::set<uint64_t> ids;
  if (!r || r->status != 200) return ids;
  for (size_t p = 0; (p = r->body.find("\"id\":", p)) != std::string::npos; p += 5) {
    ids.insert(std::stoull(r->body.substr(p + 5)));
  }
  return ids;
}

std::map<std::string, std::string> EncodedStates(const pipeline::OnlineEngine& e) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < e.table().size(); ++i) {
    fingerprint::EncodeAccountState(e.table().state(i), &out[e.table().id(i)]);
  }
  return out;
}

// A fresh `dir` holding a serve config with its state in dir/state and a
// checkpoint every `checkpoint_bytes`; returns the config's path.
std::string FreshConfig(const std::string& dir, uint64_t checkpoint_bytes) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string config = dir + "/serve.yaml";
  std::ofstream(config) << "version: 1\nlisten: {check: 127.0.0.1:0, admin: 127.0.0.1:0}\n"
                           "threads: 2\nlimits: {max_body_bytes: 4194304}\n"
                           "auth: {admin_tokens: ["
                        << ToHex(Sha256Of(kAdmin))
                        << "]}\nengine: {detect_period: 60s}\n"
                           "state: {dir: state, checkpoint_bytes: "
                        << checkpoint_bytes << "}\n";
  return config;
}

// What a server killed on `dir`/state would come back to.
struct Recovered {
  std::unique_ptr<StateStore> store;
  decide::DecisionStore decisions;
  std::unique_ptr<pipeline::OnlineEngine> engine;
};
void RecoverState(const std::string& dir, const pipeline::EngineSpec& spec,
                  const decide::EnforcementPolicy& enforcement, Recovered* out) {
  StateOptions so;
  so.dir = dir + "/state";
  auto st = StateStore::Open(so);
  ASSERT_TRUE(st.ok()) << st.status().message();
  out->store = std::move(st.value());
  pipeline::OnlineOptions oo;
  oo.track_changes = true;
  out->engine = std::make_unique<pipeline::OnlineEngine>(
      spec, enforcement, nullptr, oo,
      [out](const std::function<void(decide::DecisionStore&)>& fn) { fn(out->decisions); });
  auto rec = out->store->Recover(out->engine.get(), &out->decisions);
  ASSERT_TRUE(rec.ok()) << rec.status().message();
}

TEST(Crash, KillNineAtAnyMomentLosesNoAcceptedEventAndCountsNoneTwice) {
  const std::vector<std::string> blocks = SmallBlocks(300, "2026-04-22T07:00:00Z");
  ASSERT_GT(blocks.size(), 20u);
  const std::string dir = ::testing::TempDir() + "/hw_crash";
  const std::string config = FreshConfig(dir, 1048576);
  auto sc = sim::LoadScenario("small");
  std::mt19937_64 rng(20261202);
  std::set<uint64_t> seen_decisions;
  uint64_t manual_id = 0;
  size_t next = 0;
  int kills = 0;
  uint64_t refolded = 0;  // journal batches refolded on restarts
  while (next < blocks.size()) {
    Server server(config, dir + "/serve.log");
    ASSERT_NE(server.admin(), 0) << "server did not start";
    {
      std::ifstream in(dir + "/serve.log");
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const size_t p = text.find("decisions in force, ");
      if (kills > 0 && p != std::string::npos) {
        const size_t b = text.find("seen response ids, ", p);
        refolded += std::stoull(text.substr(b + 19));
      }
    }
    // The analyst's decision is in force after every restart (engine
    // decisions may have been ended by a detection since: checked below).
    if (manual_id != 0) {
      EXPECT_TRUE(ListedDecisions(server.admin()).count(manual_id));
    }
    const size_t run = std::min(blocks.size() - next, size_t{3} + rng() % 5);
    for (size_t i = 0; i < run - 1; ++i) PostBatch(server.admin(), blocks[next++]);
    if (next + 1 >= blocks.size() || kills == 4) {
      PostBatch(server.admin(), blocks[next++]);
      continue;
    }
    if (kills == 1 && manual_id == 0) {
      TestClient c(server.admin());
      const std::string body =
          R"({"account":"acct_analyst_pick","action":"suspend","duration":"30d","reason":"case 7"})";
      auto r = c.Request("POST /v1/decisions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                         std::string(kAdmin) +
                         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 201) << r->body;
      manual_id = std::stoull(r->body.substr(r->body.find("\"id\":") + 5));
    }
    for (uint64_t id : ListedDecisions(server.admin())) seen_decisions.insert(id);
    // The batch in flight: sent, then the server is killed some microseconds
    // to milliseconds later; the client gets no answer and sends it again.
    TestClient c(server.admin(), 120000);
    ASSERT_TRUE(c.Send(PostRequest(blocks[next])));
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
    server.Kill();
    ++kills;
  }
  EXPECT_EQ(kills, 4);
  EXPECT_GT(refolded, 0u) << "no kill left journal to refold: the test did not test recovery";
  ASSERT_NE(manual_id, 0u);

  // The uninterrupted run, in process.
  auto spec = pipeline::LoadEngineSpec("", "");
  ASSERT_TRUE(spec.ok());
  auto enforcement = decide::DefaultEnforcement();
  ASSERT_TRUE(enforcement.ok());
  pipeline::OnlineEngine ref(*spec, *enforcement, nullptr, pipeline::OnlineOptions{});
  uint64_t events = 0;
  for (const std::string& b : blocks) events += ref.Ingest(b, 1, nullptr).events;

  Recovered back;
  RecoverState(dir, *spec, *enforcement, &back);
  if (::testing::Test::HasFatalFailure()) return;
  const pipeline::OnlineEngine& engine = *back.engine;
  const decide::DecisionStore& store = back.decisions;
  uint64_t requests = 0;
  for (size_t i = 0; i < engine.table().size(); ++i) requests += engine.table().state(i).requests;
  EXPECT_EQ(requests, events);
  EXPECT_EQ(EncodedStates(engine), EncodedStates(ref));
  ASSERT_NE(store.Get(manual_id), nullptr) << "the analyst's decision is lost";
  EXPECT_EQ(store.Get(manual_id)->reason, "case 7");
  for (uint64_t id : seen_decisions) {
    const decide::Decision* d = store.Get(id);
    // Listed once, a decision is either still in force or ended by a later
    // detection (then persisted as ended, not listed): never silently gone.
    if (d == nullptr) {
      std::string dump;
      ASSERT_TRUE(back.store->Dump(&dump).ok());
      EXPECT_NE(dump.find("{\"decision\":" + std::to_string(id) + ","), std::string::npos)
          << "decision " << id << " lost";
    }
  }
}

// Several clients at once: while one batch folds, the next is journaled
// ahead of it, and a checkpoint must not cover (and drop from the journal)
// a batch journaled but not yet folded. In each round three clients post
// their share of the round's batches at once, then the server is killed
// with SIGKILL: every batch answered before must be in the state it would
// come back to, once. The fold order depends on the clients' timing, so the
// request counts are compared, not the states' bytes.
TEST(Crash, BatchesJournaledAheadOfCheckpointsSurviveKillNine) {
  const std::vector<std::string> blocks = SmallBlocks(60, "2026-04-22T05:00:00Z");
  ASSERT_GT(blocks.size(), 60u);
  const std::string dir = ::testing::TempDir() + "/hw_crash_ahead";
  // A checkpoint every few batches, so that one often falls due while a
  // batch waits journaled behind the one folding.
  const std::string config = FreshConfig(dir, 262144);
  auto spec = pipeline::LoadEngineSpec("", "");
  ASSERT_TRUE(spec.ok());
  auto enforcement = decide::DefaultEnforcement();
  ASSERT_TRUE(enforcement.ok());
  pipeline::OnlineEngine ref(*spec, *enforcement, nullptr, pipeline::OnlineOptions{});
  constexpr size_t kClients = 3, kRound = 10;
  uint64_t events = 0, checkpoint_seq = 0;
  for (size_t from = 0; from < blocks.size(); from += kRound) {
    const size_t to = std::min(blocks.size(), from + kRound);
    {
      Server server(config, dir + "/serve.log");
      ASSERT_NE(server.admin(), 0) << "server did not start";
      std::vector<std::thread> clients;
      for (size_t k = 0; k < kClients; ++k) {
        clients.emplace_back([&, k] {
          for (size_t i = from + k; i < to; i += kClients) PostBatch(server.admin(), blocks[i]);
        });
      }
      for (auto& t : clients) t.join();
      server.Kill();  // no final checkpoint: the journal holds what the last one does not
    }
    for (size_t i = from; i < to; ++i) events += ref.Ingest(blocks[i], 1, nullptr).events;

    Recovered back;
    RecoverState(dir, *spec, *enforcement, &back);
    if (::testing::Test::HasFatalFailure()) return;
    checkpoint_seq = back.store->Info().checkpoint_seq;
    const pipeline::OnlineEngine& engine = *back.engine;
    std::map<std::string, uint64_t> got, want;
    uint64_t requests = 0;
    for (size_t i = 0; i < engine.table().size(); ++i) {
      got[engine.table().id(i)] = engine.table().state(i).requests;
      requests += engine.table().state(i).requests;
    }
    for (size_t i = 0; i < ref.table().size(); ++i) {
      want[ref.table().id(i)] = ref.table().state(i).requests;
    }
    ASSERT_EQ(requests, events) << "after batch " << to;
    ASSERT_EQ(got, want) << "after batch " << to;
  }
  EXPECT_GT(checkpoint_seq, 0u) << "no checkpoint: the test tested nothing";
}

}  // namespace
}  // namespace hw::state
