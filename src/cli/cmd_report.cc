#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/casefile/casefile.h"

namespace hw::cli {

namespace {

struct ReportArgs {
  std::string result;
  std::string out;  // empty: RESULT/cases
};

int RunReport(const ReportArgs& a) {
  const std::string sep = !a.result.empty() && a.result.back() == '/' ? "" : "/";
  const std::string out = a.out.empty() ? a.result + sep + "cases" : a.out;
  auto written = casefile::WriteCaseFiles(a.result, out);
  if (!written.ok()) {
    PrintError(written.status().message());
    return 1;
  }
  std::fprintf(stderr, "report: %zu case files in %s (index: %s/index.html)\n", written->pages,
               out.c_str(), out.c_str());
  return 0;
}

}  // namespace

int WriteCases(const std::string& result_dir) {
  ReportArgs a;
  a.result = result_dir;
  return RunReport(a);
}

void AddReport(CLI::App& app, Runner* run) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Case files per campaign: self-contained HTML and Markdown, and an index");
  cmd->add_option("--result", a->result, "directory written by analyze")->required();
  cmd->add_option("--out", a->out, "output directory (default: RESULT/cases)");
  cmd->callback([run, a] { *run = [a] { return RunReport(*a); }; });
}

}  // namespace hw::cli
