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

FeatureExtractor::SystemEntry* FeatureExtractor::FindSystem(uint64_t hash, uint32_t chars,
                                                            size_t* slot) noexcept {
  const size_t set = hash % kSystemSets;
  for (size_t way = 0; way < 2; ++way) {
    SystemEntry& e = system_cache_[2 * set + way];
    if (e.text_hash == hash && e.chars == chars) {
      *slot = 2 * set + way;
      return &e;
    }
  }
  return nullptr;
}

void FeatureExtractor::Fingerprint(const Event& ev, RequestFeatures* out) noexcept {
  RequestFeatures& f = *out;
  f = RequestFeatures();
  f.scanned = false;
  if (!ev.system_text.empty()) {
    const uint64_t h = Hash64(ev.system_text);
    const auto chars = static_cast<uint32_t>(ev.system_text.size());
    const size_t set = h % kSystemSets;
    size_t slot = 0;
    SystemEntry* e = FindSystem(h, chars, &slot);
    if (e == nullptr) {
      // Miss: replace the way not used last.
      slot = 2 * set + (system_recent_[set] ^ 1u);
      e = &system_cache_[slot];
      e->text_hash = h;
      e->chars = chars;
      e->scored = false;
      e->template_fp = TemplateFingerprint(ev.system_text, kWholeText);
    }
    system_recent_[set] = static_cast<uint8_t>(slot & 1);
    f.system_template = e->template_fp;
    f.system_chars = e->chars;
  }
  if (!ev.prompt_text.empty()) {
    f.prompt_template = TemplateFingerprint(ev.prompt_text);
    f.prompt_chars = static_cast<uint32_t>(ev.prompt_text.size());
  }
}

void FeatureExtractor::ScanRules(std::string_view system_text, std::string_view prompt_text,
                                 bool tools, RequestFeatures* out) noexcept {
  RequestFeatures& f = *out;
  f.scanned = true;
  f.frame_bits = 0;
  f.capability_bits = 0;
  f.primary_capability = kNoCategory;
  scores_.fill(0);

  // System prompt: scanned at half weight, since it describes the product
  // more than this request. Its scores are kept with its cache entry, filled
  // by the first request that wants them; a text no longer cached is
  // scanned again (the scores are a function of the text alone).
  if (!system_text.empty()) {
    size_t slot = 0;
    SystemEntry* e =
        FindSystem(Hash64(system_text), static_cast<uint32_t>(system_text.size()), &slot);
    if (e != nullptr && e->scored) {
      scores_ = system_scores_[slot];
    } else {
      Scan(system_text, Scope::kSystem, 0.5f);
      if (e != nullptr) {
        system_scores_[slot] = scores_;
        e->scored = true;
      }
    }
  }
  if (!prompt_text.empty()) Scan(prompt_text, Scope::kPrompt, 1.0f);

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

void FeatureExtractor::Extract(const Event& ev, RequestFeatures* out, bool scan_rules) noexcept {
  Fingerprint(ev, out);
  if (scan_rules) ScanRules(ev.system_text, ev.prompt_text, UsesTools(ev), out);
}

}  // namespace hw::features
