// STIX 2.1 and MISP exports of a detection result (docs/SHARING.md). Only
// campaigns whose verdict is "attack" are exported: a linked group cleared as
// benign is a customer's own fleet, not intelligence. Both exports are pure
// functions of the result and the options: ids are UUIDv5 of stable inputs and
// every timestamp comes from the data (event time), so the same input gives a
// byte-identical file. Raw account ids, prompt text and e-mail data never
// appear: accounts leave only as SHA-256(salt + id).
#pragma once

#include <string>
#include <string_view>

#include "engine/common/result.h"
#include "engine/share/result_reader.h"

namespace hw::share {

// TLP 2.0 levels (FIRST), with the STIX 2.1 marking definitions the OASIS CTI
// TC publishes for them.
enum class Tlp : uint8_t { kClear, kGreen, kAmber, kAmberStrict, kRed };

// "clear", "green", "amber", "amber+strict", "red" (case-insensitive; "tlp:"
// prefix allowed).
Result<Tlp> ParseTlp(std::string_view text);
const char* TlpName(Tlp tlp) noexcept;  // "amber", ...

inline constexpr char kDefaultSalt[] = "hydrawatch-default-salt-v1";

struct ExportOptions {
  // The reporting organisation (the STIX identity and the MISP Orgc).
  std::string identity = "hydrawatch";
  // Prefixed to every account id before hashing. Partners who should be able
  // to match accounts share the salt; with the default anyone can test a
  // guessed id, so a real exchange sets its own.
  std::string salt = kDefaultSalt;
  Tlp tlp = Tlp::kAmber;
  // The `schema` of the prompt-template extension definition: where its JSON
  // Schema is published (docs/SHARING.md holds the text).
  std::string extension_schema =
      "hydrawatch docs/SHARING.md, section \"llm-prompt-template extension\" (JSON Schema)";
};

// A salt file's contents without its trailing newline (`echo secret > F`):
// kIoError when it cannot be read, kInvalidArgument when it is empty.
Result<std::string> ReadSaltFile(const std::string& path);

// The hashed account identifier: lower-case hex SHA-256 of salt followed by
// the id's bytes.
std::string HashAccount(std::string_view salt, std::string_view user_id);

// One STIX 2.1 bundle (JSON, one object per line, ending with a newline).
std::string ExportStix(const ResultSet& result, const ExportOptions& options);

// One MISP event in the MISP core format ({"Event": {...}}), ending with a
// newline.
std::string ExportMisp(const ResultSet& result, const ExportOptions& options);

}  // namespace hw::share
