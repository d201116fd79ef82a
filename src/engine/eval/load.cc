// Loaders for labels.jsonl, accounts.jsonl (simdjson DOM, one document per
// line) and campaigns.json (simdjson On Demand, so that an error can name the
// line of the value it is about). Not a hot path: files are read whole.
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "engine/common/json_walk.h"
#include "engine/eval/eval.h"

namespace hw::eval {

namespace {

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

Status IoError(const std::string& path, const std::string& reason) {
  return Status(ErrorCode::kIoError, path + ": " + reason);
}

Status ParseError(const std::string& path, uint64_t line, const std::string& reason) {
  return Status(ErrorCode::kParseError, path + ":" + std::to_string(line) + ": " + reason);
}

Status FieldError(const std::string& path, uint64_t line, std::string_view key,
                  const std::string& reason) {
  std::string m = "\"";
  m.append(key);
  m += "\": ";
  m += reason;
  return ParseError(path, line, m);
}

Status GunzipAll(const std::string& path, const std::string& in, std::string& out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return IoError(path, "zlib initialisation failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[1 << 16];
  int ret = Z_OK;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    ret = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (ret == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // concatenated gzip members
      continue;
    }
    if (ret != Z_OK) break;
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      ret = Z_BUF_ERROR;  // input ended inside a member
      break;
    }
  }
  const std::string msg = zs.msg ? zs.msg : "";
  inflateEnd(&zs);
  if (ret == Z_STREAM_END) return Status::Ok();
  if (ret == Z_BUF_ERROR) return IoError(path, "truncated gzip stream");
  return IoError(path, "corrupt gzip data" + (msg.empty() ? std::string() : ": " + msg));
}

Status UnzstdAll(const std::string& path, const std::string& in, std::string& out) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) return IoError(path, "zstd initialisation failed");
  ZSTD_inBuffer zin{in.data(), in.size(), 0};
  char buf[1 << 16];
  size_t ret = 0;
  while (zin.pos < zin.size) {
    ZSTD_outBuffer zout{buf, sizeof buf, 0};
    ret = ZSTD_decompressStream(dctx, &zout, &zin);
    if (ZSTD_isError(ret)) {
      const std::string msg = ZSTD_getErrorName(ret);
      ZSTD_freeDCtx(dctx);
      return IoError(path, "corrupt zstd data: " + msg);
    }
    out.append(buf, zout.pos);
  }
  // Flush what the context still holds.
  while (ret != 0) {
    ZSTD_outBuffer zout{buf, sizeof buf, 0};
    ret = ZSTD_decompressStream(dctx, &zout, &zin);
    if (ZSTD_isError(ret) || zout.pos == 0) break;
    out.append(buf, zout.pos);
  }
  ZSTD_freeDCtx(dctx);
  if (ret != 0) return IoError(path, "truncated zstd stream");
  return Status::Ok();
}

// The whole file, decompressed when it starts with a gzip or zstd magic.
Result<simdjson::padded_string> ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError(path, std::string("cannot open: ") + std::strerror(errno));
  std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) return IoError(path, "read failed");
  auto starts = [&](std::initializer_list<unsigned char> magic) {
    if (raw.size() < magic.size()) return false;
    size_t i = 0;
    for (unsigned char m : magic) {
      if (static_cast<unsigned char>(raw[i++]) != m) return false;
    }
    return true;
  };
  if (starts({0x1f, 0x8b})) {
    std::string out;
    if (Status s = GunzipAll(path, raw, out); !s.ok()) return s;
    return simdjson::padded_string(out);
  }
  if (starts({0x28, 0xb5, 0x2f, 0xfd})) {
    std::string out;
    if (Status s = UnzstdAll(path, raw, out); !s.ok()) return s;
    return simdjson::padded_string(out);
  }
  return simdjson::padded_string(raw);
}

// Calls fn(line_number, object) for each non-blank line; fn returns a Status.
template <typename Fn>
Status ForEachJsonLine(const std::string& path, const simdjson::padded_string& text, Fn&& fn) {
  dom::parser parser;
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
    if (Status s = fn(line_no, obj); !s.ok()) return s;
  }
  return Status::Ok();
}

// Field readers for DOM objects. `required` fields must be present and not
// null; optional ones leave `out` unset when absent or null.
struct Fields {
  const std::string& path;
  uint64_t line;
  dom::object obj;

  bool Find(std::string_view key, dom::element& e) const {
    return !obj.at_key(key).get(e) && !e.is_null();
  }

  Status String(std::string_view key, bool required, bool non_empty, std::string& out) const {
    dom::element e;
    if (!Find(key, e)) {
      if (required) return FieldError(path, line, key, "missing");
      out.clear();
      return Status::Ok();
    }
    std::string_view s;
    if (e.get_string().get(s) || (non_empty && s.empty())) {
      return FieldError(path, line, key,
                        non_empty ? "expected a non-empty string" : "expected a string");
    }
    out.assign(s);
    return Status::Ok();
  }

  Status Count(std::string_view key, bool required, std::optional<int64_t>& out) const {
    dom::element e;
    out.reset();
    if (!Find(key, e)) {
      return required ? FieldError(path, line, key, "missing") : Status::Ok();
    }
    int64_t v = 0;
    if (e.get_int64().get(v) || v < 0) {
      return FieldError(path, line, key, "expected a non-negative integer");
    }
    out = v;
    return Status::Ok();
  }

  Status Time(std::string_view key, std::optional<TimeUs>& out) const {
    dom::element e;
    out.reset();
    if (!Find(key, e)) return Status::Ok();
    std::string_view s;
    std::optional<TimeUs> t;
    if (!e.get_string().get(s)) t = ParseRfc3339(s);
    if (!t) return FieldError(path, line, key, "expected an RFC 3339 time or null");
    out = t;
    return Status::Ok();
  }
};

std::string DuplicateReason(std::string_view id, uint64_t first_line) {
  std::string m = "duplicate account \"";
  m.append(id);
  m += "\" (first on line " + std::to_string(first_line) + ")";
  return m;
}

}  // namespace

Result<std::vector<LabelRow>> LoadLabels(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  std::vector<LabelRow> rows;
  std::unordered_map<std::string, uint64_t> seen;
  Status s = ForEachJsonLine(path, *text, [&](uint64_t line, dom::object obj) -> Status {
    const Fields f{path, line, obj};
    LabelRow r;
    if (Status st = f.String("user.id", true, true, r.user_id); !st.ok()) return st;
    std::string label;
    if (Status st = f.String("label", true, false, label); !st.ok()) return st;
    if (label == "attack") {
      r.attack = true;
    } else if (label != "benign") {
      return FieldError(path, line, "label", "expected one of attack|benign");
    }
    if (Status st = f.String("persona", true, true, r.persona); !st.ok()) return st;
    if (Status st = f.String("campaign", false, true, r.campaign); !st.ok()) return st;
    if (r.attack && r.campaign.empty()) {
      return FieldError(path, line, "campaign", "an attack account needs a campaign id");
    }
    if (!r.attack && !r.campaign.empty()) {
      return FieldError(path, line, "campaign", "expected null for a benign account");
    }
    std::optional<int64_t> requests;
    if (Status st = f.Count("requests", true, requests); !st.ok()) return st;
    r.requests = *requests;
    if (Status st = f.Time("first_seen", r.first_seen); !st.ok()) return st;
    if (Status st = f.Time("last_seen", r.last_seen); !st.ok()) return st;
    auto [it, fresh] = seen.emplace(r.user_id, line);
    if (!fresh) return FieldError(path, line, "user.id", DuplicateReason(r.user_id, it->second));
    rows.push_back(std::move(r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return rows;
}

Result<std::vector<PredRow>> LoadAccounts(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  std::vector<PredRow> rows;
  std::unordered_map<std::string, uint64_t> seen;
  Status s = ForEachJsonLine(path, *text, [&](uint64_t line, dom::object obj) -> Status {
    const Fields f{path, line, obj};
    PredRow r;
    if (Status st = f.String("user.id", true, true, r.user_id); !st.ok()) return st;
    dom::element e;
    if (!f.Find("score", e)) return FieldError(path, line, "score", "missing");
    if (e.get_double().get(r.score) || !(r.score >= 0 && r.score <= 1)) {
      return FieldError(path, line, "score", "expected a number in [0, 1]");
    }
    std::string verdict;
    if (Status st = f.String("verdict", true, false, verdict); !st.ok()) return st;
    if (verdict == "attack") {
      r.verdict = Verdict::kAttack;
    } else if (verdict == "suspicious") {
      r.verdict = Verdict::kSuspicious;
    } else if (verdict == "benign") {
      r.verdict = Verdict::kBenign;
    } else {
      return FieldError(path, line, "verdict", "expected one of attack|suspicious|benign");
    }
    if (Status st = f.String("campaign", false, true, r.campaign); !st.ok()) return st;
    if (Status st = f.Time("first_flagged", r.first_flagged); !st.ok()) return st;
    if (Status st = f.Count("requests_before_flag", false, r.requests_before_flag); !st.ok())
      return st;
    auto [it, fresh] = seen.emplace(r.user_id, line);
    if (!fresh) return FieldError(path, line, "user.id", DuplicateReason(r.user_id, it->second));
    rows.push_back(std::move(r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return rows;
}

Result<std::vector<PredCampaign>> LoadCampaigns(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  const JsonLineIndex lines(*text);
  od::parser parser;
  od::document doc;
  uint64_t last_line = 1;  // of the last value looked at, for errors without a position
  auto syntax = [&](simdjson::error_code err) {
    const char* where = nullptr;
    uint64_t line = last_line;
    if (!doc.current_location().get(where)) line = lines.LineOf(where);
    return ParseError(path, line, std::string("invalid JSON: ") + simdjson::error_message(err));
  };
  auto line_of = [&](od::value& v) {
    last_line = lines.LineOf(v.raw_json_token().data());
    return last_line;
  };
  if (auto err = parser.iterate(*text).get(doc)) {
    return ParseError(path, 1, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  od::object root;
  if (auto err = doc.get_object().get(root)) {
    if (err == simdjson::INCORRECT_TYPE) return ParseError(path, 1, "expected a JSON object");
    return syntax(err);
  }
  std::vector<PredCampaign> out;
  std::unordered_map<std::string, uint64_t> seen;
  bool have_list = false;
  for (auto root_field : root) {
    od::field rf;
    if (auto err = std::move(root_field).get(rf)) return syntax(err);
    std::string_view key;
    if (auto err = rf.unescaped_key().get(key)) return syntax(err);
    if (key != "campaigns") {
      if (auto err = WalkJson(rf.value())) return syntax(err);
      continue;
    }
    od::value list_value = rf.value();
    const uint64_t list_line = line_of(list_value);
    od::array list;
    if (auto err = list_value.get_array().get(list)) {
      if (err == simdjson::INCORRECT_TYPE) {
        return FieldError(path, list_line, "campaigns", "expected an array");
      }
      return syntax(err);
    }
    have_list = true;
    for (auto elem : list) {
      od::value cv;
      if (auto err = std::move(elem).get(cv)) return syntax(err);
      const uint64_t cline = line_of(cv);
      od::object cobj;
      if (auto err = cv.get_object().get(cobj)) {
        if (err == simdjson::INCORRECT_TYPE) {
          return FieldError(path, cline, "campaigns", "expected an array of objects");
        }
        return syntax(err);
      }
      PredCampaign c;
      bool have_id = false;
      for (auto cfield : cobj) {
        od::field cf;
        if (auto err = std::move(cfield).get(cf)) return syntax(err);
        std::string_view k;
        if (auto err = cf.unescaped_key().get(k)) return syntax(err);
        const std::string ks(k);
        od::value& v = cf.value();
        const uint64_t line = line_of(v);
        od::json_type type;
        if (auto err = v.type().get(type)) return syntax(err);
        if (ks == "id") {
          std::string_view id;
          if (v.get_string().get(id) || id.empty()) {
            return FieldError(path, line, ks, "expected a non-empty string");
          }
          c.id.assign(id);
          have_id = true;
        } else if (ks == "accounts" || ks == "account_ids") {
          if (type == od::json_type::null) continue;
          if (type == od::json_type::array) {
            od::array ids;
            if (auto err = v.get_array().get(ids)) return syntax(err);
            c.account_ids.clear();
            for (auto idv : ids) {
              std::string_view id;
              if (auto err = idv.get_string().get(id)) {
                if (err == simdjson::INCORRECT_TYPE) {
                  return FieldError(path, line, ks, "expected an array of account ids");
                }
                return syntax(err);
              }
              c.account_ids.emplace_back(id);
            }
            c.accounts = static_cast<int64_t>(c.account_ids.size());
          } else if (ks == "accounts") {
            int64_t n = 0;
            if (v.get_int64().get(n) || n < 0) {
              return FieldError(path, line, ks,
                                "expected a non-negative integer or an array of account ids");
            }
            if (c.account_ids.empty()) c.accounts = n;
          } else {
            return FieldError(path, line, ks, "expected an array of account ids");
          }
        } else if (ks != "first_detection" && ks != "requests_before_detection") {
          if (auto err = WalkJson(v)) return syntax(err);
        } else if (ks == "first_detection") {
          if (type == od::json_type::null) continue;
          std::string_view ts;
          std::optional<TimeUs> t;
          if (!v.get_string().get(ts)) t = ParseRfc3339(ts);
          if (!t) return FieldError(path, line, ks, "expected an RFC 3339 time or null");
          c.first_detection = t;
        } else if (ks == "requests_before_detection") {
          if (type == od::json_type::null) continue;
          int64_t n = 0;
          if (v.get_int64().get(n) || n < 0) {
            return FieldError(path, line, ks, "expected a non-negative integer");
          }
          c.requests_before_detection = n;
        }
      }
      if (!have_id) return FieldError(path, cline, "id", "missing");
      auto [it, fresh] = seen.emplace(c.id, cline);
      if (!fresh) {
        return FieldError(path, cline, "id",
                          "duplicate campaign \"" + c.id + "\" (first on line " +
                              std::to_string(it->second) + ")");
      }
      out.push_back(std::move(c));
    }
  }
  // current_location() is in bounds only when something follows the root.
  if (const char* rest = nullptr; !doc.current_location().get(rest)) {
    return ParseError(path, lines.LineOf(rest), "invalid JSON: trailing content");
  }
  if (!have_list) return FieldError(path, 1, "campaigns", "missing");
  return out;
}

Result<EvalReport> Evaluate(const std::string& labels_path, const std::string& result_dir,
                            const Targets& targets) {
  auto labels = LoadLabels(labels_path);
  if (!labels.ok()) return labels.status();
  const std::string dir = result_dir.empty() ? std::string(".") : result_dir;
  const std::string sep = dir.back() == '/' ? "" : "/";
  auto accounts = LoadAccounts(dir + sep + "accounts.jsonl");
  if (!accounts.ok()) return accounts.status();
  std::vector<PredCampaign> campaigns;
  const std::string campaigns_path = dir + sep + "campaigns.json";
  std::error_code ec;
  if (std::filesystem::exists(campaigns_path, ec)) {
    auto c = LoadCampaigns(campaigns_path);
    if (!c.ok()) return c.status();
    campaigns = std::move(c.value());
  }
  return Compute(*labels, *accounts, campaigns, targets);
}

}  // namespace hw::eval
