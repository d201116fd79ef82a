#include "engine/link/linker.h"

#include <gtest/gtest.h>

#include "engine/common/rng.h"

namespace hw::link {
namespace {

using fingerprint::AccountTable;
using fingerprint::Observation;

constexpr TimeUs kStart = int64_t{1776816000} * kUsPerSecond;

struct World {
  AccountTable table;
  std::vector<decode::AccountInfo> infos_storage;
  std::vector<const decode::AccountInfo*> infos;

  fingerprint::AccountState& Add(const std::string& id, decode::AccountInfo info) {
    infos_storage.reserve(1000);
    infos_storage.push_back(std::move(info));
    auto& s = table.Get(id);
    infos.resize(table.size());
    infos[static_cast<size_t>(table.Find(id))] = &infos_storage.back();
    return s;
  }
};

Observation Ob(TimeUs t, uint64_t tmpl, uint64_t subnet, uint64_t ua = 5) {
  Observation ob;
  ob.time = t;
  ob.subnet = subnet;
  ob.address = subnet + 1;
  ob.user_agent = ua;
  ob.features.prompt_template = tmpl;
  ob.features.prompt_chars = 300;
  return ob;
}

LinkResult LinkWorld(const World& w) {
  static const policy::Policy p = policy::DefaultPolicy().value();
  return Linker(p.link).Link(w.table, w.infos);
}

TEST(Linker, JoinsACampaignSharingTemplatesAndTiming) {
  World w;
  Rng r(1);
  // A campaign: 12 accounts draw from 20 templates, dispatched in shared waves
  // (templates alone never link; the shared minutes do the rest).
  for (int a = 0; a < 12; ++a) w.Add("c" + std::to_string(a), {});
  for (int wave = 0; wave < 400; ++wave) {
    const TimeUs t = kStart + static_cast<TimeUs>(r.Below(30 * 24 * 60)) * kUsPerMinute;
    for (int k = 0; k < 4; ++k) {
      const int a = (wave * 5 + k) % 12;  // a rotating window, as a load balancer does
      w.table.Get("c" + std::to_string(a))
          .Update(Ob(t, 1000 + r.Below(20), 0x400000000ULL + r.Below(50) * 256));
    }
  }
  // Strangers: own templates and times.
  for (int a = 0; a < 30; ++a) {
    auto& s = w.Add("b" + std::to_string(a), {});
    for (int k = 0; k < 60; ++k) {
      s.Update(Ob(kStart + static_cast<TimeUs>(r.Below(30 * 24 * 60)) * kUsPerMinute, r.Next() | 1,
                  0x500000000ULL + static_cast<uint64_t>(a) * 256));
    }
  }
  const LinkResult res = LinkWorld(w);
  ASSERT_EQ(res.components.size(), 1u);
  EXPECT_EQ(res.components[0].members.size(), 12u);
  for (int a = 0; a < 30; ++a)
    EXPECT_EQ(res.component_of[static_cast<size_t>(w.table.Find("b" + std::to_string(a)))], -1);
  EXPECT_GT(res.components[0].template_similarity, 0.3);
  EXPECT_GT(res.components[0].edges_by_channel[static_cast<size_t>(policy::Channel::kTemplates)],
            0u);
}

// A VPN exit, a campus NAT with a shared .edu domain and sign-ups in one
// week, or a popular user agent do not join strangers.
TEST(Linker, WeakSharedContextDoesNotChainStrangers) {
  World w;
  Rng r(2);
  for (int a = 0; a < 40; ++a) {
    decode::AccountInfo info;
    info.email_domain = "campus.edu";
    info.created = kStart + static_cast<TimeUs>(r.Below(5 * 24)) * kUsPerHour;
    auto& s = w.Add("s" + std::to_string(a), info);
    for (int k = 0; k < 30; ++k) {
      s.Update(Ob(kStart + static_cast<TimeUs>(r.Below(30 * 24 * 60)) * kUsPerMinute, r.Next() | 1,
                  0x4c0a80100ULL));
    }
  }
  const LinkResult res = LinkWorld(w);
  EXPECT_TRUE(res.components.empty());
}

TEST(Linker, SharedUnverifiedCardPlusOrganisationJoins) {
  World w;
  for (int a = 0; a < 5; ++a) {
    decode::AccountInfo info;
    info.payment = "pm_shared";
    info.organization = "org_1";
    info.verification = decode::Verification::kCard;
    auto& s = w.Add("t" + std::to_string(a), info);
    for (int k = 0; k < 10; ++k)
      s.Update(
          Ob(kStart + (a * 1000 + k) * kUsPerMinute, 77 + static_cast<uint64_t>(a * 100 + k), 0));
  }
  const LinkResult res = LinkWorld(w);
  ASSERT_EQ(res.components.size(), 1u);
  EXPECT_EQ(res.components[0].members.size(), 5u);
}

TEST(Linker, CompanyCardInsideAVerifiedOrganisationCountsLess) {
  World w;
  for (int a = 0; a < 5; ++a) {
    decode::AccountInfo info;
    info.payment = "pm_corp";
    info.organization = "org_big";
    info.verification = decode::Verification::kEnterprise;
    auto& s = w.Add("e" + std::to_string(a), info);
    for (int k = 0; k < 10; ++k)
      s.Update(
          Ob(kStart + (a * 1000 + k) * kUsPerMinute, 99 + static_cast<uint64_t>(a * 100 + k), 0));
  }
  EXPECT_TRUE(LinkWorld(w).components.empty());
}

TEST(Linker, RarityAndOverlapArithmetic) {
  EXPECT_DOUBLE_EQ(Rarity(2, 1000), 1);
  EXPECT_DOUBLE_EQ(Rarity(1000, 1000), 0);
  EXPECT_NEAR(Rarity(std::sqrt(2.0 * 1000), 1000), 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(Rarity(50, 0), 1);
  // |A| = |B| = 100, |A & B| = 50: J = 1/3, overlap 0.5.
  EXPECT_NEAR(OverlapCoefficient(1.0 / 3, 100, 100), 0.5, 1e-9);
  // A inside B: J = 10/100, overlap 1.
  EXPECT_NEAR(OverlapCoefficient(0.1, 10, 100), 1.0, 1e-9);
  // The 32-slot template sketch: sizes within 4x and >= 3 matching slots.
  EXPECT_NEAR(TemplateOverlap(1.0 / 3, 100, 100), 0.5, 1e-9);
  EXPECT_EQ(TemplateOverlap(1.0 / 32, 5, 300), 0);
  EXPECT_EQ(TemplateOverlap(0.1, 10, 100), 0);
  EXPECT_EQ(TemplateOverlap(2.0 / 32, 40, 40), 0);
  EXPECT_GT(TemplateOverlap(3.0 / 32, 40, 40), 0);
}

// Online, a new attack account's first five prompts (common templates) read
// as wholly inside a busy startup account's 300 templates, and with a shared
// system prompt that pulled the startup's whole team into the campaign.
TEST(Linker, AFewCommonTemplatesDoNotLinkANewAccountToABusyOne) {
  World w;
  Rng r(4);
  std::vector<uint64_t> pool;
  for (int k = 0; k < 300; ++k) pool.push_back(r.Next() | 1);
  auto ob = [&](TimeUs t, uint64_t tmpl, uint64_t subnet) {
    Observation o = Ob(t, tmpl, subnet);
    o.features.system_template = 0x5157;
    return o;
  };
  auto& busy = w.Add("busy", {});
  for (int k = 0; k < 900; ++k) {
    busy.Update(ob(kStart + k * 30 * kUsPerMinute, pool[static_cast<size_t>(k) % pool.size()],
                   0x600000000ULL));
  }
  for (int a = 0; a < 10; ++a) {
    auto& fresh = w.Add("fresh" + std::to_string(a), {});
    for (int k = 0; k < 5; ++k) {
      fresh.Update(ob(kStart + (k * 97 + 13 + a) * kUsPerMinute,
                      pool[static_cast<size_t>(r.Below(300))],
                      0x700000000ULL + static_cast<uint64_t>(a) * 256));
    }
  }
  const LinkResult res = LinkWorld(w);
  EXPECT_TRUE(res.edges_joined.empty());
  EXPECT_TRUE(res.components.empty());
}

}  // namespace
}  // namespace hw::link
