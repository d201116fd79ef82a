// The STIX 2.1 bundle (docs/SHARING.md, "STIX 2.1"). Objects are written one
// per line in a fixed order: marking, identities, extension definition,
// attack patterns, then per campaign its objects, then indicators, template
// observables and accounts.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/json_writer.h"
#include "engine/share/digest.h"
#include "engine/share/export.h"
#include "engine/share/export_util.h"

namespace hw::share {

namespace {

using detail::Exported;
using detail::ExportedCampaign;
using detail::IndicatorKind;
using detail::MergedIndicator;

struct TlpMarking {
  Tlp tlp;
  const char* id;
  const char* name;
  const char* value;
};

// Published by the OASIS CTI TC (TLP 2.0 extension, cti-stix-common-objects);
// consumers recognise the markings by these ids.
constexpr TlpMarking kTlpMarkings[] = {
    {Tlp::kClear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR", "clear"},
    {Tlp::kGreen, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN", "green"},
    {Tlp::kAmber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER", "amber"},
    {Tlp::kAmberStrict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
     "TLP:AMBER+STRICT", "amber+strict"},
    {Tlp::kRed, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED", "red"},
};
constexpr char kTlpExtension[] = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
constexpr char kTlpCreated[] = "2022-10-01T00:00:00.000Z";

// The prompt-template extension is the project's, not the reporter's: its
// objects are identical in every export of every producer.
constexpr char kExtensionName[] = "llm-prompt-template";
constexpr char kExtensionVersion[] = "1.0";
constexpr char kExtensionCreated[] = "2026-12-01T00:00:00.000Z";
constexpr char kFingerprintAlgorithm[] = "hydrawatch-template-v1";

struct AtlasTechnique {
  const char* id;
  const char* name;
  const char* description;
};

constexpr AtlasTechnique kTechniques[] = {
    {"AML.T0024.002", "Extract ML Model",
     "Adversaries extract a functional copy of a model by querying its inference API and "
     "training a model of their own on the responses (distillation)."},
    {"AML.T0040", "AI Model Inference API Access",
     "Adversaries use legitimate access to a model's inference API, here through networks of "
     "accounts, as the means of the extraction."},
};

const TlpMarking& Marking(Tlp tlp) {
  for (const auto& m : kTlpMarkings) {
    if (m.tlp == tlp) return m;
  }
  return kTlpMarkings[2];
}

std::string ProjectId(const char* type, std::string_view name) {
  return std::string(type) + "--" + FormatUuid(UuidV5(HydrawatchNamespace(), name));
}

class BundleWriter {
 public:
  BundleWriter(const ResultSet& result, const ExportOptions& options)
      : result_(result),
        options_(options),
        ex_(detail::SelectForExport(result, options)),
        marking_(Marking(options.tlp)),
        as_of_(detail::MillisTime(ex_.as_of)),
        identity_id_(Id("identity", options.identity)),
        project_identity_id_(ProjectId("identity", "hydrawatch project")),
        extension_id_(ProjectId("extension-definition",
                                std::string(kExtensionName) + " " + kExtensionVersion)) {}

  std::string Write();

 private:
  // Producer-scoped ids: the same key from another reporting identity gives
  // another id, so two providers' objects never collide.
  std::string Id(const char* type, std::string_view key) const {
    std::string name = options_.identity;
    name += '\n';
    name += type;
    name += '\n';
    name.append(key);
    return ProjectId(type, name);
  }

  // Opens an object with the common properties of the reporter's SDOs/SROs.
  JsonWriter& Begin(const char* type, const std::string& id) {
    Start();
    w_->BeginObject().Key("type").String(type).Key("spec_version").String("2.1");
    w_->Key("id").String(id).Key("created_by_ref").String(identity_id_);
    w_->Key("created").String(as_of_).Key("modified").String(as_of_);
    return *w_;
  }
  // A fresh writer per object: objects are joined by the bundle, not by it.
  void Start() {
    cur_.clear();
    w_.emplace(cur_);
  }
  void Finish() {
    w_->EndObject();
    objects_.push_back(std::move(cur_));
    cur_.clear();
  }
  void Markings() { w_->Key("object_marking_refs").BeginArray().String(marking_.id).EndArray(); }
  void End() {
    Markings();
    Finish();
  }
  void Relationship(const char* type, const std::string& source, const std::string& target,
                    const std::string& description = {}) {
    Begin("relationship", Id("relationship", std::string(type) + " " + source + " " + target));
    w_->Key("relationship_type").String(type);
    if (!description.empty()) w_->Key("description").String(description);
    w_->Key("source_ref").String(source).Key("target_ref").String(target);
    End();
  }

  void WriteFixedObjects();
  void WriteCampaign(const ExportedCampaign& c, std::vector<std::string>& campaign_ids);
  void WriteIndicator(const MergedIndicator& ind, const std::vector<std::string>& campaign_ids);
  void WriteAccounts(const ExportedCampaign& c, const std::string& infrastructure_id);

  const ResultSet& result_;
  const ExportOptions& options_;
  const Exported ex_;
  const TlpMarking& marking_;
  const std::string as_of_;
  const std::string identity_id_;
  const std::string project_identity_id_;
  const std::string extension_id_;
  std::vector<std::string> attack_pattern_ids_;
  std::string cur_;
  std::optional<JsonWriter> w_;
  std::vector<std::string> objects_;
};

void BundleWriter::WriteFixedObjects() {
  Start();
  w_->BeginObject().Key("type").String("marking-definition").Key("spec_version").String("2.1");
  w_->Key("id").String(marking_.id).Key("created").String(kTlpCreated);
  w_->Key("name").String(marking_.name).Key("extensions").BeginObject();
  w_->Key(kTlpExtension).BeginObject();
  w_->Key("extension_type").String("property-extension").Key("tlp_2_0").String(marking_.value);
  w_->EndObject().EndObject();
  Finish();

  Begin("identity", identity_id_);
  w_->Key("name").String(options_.identity).Key("identity_class").String("organization");
  w_->Key("description").String("Operator of the model API that observed the traffic.");
  End();

  Start();
  w_->BeginObject().Key("type").String("identity").Key("spec_version").String("2.1");
  w_->Key("id").String(project_identity_id_);
  w_->Key("created").String(kExtensionCreated).Key("modified").String(kExtensionCreated);
  w_->Key("name").String("hydrawatch project").Key("identity_class").String("organization");
  w_->Key("description").String("Authors of the hydrawatch software and its STIX extensions.");
  Finish();

  Start();
  w_->BeginObject().Key("type").String("extension-definition").Key("spec_version").String("2.1");
  w_->Key("id").String(extension_id_).Key("created_by_ref").String(project_identity_id_);
  w_->Key("created").String(kExtensionCreated).Key("modified").String(kExtensionCreated);
  w_->Key("name").String(kExtensionName);
  w_->Key("description")
      .String(
          "A new SCO for a prompt template seen in LLM API traffic, identified by its "
          "fingerprint (never its text). Properties: fingerprint (string, required, id "
          "contributing), fingerprint_algorithm (string, required, id contributing).");
  w_->Key("schema").String(options_.extension_schema);
  w_->Key("version").String(kExtensionVersion);
  w_->Key("extension_types").BeginArray().String("new-sco").EndArray();
  Finish();

  for (const auto& t : kTechniques) {
    const std::string id = Id("attack-pattern", t.id);
    attack_pattern_ids_.push_back(id);
    Begin("attack-pattern", id);
    w_->Key("name").String(t.name).Key("description").String(t.description);
    w_->Key("external_references").BeginArray().BeginObject();
    w_->Key("source_name").String("mitre-atlas").Key("external_id").String(t.id);
    w_->Key("url").String(std::string("https://atlas.mitre.org/techniques/") + t.id);
    w_->EndObject().EndArray();
    End();
  }
}

void BundleWriter::WriteCampaign(const ExportedCampaign& e,
                                 std::vector<std::string>& campaign_ids) {
  const CampaignRecord& c = *e.record;
  const std::string summary = detail::CampaignSummary(e, result_.campaigns.policy);
  const std::string campaign_id = Id("campaign", e.key);
  campaign_ids.push_back(campaign_id);
  Begin("campaign", campaign_id);
  w_->Key("name").String(options_.identity + " distillation campaign " + c.id + " (" +
                         FormatDate(c.first_seen) + ")");
  w_->Key("description").String(summary);
  w_->Key("first_seen").String(FormatRfc3339(c.first_seen));
  w_->Key("last_seen").String(FormatRfc3339(c.last_seen));
  std::string objective = "Copy the model's capabilities by distillation";
  if (const std::string targets = detail::ShareList(c.capabilities); !targets.empty()) {
    objective += ", targeting " + targets + " of requests";
  }
  w_->Key("objective").String(objective);
  // Scores are in [0, 1], so + 0.5 rounds as lround would.
  // NOLINTNEXTLINE(bugprone-incorrect-roundings)
  w_->Key("confidence").Int(static_cast<int64_t>(c.score * 100 + 0.5));
  End();

  const std::string infrastructure_id = Id("infrastructure", e.key);
  Begin("infrastructure", infrastructure_id);
  w_->Key("name").String("Account network of " + options_.identity + " campaign " + c.id);
  w_->Key("description")
      .String("The " + detail::Thousands(static_cast<int64_t>(c.account_ids.size())) +
              " API accounts linked into campaign " + c.id +
              "; each is a user-account whose user_id is SHA-256 of a salt and the account id.");
  w_->Key("first_seen").String(FormatRfc3339(c.first_seen));
  w_->Key("last_seen").String(FormatRfc3339(c.last_seen));
  End();

  Begin("sighting", Id("sighting", campaign_id));
  w_->Key("description")
      .String(detail::Thousands(c.interactions) + " requests from " +
              detail::Thousands(static_cast<int64_t>(c.account_ids.size())) +
              " accounts of campaign " + c.id + ".");
  w_->Key("first_seen").String(FormatRfc3339(c.first_seen));
  w_->Key("last_seen").String(FormatRfc3339(c.last_seen));
  w_->Key("count").Int(std::min<int64_t>(c.interactions, 999'999'999));
  w_->Key("sighting_of_ref").String(campaign_id);
  w_->Key("where_sighted_refs").BeginArray().String(identity_id_).EndArray();
  w_->Key("summary").Bool(true);
  End();

  for (const auto& ap : attack_pattern_ids_) Relationship("uses", campaign_id, ap);
  Relationship("uses", campaign_id, infrastructure_id);
  Relationship("targets", campaign_id, identity_id_,
               "The campaign queried the model API that this identity operates.");
}

void BundleWriter::WriteIndicator(const MergedIndicator& ind,
                                  const std::vector<std::string>& campaign_ids) {
  std::string pattern, name, sco_id;
  switch (ind.kind) {
    case IndicatorKind::kNetwork:
      pattern = std::string("[") + (ind.ipv6 ? "ipv6" : "ipv4") + "-addr:value ISSUBSET '" +
                ind.value + "']";
      name = "Network " + ind.value;
      break;
    case IndicatorKind::kAddress:
      pattern =
          std::string("[") + (ind.ipv6 ? "ipv6" : "ipv4") + "-addr:value = '" + ind.value + "']";
      name = "Client address " + ind.value;
      break;
    case IndicatorKind::kTemplate:
      pattern = std::string("[") + kExtensionName + ":fingerprint = '" + ind.value + "']";
      name = "Prompt template " + ind.value;
      break;
  }
  const std::string description = detail::IndicatorDescription(ind, ex_);

  if (ind.kind == IndicatorKind::kTemplate) {
    // Id contributing properties in JCS order; fingerprints hold no character
    // that JSON would escape.
    sco_id = std::string(kExtensionName) + "--" +
             FormatUuid(UuidV5(StixObservableNamespace(), "{\"fingerprint\":\"" + ind.value +
                                                              "\",\"fingerprint_algorithm\":\"" +
                                                              kFingerprintAlgorithm + "\"}"));
    Start();
    w_->BeginObject().Key("type").String(kExtensionName).Key("spec_version").String("2.1");
    w_->Key("id").String(sco_id);
    w_->Key("fingerprint").String(ind.value);
    w_->Key("fingerprint_algorithm").String(kFingerprintAlgorithm);
    w_->Key("extensions").BeginObject().Key(extension_id_).BeginObject();
    w_->Key("extension_type").String("new-sco").EndObject().EndObject();
    End();
  }

  const std::string indicator_id = Id("indicator", pattern);
  Begin("indicator", indicator_id);
  w_->Key("name").String(name).Key("description").String(description);
  w_->Key("indicator_types").BeginArray().String("attribution").EndArray();
  w_->Key("pattern").String(pattern).Key("pattern_type").String("stix");
  w_->Key("pattern_version").String("2.1");
  w_->Key("valid_from").String(FormatRfc3339(ind.valid_from));
  End();

  int64_t requests = 0;
  bool have_requests = false;
  std::optional<TimeUs> first, last;
  for (const auto& u : ind.uses) {
    const std::string& campaign_id = campaign_ids[u.campaign];
    Relationship("indicates", indicator_id, campaign_id);
    if (!sco_id.empty()) Relationship("related-to", sco_id, campaign_id);
    if (u.entry->requests) {
      have_requests = true;
      requests += *u.entry->requests;
    }
    if (u.entry->first_seen)
      first = first ? std::min(*first, *u.entry->first_seen) : *u.entry->first_seen;
    if (u.entry->last_seen)
      last = last ? std::max(*last, *u.entry->last_seen) : *u.entry->last_seen;
  }
  if (have_requests) {
    Begin("sighting", Id("sighting", indicator_id));
    w_->Key("description").String("Requests matching " + name + " from campaign accounts.");
    if (first) w_->Key("first_seen").String(FormatRfc3339(*first));
    if (last) w_->Key("last_seen").String(FormatRfc3339(*last));
    w_->Key("count").Int(std::min<int64_t>(requests, 999'999'999));
    w_->Key("sighting_of_ref").String(indicator_id);
    w_->Key("where_sighted_refs").BeginArray().String(identity_id_).EndArray();
    w_->Key("summary").Bool(true);
    End();
  }
}

void BundleWriter::WriteAccounts(const ExportedCampaign& e, const std::string& infrastructure_id) {
  for (size_t i = 0; i < e.members.size(); ++i) {
    const std::string& hash = e.members[i];
    const std::string id = "user-account--" + FormatUuid(UuidV5(StixObservableNamespace(),
                                                                "{\"user_id\":\"" + hash + "\"}"));
    Start();
    w_->BeginObject().Key("type").String("user-account").Key("spec_version").String("2.1");
    w_->Key("id").String(id).Key("user_id").String(hash);
    if (const AccountRecord* a = e.accounts[i]) {
      if (a->first_seen) w_->Key("account_first_login").String(FormatRfc3339(*a->first_seen));
      if (a->last_seen) w_->Key("account_last_login").String(FormatRfc3339(*a->last_seen));
    }
    End();
    Relationship("consists-of", infrastructure_id, id);
  }
}

std::string BundleWriter::Write() {
  WriteFixedObjects();
  std::vector<std::string> campaign_ids;
  for (const auto& c : ex_.campaigns) WriteCampaign(c, campaign_ids);
  for (const auto& [key, ind] : ex_.indicators) WriteIndicator(ind, campaign_ids);
  for (const auto& c : ex_.campaigns) WriteAccounts(c, Id("infrastructure", c.key));

  std::string body;
  size_t total = 0;
  for (const auto& o : objects_) total += o.size() + 2;
  body.reserve(total);
  for (size_t i = 0; i < objects_.size(); ++i) {
    body += objects_[i];
    if (i + 1 < objects_.size()) body += ",\n";
  }
  std::string out = "{\"type\":\"bundle\",\"id\":\"";
  out += ProjectId("bundle", Sha256Hex(body));
  out += "\",\"objects\":[\n";
  out += body;
  out += "\n]}\n";
  return out;
}

}  // namespace

Result<Tlp> ParseTlp(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t.rfind("tlp:", 0) == 0) t.erase(0, 4);
  for (const auto& m : kTlpMarkings) {
    if (t == m.value) return m.tlp;
  }
  return Status(ErrorCode::kInvalidArgument,
                "unknown TLP level \"" + std::string(text) +
                    "\" (expected clear, green, amber, amber+strict or red)");
}

const char* TlpName(Tlp tlp) noexcept { return Marking(tlp).value; }

std::string ExportStix(const ResultSet& result, const ExportOptions& options) {
  BundleWriter w(result, options);
  return w.Write();
}

}  // namespace hw::share
