// Test helper shared by the spec loaders' fuzz-regression replays.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace hw::testing {

// True when `m` reads "<source>:<digits>: <code>: <message>" with `code` one
// of `codes`: the shape every spec loader's errors must have.
inline bool IsCodedSpecError(const std::string& m, std::string_view source,
                             std::initializer_list<const char*> codes) {
  const std::string prefix = std::string(source) + ":";
  if (m.rfind(prefix, 0) != 0) return false;
  size_t i = prefix.size();
  while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i;
  if (i == prefix.size() || m.compare(i, 2, ": ") != 0) return false;
  const size_t end = m.find(": ", i + 2);
  if (end == std::string::npos || end + 2 >= m.size()) return false;
  const std::string code = m.substr(i + 2, end - i - 2);
  for (const char* c : codes) {
    if (code == c) return true;
  }
  return false;
}

// True when `m` reads "<file>:<digits>: <reason>" with a non-empty reason:
// the shape of the whole-document readers' errors (result files, bundles).
inline bool NamesFileAndLine(const std::string& m, const std::string& file) {
  if (m.rfind(file + ":", 0) != 0) return false;
  size_t i = file.size() + 1;
  const size_t digits = i;
  while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i;
  return i > digits && m.compare(i, 2, ": ") == 0 && m.size() > i + 2;
}

}  // namespace hw::testing
