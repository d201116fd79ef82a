// libFuzzer harness: a record of serve's state store as read back from
// RocksDB (a damaged disk, a store written by another build). The first
// byte is the key's prefix, as in the store: 'a' an account state
// (fingerprint/account_codec), 'd' a decision (decide/decision_codec); the
// rest is the value. A record decodes, or is refused with a message and the
// target left as it was; a decoded record encodes to bytes that decode to
// the same thing and encode again to the same bytes. Never crashes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/decide/decision_codec.h"
#include "engine/fingerprint/account_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view value(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string once, twice;
  if (data[0] == 'a') {
    hw::fingerprint::AccountState untouched, s;
    hw::fingerprint::EncodeAccountState(untouched, &once);
    const hw::Status st = hw::fingerprint::DecodeAccountState(value, &s);
    if (!st.ok()) {
      if (st.message().empty()) __builtin_trap();
      hw::fingerprint::EncodeAccountState(s, &twice);
      if (once != twice) __builtin_trap();  // refused, yet changed
      return 0;
    }
    hw::fingerprint::EncodeAccountState(s, &once);
    hw::fingerprint::AccountState again;
    if (!hw::fingerprint::DecodeAccountState(once, &again).ok()) __builtin_trap();
    hw::fingerprint::EncodeAccountState(again, &twice);
    if (once != twice) __builtin_trap();
  } else if (data[0] == 'd') {
    hw::decide::Decision d;
    const hw::Status st = hw::decide::DecodeDecision(value, &d);
    if (!st.ok()) {
      if (st.message().empty()) __builtin_trap();
      return 0;
    }
    hw::decide::EncodeDecision(d, &once);
    hw::decide::Decision again;
    if (!hw::decide::DecodeDecision(once, &again).ok()) __builtin_trap();
    hw::decide::EncodeDecision(again, &twice);
    if (once != twice) __builtin_trap();
  }
  return 0;
}
