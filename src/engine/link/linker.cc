#include "engine/link/linker.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>

#include "engine/common/hash.h"
#include "engine/common/rng.h"

namespace hw::link {

namespace {

using fingerprint::AccountState;
using policy::Channel;

constexpr size_t kBands = 16;
constexpr size_t kRows = 2;
constexpr double kMinSyncJaccard = 8.0 / 64;
constexpr double kMinTemplateJaccard = 3.0 / 32;
constexpr double kMinTemplateSizeRatio = 0.25;

size_t Ch(Channel c) { return static_cast<size_t>(c); }

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n), rank_(n, 0) {
    for (size_t i = 0; i < n; ++i) parent_[i] = static_cast<uint32_t>(i);
  }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  bool Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    if (rank_[a] < rank_[b]) std::swap(a, b);
    parent_[b] = a;
    if (rank_[a] == rank_[b]) ++rank_[a];
    return true;
  }

 private:
  std::vector<uint32_t> parent_;
  std::vector<uint8_t> rank_;
};

// What the linker keeps per account: keys resolved once.
struct Node {
  const AccountState* s = nullptr;
  const decode::AccountInfo* info = nullptr;
  // Orders bucket members: a hash of user.id, not the table index, so that
  // the pairs compared do not depend on the order accounts were first seen
  // (analyze sorts its table, the online engine cannot).
  uint64_t id_hash = 0;
  uint64_t payment = 0, org = 0, domain = 0;
  bool verified_org = false;
  std::array<uint64_t, 4> subnets{};
  std::array<uint64_t, 3> systems{};
  std::array<uint64_t, 2> kits{};
  std::array<uint64_t, 4> templates{};
  uint64_t agent = 0;
  // Sign-up window bucket, for accounts that signed up shortly before they
  // were first seen (an old account's sign-up date says nothing about a
  // campaign running now); 0 otherwise.
  uint64_t signup = 0;
  double frame_share = 0;  // elicitation-weighted frame matches per request
  double template_items = 0, minute_items = 0;
};

// Keys that cover at least this share of an account's requests count as its own.
constexpr double kMainShare = 0.1;

template <size_t K, size_t N>
void TopKeys(const HeavyHitters<K>& hh, uint64_t requests, std::array<uint64_t, N>* out) {
  size_t i = 0;
  hh.ForEach([&](const auto& e) {
    if (i < N && e.count >= kMainShare * static_cast<double>(requests)) (*out)[i++] = e.key;
  });
}

template <size_t N>
bool SharesAny(const std::array<uint64_t, N>& a, const std::array<uint64_t, N>& b,
               uint64_t* which) {
  for (uint64_t x : a) {
    if (!x) continue;
    for (uint64_t y : b) {
      if (x == y) {
        *which = x;
        return true;
      }
    }
  }
  return false;
}

// Partner intelligence, per account: the partner groups it belongs to (a
// partner campaign, or an indicator that names none) with its strength in
// each, sorted by group. Strength: the kind's factor (a shared account
// counts fully; a network or a template, which may hold other customers,
// half) times the rarity of the indicator among eligible accounts, the
// strongest of the account's indicators in that group.
constexpr double kPartnerWeakKind = 0.5;
using PartnerGroups = std::vector<std::pair<uint64_t, double>>;

std::vector<PartnerGroups> GroupPartnerMatches(const intel::Matches& matches,
                                               const std::vector<uint32_t>& eligible, size_t n,
                                               double common_at) {
  std::vector<PartnerGroups> out(n);
  if (matches.intel == nullptr) return out;
  auto indicator_key = [](const intel::Match& m) {
    return MixSeed(MixSeed(0x1a7e1u, m.partner), m.indicator);
  };
  absl::flat_hash_map<uint64_t, uint32_t> accounts;
  for (uint32_t i : eligible) {
    for (const intel::Match& m : matches.of(i)) accounts[indicator_key(m)]++;
  }
  const auto& partners = matches.intel->partners();
  for (uint32_t i : eligible) {
    PartnerGroups& g = out[i];
    auto add = [&g](uint64_t group, double strength) {
      for (auto& [k, w] : g) {
        if (k == group) {
          w = std::max(w, strength);
          return;
        }
      }
      g.emplace_back(group, strength);
    };
    for (const intel::Match& m : matches.of(i)) {
      const double strength = (m.kind == intel::IndicatorKind::kAccount ? 1.0 : kPartnerWeakKind) *
                              Rarity(accounts[indicator_key(m)], common_at);
      const intel::Indicator& ind = partners[m.partner].indicators[m.indicator];
      if (ind.campaigns.empty()) add(MixSeed(indicator_key(m), 1), strength);
      for (uint32_t c : ind.campaigns) add(MixSeed(MixSeed(0xca3bu, m.partner), c), strength);
    }
    std::sort(g.begin(), g.end());
  }
  return out;
}

// Over the groups both accounts belong to: the best of the weaker strengths.
double SharedPartnerStrength(const PartnerGroups& a, const PartnerGroups& b) {
  double best = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].first < b[j].first) {
      ++i;
    } else if (b[j].first < a[i].first) {
      ++j;
    } else {
      best = std::max(best, std::min(a[i].second, b[j].second));
      ++i;
      ++j;
    }
  }
  return best;
}

}  // namespace

double Rarity(double n, double common_at) noexcept {
  if (common_at <= 0) return 1;
  if (n <= 2) return 1;
  if (n >= common_at) return 0;
  return 1 - std::log(n / 2) / std::log(common_at / 2);
}

double OverlapCoefficient(double jaccard, double size_a, double size_b) noexcept {
  if (jaccard <= 0 || size_a <= 0 || size_b <= 0) return 0;
  const double inter = jaccard / (1 + jaccard) * (size_a + size_b);
  return std::min(1.0, inter / std::min(size_a, size_b));
}

double TemplateOverlap(double jaccard, double size_a, double size_b) noexcept {
  // One chance slot in common (Jaccard 1/32) between 5 templates and 300
  // reads as all 5 shared: online, a new account's first five prompts, drawn
  // from common templates, linked it to a busy stranger (evasive, replay).
  // Shared top templates still count.
  if (std::min(size_a, size_b) < kMinTemplateSizeRatio * std::max(size_a, size_b) ||
      jaccard < kMinTemplateJaccard) {
    return 0;
  }
  return OverlapCoefficient(jaccard, size_a, size_b);
}

double Coactivity(const std::array<uint32_t, 24>& a, const std::array<uint32_t, 24>& b) noexcept {
  double sa = 0, sb = 0, dot = 0;
  for (size_t h = 0; h < 24; ++h) {
    sa += a[h];
    sb += b[h];
    dot += static_cast<double>(a[h]) * b[h];
  }
  return sa > 0 && sb > 0 ? 24 * dot / (sa * sb) : 1;
}

double ExcessSynchrony(double jaccard, double ma, double mb, double span_a, double span_b,
                       double overlap, double coactivity) noexcept {
  if (jaccard <= 0 || ma <= 0 || mb <= 0 || overlap <= 0) return 0;
  // A 64-slot MinHash cannot resolve the overlap of sets of very different
  // sizes, nor a Jaccard below ~4 matching slots: no evidence either way.
  if (std::min(ma, mb) < 0.25 * std::max(ma, mb) || jaccard < kMinSyncJaccard) return 0;
  const double inter = jaccard / (1 + jaccard) * (ma + mb);
  // Each account's minutes inside the shared span, at its own average rate.
  const double ia = std::min(ma, ma * overlap / std::max(span_a, 1.0));
  const double ib = std::min(mb, mb * overlap / std::max(span_b, 1.0));
  const double expected = std::min(std::min(ia, ib), ia * ib / overlap * std::max(1.0, coactivity));
  const double room = std::min(ia, ib) - expected;
  // Fewer than 20 minutes of possible excess: too little to tell.
  if (room < 20) return 0;
  return std::clamp((inter - expected) / room, 0.0, 1.0);
}

LinkResult Linker::Link(const fingerprint::AccountTable& table,
                        const std::vector<const decode::AccountInfo*>& infos,
                        const intel::Matches* partner) const {
  const policy::LinkPolicy& p = policy_;
  const size_t n = table.size();
  std::vector<Node> nodes(n);
  std::vector<uint32_t> eligible;
  for (size_t i = 0; i < n; ++i) {
    Node& nd = nodes[i];
    nd.s = &table.state(i);
    nd.id_hash = Hash64(table.id(i));
    nd.info = i < infos.size() ? infos[i] : nullptr;
    if (nd.s->requests < p.min_requests) continue;
    eligible.push_back(static_cast<uint32_t>(i));
    if (nd.info) {
      if (!nd.info->payment.empty()) nd.payment = Hash64(nd.info->payment, 1);
      if (!nd.info->organization.empty()) nd.org = Hash64(nd.info->organization, 2);
      if (!nd.info->email_domain.empty()) nd.domain = Hash64(nd.info->email_domain, 3);
      nd.verified_org = nd.org != 0 && nd.info->verification == decode::Verification::kEnterprise;
      const TimeUs window =
          std::max<TimeUs>(kUsPerHour, static_cast<TimeUs>(p.signup_window_hours * kUsPerHour));
      if (nd.info->created != INT64_MIN && nd.info->created >= nd.s->first_time - 30 * kUsPerDay) {
        nd.signup = MixSeed(0x5167u, static_cast<uint64_t>(FloorDiv(nd.info->created, window)));
      }
    }
    TopKeys(nd.s->top_subnets, nd.s->requests, &nd.subnets);
    TopKeys(nd.s->top_systems, nd.s->requests, &nd.systems);
    TopKeys(nd.s->top_tool_kits, nd.s->requests, &nd.kits);
    TopKeys(nd.s->top_templates, nd.s->templated / 4, &nd.templates);
    std::array<uint64_t, 1> agent{};
    TopKeys(nd.s->top_agents, nd.s->requests, &agent);
    nd.agent = agent[0];
    nd.template_items = nd.s->prompt_templates.Estimate();
    for (size_t f = 0; f < frame_weights_.size() && f < features::kMaxCategories; ++f)
      nd.frame_share += frame_weights_[f] * nd.s->frames[f];
    nd.frame_share /= nd.s->ScannedOr1();
    nd.minute_items = nd.s->minute_sig.empty() ? 0 : nd.s->active_minutes.Estimate();
  }

  // How many accounts hold each key, per channel, for rarity.
  std::array<absl::flat_hash_map<uint64_t, uint32_t>, policy::kChannels> counts;
  auto count_key = [&](Channel c, uint64_t k) {
    if (k) counts[Ch(c)][k]++;
  };
  for (uint32_t i : eligible) {
    const Node& nd = nodes[i];
    count_key(Channel::kPayment, nd.payment);
    count_key(Channel::kOrganization, nd.org);
    count_key(Channel::kEmailDomain, nd.domain);
    count_key(Channel::kUserAgent, nd.agent);
    count_key(Channel::kSignup, nd.signup);
    for (uint64_t k : nd.subnets) count_key(Channel::kSubnet, k);
    for (uint64_t k : nd.systems) count_key(Channel::kSystemPrompt, k);
    for (uint64_t k : nd.kits) count_key(Channel::kToolKit, k);
    for (uint64_t k : nd.templates) count_key(Channel::kTemplates, k);
  }
  auto count_of = [&](Channel c, uint64_t k) -> double {
    auto it = counts[Ch(c)].find(k);
    return it == counts[Ch(c)].end() ? 0 : it->second;
  };
  auto rare = [&](Channel c, uint64_t k) {
    const policy::ChannelPolicy& cp = p.channels[Ch(c)];
    return cp.weight * Rarity(count_of(c, k), cp.common_at);
  };

  std::vector<PartnerGroups> partner_groups;
  if (partner != nullptr && p.channels[Ch(Channel::kPartner)].weight > 0) {
    partner_groups =
        GroupPartnerMatches(*partner, eligible, n, p.channels[Ch(Channel::kPartner)].common_at);
  }

  auto pair_evidence = [&](uint32_t a, uint32_t b) {
    Linker::PairEvidence ev;
    const Node& x = nodes[a];
    const Node& y = nodes[b];
    auto add = [&](Channel c, double w) {
      ev.by_channel[Ch(c)] = w;
      ev.total += w;
    };
    const auto& ch = p.channels;
    if (x.payment && x.payment == y.payment) {
      // Symmetric, so that the pair's weight does not depend on which account
      // comes first: both in the same verified organisation.
      const bool company = x.verified_org && y.verified_org && x.org == y.org;
      add(Channel::kPayment,
          ch[Ch(Channel::kPayment)].weight * (company ? p.company_card_factor : 1.0));
    }
    if (x.org && x.org == y.org) add(Channel::kOrganization, ch[Ch(Channel::kOrganization)].weight);
    if (x.domain && x.domain == y.domain)
      add(Channel::kEmailDomain, rare(Channel::kEmailDomain, x.domain));
    uint64_t k = 0;
    if (SharesAny(x.subnets, y.subnets, &k)) add(Channel::kSubnet, rare(Channel::kSubnet, k));
    if (x.agent && x.agent == y.agent) add(Channel::kUserAgent, rare(Channel::kUserAgent, x.agent));
    if (SharesAny(x.systems, y.systems, &k))
      add(Channel::kSystemPrompt, rare(Channel::kSystemPrompt, k));
    if (SharesAny(x.kits, y.kits, &k)) add(Channel::kToolKit, rare(Channel::kToolKit, k));
    {
      const policy::ChannelPolicy& cp = ch[Ch(Channel::kTemplates)];
      double sim = 0;
      if (x.template_items >= cp.min_items && y.template_items >= cp.min_items) {
        sim = TemplateOverlap(x.s->template_sig.Jaccard(y.s->template_sig), x.template_items,
                              y.template_items);
      }
      size_t shared_top = 0;
      for (uint64_t t : x.templates) {
        if (t && std::find(y.templates.begin(), y.templates.end(), t) != y.templates.end())
          ++shared_top;
      }
      sim = std::max(sim, std::min(1.0, 0.25 * static_cast<double>(shared_top)));
      ev.template_similarity = sim;
      if (sim >= cp.min_similarity) add(Channel::kTemplates, cp.weight * sim);
    }
    {
      const policy::ChannelPolicy& cp = ch[Ch(Channel::kSynchrony)];
      if (x.minute_items >= cp.min_items && y.minute_items >= cp.min_items) {
        auto span = [](const AccountState& s) {
          return static_cast<double>(s.last_time - s.first_time) / kUsPerMinute + 1;
        };
        const double overlap = static_cast<double>(std::min(x.s->last_time, y.s->last_time) -
                                                   std::max(x.s->first_time, y.s->first_time)) /
                                   kUsPerMinute +
                               1;
        const double sim = ExcessSynchrony(x.s->minute_sig.Jaccard(y.s->minute_sig), x.minute_items,
                                           y.minute_items, span(*x.s), span(*y.s), overlap,
                                           Coactivity(x.s->hours, y.s->hours));
        ev.synchrony = sim;
        ev.synchrony_measured = true;
        if (sim >= cp.min_similarity) add(Channel::kSynchrony, cp.weight * sim);
      }
    }
    if (x.signup && x.signup == y.signup) add(Channel::kSignup, rare(Channel::kSignup, x.signup));
    {
      const policy::ChannelPolicy& cp = ch[Ch(Channel::kProfile)];
      if (cp.weight > 0 && x.frame_share >= cp.min_items && y.frame_share >= cp.min_items) {
        double dot = 0, nx = 0, ny = 0;
        for (size_t f = 0; f < frame_weights_.size() && f < features::kMaxCategories; ++f) {
          const double a = frame_weights_[f] * x.s->frames[f];
          const double b = frame_weights_[f] * y.s->frames[f];
          dot += a * b;
          nx += a * a;
          ny += b * b;
        }
        const double cos = nx > 0 && ny > 0 ? dot / std::sqrt(nx * ny) : 0;
        if (cos >= cp.min_similarity) add(Channel::kProfile, cp.weight * cos);
      }
    }
    if (!partner_groups.empty()) {
      const double w = SharedPartnerStrength(partner_groups[a], partner_groups[b]);
      if (w > 0) add(Channel::kPartner, ch[Ch(Channel::kPartner)].weight * w);
    }
    return ev;
  };

  // Buckets: (key, order, account). The order scatters members so that each
  // bucket's sorted neighbourhood is a fresh random sample.
  struct Entry {
    uint64_t key;
    uint64_t order;
    uint32_t account;
  };
  // Partner groups are compared after every local bucket (late_entries):
  // a pair that local evidence can join is then joined by it, so the
  // component's behaviour means (template sharing, synchrony, profile) are
  // measured on the pairs that show the behaviour, and partner evidence
  // only adds what local evidence lacks (docs/SHARING.md).
  std::vector<Entry> entries, late_entries;
  auto put_into = [&](std::vector<Entry>& into, uint64_t salt, uint64_t k, uint32_t a) {
    if (!k) return;
    const uint64_t key = MixSeed(salt, k);
    into.push_back({key, MixSeed(key, nodes[a].id_hash), a});
  };
  auto put = [&](uint64_t salt, uint64_t k, uint32_t a) { put_into(entries, salt, k, a); };
  for (uint32_t i : eligible) {
    const Node& nd = nodes[i];
    put(1, nd.payment, i);
    put(2, nd.org, i);
    if (count_of(Channel::kEmailDomain, nd.domain) <
            p.channels[Ch(Channel::kEmailDomain)].common_at ||
        p.channels[Ch(Channel::kEmailDomain)].common_at == 0) {
      put(3, nd.domain, i);
    }
    for (uint64_t k : nd.subnets) put(4, k, i);
    for (uint64_t k : nd.systems) put(5, k, i);
    for (uint64_t k : nd.kits) put(6, k, i);
    for (uint64_t k : nd.templates) put(7, k, i);
    if (nd.template_items >= p.channels[Ch(Channel::kTemplates)].min_items) {
      for (size_t b = 0; b < kBands; ++b) put(100 + b, nd.s->template_sig.Band(b, kRows), i);
    }
    if (nd.minute_items >= p.channels[Ch(Channel::kSynchrony)].min_items) {
      for (size_t b = 0; b < 2 * kBands; ++b) put(200 + b, nd.s->minute_sig.Band(b, kRows), i);
    }
    if (!partner_groups.empty()) {
      for (const auto& [group, strength] : partner_groups[i]) put_into(late_entries, 8, group, i);
    }
  }
  auto by_key = [](const Entry& a, const Entry& b) {
    if (a.key != b.key) return a.key < b.key;
    return a.order != b.order ? a.order < b.order : a.account < b.account;
  };
  std::sort(entries.begin(), entries.end(), by_key);
  std::sort(late_entries.begin(), late_entries.end(), by_key);

  LinkResult out;
  UnionFind uf(n);
  struct Acc {
    std::array<double, policy::kChannels> evidence{};
    std::array<uint32_t, policy::kChannels> edges_by_channel{};
    uint32_t edges = 0;
    double tsim = 0, sync = 0;
  };
  auto try_pair = [&](uint32_t a, uint32_t b) {
    if (uf.Find(a) == uf.Find(b)) return;
    ++out.pairs_compared;
    Linker::PairEvidence ev = pair_evidence(a, b);
    if (ev.total >= p.threshold) {
      uf.Union(a, b);
      ++out.edges;
      out.edges_joined.push_back(Edge{a, b, ev.total, ev.by_channel, ev.template_similarity,
                                      ev.synchrony, ev.synchrony_measured});
    }
  };
  auto compare_buckets = [&](const std::vector<Entry>& sorted) {
    for (size_t lo = 0; lo < sorted.size();) {
      size_t hi = lo + 1;
      while (hi < sorted.size() && sorted[hi].key == sorted[lo].key) ++hi;
      const size_t m = hi - lo;
      if (m >= 2 && m <= p.max_bucket) {
        if (m <= p.all_pairs_below) {
          for (size_t i = lo; i < hi; ++i) {
            for (size_t j = i + 1; j < hi; ++j) try_pair(sorted[i].account, sorted[j].account);
          }
        } else {
          for (size_t i = lo; i < hi; ++i) {
            for (size_t j = i + 1; j < std::min(hi, i + 1 + p.neighbours); ++j) {
              try_pair(sorted[i].account, sorted[j].account);
            }
          }
        }
      }
      lo = hi;
    }
  };
  compare_buckets(entries);
  compare_buckets(late_entries);

  // Components of at least min_campaign_accounts, numbered by smallest member.
  out.component_of.assign(n, -1);
  std::vector<uint32_t> size(n, 0);
  for (uint32_t i = 0; i < n; ++i) size[uf.Find(i)]++;
  absl::flat_hash_map<uint32_t, int32_t> root_to_comp;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t r = uf.Find(i);
    if (size[r] < p.min_campaign_accounts) continue;
    auto [it, inserted] = root_to_comp.try_emplace(r, static_cast<int32_t>(out.components.size()));
    if (inserted) out.components.emplace_back();
    out.components[static_cast<size_t>(it->second)].members.push_back(i);
    out.component_of[i] = it->second;
  }
  for (const Edge& ev : out.edges_joined) {
    const int32_t c = out.component_of[ev.a];
    if (c < 0) continue;
    Component& comp = out.components[static_cast<size_t>(c)];
    ++comp.edges;
    comp.shared_evidence +=
        ev.total - ev.by_channel[Ch(Channel::kTemplates)] - ev.by_channel[Ch(Channel::kProfile)];
    const double partner_weight = ev.by_channel[Ch(Channel::kPartner)];
    for (size_t k = 0; k < policy::kChannels; ++k) {
      comp.evidence[k] += ev.by_channel[k];
      if (ev.by_channel[k] > 0) comp.edges_by_channel[k]++;
    }
    if (partner_weight > 0 && ev.total - partner_weight < p.threshold) {
      ++comp.partner_needed_edges;
      continue;
    }
    ++comp.local_edges;
    comp.template_similarity += ev.template_similarity;
    comp.synchrony += ev.synchrony;
    comp.synchrony_edges += ev.synchrony_measured;
    if (ev.by_channel[Ch(Channel::kProfile)] > 0) ++comp.local_profile_edges;
  }
  for (Component& comp : out.components) {
    if (comp.edges) comp.shared_evidence /= comp.edges;
    if (comp.local_edges) {
      comp.template_similarity /= comp.local_edges;
    }
    if (comp.synchrony_edges) comp.synchrony /= comp.synchrony_edges;
  }
  return out;
}

}  // namespace hw::link
