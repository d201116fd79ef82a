// libFuzzer harness: the accounts registry parser skips bad lines with a
// message, never crashes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/decode/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto reg = hw::decode::Registry::Parse(text, "fuzz.jsonl");
  for (const auto& e : reg.errors()) {
    if (e.message.find("fuzz.jsonl:") != 0) __builtin_trap();
  }
  return 0;
}
