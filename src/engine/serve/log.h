// serve's structured log: one JSON object per line on stderr
// ({"ts":..., "event":..., "detail":...}), what an operator's log pipeline
// reads. Thread-safe (one fprintf per line).
#pragma once

#include <string>

namespace hw::serve {

void LogEvent(const char* event, const std::string& detail);

}  // namespace hw::serve
