// Request features: what one request says about the account that sent it.
//
// One FeatureExtractor per worker thread: it owns a Hyperscan scratch and a
// small cache of system prompts (products and campaigns resend theirs
// verbatim), and reads the shared RulePack, which must outlive it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/common/event.h"
#include "engine/features/request_features.h"
#include "engine/features/rule_pack.h"

struct hs_scratch;

namespace hw::features {

class FeatureExtractor {
 public:
  explicit FeatureExtractor(const RulePack& pack);
  ~FeatureExtractor();
  FeatureExtractor(const FeatureExtractor&) = delete;
  FeatureExtractor& operator=(const FeatureExtractor&) = delete;

  // Of a prompt longer than kScanHead + kScanTail bytes, only the head and
  // the tail are scanned: instructions and frames sit there, while the middle
  // is the pasted material (code, documents, the response to grade) that
  // would dominate the scan cost without changing the verdict.
  static constexpr size_t kScanHead = 1024;
  static constexpr size_t kScanTail = 256;

  // Fills `out` from `ev`. Never fails: text Hyperscan cannot scan (it never
  // should) leaves the rule bits empty. With `scan_rules` false only the
  // template fingerprints are computed (out->scanned is false): the rule scan
  // is most of the cost, and ContentSampler decides which requests need it.
  void Extract(const Event& ev, RequestFeatures* out, bool scan_rules = true) noexcept;

  // Extract in two steps, for a caller that scans a batch of requests after
  // fingerprinting them: the Hyperscan database and the extractor's tables
  // stay in cache through the batch instead of competing with the decoder's
  // data per request. Fingerprint is Extract without the scan
  // (out->scanned false). ScanRules then fills the scan's fields of `out`
  // (frame and capability bits, primary capability; scanned true) from the
  // request's texts and UsesTools; together they give what Extract gives.
  // The texts must be the event's, or copies of them.
  void Fingerprint(const Event& ev, RequestFeatures* out) noexcept;
  void ScanRules(std::string_view system_text, std::string_view prompt_text, bool tools,
                 RequestFeatures* out) noexcept;
  static bool UsesTools(const Event& ev) noexcept {
    return ev.tool_definitions > 0 || ev.tool_calls > 0;
  }

  // Per-category weight sums of the last scan, indexed by category; for tests
  // and explanations.
  const std::array<float, 2 * kMaxCategories>& last_scores() const noexcept { return scores_; }

 private:
  struct SystemEntry {
    uint64_t text_hash = 0;
    uint32_t chars = 0;   // 0: empty slot (a cached text is never empty)
    bool scored = false;  // scores filled (only once a scanned request needs them)
    uint64_t template_fp = 0;
  };
  // System prompts cached: 2-way set-associative by content hash. A log
  // interleaves hundreds of products' prompts (popular apps, coding agents,
  // campaigns; the simulator's carry over 400), more than a 64-entry cache
  // kept: every miss costs a whole-text fingerprint and rule scan.
  static constexpr size_t kSystemSets = 1024;

  // The cache entry of a system text, or nullptr; *slot is its index.
  SystemEntry* FindSystem(uint64_t hash, uint32_t chars, size_t* slot) noexcept;
  void Scan(std::string_view text, Scope scope, float factor) noexcept;
  // Expression `id` matched, ending at byte `end` of the part being scanned.
  void Accumulate(unsigned id, size_t end) noexcept;
  static int OnMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                     void* ctx);

  const RulePack& pack_;
  hs_scratch* scratch_ = nullptr;
  // Score slot of each category: frames at [bit], capabilities at
  // [kMaxCategories + bit].
  std::vector<uint16_t> slot_of_category_;
  std::array<float, 2 * kMaxCategories> scores_{};
  Scope scanning_ = Scope::kAny;
  float factor_ = 1;
  std::string_view part_;  // the bytes being scanned: match ends are offsets into it
  // Rules already counted for the text being scanned, so that a rule
  // matching both the head and the tail of a long prompt counts once.
  std::vector<uint64_t> seen_;
  std::vector<SystemEntry> system_cache_;  // kSystemSets * 2: a set's two ways side by side
  std::vector<std::array<float, 2 * kMaxCategories>> system_scores_;  // per entry
  std::vector<uint8_t> system_recent_;                                // per set: the way used last
};

}  // namespace hw::features
