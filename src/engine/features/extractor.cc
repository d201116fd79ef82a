#include "engine/features/extractor.h"

#include <hs.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "engine/common/hash.h"
#include "engine/features/normalize.h"

namespace hw::features {

FeatureExtractor::FeatureExtractor(const RulePack& pack) : pack_(pack) {
  if (hs_alloc_scratch(pack_.database(), &scratch_) != HS_SUCCESS)
    throw std::runtime_error("cannot allocate Hyperscan scratch");
  seen_.assign((pack_.rules().size() + 63) / 64, 0);
  system_cache_.resize(2 * kSystemSets);
  system_scores_.resize(2 * kSystemSets);
  system_recent_.assign(kSystemSets, 0);
  for (const Category& c : pack_.categories()) {
    slot_of_category_.push_back(
        static_cast<uint16_t>(c.kind == CategoryKind::kFrame ? c.bit : kMaxCategories + c.bit));
  }
}

FeatureExtractor::~FeatureExtractor() { hs_free_scratch(scratch_); }

int FeatureExtractor::OnMatch(unsigned id, unsigned long long /*from*/, unsigned long long to,
                              unsigned /*flags*/, void* ctx) {
  static_cast<FeatureExtractor*>(ctx)->Accumulate(id, static_cast<size_t>(to));
  return 0;
}

void FeatureExtractor::Accumulate(unsigned id, size_t end) noexcept {
  const CompiledExpression& x = pack_.expressions()[id];
  const CompiledRule& r = pack_.rules()[x.rule];
  if (r.scope != Scope::kAny && r.scope != scanning_) return;
  uint64_t& word = seen_[x.rule / 64];
  const uint64_t bit = uint64_t{1} << (x.rule % 64);
  if (word & bit) return;
  if (x.boundary_at_end && !WordBoundaryAt(part_, end)) return;
  word |= bit;
  scores_[slot_of_category_[r.category]] += r.weight * factor_;
}

void FeatureExtractor::Scan(std::string_view text, Scope scope, float factor) noexcept {
  if (text.empty()) return;
  scanning_ = scope;
  factor_ = factor;
  std::fill(seen_.begin(), seen_.end(), 0);
  auto scan = [&](std::string_view part) {
    const auto len =
        static_cast<unsigned>(std::min<size_t>(part.size(), std::numeric_limits<unsigned>::max()));
    part_ = part.substr(0, len);
    hs_scan(pack_.database(), part.data(), len, 0, scratch_, &FeatureExtractor::OnMatch, this);
  };
  if (scope != Scope::kPrompt || text.size() <= kScanHead + kScanTail) {
    scan(text);
    return;
  }
  // Cut at UTF-8 boundaries so that a multi-byte character is never split.
  size_t head = kScanHead;
  while (head > 0 && (static_cast<unsigned char>(text[head]) & 0xC0) == 0x80) --head;
  size_t tail = text.size() - kScanTail;
  while (tail < text.size() && (static_cast<unsigned char>(text[tail]) & 0xC0) == 0x80) ++tail;
  scan(text.substr(0, head));
  scan(text.substr(tail));
}

void FeatureExtractor::Extract(const Event& ev, RequestFeatures* out, bool scan_rules) noexcept {
  RequestFeatures& f = *out;
  f = RequestFeatures();
  f.scanned = scan_rules;
  scores_.fill(0);

  // System prompt: cached by content hash, scanned at half weight since it
  // describes the product more than this request.
  if (!ev.system_text.empty()) {
    const uint64_t h = Hash64(ev.system_text);
    const auto chars = static_cast<uint32_t>(ev.system_text.size());
    const size_t set = h % kSystemSets;
    size_t slot = 2 * set;
    if (system_cache_[slot].text_hash != h || system_cache_[slot].chars != chars) ++slot;
    SystemEntry* e = &system_cache_[slot];
    if (e->text_hash != h || e->chars != chars) {
      // Miss: replace the way not used last.
      slot = 2 * set + (system_recent_[set] ^ 1u);
      e = &system_cache_[slot];
      e->text_hash = h;
      e->chars = chars;
      e->scored = false;
      e->template_fp = TemplateFingerprint(ev.system_text, kWholeText);
    }
    system_recent_[set] = static_cast<uint8_t>(slot & 1);
    // The scan of a cached text is deferred to the first request that wants
    // rule evidence: skipped requests use only the fingerprint.
    if (scan_rules) {
      if (!e->scored) {
        Scan(ev.system_text, Scope::kSystem, 0.5f);
        system_scores_[slot] = scores_;
        e->scored = true;
      } else {
        scores_ = system_scores_[slot];
      }
    }
    f.system_template = e->template_fp;
    f.system_chars = e->chars;
  }

  if (!ev.prompt_text.empty()) {
    f.prompt_template = TemplateFingerprint(ev.prompt_text);
    f.prompt_chars = static_cast<uint32_t>(ev.prompt_text.size());
    if (scan_rules) Scan(ev.prompt_text, Scope::kPrompt, 1.0f);
  }
  if (!scan_rules) return;

  const bool tools = ev.tool_definitions > 0 || ev.tool_calls > 0;
  float best = 0;
  for (size_t i = 0; i < pack_.categories().size(); ++i) {
    const Category& c = pack_.categories()[i];
    float& s = scores_[slot_of_category_[i]];
    if (tools) s += static_cast<float>(c.tools_weight);
    if (s < c.threshold) continue;
    if (c.kind == CategoryKind::kFrame) {
      f.frame_bits |= 1u << c.bit;
    } else {
      f.capability_bits |= 1u << c.bit;
      // Ties go to the category listed first in the pack.
      if (s > best) {
        best = s;
        f.primary_capability = static_cast<uint8_t>(c.bit);
      }
    }
  }
}

}  // namespace hw::features
