// Linking: joins accounts into candidate campaigns from their per-account
// summaries (fingerprint::AccountState + registry), never from raw events.
//
// Candidate pairs come from buckets of shared keys (payment, organisation,
// domain, network, system prompt, tool kit, prompt templates) and from LSH
// bands of the template and active-minute MinHash signatures; inside a large
// bucket only a sorted neighbourhood is compared, so the work is linear in
// the number of accounts. A pair is an edge when the summed, rarity-weighted
// evidence of all channels reaches the policy threshold; campaigns are the
// connected components.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/decode/registry.h"
#include "engine/fingerprint/account_table.h"
#include "engine/policy/policy.h"

namespace hw::link {

struct Component {
  std::vector<uint32_t> members;  // account indices, ascending
  // Summed channel contributions over the edges that joined the component.
  std::array<double, policy::kChannels> evidence{};
  // Edges per channel that contributed to the joining edges.
  std::array<uint32_t, policy::kChannels> edges_by_channel{};
  uint32_t edges = 0;
  double template_similarity = 0;  // mean over joining edges
  double synchrony = 0;            // mean over joining edges
};

struct LinkResult {
  // Component index per account (index into components), or -1 when the
  // account is in no component of at least min_campaign_accounts.
  std::vector<int32_t> component_of;
  std::vector<Component> components;  // ordered by smallest member index
  uint64_t pairs_compared = 0;
  uint64_t edges = 0;
};

class Linker {
 public:
  explicit Linker(const policy::LinkPolicy& policy) : policy_(policy) {}
  // `registry` may be null (no registry given). `infos` must hold, for each
  // account of `table`, its registry entry or null.
  LinkResult Link(const fingerprint::AccountTable& table,
                  const std::vector<const decode::AccountInfo*>& infos) const;

  // The summed weight and per-channel contributions for one pair; exposed for
  // tests and for explaining an edge.
  struct PairEvidence {
    double total = 0;
    std::array<double, policy::kChannels> by_channel{};
    double template_similarity = 0;
    double synchrony = 0;
  };

 private:
  const policy::LinkPolicy& policy_;
};

// Weight multiplier in [0,1] for a key shared by `n` accounts: 1 for a pair,
// falling with log(n) to 0 at `common_at` (0: no rarity weighting).
double Rarity(double n, double common_at) noexcept;

// |A & B| / min(|A|, |B|) estimated from MinHash Jaccard and set sizes.
double OverlapCoefficient(double jaccard, double size_a, double size_b) noexcept;

}  // namespace hw::link
