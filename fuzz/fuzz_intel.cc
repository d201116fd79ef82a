// libFuzzer harness: the partner-intelligence reader (STIX 2.1 bundles and
// their patterns) must refuse any text with a Status naming the file and
// line, never crash; a bundle it accepts must compile into lookups and match
// accounts without fault.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/fingerprint/account_table.h"
#include "engine/intel/intel.h"
#include "fuzz_util.h"

using hw::fuzz::NamesFileAndLine;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The bytes as a pattern too: the pattern parser sees partner text directly.
  (void)hw::intel::ParsePattern(text);
  auto bundle = hw::intel::ParseBundle(text, "b.json");
  if (!bundle.ok()) {
    if (!NamesFileAndLine(bundle.status().message(), "b.json")) __builtin_trap();
    return 0;
  }
  for (const auto& ind : bundle->indicators) {
    if (ind.observables.empty()) __builtin_trap();
    for (uint32_t c : ind.campaigns) {
      if (c >= bundle->campaigns.size()) __builtin_trap();
    }
  }
  hw::fingerprint::AccountTable table;
  const char* addresses[] = {"203.0.113.7", "2001:db8:1::5", "10.0.0.1"};
  for (int i = 0; i < 3; ++i) {
    hw::Event ev;
    ev.user_id = i == 0 ? "acct_a" : i == 1 ? "acct_b" : "acct_c";
    ev.time = 1'700'000'000'000'000 + i;
    ev.client_address = addresses[i];
    hw::features::RequestFeatures f;
    f.prompt_template = 0x9f2c4e1a0b7d3366ULL + static_cast<uint64_t>(i);
    f.prompt_chars = 200;
    table.Get(ev.user_id).Update(hw::fingerprint::Observe(ev, f));
  }
  const hw::intel::IntelSet set({std::move(bundle).value()}, "salt");
  const hw::intel::Matches m = set.Match(table);
  if (m.by_account.size() != table.size()) __builtin_trap();
  return 0;
}
