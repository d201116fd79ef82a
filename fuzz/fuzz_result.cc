// libFuzzer harness: the readers of analyze's output (campaigns.json,
// accounts.jsonl) must refuse any text with a Status naming the file and line,
// never crash; a result they accept must export (STIX and MISP) to
// well-formed JSON.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/share/export.h"
#include "engine/share/result_reader.h"
#include "fuzz_util.h"

using hw::fuzz::NamesFileAndLine;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The same bytes as both files: a line of accounts.jsonl is also a
  // campaigns.json document and the other way round.
  auto campaigns = hw::share::ParseCampaigns(text, "c.json");
  if (!campaigns.ok() && !NamesFileAndLine(campaigns.status().message(), "c.json")) {
    __builtin_trap();
  }
  auto accounts = hw::share::ParseAccounts(text, "a.jsonl");
  if (!accounts.ok() && !NamesFileAndLine(accounts.status().message(), "a.jsonl")) {
    __builtin_trap();
  }
  if (!campaigns.ok()) return 0;
  hw::share::ResultSet result;
  result.campaigns = std::move(campaigns.value());
  if (accounts.ok()) result.accounts = std::move(accounts.value());
  const std::string stix = hw::share::ExportStix(result, hw::share::ExportOptions{});
  const std::string misp = hw::share::ExportMisp(result, hw::share::ExportOptions{});
  // Whatever the input, both exports are well-formed JSON.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(stix).get(doc) || parser.parse(misp).get(doc)) __builtin_trap();
  return 0;
}
