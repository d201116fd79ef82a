// `hydrawatch state info|dump|snapshot|restore`: operator tools over serve's
// state store (docs/SERVE.md, "State"). info and dump open the store read-only;
// snapshot and restore need serve stopped on that store (a running server
// takes snapshots itself: POST /v1/state/snapshot).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/common/time.h"
#include "engine/state/state_store.h"

namespace hw::cli {

namespace {

struct StateArgs {
  std::string dir;
  std::string out;
  std::string from;
};

Result<std::unique_ptr<state::StateStore>> OpenStore(const std::string& dir, bool read_only) {
  state::StateOptions o;
  o.dir = dir;
  o.read_only = read_only;
  return state::StateStore::Open(o);
}

int RunInfo(const StateArgs& a) {
  auto st = OpenStore(a.dir, true);
  if (!st.ok()) {
    PrintError(st.status().message());
    return 1;
  }
  const state::StateInfo i = (*st)->Info();
  std::printf(
      "state %s\n  accounts          %llu\n  decisions         %llu (%llu active)\n"
      "  journal           %llu batches, %llu bytes after the checkpoint\n"
      "  checkpoint        batch %llu of %llu\n  seen-id lists     %llu\n  watermark         %s\n",
      a.dir.c_str(), static_cast<unsigned long long>(i.accounts),
      static_cast<unsigned long long>(i.decisions),
      static_cast<unsigned long long>(i.active_decisions),
      static_cast<unsigned long long>(i.journal_batches),
      static_cast<unsigned long long>(i.journal_bytes),
      static_cast<unsigned long long>(i.checkpoint_seq),
      static_cast<unsigned long long>(i.last_seq), static_cast<unsigned long long>(i.seen_id_lists),
      i.watermark ? FormatRfc3339(i.watermark).c_str() : "-");
  return 0;
}

int RunDump(const StateArgs& a) {
  auto st = OpenStore(a.dir, true);
  if (!st.ok()) {
    PrintError(st.status().message());
    return 1;
  }
  std::string out;
  if (Status s = (*st)->Dump(&out); !s.ok()) {
    PrintError("state " + a.dir + ": " + s.message());
    return 1;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int RunSnapshot(const StateArgs& a) {
  auto st = OpenStore(a.dir, false);
  if (!st.ok()) {
    PrintError(st.status().message());
    return 1;
  }
  if (Status s = (*st)->Snapshot(a.out); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  std::printf("snapshot of %s written to %s\n", a.dir.c_str(), a.out.c_str());
  return 0;
}

int RunRestore(const StateArgs& a) {
  if (Status s = state::RestoreSnapshot(a.from, a.dir); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  // Open once: a copy that RocksDB cannot open is reported now, not at serve.
  auto st = OpenStore(a.dir, true);
  if (!st.ok()) {
    PrintError(st.status().message());
    return 1;
  }
  std::printf("state %s restored from %s\n", a.dir.c_str(), a.from.c_str());
  return 0;
}

}  // namespace

void AddState(CLI::App& app, Runner* run) {
  CLI::App* cmd = app.add_subcommand("state", "Inspect, snapshot and restore serve's state store");
  cmd->require_subcommand(1);
  auto args = std::make_shared<StateArgs>();
  auto add = [&](const char* name, const char* help, int (*fn)(const StateArgs&)) {
    CLI::App* sub = cmd->add_subcommand(name, help);
    sub->add_option("--state", args->dir, "state directory (serve's state.dir)")->required();
    sub->callback([run, args, fn] { *run = [args, fn] { return fn(*args); }; });
    return sub;
  };
  add("info", "Counts: accounts, decisions, journal after the checkpoint", RunInfo);
  add("dump", "One JSON line per account (with a digest of its state) and per decision", RunDump);
  add("snapshot", "Copy a stopped server's state to --out (a running one: POST /v1/state/snapshot)",
      RunSnapshot)
      ->add_option("--out", args->out, "snapshot directory (must not exist)")
      ->required();
  add("restore", "Put a snapshot back as the state directory (which must be absent or empty)",
      RunRestore)
      ->add_option("--from", args->from, "snapshot directory")
      ->required();
}

}  // namespace hw::cli
