#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/common/output_file.h"
#include "engine/share/export.h"

namespace hw::cli {

namespace {

enum class Format : uint8_t { kStix, kMisp };

struct ExportArgs {
  std::string result;
  std::string out;
  std::string identity = "hydrawatch";
  std::string salt;
  std::string salt_file;
  std::string tlp = "amber";
  std::string extension_schema;
};

int RunExport(Format format, const ExportArgs& a) {
  share::ExportOptions opt;
  opt.identity = a.identity;
  if (opt.identity.empty()) {
    PrintError("--identity must not be empty");
    return 2;
  }
  auto tlp = share::ParseTlp(a.tlp);
  if (!tlp.ok()) {
    PrintError(tlp.status().message());
    return 2;
  }
  opt.tlp = *tlp;
  if (!a.extension_schema.empty()) opt.extension_schema = a.extension_schema;
  if (!a.salt_file.empty()) {
    auto salt = share::ReadSaltFile(a.salt_file);
    if (!salt.ok()) {
      PrintError(salt.status().message());
      return salt.status().code() == ErrorCode::kIoError ? 1 : 2;
    }
    opt.salt = std::move(salt).value();
  } else if (!a.salt.empty()) {
    opt.salt = a.salt;
  }
  if (opt.salt.empty()) {
    PrintError("the salt must not be empty");
    return 2;
  }
  if (opt.salt == share::kDefaultSalt) {
    std::fprintf(stderr,
                 "export: warning: default salt; anyone can test a guessed account id against "
                 "the hashes (set --salt or --salt-file for a real exchange)\n");
  }

  auto result = share::LoadResult(a.result);
  if (!result.ok()) {
    PrintError(result.status().message());
    return 1;
  }
  const std::string text =
      format == Format::kStix ? share::ExportStix(*result, opt) : share::ExportMisp(*result, opt);
  std::string path = a.out;
  if (path.empty()) {
    const std::string sep = !a.result.empty() && a.result.back() == '/' ? "" : "/";
    path = a.result + sep + (format == Format::kStix ? "stix_bundle.json" : "misp_event.json");
  }
  auto out = OutputFile::Open(path);
  if (!out.ok()) {
    PrintError(out.status().message());
    return 1;
  }
  if (Status s = (*out)->Write(text); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  if (Status s = (*out)->Close(); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  if (path != "-") std::fprintf(stderr, "export: written %s\n", path.c_str());
  return 0;
}

void AddFormat(CLI::App& parent, Runner* run, Format format) {
  auto a = std::make_shared<ExportArgs>();
  const bool stix = format == Format::kStix;
  CLI::App* cmd = parent.add_subcommand(
      stix ? "stix" : "misp",
      stix ? "One STIX 2.1 bundle of the result's distillation campaigns (docs/SHARING.md)"
           : "One MISP event (core format) of the result's distillation campaigns");
  cmd->add_option("--result", a->result, "directory written by analyze")->required();
  cmd->add_option("--out", a->out,
                  std::string("output file, - for stdout (default: DIR/") +
                      (stix ? "stix_bundle.json)" : "misp_event.json)"));
  cmd->add_option("--identity", a->identity, "name of the reporting organisation")
      ->capture_default_str();
  auto* salt = cmd->add_option("--salt", a->salt,
                               "salt prefixed to account ids before SHA-256 (share it only with "
                               "partners who should match accounts)");
  cmd->add_option("--salt-file", a->salt_file,
                  "read the salt from a file (trailing newline dropped)")
      ->excludes(salt);
  cmd->add_option("--tlp", a->tlp, "TLP 2.0 level: clear, green, amber, amber+strict, red")
      ->capture_default_str();
  if (stix) {
    cmd->add_option("--extension-schema", a->extension_schema,
                    "URL where the llm-prompt-template extension's JSON Schema is published");
  }
  cmd->callback([run, a, format] { *run = [a, format] { return RunExport(format, *a); }; });
}

}  // namespace

void AddExport(CLI::App& app, Runner* run) {
  CLI::App* cmd = app.add_subcommand(
      "export", "Export a detection result for sharing: STIX 2.1 bundle or MISP event");
  cmd->require_subcommand(1);
  AddFormat(*cmd, run, Format::kStix);
  AddFormat(*cmd, run, Format::kMisp);
}

}  // namespace hw::cli
