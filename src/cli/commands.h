// Each subcommand registers itself on the CLI11 app and runs over the engine
// library. Commands return a process exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace hw::cli {

using Runner = std::function<int()>;

// Each Add* adds one subcommand and sets *run to its action when it is chosen.
void AddSimulate(CLI::App& app, Runner* run);
void AddEval(CLI::App& app, Runner* run);
void AddAnalyze(CLI::App& app, Runner* run);
void AddReplay(CLI::App& app, Runner* run);
void AddRules(CLI::App& app, Runner* run);
void AddServe(CLI::App& app, Runner* run);
void AddExport(CLI::App& app, Runner* run);
void AddReport(CLI::App& app, Runner* run);
// `hydrawatch report --result DIR`: case files into DIR/cases; an exit code.
int WriteCases(const std::string& result_dir);
void AddState(CLI::App& app, Runner* run);

// Prints "hydrawatch: <message>" to stderr.
void PrintError(const std::string& message);

}  // namespace hw::cli
