// Binary form of a Decision for the embedded state store: every field, so
// that a restored store enforces, lists and escalates exactly as before.
#pragma once

#include <string>
#include <string_view>

#include "engine/common/result.h"
#include "engine/decide/decision_store.h"

namespace hw::decide {

void EncodeDecision(const Decision& d, std::string* out);
// kParseError when `bytes` is not a decision record of this version.
Status DecodeDecision(std::string_view bytes, Decision* d);

}  // namespace hw::decide
