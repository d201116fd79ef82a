// The oracle for RulePack::expressions(): which rules match a text when each
// rule's pattern is compiled whole with HS_FLAG_SINGLEMATCH (as the pack was
// compiled before 2026-12-03), and which match by the pack's own database,
// split into alternatives with their final \b checked by WordBoundaryAt.
// Used by expressions_test.cc and fuzz/fuzz_rules.cc; gtest-free, so that the
// fuzz harness can use it.
#pragma once

#include <hs.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/features/rule_pack.h"

namespace hw::features::testing {

using Rules = std::set<uint32_t>;

namespace whole_patterns_detail {

struct Collect {
  const RulePack* pack = nullptr;  // null: ids are rule indexes
  std::string_view text;
  Rules rules;
};

inline int OnMatch(unsigned id, unsigned long long /*from*/, unsigned long long to,
                   unsigned /*flags*/, void* ctx) {
  auto* c = static_cast<Collect*>(ctx);
  if (c->pack == nullptr) {
    c->rules.insert(id);
    return 0;
  }
  const CompiledExpression& x = c->pack->expressions()[id];
  if (!x.boundary_at_end || WordBoundaryAt(c->text, static_cast<size_t>(to))) {
    c->rules.insert(x.rule);
  }
  return 0;
}

}  // namespace whole_patterns_detail

// The rules of `pack` that match `text`, from its own database.
inline Rules PackMatches(const RulePack& pack, std::string_view text) {
  hs_scratch_t* scratch = nullptr;
  whole_patterns_detail::Collect c{&pack, text, {}};
  if (hs_alloc_scratch(pack.database(), &scratch) == HS_SUCCESS) {
    hs_scan(pack.database(), text.data(), static_cast<unsigned>(text.size()), 0, scratch,
            whole_patterns_detail::OnMatch, &c);
  }
  hs_free_scratch(scratch);
  return c.rules;
}

// Each rule's pattern compiled whole, one expression per rule.
class WholePatterns {
 public:
  explicit WholePatterns(const RulePack& pack) {
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < pack.rules().size(); ++i) {
      exprs.push_back(pack.rules()[i].pattern.c_str());
      flags.push_back(
          HS_FLAG_SINGLEMATCH | HS_FLAG_MULTILINE |
          (pack.rules()[i].case_sensitive ? 0u : static_cast<unsigned>(HS_FLAG_CASELESS)));
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db_,
                         &err) != HS_SUCCESS) {
      error_ = err && err->message ? err->message : "compile failed";
      hs_free_compile_error(err);
      db_ = nullptr;
      return;
    }
    if (hs_alloc_scratch(db_, &scratch_) != HS_SUCCESS) error_ = "no scratch";
  }
  ~WholePatterns() {
    hs_free_scratch(scratch_);
    hs_free_database(db_);
  }
  WholePatterns(const WholePatterns&) = delete;
  WholePatterns& operator=(const WholePatterns&) = delete;

  // Empty when the patterns compiled whole.
  const std::string& error() const noexcept { return error_; }

  Rules Matches(std::string_view text) const {
    whole_patterns_detail::Collect c{nullptr, text, {}};
    if (scratch_ != nullptr) {
      hs_scan(db_, text.data(), static_cast<unsigned>(text.size()), 0, scratch_,
              whole_patterns_detail::OnMatch, &c);
    }
    return c.rules;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
  std::string error_;
};

}  // namespace hw::features::testing
