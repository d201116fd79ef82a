// Rule scans queued while a batch of lines is decoded and run back to back
// afterwards (FeatureExtractor::Fingerprint per line, ScanRules per queued
// request): the Hyperscan database and the extractor's tables stay in cache
// through the batch instead of competing with the decoder's data per
// request. analyze's workers batch a chunk, serve's fold workers a block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/event.h"
#include "engine/features/extractor.h"
#include "engine/features/request_features.h"

namespace hw::features {

class ScanBatch {
 public:
  // Queues the scan of `ev` as request `slot` (the caller's index).
  // `block` holds the bytes `ev` was decoded from and must stay valid until
  // Run: a text that is a view into it is kept as a view, one elsewhere (an
  // unescaped copy in the decoder's scratch, which dies with the next line)
  // is copied.
  void Add(size_t slot, const Event& ev, std::string_view block) {
    queued_.push_back({slot, Keep(ev.system_text, block), Keep(ev.prompt_text, block),
                       FeatureExtractor::UsesTools(ev)});
  }

  // Scans the queued requests in order, each into *features_of(slot), with
  // the same `block`; then empties the batch.
  template <class FeaturesOf>
  void Run(FeatureExtractor& extractor, std::string_view block, FeaturesOf&& features_of) {
    for (const Queued& q : queued_) {
      extractor.ScanRules(Text(q.system, block), Text(q.prompt, block), q.tools,
                          features_of(q.slot));
    }
    queued_.clear();
    kept_.clear();
  }

 private:
  struct TextRef {
    size_t at = 0, size = 0;
    bool kept = false;  // `at` is an offset into kept_, else into the block
  };
  struct Queued {
    size_t slot;
    TextRef system, prompt;
    bool tools;
  };

  TextRef Keep(std::string_view text, std::string_view block) {
    if (text.empty()) return {};
    // Compared as addresses: the text may lie in another object.
    const auto at_text = reinterpret_cast<uintptr_t>(text.data());
    const auto at_block = reinterpret_cast<uintptr_t>(block.data());
    if (at_text >= at_block && at_text - at_block <= block.size() &&
        text.size() <= block.size() - (at_text - at_block)) {
      return {static_cast<size_t>(at_text - at_block), text.size(), false};
    }
    const size_t at = kept_.size();
    kept_.append(text);
    return {at, text.size(), true};
  }
  std::string_view Text(const TextRef& r, std::string_view block) const {
    return r.kept ? std::string_view(kept_).substr(r.at, r.size) : block.substr(r.at, r.size);
  }

  std::vector<Queued> queued_;
  std::string kept_;  // copies of texts outside the block, appended
};

}  // namespace hw::features
