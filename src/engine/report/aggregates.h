// What case files chart, computed from the account states when the result is
// written (a case file is drawn from the result directory alone): per
// campaign the requests and active accounts per day, sign-ups per day, the
// hour-of-day profile, models with their adoption, user agents and prompt
// templates with counts and the link structure; once for the benign
// baseline (accounts outside attack campaigns). docs/FORMAT.md, campaigns.json.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/common/json_writer.h"
#include "engine/report/writer.h"

namespace hw::report {

// Writes the keys daily, signups, hours, models and link_groups into the
// campaign object being written.
void WriteCampaignAggregates(JsonWriter& w, const RunView& run, const link::Component& comp,
                             const score::CampaignScore& c);
// Writes user_agents and template_fingerprints into the campaign's
// indicators object.
void WriteContentIndicators(JsonWriter& w, const RunView& run, const link::Component& comp);
// Writes the top-level "baseline" key: accounts not in an attack campaign.
void WriteBaseline(JsonWriter& w, const RunView& run);

}  // namespace hw::report
