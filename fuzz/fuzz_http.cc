// libFuzzer harness: arbitrary bytes, split at arbitrary points, through a
// connection's request parser (HttpSession) and a router holding every
// built-in endpoint (gateway checks, decisions API with a known admin token,
// health, metrics) - no sockets. The session must never crash, consume more
// than it was given, or write anything but whole HTTP/1.x responses.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/common/sha256.h"
#include "engine/serve/admin.h"
#include "engine/serve/checks.h"
#include "engine/serve/config.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/http.h"
#include "engine/serve/metrics.h"
#include "engine/serve/router.h"

namespace {

const hw::serve::ServeConfig& Config() {
  static const hw::serve::ServeConfig c = [] {
    // Seeds authenticate with "Authorization: Bearer fuzz-admin" and
    // "X-Api-Key: fuzz-bouncer".
    auto r = hw::serve::ParseServeConfig(
        "version: 1\nthrottle_slots: 64\nchecks: {exempt_paths: [/public]}\nauth: {admin_tokens: "
        "[" +
            hw::ToHex(hw::Sha256Of("fuzz-admin")) + "], bouncer_keys: [" +
            hw::ToHex(hw::Sha256Of("fuzz-bouncer")) + "]}\n",
        "fuzz.yaml", "");
    if (!r.ok()) __builtin_trap();
    return r.value();
  }();
  return c;
}

// Every response in `out` starts with a status line and is whole.
bool WholeResponses(std::string_view out) {
  while (!out.empty()) {
    if (out.substr(0, 9) != "HTTP/1.1 " && out.substr(0, 9) != "HTTP/1.0 ") return false;
    const size_t end = out.find("\r\n\r\n");
    if (end == std::string_view::npos) return false;
    const std::string_view head = out.substr(0, end);
    size_t len = 0;
    const size_t cl = head.find("\r\nContent-Length: ");
    if (cl != std::string_view::npos) len = std::strtoull(head.data() + cl + 18, nullptr, 10);
    // The answer to HEAD has the length GET's would have, and no body: the
    // next status line (or the end) follows at once. No endpoint's body
    // starts with a status line.
    const std::string_view rest = out.substr(end + 4);
    if (rest.empty() || rest.substr(0, 7) == "HTTP/1.") len = 0;
    if (out.size() < end + 4 + len) return false;
    out.remove_prefix(end + 4 + len);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const hw::serve::ServeConfig& config = Config();
  static hw::serve::Metrics metrics;
  hw::serve::DecisionService decisions(config.throttle_slots);
  hw::serve::Router router(&metrics);
  hw::serve::CheckService checks(config, nullptr, &decisions, &metrics);
  hw::serve::AdminService admin(config, &decisions, &metrics);
  checks.Register(&router);
  admin.RegisterHealth(&router);
  admin.Register(&router);
  hw::serve::HttpLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_body_bytes = 4096;
  hw::serve::HttpSession session(&router, &limits, 0);

  // Chunk sizes from a generator seeded by the input, so the same bytes are
  // tried split in different places as the input mutates.
  uint64_t x = 0x9e3779b97f4a7c15ull ^ size;
  for (size_t i = 0; i < size && i < 8; ++i) x = (x << 8 | data[i]) * 0xbf58476d1ce4e5b9ull + 1;
  const char* p = reinterpret_cast<const char*>(data);
  size_t left = size;
  std::string pending;
  while (left > 0 && !session.closing()) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const size_t chunk = std::min<size_t>(left, 1 + x % 64);
    pending.append(p, chunk);
    p += chunk;
    left -= chunk;
    const size_t used = session.Feed(pending.data(), pending.size(), 0);
    if (used > pending.size()) __builtin_trap();
    pending.erase(0, used);
    if (!WholeResponses(session.output())) __builtin_trap();
    session.output().clear();  // as if written to the socket
  }
  if (!pending.empty() && !session.closing()) {
    const size_t used = session.Feed(pending.data(), pending.size(), 0);
    if (used > pending.size()) __builtin_trap();
  }
  if (!WholeResponses(session.output())) __builtin_trap();
  session.Eof();
  return 0;
}
