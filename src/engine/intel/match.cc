// Matching accounts against partner indicators, from per-account summaries
// after folding (no per-event cost): hash lookups per main network, main
// template and account id.
#include <algorithm>

#include "engine/intel/intel.h"

namespace hw::intel {

namespace {

// The account networks' lengths (fingerprint::SubnetKey): /24 and /48.
constexpr uint8_t kV4Base = 24;
constexpr uint8_t kV6Base = 48;
// Main networks and templates, as the linker counts them (docs/POLICY.md).
constexpr double kMainShare = 0.1;
constexpr double kMainTemplateShare = 0.025;

uint64_t Mask(uint8_t prefix, int bits) {
  if (prefix == 0) return 0;
  const uint64_t all = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return (all << (bits - prefix)) & all;
}

// The top 64 bits (IPv6) or the 32 bits (IPv4) of an address, host order.
uint64_t Top(const Network& n) {
  uint64_t v = 0;
  const int bytes = n.ipv6 ? 8 : 4;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | n.addr[static_cast<size_t>(i)];
  return v;
}

bool Valid(const Indicator& ind, const fingerprint::AccountState& s) {
  if (ind.valid_from && s.last_time < *ind.valid_from) return false;
  if (ind.valid_until && s.first_time >= *ind.valid_until) return false;
  return true;
}

}  // namespace

const std::vector<Match>& Matches::of(size_t account) const {
  static const std::vector<Match> kNone;
  return account < by_account.size() ? by_account[account] : kNone;
}

IntelSet::IntelSet(std::vector<PartnerIntel> partners, std::string salt)
    : partners_(std::move(partners)), salt_(std::move(salt)) {
  Compile();
}

Result<IntelSet> IntelSet::Load(const std::vector<std::string>& paths, std::string salt) {
  std::vector<PartnerIntel> partners;
  for (const std::string& p : paths) {
    auto b = LoadBundle(p);
    if (!b.ok()) return b.status();
    partners.push_back(std::move(b).value());
  }
  return IntelSet(std::move(partners), std::move(salt));
}

size_t IntelSet::indicator_count() const noexcept {
  size_t n = 0;
  for (const auto& p : partners_) n += p.indicators.size();
  return n;
}

void IntelSet::Compile() {
  for (uint32_t pi = 0; pi < partners_.size(); ++pi) {
    const PartnerIntel& p = partners_[pi];
    for (uint32_t ii = 0; ii < p.indicators.size(); ++ii) {
      const Ref ref{pi, ii};
      for (const Observable& o : p.indicators[ii].observables) {
        switch (o.kind) {
          case IndicatorKind::kNetwork: {
            const uint8_t base = o.network.ipv6 ? kV6Base : kV4Base;
            const int bits = o.network.ipv6 ? 64 : 32;
            const uint8_t prefix = std::min(o.network.prefix, base);
            const NetKey key{static_cast<uint8_t>(o.network.ipv6 ? 6 : 4), prefix,
                             Top(o.network) & Mask(prefix, bits)};
            networks_[key].push_back(ref);
            auto& prefixes = o.network.ipv6 ? v6_prefixes_ : v4_prefixes_;
            if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end())
              prefixes.push_back(prefix);
            break;
          }
          case IndicatorKind::kTemplate:
            templates_[o.template_key].push_back(ref);
            break;
          case IndicatorKind::kAccount:
            accounts_[o.account].push_back(ref);
            break;
        }
      }
    }
  }
  std::sort(v4_prefixes_.begin(), v4_prefixes_.end());
  std::sort(v6_prefixes_.begin(), v6_prefixes_.end());
}

void IntelSet::MatchOne(const Ref& r, IndicatorKind kind, const fingerprint::AccountState& s,
                        std::vector<hw::intel::Match>* out) const {
  if (!Valid(partners_[r.partner].indicators[r.indicator], s)) return;
  out->push_back({r.partner, r.indicator, kind});
}

Matches IntelSet::Match(const fingerprint::AccountTable& table) const {
  Matches m;
  m.intel = this;
  m.by_account.resize(table.size());
  if (partners_.empty()) return m;
  std::string salted = salt_;
  for (size_t i = 0; i < table.size(); ++i) {
    const fingerprint::AccountState& s = table.state(i);
    std::vector<hw::intel::Match>& out = m.by_account[i];
    if (!networks_.empty()) {
      s.top_subnets.ForEach([&](const auto& e) {
        if (e.count < kMainShare * static_cast<double>(s.requests)) return;
        const bool v6 = (e.key >> 48) == 6;
        const uint64_t value = v6 ? (e.key & 0xffffffffffffULL) << 16 : e.key & 0xffffffffULL;
        for (uint8_t prefix : v6 ? v6_prefixes_ : v4_prefixes_) {
          const NetKey key{static_cast<uint8_t>(v6 ? 6 : 4), prefix,
                           value & Mask(prefix, v6 ? 64 : 32)};
          auto it = networks_.find(key);
          if (it == networks_.end()) continue;
          for (const Ref& r : it->second) MatchOne(r, IndicatorKind::kNetwork, s, &out);
        }
      });
    }
    if (!templates_.empty()) {
      s.top_templates.ForEach([&](const auto& e) {
        if (e.count < kMainTemplateShare * static_cast<double>(s.templated)) return;
        auto it = templates_.find(e.key);
        if (it == templates_.end()) return;
        for (const Ref& r : it->second) MatchOne(r, IndicatorKind::kTemplate, s, &out);
      });
    }
    if (!accounts_.empty()) {
      salted.resize(salt_.size());
      salted += table.id(i);
      auto it = accounts_.find(Sha256Of(salted));
      if (it != accounts_.end()) {
        for (const Ref& r : it->second) MatchOne(r, IndicatorKind::kAccount, s, &out);
      }
    }
    if (out.empty()) continue;
    // One entry per indicator, with the strongest kind that matched it.
    std::sort(out.begin(), out.end(), [](const hw::intel::Match& a, const hw::intel::Match& b) {
      if (a.partner != b.partner) return a.partner < b.partner;
      if (a.indicator != b.indicator) return a.indicator < b.indicator;
      return a.kind > b.kind;
    });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const hw::intel::Match& a, const hw::intel::Match& b) {
                            return a.partner == b.partner && a.indicator == b.indicator;
                          }),
              out.end());
    ++m.matched_accounts;
  }
  return m;
}

}  // namespace hw::intel
