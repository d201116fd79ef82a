#include "engine/common/json_writer.h"

#include <gtest/gtest.h>

namespace hw {
namespace {

TEST(JsonWriter, EscapesAndReplacesInvalidUtf8) {
  std::string out;
  AppendJsonString(out, std::string_view("a\"b\\c\n\x01\xff\xc3\xa9", 10));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xc3\xa9\"");
}

TEST(JsonWriter, InsertsCommas) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("a").Int(1).Key("b").BeginArray().String("x").Number(0.5).Null().EndArray();
  w.Key("c").Bool(true).EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x",0.5,null],"c":true})");
}

}  // namespace
}  // namespace hw
