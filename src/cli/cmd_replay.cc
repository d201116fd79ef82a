// `hydrawatch replay`: the online engine (the one `serve` runs) over log
// files, in file order, with detection every period of event time. Writes the
// analyze outputs plus, per account, when its first enforced decision came
// and how many of its requests got through before it, so that `hydrawatch
// eval` reports time to detection per campaign.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "engine/common/json_writer.h"
#include "engine/common/output_file.h"
#include "engine/decide/enforcement.h"
#include "engine/decode/line_source.h"
#include "engine/decode/registry.h"
#include "engine/decode/reject_log.h"
#include "engine/pipeline/engine_spec.h"
#include "engine/pipeline/online.h"
#include "engine/report/writer.h"
#include "engine/share/export.h"

namespace hw::cli {

namespace {

// One line per decision the run made (docs/FORMAT.md, decisions.jsonl).
std::string DecisionsJsonl(const decide::DecisionStore& store) {
  std::string out;
  for (const decide::Decision* d : store.All()) {
    JsonWriter w(out);
    w.BeginObject().Key("id").Int(static_cast<int64_t>(d->id));
    w.Key("origin").String(decide::OriginName(d->origin));
    w.Key("user.id").String(d->account);
    w.Key("action").String(decide::ActionName(d->action));
    w.Key("profile").String(d->profile);
    w.Key("start").String(FormatRfc3339(d->start));
    w.Key("until");
    if (d->until == decide::kForever) {
      w.Null();
    } else {
      w.String(FormatRfc3339(d->until));
    }
    w.Key("ended");
    if (d->active) {
      w.Null();
    } else {
      w.String(FormatRfc3339(d->ended));
    }
    w.Key("simulated").Bool(d->simulated);
    w.Key("repeat").Int(d->repeat);
    w.Key("reason").String(d->reason);
    w.EndObject();
    out.push_back('\n');
  }
  return out;
}

struct ReplayOptions {
  std::vector<std::string> inputs;
  std::string accounts_path;
  std::string out_dir;
  std::string rules_path;
  std::string policy_path;
  std::string enforcement_path;
  std::string period = "60s";
  std::vector<std::string> intel_paths;
  std::string intel_salt = share::kDefaultSalt;
  std::string intel_salt_file;
  pipeline::OnlineOptions online;
};

int RunReplay(ReplayOptions& o) {
  auto spec = pipeline::LoadEngineSpec(o.rules_path, o.policy_path);
  if (!spec.ok()) {
    PrintError(spec.status().message());
    return 1;
  }
  if (!o.intel_salt_file.empty()) {
    auto salt = share::ReadSaltFile(o.intel_salt_file);
    if (!salt.ok()) {
      PrintError(salt.status().message());
      return 2;
    }
    o.intel_salt = std::move(salt).value();
  }
  if (!o.intel_paths.empty()) {
    auto warnings = pipeline::LoadIntel(o.intel_paths, o.intel_salt, &spec.value());
    if (!warnings.ok()) {
      PrintError(warnings.status().message());
      return 1;
    }
    for (const auto& w : *warnings) std::fprintf(stderr, "hydrawatch: warning: %s\n", w.c_str());
  }
  auto enforcement = o.enforcement_path.empty() ? decide::DefaultEnforcement()
                                                : decide::LoadEnforcement(o.enforcement_path);
  if (!enforcement.ok()) {
    PrintError(enforcement.status().message());
    return 1;
  }
  const TimeUs period = decide::ParseDuration(o.period);
  if (period <= 0) {
    PrintError("--period '" + o.period + "': expected a positive duration such as 60s or 5m");
    return 1;
  }
  o.online.detect_period = period;
  std::optional<decode::Registry> registry;
  if (!o.accounts_path.empty()) {
    auto reg = decode::Registry::Load(o.accounts_path);
    if (!reg.ok()) {
      PrintError(reg.status().message());
      return 1;
    }
    registry = std::move(reg).value();
  }
  if (Status s = MakeDirs(o.out_dir); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  auto rejected = OutputFile::Open(o.out_dir + "/rejected.jsonl");
  if (!rejected.ok()) {
    PrintError(rejected.status().message());
    return 1;
  }
  pipeline::OnlineEngine engine(*spec, *enforcement, registry ? &*registry : nullptr, o.online);
  report::RunSummary summary;
  std::vector<pipeline::LineReject> rejects;
  std::string reject_text;
  decode::Chunk chunk;
  for (const std::string& path : o.inputs) {
    auto src = decode::LineSource::Open(path);
    if (!src.ok()) {
      PrintError(src.status().message());
      return 1;
    }
    while (!(*src)->eof()) {
      if (Status s = (*src)->Next(&chunk); !s.ok()) {
        PrintError(s.message());
        return 1;
      }
      rejects.clear();
      if (chunk.has_long_line()) {
        const auto& ll = chunk.long_line();
        rejects.push_back({ll.line, decode::RejectReason::kTooLong,
                           "line too long: " + std::to_string(ll.bytes) + " bytes", ll.excerpt});
        ++summary.lines;
      }
      const pipeline::IngestStats st = engine.Ingest(chunk.data(), chunk.first_line(), &rejects);
      summary.lines += st.lines;
      summary.events += st.events;
      summary.duplicates += st.duplicates;
      summary.rejected += rejects.size();
      reject_text.clear();
      for (const auto& r : rejects) {
        decode::AppendRejectJson(reject_text, (*src)->name(), r.line, r.reason, r.message,
                                 r.excerpt);
      }
      if (!reject_text.empty()) {
        if (Status s = (*rejected)->Write(reject_text); !s.ok()) {
          PrintError(s.message());
          return 1;
        }
      }
    }
  }
  if (Status s = (*rejected)->Close(); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  // The last partial period is judged at the final watermark.
  engine.Detect(engine.watermark());

  const auto& table = engine.table();
  for (size_t i = 0; i < table.size(); ++i) summary.out_of_order += table.state(i).out_of_order;
  summary.inputs = o.inputs;
  summary.policy_name = spec->policy.name;
  summary.rules_name = spec->rules->name();
  std::vector<std::optional<report::FirstFlag>> flags(table.size());
  size_t flagged = 0;
  for (size_t i = 0; i < engine.first_enforced().size(); ++i) {
    if (const auto& f = engine.first_enforced()[i]) {
      flags[i] = report::FirstFlag{f->time, f->requests_before};
      ++flagged;
    }
  }
  const report::RunView view{table,        engine.infos(), *engine.links(), *engine.scores(),
                             spec->policy, summary,        &flags};
  if (Status s = report::WriteAll(view, o.out_dir); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  if (Status s = WriteFile(o.out_dir + "/decisions.jsonl", DecisionsJsonl(engine.decisions()));
      !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  std::fprintf(stderr,
               "replay: %llu lines, %llu events, %llu rejected, %llu duplicates; %zu accounts; "
               "%llu detection runs every %s of event time; %zu accounts got an enforced "
               "decision, %zu decisions active\n  report: %s/report.md\n",
               static_cast<unsigned long long>(summary.lines),
               static_cast<unsigned long long>(summary.events),
               static_cast<unsigned long long>(summary.rejected),
               static_cast<unsigned long long>(summary.duplicates), table.size(),
               static_cast<unsigned long long>(engine.detection_runs()), o.period.c_str(), flagged,
               engine.decisions().active_count(), o.out_dir.c_str());
  return 0;
}

}  // namespace

void AddReplay(CLI::App& app, Runner* run) {
  auto opts = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay", "Run the online engine (as serve does) over log files and time its decisions");
  cmd->add_option("events", opts->inputs, "Log files in event-time order (- for stdin)")
      ->required();
  cmd->add_option("--accounts", opts->accounts_path, "Accounts registry (JSON Lines)");
  cmd->add_option("--out", opts->out_dir, "Output directory")->required();
  cmd->add_option("--rules", opts->rules_path, "Rule pack YAML (default: built-in)");
  cmd->add_option("--policy", opts->policy_path, "Policy YAML (default: built-in)");
  cmd->add_option("--enforcement", opts->enforcement_path,
                  "Enforcement policy YAML (default: built-in policy/enforcement.yaml)");
  cmd->add_option("--period", opts->period, "Event time between detection runs")
      ->capture_default_str();
  cmd->add_option("--intel", opts->intel_paths,
                  "Partner STIX 2.1 bundle: linking evidence, never a verdict (repeatable)");
  auto* salt = cmd->add_option("--intel-salt", opts->intel_salt,
                               "Salt the partner hashed shared account ids with");
  cmd->add_option("--intel-salt-file", opts->intel_salt_file,
                  "Read that salt from a file (trailing newline dropped)")
      ->excludes(salt);
  cmd->callback([run, opts] { *run = [opts] { return RunReplay(*opts); }; });
}

}  // namespace hw::cli
