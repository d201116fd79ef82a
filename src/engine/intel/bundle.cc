// The STIX 2.1 bundle reader (simdjson On Demand, so that an error names the
// line of the value it is about; parts the reader does not use are still
// walked for syntax). Objects are collected first and resolved after, so
// relationships may come before or after the objects they join.
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "engine/common/json_walk.h"
#include "engine/intel/intel.h"

namespace hw::intel {

namespace {

namespace od = simdjson::ondemand;

// The hydrawatch project's own identity (it defines the llm-prompt-template
// extension): never the partner.
constexpr char kProjectIdentity[] = "identity--2ae13d92-60fa-5a36-90dd-04007a44b3f6";
constexpr size_t kSkippedExamples = 5;

Status ParseError(const std::string& path, uint64_t line, const std::string& reason) {
  return Status(ErrorCode::kParseError, path + ":" + std::to_string(line) + ": " + reason);
}

// The properties of one STIX object the reader uses.
struct RawObject {
  uint64_t line = 0;
  std::string type, id, name, pattern, pattern_type, relationship_type, source_ref, target_ref,
      user_id, created_by_ref;
  std::optional<TimeUs> valid_from, valid_until, modified;
  bool revoked = false;
};

class BundleParser : JsonDocReader {
 public:
  BundleParser(const std::string& path, const simdjson::padded_string& text)
      : JsonDocReader(path, text) {}

  Result<std::vector<RawObject>> Run();

 private:
  Status String(od::value& v, const std::string& where, std::string& out);
  Status Time(od::value& v, const std::string& where, std::optional<TimeUs>& out);
  Status Object(od::value& v, const std::string& where, RawObject& o);
};

Status BundleParser::String(od::value& v, const std::string& where, std::string& out) {
  const uint64_t line = Line(v);
  std::string_view s;
  if (auto err = v.get_string().get(s)) return Expected(err, line, where, "a string");
  out.assign(s);
  return Status::Ok();
}

Status BundleParser::Time(od::value& v, const std::string& where, std::optional<TimeUs>& out) {
  const uint64_t line = Line(v);
  std::string_view s;
  if (auto err = v.get_string().get(s)) return Expected(err, line, where, "an RFC 3339 time");
  out = ParseRfc3339(s);
  if (!out) return Bad(line, where, "expected an RFC 3339 time");
  return Status::Ok();
}

Status BundleParser::Object(od::value& v, const std::string& where, RawObject& o) {
  o.line = Line(v);
  od::object obj;
  if (auto err = v.get_object().get(obj)) return Expected(err, o.line, where, "an object");
  for (auto f : obj) {
    od::field field;
    if (auto err = std::move(f).get(field)) return Syntax(err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Syntax(err);
    od::value& fv = field.value();
    const std::string at = where + "." + std::string(key);
    std::string* str = key == "type"                ? &o.type
                       : key == "id"                ? &o.id
                       : key == "name"              ? &o.name
                       : key == "pattern"           ? &o.pattern
                       : key == "pattern_type"      ? &o.pattern_type
                       : key == "relationship_type" ? &o.relationship_type
                       : key == "source_ref"        ? &o.source_ref
                       : key == "target_ref"        ? &o.target_ref
                       : key == "user_id"           ? &o.user_id
                       : key == "created_by_ref"    ? &o.created_by_ref
                                                    : nullptr;
    std::optional<TimeUs>* time = key == "valid_from"    ? &o.valid_from
                                  : key == "valid_until" ? &o.valid_until
                                  : key == "modified"    ? &o.modified
                                                         : nullptr;
    Status st;
    if (str != nullptr) {
      st = String(fv, at, *str);
    } else if (time != nullptr) {
      st = Time(fv, at, *time);
    } else if (key == "revoked") {
      const uint64_t line = Line(fv);
      if (auto err = fv.get_bool().get(o.revoked)) st = Expected(err, line, at, "true or false");
    } else if (auto err = WalkJson(fv)) {
      return Syntax(err);
    }
    if (!st.ok()) return st;
  }
  if (o.type.empty()) return Bad(o.line, where, "missing \"type\"");
  if (o.id.empty()) return Bad(o.line, where, "missing \"id\"");
  if (o.id.rfind(o.type + "--", 0) != 0) {
    return Bad(o.line, where + ".id", "expected \"" + o.type + "--<uuid>\"");
  }
  if (o.type == "indicator") {
    if (o.pattern.empty()) return Bad(o.line, where, "missing \"pattern\"");
    if (o.pattern_type.empty()) return Bad(o.line, where, "missing \"pattern_type\"");
  } else if (o.type == "relationship") {
    for (const auto& [value, name] : {std::pair{&o.relationship_type, "relationship_type"},
                                      {&o.source_ref, "source_ref"},
                                      {&o.target_ref, "target_ref"}}) {
      if (value->empty()) return Bad(o.line, where, std::string("missing \"") + name + "\"");
    }
  }
  if (o.valid_from && o.valid_until && *o.valid_until <= *o.valid_from) {
    return Bad(o.line, where + ".valid_until", "not after valid_from");
  }
  return Status::Ok();
}

Result<std::vector<RawObject>> BundleParser::Run() {
  if (auto err = parser_.iterate(text_).get(doc_)) {
    return ParseError(path_, 1, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  od::object root;
  if (auto err = doc_.get_object().get(root)) {
    if (err == simdjson::INCORRECT_TYPE) return ParseError(path_, 1, "expected a JSON object");
    return Syntax(err);
  }
  std::vector<RawObject> out;
  bool have_objects = false;
  for (auto rf : root) {
    od::field field;
    if (auto err = std::move(rf).get(field)) return Syntax(err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Syntax(err);
    od::value& v = field.value();
    if (key == "type") {
      std::string type;
      const uint64_t line = Line(v);
      if (Status st = String(v, "type", type); !st.ok()) return st;
      if (type != "bundle") return Bad(line, "type", "expected \"bundle\" (a STIX 2.1 bundle)");
      continue;
    }
    if (key != "objects") {
      if (auto err = WalkJson(v)) return Syntax(err);
      continue;
    }
    Status st = ForEachElement(v, "objects", have_objects,
                               [&](od::value& ov, const std::string& where) -> Status {
                                 RawObject o;
                                 if (Status ost = Object(ov, where, o); !ost.ok()) return ost;
                                 out.push_back(std::move(o));
                                 return Status::Ok();
                               });
    if (!st.ok()) return st;
  }
  if (const char* rest = nullptr; !doc_.current_location().get(rest)) {
    return ParseError(path_, lines_.LineOf(rest), "invalid JSON: trailing content");
  }
  if (!have_objects) return ParseError(path_, 1, "objects: missing");
  return out;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Builds the compiled form from the bundle's objects.
PartnerIntel Compile(const std::vector<RawObject>& raw, const std::string& path) {
  // One version per id: the latest `modified`, ties to the later object.
  std::unordered_map<std::string, size_t> by_id;
  std::vector<const RawObject*> objects;
  for (const RawObject& o : raw) {
    auto [it, fresh] = by_id.emplace(o.id, objects.size());
    if (fresh) {
      objects.push_back(&o);
    } else if (o.modified.value_or(INT64_MIN) >=
               objects[it->second]->modified.value_or(INT64_MIN)) {
      objects[it->second] = &o;
    }
  }
  auto find = [&](const std::string& id) -> const RawObject* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : objects[it->second];
  };

  PartnerIntel out;
  out.source = path;
  std::unordered_map<std::string, uint32_t> campaign_index, indicator_index;
  // The partner: who created the indicators and campaigns.
  for (const RawObject* o : objects) {
    if (!out.partner.empty()) break;
    if (o->type != "indicator" && o->type != "campaign") continue;
    const RawObject* who = find(o->created_by_ref);
    if (who && who->type == "identity" && !who->name.empty()) out.partner = who->name;
  }
  for (const RawObject* o : objects) {
    if (!out.partner.empty()) break;
    if (o->type == "identity" && o->id != kProjectIdentity && !o->name.empty()) {
      out.partner = o->name;
    }
  }
  if (out.partner.empty()) out.partner = BaseName(path);

  auto skip = [&](const std::string& what) {
    ++out.skipped;
    if (out.skipped_examples.size() < kSkippedExamples) out.skipped_examples.push_back(what);
  };
  for (const RawObject* o : objects) {
    if (o->type == "campaign") {
      campaign_index.emplace(o->id, static_cast<uint32_t>(out.campaigns.size()));
      out.campaigns.push_back({o->id, o->name.empty() ? o->id : o->name});
    } else if (o->type == "indicator") {
      if (o->revoked) {
        ++out.revoked;
        continue;
      }
      std::optional<std::vector<Observable>> obs;
      if (o->pattern_type == "stix") obs = ParsePattern(o->pattern);
      if (!obs) {
        skip(o->pattern_type == "stix" ? o->pattern : o->pattern_type + ": " + o->pattern);
        continue;
      }
      Indicator ind;
      ind.id = o->id;
      ind.observables = std::move(*obs);
      ind.valid_from = o->valid_from;
      ind.valid_until = o->valid_until;
      indicator_index.emplace(o->id, static_cast<uint32_t>(out.indicators.size()));
      out.indicators.push_back(std::move(ind));
    } else if (o->type == "user-account") {
      // A shared account: hydrawatch exports members as SHA-256(salt || id).
      Observable ob;
      ob.kind = IndicatorKind::kAccount;
      if (o->revoked) {
        ++out.revoked;
        continue;
      }
      if (!ParseSha256Hex(o->user_id, &ob.account)) {
        skip("user-account user_id '" + o->user_id + "'");
        continue;
      }
      ob.value = ToHex(ob.account);
      Indicator ind;
      ind.id = o->id;
      ind.observables.push_back(std::move(ob));
      indicator_index.emplace(o->id, static_cast<uint32_t>(out.indicators.size()));
      out.indicators.push_back(std::move(ind));
    }
  }
  // indicator -indicates-> campaign; campaign -uses-> infrastructure
  // -consists-of-> user-account.
  std::unordered_map<std::string, std::vector<uint32_t>> infrastructure_campaigns;
  for (const RawObject* o : objects) {
    if (o->type != "relationship" || o->revoked || o->relationship_type != "uses") continue;
    auto c = campaign_index.find(o->source_ref);
    const RawObject* target = find(o->target_ref);
    if (c != campaign_index.end() && target && target->type == "infrastructure") {
      infrastructure_campaigns[o->target_ref].push_back(c->second);
    }
  }
  for (const RawObject* o : objects) {
    if (o->type != "relationship" || o->revoked) continue;
    auto ind = indicator_index.find(o->source_ref);
    if (o->relationship_type == "indicates" && ind != indicator_index.end()) {
      auto c = campaign_index.find(o->target_ref);
      if (c != campaign_index.end()) out.indicators[ind->second].campaigns.push_back(c->second);
    } else if (o->relationship_type == "consists-of") {
      auto infra = infrastructure_campaigns.find(o->source_ref);
      auto acc = indicator_index.find(o->target_ref);
      if (infra == infrastructure_campaigns.end() || acc == indicator_index.end()) continue;
      for (uint32_t c : infra->second) out.indicators[acc->second].campaigns.push_back(c);
    }
  }
  for (Indicator& ind : out.indicators) {
    std::sort(ind.campaigns.begin(), ind.campaigns.end());
    ind.campaigns.erase(std::unique(ind.campaigns.begin(), ind.campaigns.end()),
                        ind.campaigns.end());
  }
  return out;
}

}  // namespace

Result<PartnerIntel> ParseBundle(std::string_view text, const std::string& path) {
  const simdjson::padded_string padded(text);
  BundleParser p(path, padded);
  auto raw = p.Run();
  if (!raw.ok()) return raw.status();
  return Compile(std::move(raw).value(), path);
}

Result<PartnerIntel> LoadBundle(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status(ErrorCode::kIoError, path + ": cannot open: " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) return Status(ErrorCode::kIoError, path + ": read failed");
  return ParseBundle(text, path);
}

}  // namespace hw::intel
