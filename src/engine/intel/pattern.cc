// The STIX patterning subset partner indicators may use (intel.h,
// ParsePattern). Anything else (AND, FOLLOWEDBY, qualifiers, parentheses,
// other objects or operators) is outside it: the indicator is skipped.
#include <arpa/inet.h>

#include <cctype>
#include <cstdio>
#include <cstring>

#include "engine/intel/intel.h"

namespace hw::intel {

namespace {

class PatternLexer {
 public:
  explicit PatternLexer(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A bare word: letters, digits, '-', '_', ':' (object paths and keywords).
  std::string_view Word() {
    SkipSpace();
    const size_t start = pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':')) {
        break;
      }
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }
  // Peeks the next word without consuming it.
  std::string_view PeekWord() {
    const size_t save = pos_;
    const std::string_view w = Word();
    pos_ = save;
    return w;
  }
  // A quoted string literal with \' and \\ escapes.
  bool Quoted(std::string* out) {
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '\'') return false;
    ++pos_;
    out->clear();
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\'') return true;
      if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        const char e = s_[pos_++];
        if (e != '\'' && e != '\\') return false;
        out->push_back(e);
      } else {
        out->push_back(c);
      }
    }
    return false;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// "a.b.c.d", "a.b.c.d/n", "x::y", "x::y/n" of the family asked for.
std::optional<Network> ParseNetwork(const std::string& text, bool ipv6) {
  const size_t slash = text.find('/');
  const std::string addr = text.substr(0, slash);
  const int bits = ipv6 ? 128 : 32;
  int prefix = bits;
  if (slash != std::string::npos) {
    const std::string p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > bits) return std::nullopt;
  }
  Network n;
  n.ipv6 = ipv6;
  n.prefix = static_cast<uint8_t>(prefix);
  if (inet_pton(ipv6 ? AF_INET6 : AF_INET, addr.c_str(), n.addr.data()) != 1) return std::nullopt;
  for (int i = 0; i < 16; ++i) {
    const int keep = std::max(0, std::min(8, prefix - 8 * i));
    n.addr[static_cast<size_t>(i)] &= static_cast<uint8_t>(0xff00u >> keep);
  }
  return n;
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// One comparison: PATH OP 'value'.
std::optional<Observable> Comparison(PatternLexer& lx) {
  const std::string_view path = lx.Word();
  const std::string_view op_word = lx.PeekWord();
  bool subset = false;
  if (op_word == "ISSUBSET") {
    lx.Word();
    subset = true;
  } else if (!lx.Eat('=')) {
    return std::nullopt;
  }
  std::string value;
  if (!lx.Quoted(&value)) return std::nullopt;
  Observable o;
  o.value = value;
  if (path == "ipv4-addr:value" || path == "ipv6-addr:value") {
    auto n = ParseNetwork(value, path[3] == '6');
    if (!n) return std::nullopt;
    o.kind = IndicatorKind::kNetwork;
    o.network = *n;
    return o;
  }
  if (subset) return std::nullopt;
  if (path == "llm-prompt-template:fingerprint") {
    auto key = ParseTemplateFingerprint(value);
    if (!key) return std::nullopt;
    o.kind = IndicatorKind::kTemplate;
    o.template_key = *key;
    return o;
  }
  if (path == "user-account:user_id") {
    if (!ParseSha256Hex(value, &o.account)) return std::nullopt;
    o.kind = IndicatorKind::kAccount;
    o.value = ToHex(o.account);
    return o;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<Observable>> ParsePattern(std::string_view pattern) {
  PatternLexer lx(pattern);
  std::vector<Observable> out;
  for (;;) {
    if (!lx.Eat('[')) return std::nullopt;
    for (;;) {
      auto o = Comparison(lx);
      if (!o) return std::nullopt;
      out.push_back(std::move(*o));
      if (lx.Eat(']')) break;
      if (lx.Word() != "OR") return std::nullopt;
    }
    if (lx.AtEnd()) break;
    if (lx.Word() != "OR") return std::nullopt;
  }
  return out;
}

std::string FormatTemplateFingerprint(uint64_t key) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "tpl_%016llx", static_cast<unsigned long long>(key));
  return buf;
}

std::optional<uint64_t> ParseTemplateFingerprint(std::string_view text) noexcept {
  if (text.size() == 20 && text.substr(0, 4) == "tpl_") text.remove_prefix(4);
  if (text.size() != 16 || !IsHex(text)) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    const int d = c <= '9' ? c - '0' : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

const char* KindName(IndicatorKind kind) noexcept {
  switch (kind) {
    case IndicatorKind::kNetwork:
      return "network";
    case IndicatorKind::kTemplate:
      return "template";
    case IndicatorKind::kAccount:
      return "account";
  }
  return "network";
}

}  // namespace hw::intel
