// campaigns.json is read with simdjson On Demand so that an error names the
// line of the value it is about; accounts.jsonl with the DOM API, one
// document per line. Parts the export does not use are still walked, so a
// syntax error anywhere in the file is reported.
#include "engine/share/result_reader.h"
#include "engine/common/json_walk.h"

#include <arpa/inet.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <utility>

namespace hw::share {

namespace {

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

Status ParseError(const std::string& path, uint64_t line, const std::string& reason) {
  return Status(ErrorCode::kParseError, path + ":" + std::to_string(line) + ": " + reason);
}

enum class IndicatorKind : uint8_t { kNetwork, kAddress, kFingerprint, kText };

bool IsAddress(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// "address/prefix" with an IPv4 (prefix 0..32) or IPv6 (0..128) address.
bool IsCidr(const std::string& s) {
  const size_t slash = s.find('/');
  if (slash == std::string::npos || slash + 1 >= s.size() || s.size() - slash > 4) return false;
  int prefix = 0;
  for (size_t i = slash + 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    prefix = prefix * 10 + (s[i] - '0');
  }
  if (s.size() - slash > 2 && s[slash + 1] == '0') return false;  // no leading zeros
  const std::string addr = s.substr(0, slash);
  unsigned char buf[16];
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) return prefix <= 32;
  if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) return prefix <= 128;
  return false;
}

// Fingerprints are identifiers, never text: the restriction keeps prompt
// text out of the export even if a result file were tampered with.
bool IsFingerprint(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '-' || c == ':' || c == '.';
  });
}

class CampaignsParser : JsonDocReader {
 public:
  CampaignsParser(const std::string& path, const simdjson::padded_string& text)
      : JsonDocReader(path, text) {}

  Result<CampaignsFile> Run();

 private:
  Status String(od::value& v, const std::string& where, bool non_empty, std::string& out);
  Status Count(od::value& v, const std::string& where, int64_t& out);
  Status Unit(od::value& v, const std::string& where, double& out);
  Status Time(od::value& v, const std::string& where, TimeUs& out);
  Status Shares(od::value& v, const std::string& where, std::vector<Share>& out);
  Status Strings(od::value& v, const std::string& where, std::vector<std::string>& out);
  Status Indicators(od::value& v, const std::string& where, IndicatorKind kind,
                    std::vector<SharedIndicator>& out);
  Status Number(od::value& v, const std::string& where, double& out);
  Status Numbers(od::value& v, const std::string& where,
                 std::vector<std::pair<std::string, double>>& out);
  Status Day(od::value& v, const std::string& where, TimeUs& out);
  Status DayCounts(od::value& v, const std::string& where, std::vector<DayCount>& out);
  Status Hours(od::value& v, const std::string& where, std::vector<int64_t>& out);
  Status Models(od::value& v, const std::string& where, std::vector<ModelRecord>& out);
  Status LinkGroups(od::value& v, const std::string& where, CampaignRecord& c);
  Status BaselineObject(od::value& v, const std::string& where, Baseline& b);
  // Reads daily, hours or models into `a`; false when `key` is none of them.
  bool ActivityKey(std::string_view key, od::value& v, const std::string& where, Activity& a,
                   Status& st);
  Status IndicatorsObject(od::value& v, const std::string& where, CampaignRecord& c);
  Status Campaign(od::value& v, const std::string& where, CampaignRecord& c);

  // Calls f(key, value, "where.key") for each member of the object `v`, and
  // f(value, "where[i]") for each element of the array `v`; the first error
  // stops the walk.
  template <typename F>
  Status Fields(od::value& v, const std::string& where, F&& f) {
    const uint64_t line = Line(v);
    od::object obj;
    if (auto err = v.get_object().get(obj)) return Expected(err, line, where, "an object");
    for (auto field_result : obj) {
      od::field field;
      if (auto err = std::move(field_result).get(field)) return Syntax(err);
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return Syntax(err);
      if (Status st = f(key, field.value(), where + "." + std::string(key)); !st.ok()) return st;
    }
    return Status::Ok();
  }
  template <typename F>
  Status Elements(od::value& v, const std::string& where, F&& f) {
    const uint64_t line = Line(v);
    od::array arr;
    if (auto err = v.get_array().get(arr)) return Expected(err, line, where, "an array");
    size_t i = 0;
    for (auto element : arr) {
      od::value ev;
      if (auto err = std::move(element).get(ev)) return Syntax(err);
      if (Status st = f(ev, where + "[" + std::to_string(i++) + "]"); !st.ok()) return st;
    }
    return Status::Ok();
  }
  // A member the reader does not use: its syntax is still checked.
  Status Skip(od::value& v) {
    if (auto err = WalkJson(v)) return Syntax(err);
    return Status::Ok();
  }
};

Status CampaignsParser::String(od::value& v, const std::string& where, bool non_empty,
                               std::string& out) {
  const uint64_t line = Line(v);
  std::string_view s;
  if (auto err = v.get_string().get(s)) return Expected(err, line, where, "a string");
  if (non_empty && s.empty()) return Bad(line, where, "expected a non-empty string");
  out.assign(s);
  return Status::Ok();
}

Status CampaignsParser::Count(od::value& v, const std::string& where, int64_t& out) {
  const uint64_t line = Line(v);
  int64_t n = 0;
  if (auto err = v.get_int64().get(n)) {
    return Expected(err, line, where, "a non-negative integer");
  }
  if (n < 0) return Bad(line, where, "expected a non-negative integer");
  out = n;
  return Status::Ok();
}

Status CampaignsParser::Unit(od::value& v, const std::string& where, double& out) {
  const uint64_t line = Line(v);
  double d = 0;
  if (auto err = v.get_double().get(d)) return Expected(err, line, where, "a number in [0, 1]");
  if (!(d >= 0 && d <= 1)) return Bad(line, where, "expected a number in [0, 1]");
  out = d;
  return Status::Ok();
}

Status CampaignsParser::Time(od::value& v, const std::string& where, TimeUs& out) {
  const uint64_t line = Line(v);
  std::string_view s;
  if (auto err = v.get_string().get(s)) return Expected(err, line, where, "an RFC 3339 time");
  const auto t = ParseRfc3339(s);
  if (!t) return Bad(line, where, "expected an RFC 3339 time");
  out = *t;
  return Status::Ok();
}

Status CampaignsParser::Shares(od::value& v, const std::string& where, std::vector<Share>& out) {
  const uint64_t line = Line(v);
  od::object obj;
  if (auto err = v.get_object().get(obj)) return Expected(err, line, where, "an object");
  out.clear();
  for (auto f : obj) {
    od::field field;
    if (auto err = std::move(f).get(field)) return Syntax(err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Syntax(err);
    Share s;
    s.name.assign(key);
    if (s.name.empty()) return Bad(last_line_, where, "empty name");
    if (Status st = Unit(field.value(), where + "." + s.name, s.share); !st.ok()) return st;
    out.push_back(std::move(s));
  }
  return Status::Ok();
}

Status CampaignsParser::Strings(od::value& v, const std::string& where,
                                std::vector<std::string>& out) {
  const uint64_t line = Line(v);
  od::array arr;
  if (auto err = v.get_array().get(arr)) return Expected(err, line, where, "an array of strings");
  out.clear();
  size_t i = 0;
  for (auto e : arr) {
    od::value ev;
    if (auto err = std::move(e).get(ev)) return Syntax(err);
    std::string s;
    if (Status st = String(ev, where + "[" + std::to_string(i++) + "]", true, s); !st.ok()) {
      return st;
    }
    out.push_back(std::move(s));
  }
  return Status::Ok();
}

Status CampaignsParser::Indicators(od::value& v, const std::string& where, IndicatorKind kind,
                                   std::vector<SharedIndicator>& out) {
  const uint64_t line = Line(v);
  od::array arr;
  if (auto err = v.get_array().get(arr)) return Expected(err, line, where, "an array of objects");
  out.clear();
  const char* value_key = kind == IndicatorKind::kNetwork ? "cidr" : "value";
  size_t i = 0;
  for (auto e : arr) {
    od::value ev;
    if (auto err = std::move(e).get(ev)) return Syntax(err);
    const std::string at = where + "[" + std::to_string(i++) + "]";
    const uint64_t eline = Line(ev);
    od::object obj;
    if (auto err = ev.get_object().get(obj)) return Expected(err, eline, at, "an object");
    SharedIndicator ind;
    bool have_value = false, have_accounts = false;
    for (auto f : obj) {
      od::field field;
      if (auto err = std::move(f).get(field)) return Syntax(err);
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return Syntax(err);
      od::value& fv = field.value();
      const std::string fat = at + "." + std::string(key);
      Status st;
      if (key == value_key) {
        const uint64_t vline = Line(fv);
        st = String(fv, fat, true, ind.value);
        if (st.ok()) {
          const bool valid = kind == IndicatorKind::kNetwork       ? IsCidr(ind.value)
                             : kind == IndicatorKind::kAddress     ? IsAddress(ind.value)
                             : kind == IndicatorKind::kFingerprint ? IsFingerprint(ind.value)
                                                                   : true;
          if (!valid) {
            st = Bad(vline, fat,
                     kind == IndicatorKind::kNetwork   ? "not an IPv4 or IPv6 CIDR"
                     : kind == IndicatorKind::kAddress ? "not an IPv4 or IPv6 address"
                                                       : "not a fingerprint (1 to 128 of "
                                                         "[A-Za-z0-9_.:-])");
          }
        }
        have_value = true;
      } else if (key == "accounts") {
        st = Count(fv, fat, ind.accounts);
        have_accounts = true;
      } else if (key == "requests") {
        int64_t n = 0;
        st = Count(fv, fat, n);
        ind.requests = n;
      } else if (key == "first_seen" || key == "last_seen") {
        TimeUs t = 0;
        st = Time(fv, fat, t);
        (key == "first_seen" ? ind.first_seen : ind.last_seen) = t;
      } else if (key == "example" && kind == IndicatorKind::kFingerprint) {
        st = String(fv, fat, false, ind.example);
      } else if (auto err = WalkJson(fv)) {
        return Syntax(err);
      }
      if (!st.ok()) return st;
    }
    if (!have_value) return Bad(eline, at, std::string("missing \"") + value_key + "\"");
    if (!have_accounts) return Bad(eline, at, "missing \"accounts\"");
    if (ind.first_seen && ind.last_seen && *ind.first_seen > *ind.last_seen) {
      return Bad(eline, at, "first_seen is after last_seen");
    }
    out.push_back(std::move(ind));
  }
  return Status::Ok();
}

Status CampaignsParser::Number(od::value& v, const std::string& where, double& out) {
  const uint64_t line = Line(v);
  double d = 0;
  if (auto err = v.get_double().get(d)) return Expected(err, line, where, "a number");
  if (!std::isfinite(d)) return Bad(line, where, "expected a finite number");
  out = d;
  return Status::Ok();
}

Status CampaignsParser::Numbers(od::value& v, const std::string& where,
                                std::vector<std::pair<std::string, double>>& out) {
  out.clear();
  return Fields(v, where, [&](std::string_view key, od::value& fv, const std::string& at) {
    out.emplace_back(std::string(key), 0.0);
    return Number(fv, at, out.back().second);
  });
}

Status CampaignsParser::Day(od::value& v, const std::string& where, TimeUs& out) {
  const uint64_t line = Line(v);
  std::string_view s;
  if (auto err = v.get_string().get(s)) return Expected(err, line, where, "a date (YYYY-MM-DD)");
  std::optional<TimeUs> t;
  if (s.size() == 10) t = ParseRfc3339(std::string(s) + "T00:00:00Z");
  if (!t) return Bad(line, where, "expected a date (YYYY-MM-DD)");
  out = *t;
  return Status::Ok();
}

Status CampaignsParser::DayCounts(od::value& v, const std::string& where,
                                  std::vector<DayCount>& out) {
  out.clear();
  return Elements(v, where, [&](od::value& ev, const std::string& at) {
    const uint64_t line = Line(ev);
    DayCount d;
    bool have_day = false;
    Status st = Fields(ev, at, [&](std::string_view key, od::value& fv, const std::string& fat) {
      if (key == "day") {
        have_day = true;
        return Day(fv, fat, d.day);
      }
      if (key == "requests") return Count(fv, fat, d.requests);
      if (key == "accounts") return Count(fv, fat, d.accounts);
      return Skip(fv);
    });
    if (!st.ok()) return st;
    if (!have_day) return Bad(line, at, "missing \"day\"");
    if (!out.empty() && d.day <= out.back().day) return Bad(line, at + ".day", "days out of order");
    out.push_back(d);
    return Status::Ok();
  });
}

Status CampaignsParser::Hours(od::value& v, const std::string& where, std::vector<int64_t>& out) {
  const uint64_t line = Line(v);
  out.clear();
  Status st = Elements(v, where, [&](od::value& ev, const std::string& at) {
    out.push_back(0);
    return Count(ev, at, out.back());
  });
  if (!st.ok()) return st;
  if (out.size() != 24) return Bad(line, where, "expected an array of 24 counts");
  return Status::Ok();
}

Status CampaignsParser::Models(od::value& v, const std::string& where,
                               std::vector<ModelRecord>& out) {
  out.clear();
  return Elements(v, where, [&](od::value& ev, const std::string& at) {
    const uint64_t line = Line(ev);
    ModelRecord m;
    bool have_name = false;
    Status st = Fields(ev, at, [&](std::string_view key, od::value& fv, const std::string& fat) {
      if (key == "name") {
        have_name = true;
        return String(fv, fat, true, m.name);
      }
      if (key == "requests") return Count(fv, fat, m.requests);
      if (key == "accounts") return Count(fv, fat, m.accounts);
      if (key == "first_seen") return Time(fv, fat, m.first_seen);
      if (key == "adoption") return DayCounts(fv, fat, m.adoption);
      return Skip(fv);
    });
    if (!st.ok()) return st;
    if (!have_name) return Bad(line, at, "missing \"name\"");
    out.push_back(std::move(m));
    return Status::Ok();
  });
}

Status CampaignsParser::LinkGroups(od::value& v, const std::string& where, CampaignRecord& c) {
  c.link_groups.clear();
  // {kind, value, accounts} of one group.
  auto indicator = [&](od::value& iv, const std::string& at, LinkGroup& g) {
    const uint64_t line = Line(iv);
    GroupIndicator gi;
    Status st = Fields(iv, at, [&](std::string_view key, od::value& fv, const std::string& fat) {
      if (key == "kind") return String(fv, fat, true, gi.kind);
      if (key == "value") return String(fv, fat, true, gi.value);
      if (key == "accounts") return Count(fv, fat, gi.accounts);
      return Skip(fv);
    });
    if (!st.ok()) return st;
    if (gi.kind.empty() || gi.value.empty()) return Bad(line, at, "missing \"kind\" or \"value\"");
    g.indicators.push_back(std::move(gi));
    return Status::Ok();
  };
  auto group = [&](od::value& gv, const std::string& at) {
    LinkGroup g;
    Status st = Fields(gv, at, [&](std::string_view key, od::value& fv, const std::string& fat) {
      if (key == "value") {
        bool null = false;
        if (auto err = fv.is_null().get(null)) return Syntax(err);
        return null ? Status::Ok() : String(fv, fat, true, g.value);
      }
      if (key == "accounts") return Count(fv, fat, g.accounts);
      if (key == "indicators") {
        return Elements(
            fv, fat, [&](od::value& iv, const std::string& iat) { return indicator(iv, iat, g); });
      }
      return Skip(fv);
    });
    if (st.ok()) c.link_groups.push_back(std::move(g));
    return st;
  };
  return Fields(v, where, [&](std::string_view key, od::value& fv, const std::string& at) {
    if (key == "by") return String(fv, at, true, c.link_groups_by);
    if (key == "groups") return Elements(fv, at, group);
    return Skip(fv);
  });
}

bool CampaignsParser::ActivityKey(std::string_view key, od::value& v, const std::string& where,
                                  Activity& a, Status& st) {
  if (key == "daily") {
    st = DayCounts(v, where, a.daily);
  } else if (key == "hours") {
    st = Hours(v, where, a.hours);
  } else if (key == "models") {
    st = Models(v, where, a.models);
  } else {
    return false;
  }
  return true;
}

Status CampaignsParser::BaselineObject(od::value& v, const std::string& where, Baseline& b) {
  b.present = true;
  return Fields(v, where, [&](std::string_view key, od::value& fv, const std::string& at) {
    if (key == "accounts") return Count(fv, at, b.accounts);
    if (key == "requests") return Count(fv, at, b.requests);
    if (key == "capabilities") return Shares(fv, at, b.capabilities);
    Status st;
    if (ActivityKey(key, fv, at, b.activity, st)) return st;
    return Skip(fv);
  });
}

Status CampaignsParser::IndicatorsObject(od::value& v, const std::string& where,
                                         CampaignRecord& c) {
  const uint64_t line = Line(v);
  od::object obj;
  if (auto err = v.get_object().get(obj)) return Expected(err, line, where, "an object");
  for (auto f : obj) {
    od::field field;
    if (auto err = std::move(f).get(field)) return Syntax(err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Syntax(err);
    od::value& fv = field.value();
    const std::string at = where + "." + std::string(key);
    Status st;
    if (key == "networks") {
      st = Indicators(fv, at, IndicatorKind::kNetwork, c.networks);
    } else if (key == "addresses") {
      st = Indicators(fv, at, IndicatorKind::kAddress, c.addresses);
    } else if (key == "template_fingerprints") {
      st = Indicators(fv, at, IndicatorKind::kFingerprint, c.template_fingerprints);
    } else if (key == "payment_fingerprints") {
      st = Indicators(fv, at, IndicatorKind::kText, c.payment_fingerprints);
    } else if (key == "organizations") {
      st = Indicators(fv, at, IndicatorKind::kText, c.organizations);
    } else if (key == "email_domains") {
      st = Indicators(fv, at, IndicatorKind::kText, c.email_domains);
    } else if (key == "user_agents") {
      st = Indicators(fv, at, IndicatorKind::kText, c.user_agents);
    } else if (key == "linked_by") {
      st = Strings(fv, at, c.linked_by);
    } else if (auto err = WalkJson(fv)) {
      return Syntax(err);
    }
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status CampaignsParser::Campaign(od::value& v, const std::string& where, CampaignRecord& c) {
  c.line = Line(v);
  od::object obj;
  if (auto err = v.get_object().get(obj)) return Expected(err, c.line, where, "an object");
  enum : uint32_t {
    kId = 1,
    kVerdict = 2,
    kScore = 4,
    kInteractions = 8,
    kFirst = 16,
    kLast = 32,
    kMembers = 64
  };
  uint32_t seen = 0;
  for (auto f : obj) {
    od::field field;
    if (auto err = std::move(f).get(field)) return Syntax(err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Syntax(err);
    od::value& fv = field.value();
    const std::string at = where + "." + std::string(key);
    uint32_t bit = 0;
    Status st;
    if (key == "id") {
      bit = kId;
      st = String(fv, at, true, c.id);
    } else if (key == "verdict") {
      bit = kVerdict;
      std::string verdict;
      const uint64_t line = Line(fv);
      st = String(fv, at, false, verdict);
      if (st.ok()) {
        if (verdict != "attack" && verdict != "benign") {
          st = Bad(line, at, "expected \"attack\" or \"benign\"");
        }
        c.attack = verdict == "attack";
      }
    } else if (key == "score") {
      bit = kScore;
      st = Unit(fv, at, c.score);
    } else if (key == "interactions") {
      bit = kInteractions;
      st = Count(fv, at, c.interactions);
    } else if (key == "first_seen") {
      bit = kFirst;
      st = Time(fv, at, c.first_seen);
    } else if (key == "last_seen") {
      bit = kLast;
      st = Time(fv, at, c.last_seen);
    } else if (key == "capabilities") {
      st = Shares(fv, at, c.capabilities);
    } else if (key == "elicitation_frames") {
      st = Shares(fv, at, c.elicitation_frames);
    } else if (key == "indicators") {
      st = IndicatorsObject(fv, at, c);
    } else if (key == "reasons") {
      st = Strings(fv, at, c.reasons);
    } else if (key == "features") {
      st = Numbers(fv, at, c.features);
    } else if (key == "signups") {
      st = DayCounts(fv, at, c.signups);
    } else if (key == "link_groups") {
      st = LinkGroups(fv, at, c);
    } else if (ActivityKey(key, fv, at, c.activity, st)) {
    } else if (key == "account_ids") {
      bit = kMembers;
      const uint64_t line = Line(fv);
      st = Strings(fv, at, c.account_ids);
      if (st.ok()) {
        std::sort(c.account_ids.begin(), c.account_ids.end());
        const auto dup = std::adjacent_find(c.account_ids.begin(), c.account_ids.end());
        if (dup != c.account_ids.end()) {
          st = Bad(line, at, "account \"" + *dup + "\" listed twice");
        }
      }
    } else if (auto err = WalkJson(fv)) {
      return Syntax(err);
    }
    if (!st.ok()) return st;
    if (bit != 0) {
      if (seen & bit) return Bad(last_line_, at, "duplicate key");
      seen |= bit;
    }
  }
  static const std::pair<uint32_t, const char*> kRequired[] = {{kId, "id"},
                                                               {kVerdict, "verdict"},
                                                               {kScore, "score"},
                                                               {kInteractions, "interactions"},
                                                               {kFirst, "first_seen"},
                                                               {kLast, "last_seen"},
                                                               {kMembers, "account_ids"}};
  for (const auto& [bit, name] : kRequired) {
    if (!(seen & bit)) return Bad(c.line, where, std::string("missing \"") + name + "\"");
  }
  if (c.first_seen > c.last_seen) return Bad(c.line, where, "first_seen is after last_seen");
  return Status::Ok();
}

Result<CampaignsFile> CampaignsParser::Run() {
  if (auto err = parser_.iterate(text_).get(doc_)) {
    return ParseError(path_, 1, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  od::object root;
  if (auto err = doc_.get_object().get(root)) {
    if (err == simdjson::INCORRECT_TYPE) return ParseError(path_, 1, "expected a JSON object");
    return Syntax(err);
  }
  CampaignsFile out;
  bool have_list = false;
  std::unordered_map<std::string, uint64_t> ids;
  std::unordered_map<std::string, std::string> member_of;
  for (auto rf : root) {
    od::field field;
    if (auto err = std::move(rf).get(field)) return Syntax(err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Syntax(err);
    od::value& v = field.value();
    if (key == "policy") {
      if (Status st = String(v, "policy", false, out.policy); !st.ok()) return st;
      continue;
    }
    if (key == "baseline") {
      if (out.baseline.present) return Bad(Line(v), "baseline", "duplicate key");
      if (Status st = BaselineObject(v, "baseline", out.baseline); !st.ok()) return st;
      continue;
    }
    if (key != "campaigns") {
      if (auto err = WalkJson(v)) return Syntax(err);
      continue;
    }
    Status st = ForEachElement(
        v, "campaigns", have_list, [&](od::value& cv, const std::string& where) -> Status {
          CampaignRecord c;
          if (Status cst = Campaign(cv, where, c); !cst.ok()) return cst;
          auto [it, fresh] = ids.emplace(c.id, c.line);
          if (!fresh) {
            return Bad(c.line, where + ".id",
                       "duplicate campaign \"" + c.id + "\" (first on line " +
                           std::to_string(it->second) + ")");
          }
          for (const auto& m : c.account_ids) {
            auto [mit, new_member] = member_of.emplace(m, c.id);
            if (!new_member) {
              return Bad(
                  c.line, where + ".account_ids",
                  "account \"" + m + "\" is also a member of campaign \"" + mit->second + "\"");
            }
          }
          out.campaigns.push_back(std::move(c));
          return Status::Ok();
        });
    if (!st.ok()) return st;
  }
  // current_location() is in bounds only when something follows the root.
  if (const char* rest = nullptr; !doc_.current_location().get(rest)) {
    return ParseError(path_, lines_.LineOf(rest), "invalid JSON: trailing content");
  }
  if (!have_list) return ParseError(path_, 1, "campaigns: missing");
  return out;
}

// Field readers for one accounts.jsonl line.
struct LineFields {
  const std::string& path;
  uint64_t line;
  dom::object obj;

  Status Bad(std::string_view key, const std::string& reason) const {
    return ParseError(path, line, std::string(key) + ": " + reason);
  }
  // False when absent or null.
  bool Find(std::string_view key, dom::element& e) const {
    return !obj.at_key(key).get(e) && !e.is_null();
  }
  Status String(std::string_view key, bool required, std::string& out) const {
    dom::element e;
    out.clear();
    if (!Find(key, e)) return required ? Bad(key, "missing") : Status::Ok();
    std::string_view s;
    if (e.get_string().get(s) || s.empty()) return Bad(key, "expected a non-empty string");
    out.assign(s);
    return Status::Ok();
  }
  Status Time(std::string_view key, std::optional<TimeUs>& out) const {
    dom::element e;
    out.reset();
    if (!Find(key, e)) return Status::Ok();
    std::string_view s;
    std::optional<TimeUs> t;
    if (!e.get_string().get(s)) t = ParseRfc3339(s);
    if (!t) return Bad(key, "expected an RFC 3339 time or null");
    out = t;
    return Status::Ok();
  }
};

Result<simdjson::padded_string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return Status(ErrorCode::kIoError, path + ": cannot open: " + std::strerror(errno));
  }
  std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) return Status(ErrorCode::kIoError, path + ": read failed");
  return simdjson::padded_string(raw);
}

Result<CampaignsFile> ParsePadded(const simdjson::padded_string& text, const std::string& path) {
  CampaignsParser p(path, text);
  return p.Run();
}

Result<std::vector<AccountRecord>> ParseAccountsPadded(const simdjson::padded_string& text,
                                                       const std::string& path) {
  dom::parser parser;
  std::vector<AccountRecord> rows;
  std::unordered_map<std::string, uint64_t> seen;
  const char* data = text.data();
  const size_t size = text.size();
  uint64_t line_no = 0;
  for (size_t pos = 0; pos < size;) {
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    const size_t end = nl ? static_cast<size_t>(nl - data) : size;
    ++line_no;
    size_t len = end - pos;
    if (len > 0 && data[pos + len - 1] == '\r') --len;
    const std::string_view line(data + pos, len);
    pos = end + 1;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    // The padded buffer keeps SIMDJSON_PADDING readable bytes after every line.
    dom::element doc;
    if (auto err = parser.parse(line.data(), line.size(), false).get(doc)) {
      return ParseError(path, line_no,
                        std::string("invalid JSON: ") + simdjson::error_message(err));
    }
    dom::object obj;
    if (doc.get_object().get(obj)) return ParseError(path, line_no, "expected a JSON object");
    const LineFields f{path, line_no, obj};
    AccountRecord r;
    if (Status st = f.String("user.id", true, r.user_id); !st.ok()) return st;
    std::string verdict;
    if (Status st = f.String("verdict", true, verdict); !st.ok()) return st;
    if (verdict == "attack") {
      r.verdict = AccountVerdict::kAttack;
    } else if (verdict == "suspicious") {
      r.verdict = AccountVerdict::kSuspicious;
    } else if (verdict != "benign") {
      return f.Bad("verdict", "expected one of attack|suspicious|benign");
    }
    if (Status st = f.String("campaign", false, r.campaign); !st.ok()) return st;
    dom::element e;
    if (f.Find("score", e) && (e.get_double().get(r.score) || !std::isfinite(r.score))) {
      return f.Bad("score", "expected a number");
    }
    if (!f.Find("requests", e)) return f.Bad("requests", "missing");
    if (e.get_int64().get(r.requests) || r.requests < 0) {
      return f.Bad("requests", "expected a non-negative integer");
    }
    if (Status st = f.Time("first_seen", r.first_seen); !st.ok()) return st;
    if (Status st = f.Time("last_seen", r.last_seen); !st.ok()) return st;
    if (r.first_seen && r.last_seen && *r.first_seen > *r.last_seen) {
      return f.Bad("first_seen", "after last_seen");
    }
    auto [it, fresh] = seen.emplace(r.user_id, line_no);
    if (!fresh) {
      return f.Bad("user.id", "duplicate account \"" + r.user_id + "\" (first on line " +
                                  std::to_string(it->second) + ")");
    }
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(),
            [](const AccountRecord& a, const AccountRecord& b) { return a.user_id < b.user_id; });
  return rows;
}

}  // namespace

const AccountRecord* ResultSet::FindAccount(std::string_view user_id) const {
  auto it =
      std::lower_bound(accounts.begin(), accounts.end(), user_id,
                       [](const AccountRecord& a, std::string_view id) { return a.user_id < id; });
  return it != accounts.end() && it->user_id == user_id ? &*it : nullptr;
}

Result<CampaignsFile> ParseCampaigns(std::string_view text, const std::string& path) {
  return ParsePadded(simdjson::padded_string(text), path);
}

Result<std::vector<AccountRecord>> ParseAccounts(std::string_view text, const std::string& path) {
  return ParseAccountsPadded(simdjson::padded_string(text), path);
}

Result<ResultSet> LoadResult(const std::string& dir) {
  const std::string base = dir.empty() ? std::string(".") : dir;
  const std::string sep = base.back() == '/' ? "" : "/";
  const std::string campaigns_path = base + sep + "campaigns.json";
  const std::string accounts_path = base + sep + "accounts.jsonl";
  ResultSet out;
  {
    auto text = ReadFile(campaigns_path);
    if (!text.ok()) return text.status();
    auto c = ParsePadded(*text, campaigns_path);
    if (!c.ok()) return c.status();
    out.campaigns = std::move(c.value());
  }
  {
    auto text = ReadFile(accounts_path);
    if (!text.ok()) return text.status();
    auto a = ParseAccountsPadded(*text, accounts_path);
    if (!a.ok()) return a.status();
    out.accounts = std::move(a.value());
  }
  for (const auto& c : out.campaigns.campaigns) {
    for (const auto& m : c.account_ids) {
      const AccountRecord* a = out.FindAccount(m);
      if (a == nullptr || a->campaign != c.id) {
        return ParseError(
            campaigns_path, c.line,
            "campaign \"" + c.id + "\" lists account \"" + m + "\", which " + accounts_path +
                (a == nullptr ? " does not have" : " places in campaign \"" + a->campaign + "\"") +
                " (files from different runs?)");
      }
    }
  }
  return out;
}

const char* AccountVerdictName(AccountVerdict v) noexcept {
  switch (v) {
    case AccountVerdict::kAttack:
      return "attack";
    case AccountVerdict::kSuspicious:
      return "suspicious";
    case AccountVerdict::kBenign:
      return "benign";
  }
  return "benign";
}

}  // namespace hw::share
