// Digests behind the export's identifiers: SHA-256 for salted account hashes
// and UUIDv5 (RFC 9562, SHA-1 based) for deterministic STIX and MISP ids.
// Not a hot path.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hw::share {

using Uuid = std::array<uint8_t, 16>;

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, either case); false on
// any other text.
bool ParseUuid(std::string_view text, Uuid& out) noexcept;
// Lower-case 8-4-4-4-12 form.
std::string FormatUuid(const Uuid& uuid);
// UUID version 5: SHA-1 of the namespace's 16 bytes followed by `name`,
// version and variant bits set.
Uuid UuidV5(const Uuid& name_space, std::string_view name);

// The namespace of every id the project derives (hydrawatch's own, fixed
// forever: changing it changes every exported id).
const Uuid& HydrawatchNamespace();
// The STIX 2.1 namespace for cyber-observable ids (section 2.9 of the spec).
const Uuid& StixObservableNamespace();

}  // namespace hw::share
