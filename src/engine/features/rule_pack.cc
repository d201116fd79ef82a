#include "engine/features/rule_pack.h"

#include "engine/common/yaml_spec.h"

#include <hs.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/common/hash.h"

namespace hw::features {

extern const char* const kDefaultRulesYaml;
// Generated at build time by tools/rules_db.cc: the default pack's database
// serialized, and the hash of the YAML text it was compiled from.
std::string_view EmbeddedDefaultRulesDatabase(uint64_t* yaml_hash) noexcept;

namespace {

using spec::CheckKeys;
using spec::Fail;
using spec::LineOf;
using spec::Num;
using RuleError = spec::SpecError;

std::string Str(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected a string");
  return n.Scalar();
}

// Patterns match bytes (no HS_FLAG_UTF8: scanned text need not be valid
// UTF-8), so a non-ASCII character inside [...] would stand for its single
// bytes. True when `p` has one; (a|á) is the way to write it.
bool NonAsciiInClass(const std::string& p) {
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '\\') {
      ++i;  // an escaped character, in or out of a class
    } else if (!in_class) {
      if (c == '[') {
        in_class = true;
        if (i + 1 < p.size() && p[i + 1] == '^') ++i;
        if (i + 1 < p.size() && p[i + 1] == ']') ++i;  // "[]...]": a literal ]
      }
    } else if (c == ']') {
      in_class = false;
    } else if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      const size_t end = p.find(":]", i + 2);  // [:alpha:]
      if (end != std::string::npos) i = end + 1;
    } else if (c >= 0x80) {
      return true;
    }
  }
  return false;
}

bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

struct RuleSpec {
  uint16_t category;
  Scope scope;
  double weight;
  bool case_sensitive;
  int line;
  std::string pattern;
};

struct PackSpec {
  std::string name;
  int version = 1;
  std::vector<Category> categories;
  std::vector<RuleSpec> rules;
};

// Collector: syntax tree to specs, every key and value checked.
PackSpec Collect(const YAML::Node& root) {
  PackSpec spec;
  if (!root || root.IsNull()) throw RuleError(1, "bad-type", "rule pack: the document is empty");
  CheckKeys(root, {"version", "name", "description", "categories"}, "rule pack");
  if (!root["version"]) Fail(root, "missing-key", "rule pack: missing 'version'");
  const double version = Num(root["version"], "version", 0, 1e9);
  if (version != 1)
    Fail(root["version"], "bad-version",
         "rule pack: version must be 1 (this build reads version 1)");
  if (!root["name"]) Fail(root, "missing-key", "rule pack: missing 'name'");
  spec.name = Str(root["name"], "name");
  const YAML::Node cats = root["categories"];
  if (!cats) Fail(root, "missing-key", "rule pack: missing 'categories'");
  if (!cats.IsSequence() || cats.size() == 0)
    Fail(cats, "bad-type", "categories: expected a non-empty list");
  uint32_t counts[2] = {0, 0};
  for (const YAML::Node& c : cats) {
    CheckKeys(c, {"name", "kind", "description", "threshold", "tools_weight", "patterns"},
              "category");
    if (!c["name"]) Fail(c, "missing-key", "category: missing 'name'");
    Category cat;
    cat.line = LineOf(c);
    cat.name = Str(c["name"], "category.name");
    if (!ValidName(cat.name))
      Fail(c["name"], "bad-name",
           "category '" + cat.name + "': names are 1-64 characters of a-z, 0-9 and _");
    const std::string what = "category '" + cat.name + "'";
    for (const Category& other : spec.categories) {
      if (other.name == cat.name)
        Fail(c["name"], "duplicate-name",
             what + " is defined twice (first at line " + std::to_string(other.line) + ")");
    }
    if (!c["kind"]) Fail(c, "missing-key", what + ": missing 'kind' (frame or capability)");
    const std::string kind = Str(c["kind"], what + ".kind");
    if (kind == "frame") {
      cat.kind = CategoryKind::kFrame;
    } else if (kind == "capability") {
      cat.kind = CategoryKind::kCapability;
    } else {
      Fail(c["kind"], "unknown-name",
           what + ": kind '" + kind + "' is neither 'frame' nor 'capability'");
    }
    uint32_t& count = counts[static_cast<int>(cat.kind)];
    if (count >= kMaxCategories)
      Fail(c, "too-many",
           what + ": at most " + std::to_string(kMaxCategories) + " " + kind + " categories");
    cat.bit = count++;
    if (c["description"]) cat.description = Str(c["description"], what + ".description");
    if (c["threshold"]) cat.threshold = Num(c["threshold"], what + ".threshold", 0.01, 100);
    if (c["tools_weight"])
      cat.tools_weight = Num(c["tools_weight"], what + ".tools_weight", 0, 100);
    const YAML::Node pats = c["patterns"];
    if (!pats && cat.tools_weight == 0)
      Fail(c, "missing-key", what + ": missing 'patterns' (or a 'tools_weight')");
    if (pats) {
      if (!pats.IsSequence()) Fail(pats, "bad-type", what + ".patterns: expected a list");
      for (const YAML::Node& p : pats) {
        RuleSpec r{
            static_cast<uint16_t>(spec.categories.size()), Scope::kAny, 1.0, false, LineOf(p), {}};
        if (p.IsScalar()) {
          r.pattern = p.Scalar();
        } else {
          CheckKeys(p, {"pattern", "weight", "scope", "case_sensitive"}, what + " pattern");
          if (!p["pattern"]) Fail(p, "missing-key", what + " pattern: missing 'pattern'");
          r.pattern = Str(p["pattern"], what + ".pattern");
          if (p["weight"]) r.weight = Num(p["weight"], what + ".weight", 0.01, 100);
          if (p["scope"]) {
            const std::string s = Str(p["scope"], what + ".scope");
            if (s == "any") {
              r.scope = Scope::kAny;
            } else if (s == "prompt") {
              r.scope = Scope::kPrompt;
            } else if (s == "system") {
              r.scope = Scope::kSystem;
            } else {
              Fail(p["scope"], "unknown-name",
                   what + ": scope '" + s + "' is not one of any, prompt, system");
            }
          }
          if (p["case_sensitive"]) {
            try {
              r.case_sensitive = p["case_sensitive"].as<bool>();
            } catch (const YAML::Exception&) {
              Fail(p["case_sensitive"], "bad-type",
                   what + ".case_sensitive: expected true or false");
            }
          }
        }
        if (r.pattern.empty()) Fail(p, "bad-pattern", what + ": empty pattern");
        // Hyperscan reads C strings: a NUL would silently cut the pattern short.
        if (r.pattern.find('\0') != std::string::npos)
          Fail(p, "bad-pattern", what + ": pattern contains a NUL character (use \\x00)");
        if (NonAsciiInClass(r.pattern))
          Fail(p, "bad-pattern",
               what + ": pattern '" + r.pattern +
                   "' has a non-ASCII character inside [...]; patterns match bytes, so write "
                   "it as an alternative, e.g. (e|é)");
        spec.rules.push_back(std::move(r));
      }
    }
    spec.categories.push_back(std::move(cat));
  }
  if (spec.rules.empty()) Fail(cats, "missing-key", "rule pack: no patterns at all");
  if (spec.rules.size() > 60000) Fail(cats, "too-many", "rule pack: more than 60000 patterns");
  return spec;
}

// Hyperscan flags of a rule: ^ and $ match at line breaks. Not
// HS_FLAG_SINGLEMATCH: the scanner counts each rule once per text anyway,
// reports are few (about 7 per prompt), the flag made the scan slower, and
// the final-\b check needs every match end.
unsigned FlagsOf(const RuleSpec& r) {
  return HS_FLAG_MULTILINE | (r.case_sensitive ? 0u : static_cast<unsigned>(HS_FLAG_CASELESS));
}

// Whether Hyperscan parses `expression`.
bool Parses(const std::string& expression, unsigned flags) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(expression.c_str(), flags, &info, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return false;
  }
  std::free(info);  // allocated by Hyperscan's default (malloc) allocator
  return true;
}

// A pattern's top-level alternatives ("a\b|b\b" -> "a\b", "b\b"), each of
// which then counts for the rule, or the pattern whole when a split is not
// plainly the same: inline options ("(?i)" reaches into the alternatives
// after it) and verbs ("(*UTF8)"), \Q...\E quoting, \c control escapes,
// unbalanced brackets, an empty alternative, or an alternative Hyperscan does
// not parse on its own.
std::vector<std::string> TopLevelAlternatives(const std::string& p, unsigned flags) {
  std::vector<std::string> whole{p};
  if (p.find("(?") != std::string::npos || p.find("(*") != std::string::npos ||
      p.find("\\Q") != std::string::npos || p.find("\\c") != std::string::npos) {
    return whole;
  }
  std::vector<std::string> out;
  int depth = 0;
  bool in_class = false;
  size_t start = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      ++i;  // an escaped character, in or out of a class
    } else if (in_class) {
      if (c == ']') {
        in_class = false;
      } else if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
        const size_t end = p.find(":]", i + 2);  // [:alpha:]
        if (end == std::string::npos) return whole;
        i = end + 1;
      }
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < p.size() && p[i + 1] == '^') ++i;
      if (i + 1 < p.size() && p[i + 1] == ']') ++i;  // "[]...]": a literal ]
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth < 0) return whole;
    } else if (c == '|' && depth == 0) {
      out.push_back(p.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0 || in_class) return whole;
  out.push_back(p.substr(start));
  if (out.size() == 1) return out;
  for (const std::string& a : out) {
    if (a.empty() || !Parses(a, flags)) return whole;
  }
  return out;
}

// True when `e` ends in \b (the backslash itself not escaped).
bool EndsInWordBoundary(const std::string& e) {
  if (e.size() < 2 || e.back() != 'b') return false;
  size_t slashes = 0;
  for (size_t i = e.size() - 1; i > 0 && e[i - 1] == '\\'; --i) ++slashes;
  return slashes % 2 == 1;
}

// The database's expressions, derived from the specs alone, so that a
// prebuilt database of the same YAML has the same ids.
struct Expressions {
  std::vector<std::string> text;
  std::vector<unsigned> flags;
  std::vector<CompiledExpression> compiled;
};

Expressions Expand(const PackSpec& spec) {
  Expressions out;
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    const unsigned flags = FlagsOf(spec.rules[i]);
    for (std::string& a : TopLevelAlternatives(spec.rules[i].pattern, flags)) {
      CompiledExpression c{static_cast<uint32_t>(i), false};
      // \b has no width and ends the alternative, so the rest parses and
      // matches as many bytes; an alternative that is \b alone stays (and
      // fails to compile, as it did whole).
      if (a.size() > 2 && EndsInWordBoundary(a)) {
        a.resize(a.size() - 2);
        c.boundary_at_end = true;
      }
      out.text.push_back(std::move(a));
      out.flags.push_back(flags);
      out.compiled.push_back(c);
    }
  }
  return out;
}

}  // namespace

// Compiler: specs to the immutable pack with its Hyperscan database.
class RulePackBuilder {
 public:
  // A database serialized from the same specs, when it loads and scans on
  // this CPU and Hyperscan version; nullptr otherwise.
  static hs_database_t* Deserialize(std::string_view bytes) {
    if (bytes.empty()) return nullptr;
    hs_database_t* db = nullptr;
    if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
    hs_scratch_t* scratch = nullptr;
    bool ok = hs_alloc_scratch(db, &scratch) == HS_SUCCESS;
    if (ok) {
      auto none = [](unsigned, unsigned long long, unsigned long long, unsigned, void*) {
        return 0;
      };
      ok = hs_scan(db, "probe", 5, 0, scratch, none, nullptr) == HS_SUCCESS;
    }
    hs_free_scratch(scratch);
    if (!ok) {
      hs_free_database(db);
      return nullptr;
    }
    return db;
  }

  static std::unique_ptr<RulePack> Compile(PackSpec spec, std::string_view prebuilt = {}) {
    if (hs_valid_platform() != HS_SUCCESS)
      throw RuleError(0, "platform", "Hyperscan needs a CPU with SSSE3");
    Expressions ex = Expand(spec);
    if (hs_database_t* db = Deserialize(prebuilt)) {
      return Finish(std::move(spec), std::move(ex.compiled), db, true);
    }
    std::vector<const char*> exprs;
    std::vector<unsigned> ids;
    for (size_t i = 0; i < ex.text.size(); ++i) {
      exprs.push_back(ex.text[i].c_str());
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_multi(exprs.data(), ex.flags.data(), ids.data(),
                         static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                         &err) != HS_SUCCESS) {
      const int idx = err ? err->expression : -1;
      const std::string msg = err && err->message ? err->message : "unknown error";
      hs_free_compile_error(err);
      if (idx >= 0 && static_cast<size_t>(idx) < ex.compiled.size()) {
        const RuleSpec& r = spec.rules[ex.compiled[static_cast<size_t>(idx)].rule];
        throw RuleError(r.line, "bad-pattern",
                        "category '" + spec.categories[r.category].name + "': pattern '" +
                            r.pattern + "' does not compile: " + msg);
      }
      throw RuleError(0, "bad-pattern", "rule pack does not compile: " + msg);
    }
    return Finish(std::move(spec), std::move(ex.compiled), db, false);
  }

 private:
  static std::unique_ptr<RulePack> Finish(PackSpec spec,
                                          std::vector<CompiledExpression> expressions,
                                          hs_database_t* db, bool prebuilt) {
    std::unique_ptr<RulePack> pack(new RulePack());
    pack->expressions_ = std::move(expressions);
    pack->prebuilt_ = prebuilt;
    pack->name_ = std::move(spec.name);
    pack->version_ = spec.version;
    pack->categories_ = std::move(spec.categories);
    pack->db_ = db;
    for (RuleSpec& r : spec.rules) {
      pack->rules_.push_back(CompiledRule{r.category, r.scope, static_cast<float>(r.weight), r.line,
                                          std::move(r.pattern), r.case_sensitive});
    }
    return pack;
  }
};

RulePack::~RulePack() { hs_free_database(db_); }

const char* CategoryKindName(CategoryKind k) noexcept {
  return k == CategoryKind::kFrame ? "frame" : "capability";
}

std::vector<std::string> RulePack::Names(CategoryKind kind) const {
  std::vector<std::string> out;
  for (const Category& c : categories_) {
    if (c.kind == kind) out.push_back(c.name);
  }
  return out;
}

const Category& RulePack::ByBit(CategoryKind kind, uint32_t bit) const {
  for (const Category& c : categories_) {
    if (c.kind == kind && c.bit == bit) return c;
  }
  throw std::out_of_range("rule pack: no category with that bit");
}

Result<std::unique_ptr<RulePack>> RulePack::Parse(std::string_view yaml,
                                                  const std::string& source_name) {
  return Parse(yaml, source_name, {});
}

Result<std::unique_ptr<RulePack>> RulePack::Parse(std::string_view yaml,
                                                  const std::string& source_name,
                                                  std::string_view prebuilt_database) {
  try {
    return RulePackBuilder::Compile(Collect(YAML::Load(std::string(yaml))), prebuilt_database);
  } catch (const RuleError& e) {
    return spec::FormatSpecError(source_name, e);
  } catch (const YAML::Exception& e) {
    return spec::FormatYamlError(yaml, source_name, e);
  }
}

Result<std::unique_ptr<RulePack>> RulePack::Load(const std::string& path) {
  auto text = spec::ReadSpecFile(path, "rule pack");
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

Result<std::unique_ptr<RulePack>> RulePack::Default() {
  uint64_t yaml_hash = 0;
  std::string_view db = EmbeddedDefaultRulesDatabase(&yaml_hash);
  // HW_RULES_COMPILE=1 ignores the embedded database (to compare the two).
  const char* force = std::getenv("HW_RULES_COMPILE");
  if (yaml_hash != Hash64(DefaultRulePackYaml()) || (force && *force == '1')) db = {};
  return Parse(DefaultRulePackYaml(), "builtin:rules/default.yaml", db);
}

std::string RulePack::SerializeDatabase() const {
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db_, &bytes, &size) != HS_SUCCESS) return {};
  std::string out(bytes, size);
  std::free(bytes);
  return out;
}

std::string_view DefaultRulePackYaml() noexcept { return kDefaultRulesYaml; }

}  // namespace hw::features
