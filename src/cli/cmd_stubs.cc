// Subcommands whose engine stages are still being written register here so
// that the binary links; each prints that it is not available yet.
#include "cli/commands.h"

namespace hw::cli {

void AddEval(CLI::App& app, Runner* run) {
  app.add_subcommand("eval", "Score a detection result against labels (not built yet)")
      ->callback([run] {
        *run = [] {
          PrintError("eval is not built yet");
          return 2;
        };
      });
}
void AddRules(CLI::App& app, Runner* run) {
  app.add_subcommand("rules", "Rule pack tools (not built yet)")->callback([run] {
    *run = [] {
      PrintError("rules is not built yet");
      return 2;
    };
  });
}

}  // namespace hw::cli
