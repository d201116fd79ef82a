// The MISP event (docs/SHARING.md, "MISP"): one event in the MISP core format
// with a TLP tag and one attribute per campaign, indicator and hashed
// account. Attribute values are unique per type, as MISP requires within an
// event; an indicator shared by several campaigns says so in its comment.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/common/json_writer.h"
#include "engine/share/digest.h"
#include "engine/share/export.h"
#include "engine/share/export_util.h"

namespace hw::share {

namespace {

using detail::Exported;
using detail::IndicatorKind;

// MISP's datetime form: "2026-04-22T00:00:07.125409+00:00".
std::string MispTime(TimeUs t) {
  const TimeUs secs = FloorDiv(t, kUsPerSecond);
  std::string s = FormatRfc3339(secs * kUsPerSecond);  // "...:SSZ"
  s.pop_back();
  return s + fmt::format(".{:06d}+00:00", t - secs * kUsPerSecond);
}

// TLP level -> MISP distribution: who may receive the event.
const char* Distribution(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "3";  // all communities
    case Tlp::kGreen:
      return "2";  // connected communities
    case Tlp::kAmber:
      return "1";  // this community only
    case Tlp::kAmberStrict:
    case Tlp::kRed:
      return "0";  // your organisation only
  }
  return "0";
}

class EventWriter {
 public:
  EventWriter(const ResultSet& result, const ExportOptions& options)
      : result_(result), options_(options), ex_(detail::SelectForExport(result, options)) {}

  std::string Write();

 private:
  std::string Uuid(std::string_view kind, std::string_view key) const {
    std::string name = options_.identity;
    name += "\nmisp-";
    name.append(kind);
    name += '\n';
    name.append(key);
    return FormatUuid(UuidV5(HydrawatchNamespace(), name));
  }

  void Attribute(const char* type, const char* category, const std::string& value,
                 const std::string& comment, std::optional<TimeUs> first,
                 std::optional<TimeUs> last) {
    w_.BeginObject();
    w_.Key("uuid").String(Uuid(type, value));
    w_.Key("type").String(type).Key("category").String(category);
    w_.Key("value").String(value);
    // Evidence for linking, not a blocking rule: no attribute goes to IDS
    // exports on its own.
    w_.Key("to_ids").Bool(false);
    w_.Key("distribution").String("5");  // inherit the event's
    w_.Key("timestamp").String(timestamp_);
    w_.Key("comment").String(comment);
    if (first) w_.Key("first_seen").String(MispTime(*first));
    if (last) w_.Key("last_seen").String(MispTime(*last));
    w_.EndObject();
  }

  const ResultSet& result_;
  const ExportOptions& options_;
  const Exported ex_;
  std::string timestamp_;
  std::string out_;
  JsonWriter w_{out_};
};

std::string EventWriter::Write() {
  timestamp_ = std::to_string(FloorDiv(ex_.as_of, kUsPerSecond));
  std::string event_key;
  double top_score = 0;
  TimeUs first = ex_.as_of;
  for (const auto& c : ex_.campaigns) {
    event_key += c.key + "\n";
    top_score = std::max(top_score, c.record->score);
    first = std::min(first, c.record->first_seen);
  }

  w_.BeginObject().Key("Event").BeginObject();
  w_.Key("uuid").String(Uuid("event", event_key));
  std::string info = options_.identity + ": ";
  if (ex_.campaigns.empty()) {
    info += "no distillation campaign detected";
  } else {
    info += fmt::format("{} distillation campaign{} ({} exchanges through {} accounts)",
                        ex_.campaigns.size(), ex_.campaigns.size() == 1 ? "" : "s",
                        detail::Thousands(ex_.interactions), detail::Thousands(ex_.accounts));
  }
  w_.Key("info").String(info);
  w_.Key("date").String(FormatDate(first));
  w_.Key("timestamp").String(timestamp_);
  w_.Key("published").Bool(false);
  w_.Key("threat_level_id")
      .String(ex_.campaigns.empty() ? "4"
              : top_score >= 0.8    ? "1"
                                    : "2");  // high/medium/undefined
  w_.Key("analysis").String("2");         // completed
  w_.Key("distribution").String(Distribution(options_.tlp));
  w_.Key("Orgc").BeginObject();
  w_.Key("uuid").String(Uuid("org", ""));
  w_.Key("name").String(options_.identity);
  w_.EndObject();
  w_.Key("Tag").BeginArray();
  w_.BeginObject().Key("name").String(std::string("tlp:") + TlpName(options_.tlp)).EndObject();
  w_.EndArray();

  w_.Key("Attribute").BeginArray();
  for (const auto& c : ex_.campaigns) {
    const CampaignRecord& r = *c.record;
    Attribute("campaign-name", "Attribution",
              options_.identity + " distillation campaign " + r.id + " (" +
                  FormatDate(r.first_seen) + ")",
              detail::CampaignSummary(c, result_.campaigns.policy) +
                  " MITRE ATLAS AML.T0024.002 (Extract ML Model) through AML.T0040 (AI Model "
                  "Inference API Access).",
              r.first_seen, r.last_seen);
  }
  for (const auto& [key, ind] : ex_.indicators) {
    std::optional<TimeUs> first_seen, last_seen;
    for (const auto& u : ind.uses) {
      if (u.entry->first_seen) {
        first_seen =
            first_seen ? std::min(*first_seen, *u.entry->first_seen) : *u.entry->first_seen;
      }
      if (u.entry->last_seen) {
        last_seen = last_seen ? std::max(*last_seen, *u.entry->last_seen) : *u.entry->last_seen;
      }
    }
    const std::string comment = detail::IndicatorDescription(ind, ex_);
    if (ind.kind == IndicatorKind::kTemplate) {
      Attribute("text", "Other", ind.value, comment, first_seen, last_seen);
    } else {
      Attribute("ip-src", "Network activity", ind.value, comment, first_seen, last_seen);
    }
  }
  for (const auto& c : ex_.campaigns) {
    for (size_t i = 0; i < c.members.size(); ++i) {
      const AccountRecord* a = c.accounts[i];
      Attribute("sha256", "External analysis", c.members[i],
                "API account of distillation campaign " + c.record->id +
                    ", identified as SHA-256 of the exchange's salt followed by the account id",
                a ? a->first_seen : std::nullopt, a ? a->last_seen : std::nullopt);
    }
  }
  w_.EndArray();
  w_.EndObject().EndObject();
  out_ += '\n';
  return std::move(out_);
}

}  // namespace

std::string ExportMisp(const ResultSet& result, const ExportOptions& options) {
  EventWriter w(result, options);
  return w.Write();
}

}  // namespace hw::share
