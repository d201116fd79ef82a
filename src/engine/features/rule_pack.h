// The rule pack: elicitation frames and capability areas as named categories
// of regular expressions, loaded from YAML (rules/default.yaml, docs/RULES.md)
// in three named steps, as Falco loads rules:
//   reader    YAML text -> syntax tree, with yaml-syntax errors at file:line;
//   collector tree -> category and rule specs, every key checked, with coded
//             errors at the line of the offending node;
//   compiler  specs -> one Hyperscan database, a pattern that Hyperscan
//             rejects reported at its own line.
// The result is immutable and shared read-only by every worker; each worker
// scans with its own scratch (FeatureExtractor).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/features/request_features.h"

struct hs_database;

namespace hw::features {

enum class CategoryKind : uint8_t { kFrame, kCapability };
const char* CategoryKindName(CategoryKind k) noexcept;  // "frame", "capability"

// Which text of a request a rule is matched against.
enum class Scope : uint8_t { kAny, kPrompt, kSystem };

struct Category {
  std::string name;
  CategoryKind kind = CategoryKind::kFrame;
  std::string description;
  uint32_t bit = 0;  // index among the categories of its kind
  // A category counts for a request when the weights of its matched rules
  // (system-prompt matches at half weight) sum to at least this.
  double threshold = 1.0;
  // Weight added when the request carries tool definitions or tool calls.
  double tools_weight = 0;
  int line = 0;
};

// One compiled rule, as written in the pack.
struct CompiledRule {
  uint16_t category = 0;  // index into categories()
  Scope scope = Scope::kAny;
  float weight = 1;
  int line = 0;
  std::string pattern;
  bool case_sensitive = false;
};

// One expression of the Hyperscan database (its id is its index in
// RulePack::expressions()): a rule's pattern, or one top-level alternative of
// it. A final \b is taken off an expression and checked by the scanner
// instead (WordBoundaryAt at the end of each match): Hyperscan scans about a
// quarter faster without it, and the rule matches exactly the same texts.
struct CompiledExpression {
  uint32_t rule = 0;  // index into RulePack::rules()
  bool boundary_at_end = false;
};

// Hyperscan's \b at `end` of `text`: one side a word character
// ([0-9A-Za-z_], ASCII only, as Hyperscan without HS_FLAG_UCP), the other
// not; outside the text counts as not.
inline bool WordBoundaryAt(std::string_view text, size_t end) noexcept {
  const auto word = [](unsigned char c) noexcept {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
  };
  const bool before =
      end > 0 && end <= text.size() && word(static_cast<unsigned char>(text[end - 1]));
  const bool after = end < text.size() && word(static_cast<unsigned char>(text[end]));
  return before != after;
}

class RulePack {
 public:
  ~RulePack();
  RulePack(const RulePack&) = delete;
  RulePack& operator=(const RulePack&) = delete;

  // `source_name` names the text in errors ("rules/x.yaml:12: ...").
  static Result<std::unique_ptr<RulePack>> Parse(std::string_view yaml,
                                                 const std::string& source_name);
  // Same, with a database serialized earlier from the same YAML
  // (SerializeDatabase): skips the Hyperscan compile (about a second for the
  // default pack) when the bytes load and scan on this CPU and Hyperscan
  // version, and compiles otherwise. The caller vouches that the bytes come
  // from `yaml`; the specs are parsed and validated either way.
  static Result<std::unique_ptr<RulePack>> Parse(std::string_view yaml,
                                                 const std::string& source_name,
                                                 std::string_view prebuilt_database);
  static Result<std::unique_ptr<RulePack>> Load(const std::string& path);
  // The pack of rules/default.yaml, embedded at build time with its database
  // compiled by tools/rules_db.cc on the build machine.
  static Result<std::unique_ptr<RulePack>> Default();

  // The Hyperscan database, serialized for embedding.
  std::string SerializeDatabase() const;
  // True when the database came from prebuilt bytes rather than a compile.
  bool prebuilt() const noexcept { return prebuilt_; }

  const std::string& name() const noexcept { return name_; }
  int version() const noexcept { return version_; }
  const std::vector<Category>& categories() const noexcept { return categories_; }
  const std::vector<CompiledRule>& rules() const noexcept { return rules_; }
  const std::vector<CompiledExpression>& expressions() const noexcept { return expressions_; }
  // Category names of one kind, by bit index.
  std::vector<std::string> Names(CategoryKind kind) const;
  // Index into categories() by kind and bit.
  const Category& ByBit(CategoryKind kind, uint32_t bit) const;
  const hs_database* database() const noexcept { return db_; }

 private:
  RulePack() = default;
  friend class RulePackBuilder;

  std::string name_;
  int version_ = 1;
  std::vector<Category> categories_;
  std::vector<CompiledRule> rules_;
  std::vector<CompiledExpression> expressions_;
  hs_database* db_ = nullptr;
  bool prebuilt_ = false;
};

// The rule pack's YAML embedded in the binary.
std::string_view DefaultRulePackYaml() noexcept;

}  // namespace hw::features
