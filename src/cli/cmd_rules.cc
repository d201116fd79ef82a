#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/features/rule_pack.h"

namespace hw::cli {

namespace {

int RunCheck(const std::string& path) {
  auto pack = path == "default" ? features::RulePack::Default() : features::RulePack::Load(path);
  if (!pack.ok()) {
    PrintError(pack.status().message());
    return 1;
  }
  const features::RulePack& p = **pack;
  std::printf("%s: rule pack '%s' (version %d): %zu categories, %zu patterns; OK\n", path.c_str(),
              p.name().c_str(), p.version(), p.categories().size(), p.rules().size());
  for (const features::Category& c : p.categories()) {
    size_t n = 0;
    for (const features::CompiledRule& r : p.rules())
      n += p.categories()[r.category].name == c.name;
    std::printf("  %-10s %-24s %3zu patterns  threshold %.2f%s\n",
                features::CategoryKindName(c.kind), c.name.c_str(), n, c.threshold,
                c.tools_weight > 0 ? "  (+tool use)" : "");
  }
  return 0;
}

}  // namespace

void AddRules(CLI::App& app, Runner* run) {
  CLI::App* cmd = app.add_subcommand("rules", "Rule pack tools");
  cmd->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  CLI::App* check = cmd->add_subcommand(
      "check", "Validate and compile a rule pack; errors name file, line and a stable code");
  check->add_option("FILE", *path, "rule pack YAML, or 'default' for the built-in pack")
      ->required();
  check->callback([run, path] { *run = [path] { return RunCheck(*path); }; });
  auto dump = cmd->add_subcommand("default", "Print the built-in rule pack");
  dump->callback([run] {
    *run = [] {
      const std::string_view y = features::DefaultRulePackYaml();
      std::fwrite(y.data(), 1, y.size(), stdout);
      return 0;
    };
  });
}

}  // namespace hw::cli
