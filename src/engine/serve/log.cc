#include "engine/serve/log.h"

#include <cstdio>
#include <ctime>

#include "engine/common/json_writer.h"

namespace hw::serve {

void LogEvent(const char* event, const std::string& detail) {
  std::string line;
  JsonWriter w(line);
  // Wall-clock time is right here: it says when the process logged, not
  // anything about the traffic.
  w.BeginObject().Key("ts").Int(static_cast<int64_t>(std::time(nullptr)));
  w.Key("event").String(event).Key("detail").String(detail).EndObject();
  line.push_back('\n');
  std::fputs(line.c_str(), stderr);
}

}  // namespace hw::serve
