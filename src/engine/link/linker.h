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
#include "engine/intel/intel.h"
#include "engine/policy/policy.h"

namespace hw::link {

struct Component {
  std::vector<uint32_t> members;  // account indices, ascending
  // Summed channel contributions over the edges that joined the component.
  std::array<double, policy::kChannels> evidence{};
  // Edges per channel that contributed to the joining edges.
  std::array<uint32_t, policy::kChannels> edges_by_channel{};
  uint32_t edges = 0;
  // Joining edges that reach the threshold only with the partner channel's
  // evidence: without partner intelligence the group would split.
  uint32_t partner_needed_edges = 0;
  // The other joining edges, which stand on local evidence. The behaviour
  // measures are taken over these only: a pair that partner intelligence
  // joined says nothing of how alike the two accounts behave here.
  uint32_t local_edges = 0;
  uint32_t local_profile_edges = 0;  // of local_edges, with profile evidence
  // Of local_edges, those whose two accounts were both active in enough
  // minutes (the synchrony channel's min_items) for synchrony to be measured.
  uint32_t synchrony_edges = 0;
  double template_similarity = 0;  // mean over local_edges
  // Mean over synchrony_edges: a pair too young to measure says nothing of
  // whether it runs in step (0 when synchrony_edges is 0: unmeasured).
  double synchrony = 0;
  // Mean, over all joining edges, of the evidence that the two accounts share
  // something (an instrument, an organisation, a network, a harness, their
  // timing, a partner's naming) rather than merely resemble each other: every
  // channel but `templates` and `profile`. Free-form users of one kind
  // (researchers asking for step-by-step reasoning) resemble each other in
  // content; a network also shares what it runs on.
  double shared_evidence = 0;
};

// One edge that joined two groups: the evidence that convinced the linker.
struct Edge {
  uint32_t a = 0, b = 0;  // account indices
  double total = 0;
  std::array<double, policy::kChannels> by_channel{};
  double template_similarity = 0;
  double synchrony = 0;
  bool synchrony_measured = false;
};

struct LinkResult {
  // Component index per account (index into components), or -1 when the
  // account is in no component of at least min_campaign_accounts.
  std::vector<int32_t> component_of;
  std::vector<Component> components;  // ordered by smallest member index
  // The joining edges (a spanning forest of the components), in the order
  // they were accepted.
  std::vector<Edge> edges_joined;
  uint64_t pairs_compared = 0;
  uint64_t edges = 0;
};

class Linker {
 public:
  // `frame_weights`: elicitation weight per rule-pack frame bit (the score
  // policy's elicitation_frames), for the profile channel; empty disables it.
  explicit Linker(const policy::LinkPolicy& policy, std::vector<double> frame_weights = {})
      : policy_(policy), frame_weights_(std::move(frame_weights)) {}
  // `registry` may be null (no registry given). `infos` must hold, for each
  // account of `table`, its registry entry or null. `partner`: the partner
  // indicators each account matches (the `partner` channel), or null.
  LinkResult Link(const fingerprint::AccountTable& table,
                  const std::vector<const decode::AccountInfo*>& infos,
                  const intel::Matches* partner = nullptr) const;

  // The summed weight and per-channel contributions for one pair; exposed for
  // tests and for explaining an edge.
  struct PairEvidence {
    double total = 0;
    std::array<double, policy::kChannels> by_channel{};
    double template_similarity = 0;
    double synchrony = 0;
    bool synchrony_measured = false;  // both accounts had the minutes for it
  };

 private:
  const policy::LinkPolicy& policy_;
  std::vector<double> frame_weights_;
};

// Weight multiplier in [0,1] for a key shared by `n` accounts: 1 for a pair,
// falling with log(n) to 0 at `common_at` (0: no rarity weighting).
double Rarity(double n, double common_at) noexcept;

// |A & B| / min(|A|, |B|) estimated from MinHash Jaccard and set sizes.
double OverlapCoefficient(double jaccard, double size_a, double size_b) noexcept;

// OverlapCoefficient of two accounts' prompt-template sets from their 32-slot
// MinHash, or 0 where the sketch cannot resolve it: sets more than 4x apart
// in size, or a Jaccard below 3 matching slots.
double TemplateOverlap(double jaccard, double size_a, double size_b) noexcept;

// Synchrony of two accounts' active minutes beyond chance, in [0,1].
// `jaccard` is the MinHash estimate over the sets of active minutes, `ma`,
// `mb` their sizes, `span_a`, `span_b` the minutes from each account's first
// to last request and `overlap` the minutes both spans share. Chance is what
// two accounts active at their own rates, independently, would share in the
// overlap; the result is the share of the smaller set's possible excess that
// is observed: 0 for independent accounts (however busy), 1 when the smaller
// account is active only in minutes the other is too. Two accounts busy in
// nearly every minute carry no timing signal and score 0; so do accounts
// whose activity differs more than 4x, or a Jaccard below 1/8, which a
// 64-slot MinHash cannot tell from noise.
// `coactivity` scales chance for accounts busy in the same hours of the day
// (24 * sum over hours of the product of both accounts' hour shares: 1 for
// flat profiles, more for two accounts that work the same office hours).
double ExcessSynchrony(double jaccard, double ma, double mb, double span_a, double span_b,
                       double overlap, double coactivity = 1) noexcept;

// 24 * sum_h pa[h] * pb[h] over the accounts' hour-of-day shares.
double Coactivity(const std::array<uint32_t, 24>& a, const std::array<uint32_t, 24>& b) noexcept;

}  // namespace hw::link
