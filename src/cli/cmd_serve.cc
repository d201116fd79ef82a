#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/serve/app.h"
#include "engine/serve/log.h"

namespace hw::cli {

namespace {

struct ServeArgs {
  std::string config;
  bool print_config = false;
  bool check_config = false;
};

int RunServe(const ServeArgs& a) {
  if (a.print_config) {
    const std::string_view y = serve::DefaultServeYaml();
    std::fwrite(y.data(), 1, y.size(), stdout);
    return 0;
  }
  auto config = a.config.empty() ? serve::DefaultServeConfig() : serve::LoadServeConfig(a.config);
  if (!config.ok()) {
    PrintError(config.status().message());
    return 1;
  }
  const bool wall = config->watermark == serve::WatermarkSource::kWall;
  auto app = serve::ServeApp::Create(std::move(config.value()));
  if (!app.ok()) {
    PrintError(app.status().message());
    return 1;
  }
  if (a.check_config) {
    std::printf("%s: OK (enforcement policy '%s')\n",
                a.config.empty() ? "builtin" : a.config.c_str(), (*app)->policy().name.c_str());
    return 0;
  }
  // Signals are taken by this thread alone (sigtimedwait): the event loops
  // inherit the blocked mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  serve::ServeApp& s = **app;
  if (s.state() != nullptr) {
    const state::RecoveryStats& r = s.recovered();
    serve::LogEvent(
        "recovered",
        fmt::format("state {}: {} accounts, {} decisions in force, {} seen response ids, "
                    "{} journal batches ({} events) refolded after checkpoint {}{}",
                    s.config().state_dir, r.accounts, r.decisions, r.seen_ids, r.journal_batches,
                    r.journal_events, r.checkpoint_seq,
                    r.journal_torn_bytes == 0
                        ? std::string()
                        : fmt::format("; cut {} bytes of a batch torn by the last stop (never "
                                      "answered)",
                                      r.journal_torn_bytes)));
  }
  if (Status st = s.Start(); !st.ok()) {
    PrintError(st.message());
    return 1;
  }
  serve::LogEvent("listening",
                  "check " + s.config().check_address + " (port " + std::to_string(s.check_port()) +
                      "), admin " + s.config().admin_address + " (port " +
                      std::to_string(s.admin_port()) + "), " + std::to_string(s.threads()) +
                      " threads, policy " + s.policy().name);
  while (true) {
    if (wall) {
      // No engine feeds event time: the clock stands in for it.
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      s.decisions().AdvanceWatermark(
          std::chrono::duration_cast<std::chrono::microseconds>(now).count());
    }
    timespec tick{1, 0};
    const int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) break;
    if (sig == SIGHUP) {
      if (a.config.empty()) {
        serve::LogEvent("reload", "built-in configuration: nothing to reload");
        continue;
      }
      std::string summary;
      const Status st = s.Reload(a.config, &summary);
      serve::LogEvent(st.ok() ? "reloaded" : "reload-failed", st.ok() ? summary : st.message());
    }
  }
  serve::LogEvent("stopping", "finishing requests in flight");
  s.Stop();
  serve::LogEvent("stopped", "");
  return 0;
}

}  // namespace

void AddServe(CLI::App& app, Runner* run) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Answer gateway checks (Envoy, nginx, Traefik) and serve the decisions API");
  cmd->add_option("--config", args->config, "serve configuration YAML (default: built-in)");
  cmd->add_flag("--print-config", args->print_config, "print the built-in configuration and exit");
  cmd->add_flag("--check-config", args->check_config,
                "validate the configuration, policy and API keys, then exit");
  cmd->callback([run, args] { *run = [args] { return RunServe(*args); }; });
}

}  // namespace hw::cli
