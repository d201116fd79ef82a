#include "engine/fingerprint/name_book.h"

#include <algorithm>

namespace hw::fingerprint {

namespace {

bool IsDelimiter(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '"':
    case '\'':
    case '<':
    case '>':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case ',':
    case ';':
    case '`':
      return true;
    default:
      return false;
  }
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool LooksLikeEmail(std::string_view t) {
  const size_t at = t.find('@');
  return at != std::string_view::npos && at > 0 && t.find('.', at + 2) != std::string_view::npos;
}

bool LooksLikeKey(std::string_view t) {
  while (!t.empty() && (t.back() == '.' || t.back() == ':')) t.remove_suffix(1);
  static constexpr std::string_view kPrefixes[] = {"sk-", "key-", "tok-", "ghp_", "AKIA", "xox"};
  for (std::string_view p : kPrefixes) {
    if (t.size() >= 12 && t.substr(0, p.size()) == p) return true;
  }
  if (t.size() < 20) return false;
  bool letter = false, digit = false;
  for (char c : t) {
    if (!IsAlnum(c) && c != '_' && c != '-') return false;
    (IsDigit(c) ? digit : letter) = true;
  }
  return letter && digit;
}

// Runs of >= 6 digits, counting digits joined by single spaces or dashes
// (card and phone numbers), become [digits].
std::string MaskDigits(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (!IsDigit(s[i])) {
      out.push_back(s[i++]);
      continue;
    }
    size_t j = i, digits = 0, end = i;
    while (j < s.size()) {
      if (IsDigit(s[j])) {
        ++digits;
        end = ++j;
      } else if ((s[j] == ' ' || s[j] == '-') && j + 1 < s.size() && IsDigit(s[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    if (digits >= 6) {
      out += "[digits]";
    } else {
      out.append(s.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

}  // namespace

bool NameBook::Wants(uint64_t key, TimeUs time) {
  Asked& a = asked_[key & (kRecent - 1)];
  // The kept text is at least as early (equal times compare texts: ask the map).
  if (key != 0 && a.key == key && a.time < time) return false;
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    a = {key, it->second.time};
    return time <= it->second.time;
  }
  if (entries_.size() < capacity_ || (!keys_.empty() && key < keys_.top())) return true;
  // Larger than every kept key of a full book: never kept (the largest kept
  // key only decreases).
  a = {key, INT64_MIN};
  return false;
}

void NameBook::Offer(uint64_t key, TimeUs time, std::string_view text) {
  if (text.size() > max_bytes_) {
    size_t cut = max_bytes_;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    Entry& e = it->second;
    if (time < e.time || (time == e.time && text < e.text)) {
      e.time = time;
      e.text.assign(text);
    }
    return;
  }
  if (entries_.size() >= capacity_) {
    if (capacity_ == 0 || key > keys_.top()) return;
    entries_.erase(keys_.top());
    keys_.pop();
  }
  entries_.emplace(key, Entry{time, std::string(text)});
  keys_.push(key);
}

void NameBook::Merge(const NameBook& other) {
  // Sorted, so that the result does not depend on the hash map's order.
  std::vector<uint64_t> keys;
  keys.reserve(other.entries_.size());
  for (const auto& [k, e] : other.entries_) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  for (uint64_t k : keys) {
    const Entry& e = other.entries_.at(k);
    Offer(k, e.time, e.text);
  }
}

std::string MaskExcerpt(std::string_view text, size_t max_bytes) {
  // Mask a bounded prefix, then cut: a cut never leaves half an address.
  text = text.substr(0, std::min(text.size(), 4 * max_bytes + 64));
  std::string tokens;
  tokens.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (IsDelimiter(text[i])) {
      tokens.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size() && !IsDelimiter(text[j])) ++j;
    const std::string_view t = text.substr(i, j - i);
    if (LooksLikeEmail(t)) {
      tokens += "[email]";
    } else if (LooksLikeKey(t)) {
      tokens += "[key]";
    } else {
      tokens.append(t);
    }
    i = j;
  }
  std::string out = MaskDigits(tokens);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (out.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

}  // namespace hw::fingerprint
