// Load-time helpers shared by the YAML spec loaders (policy, rule pack):
// a coded error at a 1-based line, key checking and bounded numbers. Only
// for loaders: they throw SpecError, which the loader's entry point turns
// into a Status "source:line: code: message" with FormatSpecError.
// Header-only; users link yaml-cpp themselves.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/common/result.h"

namespace hw::spec {

struct SpecError : std::runtime_error {
  SpecError(int l, const char* c, const std::string& m) : std::runtime_error(m), line(l), code(c) {}
  int line;
  const char* code;  // stable: bad-type, unknown-key, out-of-range, ...
};

inline int LineOf(const YAML::Node& n) { return n.Mark().line + 1; }

[[noreturn]] inline void Fail(const YAML::Node& n, const char* code, const std::string& msg) {
  throw SpecError(LineOf(n), code, msg);
}

// `map` must be a mapping whose keys are plain names among `allowed`.
inline void CheckKeys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                      const std::string& what) {
  if (!map.IsMap()) Fail(map, "bad-type", what + ": expected a mapping");
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) Fail(kv.first, "bad-type", what + ": keys must be plain names");
    const std::string& key = kv.first.Scalar();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      Fail(kv.first, "unknown-key",
           what + ": unknown key '" + key + "' (expected one of: " + list + ")");
    }
  }
}

// A finite number in [lo, hi].
inline double Num(const YAML::Node& n, const std::string& what, double lo, double hi) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected a number");
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    Fail(n, "bad-type", what + ": expected a number");
  }
  if (!std::isfinite(v) || v < lo || v > hi) {
    std::ostringstream m;
    m << what << ": " << v << " is out of range [" << lo << ", " << hi << "]";
    Fail(n, "out-of-range", m.str());
  }
  return v;
}

inline Status FormatSpecError(const std::string& source_name, const SpecError& e) {
  return Status(ErrorCode::kSpecError,
                source_name + ":" + std::to_string(e.line) + ": " + e.code + ": " + e.what());
}

// A yaml-cpp parse error as "source:line: yaml-syntax: message". An error
// found at the end of the input (an unclosed [ or {) is marked on the line
// after the last one; the last line is named instead.
inline Status FormatYamlError(std::string_view yaml, const std::string& source_name,
                              const YAML::Exception& e) {
  const auto lines = static_cast<int>(std::count(yaml.begin(), yaml.end(), '\n') +
                                      (!yaml.empty() && yaml.back() != '\n' ? 1 : 0));
  const int line = std::clamp(e.mark.line + 1, 1, std::max(lines, 1));
  return Status(ErrorCode::kSpecError,
                source_name + ":" + std::to_string(line) + ": yaml-syntax: " + e.msg);
}

// The text of a spec file, or kIoError "path: cannot open <what>".
inline Result<std::string> ReadSpecFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, path + ": cannot open " + what);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace hw::spec
