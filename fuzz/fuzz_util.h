// Shared by the harnesses of whole-document readers.
#pragma once

#include <string>
#include <string_view>

namespace hw::fuzz {

// True when `m` reads "<file>:<digits>: ...": the shape every reader error has.
inline bool NamesFileAndLine(const std::string& m, std::string_view file) {
  if (m.rfind(file, 0) != 0 || m.size() <= file.size() + 1 || m[file.size()] != ':') return false;
  size_t i = file.size() + 1;
  const size_t digits = i;
  while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i;
  return i > digits && m.compare(i, 2, ": ") == 0;
}

}  // namespace hw::fuzz
