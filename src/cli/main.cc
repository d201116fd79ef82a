#include <cstdio>

#include "cli/commands.h"

namespace hw::cli {

void PrintError(const std::string& message) {
  std::fprintf(stderr, "hydrawatch: %s\n", message.c_str());
}

}  // namespace hw::cli

int main(int argc, char** argv) {
  CLI::App app{
      "hydrawatch: find, attribute and document distillation campaigns in LLM API traffic"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hydrawatch 0.1.0");
  hw::cli::Runner run;
  hw::cli::AddSimulate(app, &run);
  hw::cli::AddEval(app, &run);
  hw::cli::AddAnalyze(app, &run);
  hw::cli::AddReplay(app, &run);
  hw::cli::AddRules(app, &run);
  hw::cli::AddServe(app, &run);
  hw::cli::AddExport(app, &run);
  hw::cli::AddReport(app, &run);
  hw::cli::AddState(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return run ? run() : 2;
}
