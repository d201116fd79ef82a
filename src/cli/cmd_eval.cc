#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/common/output_file.h"
#include "engine/eval/eval.h"

namespace hw::cli {

namespace {

struct EvalArgs {
  std::string labels;
  std::string result;
  bool quiet = false;
  bool require_bars = false;
};

int RunEval(const EvalArgs& a) {
  auto report = eval::Evaluate(a.labels, a.result);
  if (!report.ok()) {
    PrintError(report.status().message());
    return 1;
  }
  if (!a.quiet) std::fputs(eval::FormatTable(*report).c_str(), stdout);
  const std::string path = a.result + "/eval.json";
  if (Status s = WriteFile(path, eval::ToJson(*report)); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  std::fprintf(stderr, "eval: written %s\n", path.c_str());
  // Exit 3 (not 1) so that scripts can tell "bars missed" from "could not run".
  if (a.require_bars && !report->attack.pass) return 3;
  return 0;
}

}  // namespace

void AddEval(CLI::App& app, Runner* run) {
  auto a = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Score a detection result (analyze --out DIR) against the simulator's labels");
  cmd->add_option("--labels", a->labels, "labels.jsonl written by simulate")->required();
  cmd->add_option("--result", a->result, "directory written by analyze")->required();
  cmd->add_flag("--quiet", a->quiet, "do not print the table; only write DIR/eval.json");
  cmd->add_flag("--require-bars", a->require_bars,
                "exit with status 3 when an accuracy bar is missed");
  cmd->callback([run, a] { *run = [a] { return RunEval(*a); }; });
}

}  // namespace hw::cli
