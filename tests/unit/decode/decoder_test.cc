#include "engine/decode/decoder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "engine/common/hash.h"
#include "engine/common/time.h"
#include "engine/decode/reject_log.h"
#include "test_util.h"

namespace hw::decode {
namespace {

using testing::RealisticLine;

// A minimal valid line with `extra` spliced in before the closing brace.
std::string Line(const std::string& extra) {
  std::string s = R"({"time":"2025-01-01T00:00:00Z","user.id":"u1")";
  if (!extra.empty()) s += "," + extra;
  return s + "}";
}

struct Rejection {
  RejectReason reason;
  std::string message;
};

Rejection Reject(const std::string& line) {
  Decoder d;
  Event e;
  DecodeResult r = d.DecodeUnpadded(line, &e);
  return {r.reason, std::string(r.message)};
}

TEST(Decoder, DecodesEveryFieldOfARealisticLine) {
  Decoder d;
  Event e;
  const std::string line = RealisticLine();
  DecodeResult r = d.DecodeUnpadded(line, &e);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.message, "");
  EXPECT_EQ(e.time, *ParseRfc3339("2025-03-04T05:06:07.123456Z"));
  EXPECT_EQ(e.user_id, "acct_1f2e3d4c5b6a");
  EXPECT_EQ(e.response_id, "resp_00ff00ff00ff00ff");
  EXPECT_EQ(e.client_address, "2001:db8::7");
  EXPECT_EQ(e.user_agent, "python-requests/2.31");
  EXPECT_EQ(e.operation, "chat");
  EXPECT_EQ(e.model, "hydra-large-2");
  EXPECT_EQ(e.conversation_id, "conv_abc");
  EXPECT_EQ(e.max_tokens, 4096);
  EXPECT_DOUBLE_EQ(e.temperature, 0.7);
  EXPECT_EQ(e.input_tokens, 812);
  EXPECT_EQ(e.output_tokens, 96);
  EXPECT_EQ(e.status_code, 200);
  EXPECT_EQ(e.finish_reasons, static_cast<uint8_t>(FinishReason::kStop) |
                                  static_cast<uint8_t>(FinishReason::kToolCalls));
  EXPECT_EQ(e.system_text, "You are a helpful assistant.");
  EXPECT_EQ(e.system_parts, 2);
  // Escapes are decoded: \" \n \u00e9 and a surrogate pair (U+1F600).
  EXPECT_EQ(e.prompt_text, "And \"tomorrow\"?\nThanks \xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(e.messages, 5);
  EXPECT_EQ(e.user_messages, 2);
  EXPECT_EQ(e.assistant_messages, 2);
  EXPECT_EQ(e.tool_calls, 1);
  EXPECT_EQ(e.tool_responses, 1);
  EXPECT_EQ(e.tool_definitions, 2);
  EXPECT_EQ(e.tool_names_hash, Hash64("get_weather") + Hash64("search"));
}

// The validating walk (the fast path's views point into the DOM parser's
// string buffer instead; both are valid until the next Decode).
TEST(Decoder, StringsWithoutEscapesPointIntoTheLine) {
  DecoderOptions options;
  options.fast_path = false;
  Decoder d(options);
  Event e;
  std::string padded = RealisticLine();
  const size_t n = padded.size();
  padded.append(64, '\0');
  DecodeResult r = d.Decode(std::string_view(padded.data(), n), &e);
  ASSERT_TRUE(r.ok()) << r.message;
  const auto inside = [&](std::string_view v) {
    return v.data() >= padded.data() && v.data() + v.size() <= padded.data() + n;
  };
  EXPECT_TRUE(inside(e.user_id));
  EXPECT_TRUE(inside(e.system_text));
  EXPECT_FALSE(inside(e.prompt_text));  // had escapes: unescaped into scratch
}

TEST(Decoder, AbsentAndNullOptionalFields) {
  Decoder d;
  Event e;
  ASSERT_TRUE(d.DecodeUnpadded(Line(""), &e).ok());
  EXPECT_EQ(e.user_id, "u1");
  EXPECT_EQ(e.response_id, "");
  EXPECT_EQ(e.max_tokens, -1);
  EXPECT_EQ(e.temperature, -1);
  EXPECT_EQ(e.input_tokens, -1);
  EXPECT_EQ(e.output_tokens, -1);
  EXPECT_EQ(e.status_code, 0);
  EXPECT_EQ(e.messages, 0);
  EXPECT_EQ(e.tool_names_hash, 0u);
  DecodeResult r = d.DecodeUnpadded(
      Line(R"("gen_ai.request.max_tokens":null,"gen_ai.request.temperature":null,)"
           R"("client.address":null,"gen_ai.input.messages":null,"gen_ai.request.model":null)"),
      &e);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(e.max_tokens, -1);
  EXPECT_EQ(e.model, "");
}

TEST(Decoder, PromptIsFirstTextOfLastUserMessage) {
  Decoder d;
  Event e;
  DecodeResult r = d.DecodeUnpadded(
      Line(R"("gen_ai.input.messages":[)"
           R"({"role":"user","parts":[{"type":"text","content":"first"}]},)"
           R"({"parts":[{"content":"reply","type":"text"}],"role":"assistant"},)"
           R"({"role":"user","parts":[{"type":"tool_call_response","id":"x","result":1},)"
           R"({"content":"last","type":"text"},{"type":"text","content":"not this"}]}])"),
      &e);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(e.prompt_text, "last");
  EXPECT_EQ(e.user_messages, 2);
  EXPECT_EQ(e.assistant_messages, 1);
  EXPECT_EQ(e.tool_responses, 1);

  // The last user message has no text part: no prompt.
  r = d.DecodeUnpadded(Line(R"("gen_ai.input.messages":[)"
                            R"({"role":"user","parts":[{"type":"text","content":"first"}]},)"
                            R"({"role":"user","parts":[]}])"),
                       &e);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(e.prompt_text, "");
  EXPECT_EQ(e.messages, 2);
}

TEST(Decoder, ToolNamesHashIsOrderIndependent) {
  Decoder d;
  Event a, b, c;
  ASSERT_TRUE(
      d.DecodeUnpadded(Line(R"("gen_ai.tool.definitions":[{"name":"x"},{"name":"y"}])"), &a).ok());
  ASSERT_TRUE(
      d.DecodeUnpadded(Line(R"("gen_ai.tool.definitions":[{"name":"y"},{"name":"x"}])"), &b).ok());
  ASSERT_TRUE(
      d.DecodeUnpadded(Line(R"("gen_ai.tool.definitions":[{"name":"x"},{"name":"z"}])"), &c).ok());
  EXPECT_EQ(a.tool_names_hash, b.tool_names_hash);
  EXPECT_NE(a.tool_names_hash, c.tool_names_hash);
  EXPECT_EQ(a.tool_definitions, 2);
}

TEST(Decoder, FinishReasonBits) {
  Decoder d;
  Event e;
  ASSERT_TRUE(
      d.DecodeUnpadded(
           Line(R"("gen_ai.response.finish_reasons":["length","content_filter","error","x"])"), &e)
          .ok());
  EXPECT_EQ(e.finish_reasons, static_cast<uint8_t>(FinishReason::kLength) |
                                  static_cast<uint8_t>(FinishReason::kContentFilter) |
                                  static_cast<uint8_t>(FinishReason::kError) |
                                  static_cast<uint8_t>(FinishReason::kOther));
}

TEST(Decoder, TimeWithOffsetAndKeyWithEscape) {
  Decoder d;
  Event e;
  DecodeResult r =
      d.DecodeUnpadded(R"({"time":"2025-01-01T01:00:00+01:00","user\u002eid":"u\u0031"})", &e);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(e.time, *ParseRfc3339("2025-01-01T00:00:00Z"));
  EXPECT_EQ(e.user_id, "u1");
}

TEST(Decoder, WhitespaceAroundTheObject) {
  Decoder d;
  Event e;
  EXPECT_TRUE(d.DecodeUnpadded("  " + Line("") + " \t", &e).ok());
}

TEST(Decoder, Ipv4AndIpv6Addresses) {
  Decoder d;
  Event e;
  for (const char* ok : {"192.0.2.1", "::1", "2001:db8::1", "::ffff:192.0.2.1"}) {
    DecodeResult r = d.DecodeUnpadded(Line(std::string(R"("client.address":")") + ok + "\""), &e);
    EXPECT_TRUE(r.ok()) << ok << ": " << r.message;
    EXPECT_EQ(e.client_address, ok);
  }
  for (const char* bad :
       {"192.0.2.256", "1.2.3", "localhost", "[::1]", "2001:db8::1%eth0", "01.2.3.4", " 1.2.3.4"}) {
    Rejection r = Reject(Line(std::string(R"("client.address":")") + bad + "\""));
    EXPECT_EQ(r.reason, RejectReason::kBadAddress) << bad;
    EXPECT_EQ(r.message,
              std::string(R"("client.address": not an IPv4 or IPv6 address: ")") + bad + "\"");
  }
}

TEST(Decoder, RejectsEachReasonWithAMessage) {
  struct Case {
    std::string line;
    RejectReason reason;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[1,2]", RejectReason::kNotObject, "expected a JSON object, got array"},
      {"\"text\"", RejectReason::kNotObject, "expected a JSON object, got string"},
      {"42", RejectReason::kNotObject, "expected a JSON object, got number"},
      {R"({"user.id":"u"})", RejectReason::kMissingTime, R"(missing "time")"},
      {R"({"time":"2025-01-01T00:00:00Z"})", RejectReason::kMissingUserId, R"(missing "user.id")"},
      {R"({"time":"2025-13-01T00:00:00Z","user.id":"u"})", RejectReason::kBadTime,
       R"("time": not an RFC 3339 date-time: "2025-13-01T00:00:00Z")"},
      {R"({"time":"2025-01-01 00:00:00","user.id":"u"})", RejectReason::kBadTime,
       R"("time": not an RFC 3339 date-time: "2025-01-01 00:00:00")"},
      {R"({"time":1735689600,"user.id":"u"})", RejectReason::kWrongType,
       R"("time": expected string, got number)"},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":""})", RejectReason::kBadValue,
       R"("user.id": must not be empty)"},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":7})", RejectReason::kWrongType,
       R"("user.id": expected string, got number)"},
      {Line(R"("gen_ai.request.max_tokens":"100")"), RejectReason::kWrongType,
       R"("gen_ai.request.max_tokens": expected integer, got string)"},
      {Line(R"("gen_ai.request.max_tokens":1.5)"), RejectReason::kWrongType,
       R"("gen_ai.request.max_tokens": expected integer, got floating-point number 1.5)"},
      {Line(R"("gen_ai.usage.input_tokens":100.0)"), RejectReason::kWrongType,
       R"("gen_ai.usage.input_tokens": expected integer, got floating-point number 100.0)"},
      {Line(R"("gen_ai.usage.output_tokens":1e3 )"), RejectReason::kWrongType,
       R"("gen_ai.usage.output_tokens": expected integer, got floating-point number 1e3)"},
      {Line(R"("gen_ai.usage.output_tokens":-5)"), RejectReason::kBadValue,
       R"("gen_ai.usage.output_tokens": -5 is out of range [0, 9223372036854775807])"},
      {Line(R"("gen_ai.request.max_tokens":99999999999999999999)"), RejectReason::kBadValue,
       R"("gen_ai.request.max_tokens": integer out of range: "99999999999999999999")"},
      {Line(R"("http.response.status_code":42)"), RejectReason::kBadValue,
       R"("http.response.status_code": 42 is out of range [100, 599])"},
      {Line(R"("http.response.status_code":true)"), RejectReason::kWrongType,
       R"("http.response.status_code": expected integer, got boolean)"},
      {Line(R"("gen_ai.request.temperature":"hot")"), RejectReason::kWrongType,
       R"("gen_ai.request.temperature": expected number, got string)"},
      {Line(R"("gen_ai.request.temperature":-0.5)"), RejectReason::kBadValue,
       R"("gen_ai.request.temperature": -0.5 is negative)"},
      {Line(R"("gen_ai.request.model":["m"])"), RejectReason::kWrongType,
       R"("gen_ai.request.model": expected string, got array)"},
      {Line(R"("gen_ai.response.finish_reasons":"stop")"), RejectReason::kWrongType,
       R"("gen_ai.response.finish_reasons": expected array, got string)"},
      {Line(R"("gen_ai.response.finish_reasons":["stop",1])"), RejectReason::kWrongType,
       R"("gen_ai.response.finish_reasons[1]": expected string, got number)"},
      {Line(R"("client.address":"not-an-ip")"), RejectReason::kBadAddress,
       R"("client.address": not an IPv4 or IPv6 address: "not-an-ip")"},
      {Line(R"("gen_ai.request.model":"a","gen_ai.request.model":"b")"),
       RejectReason::kDuplicateKey, R"("gen_ai.request.model": duplicate key)"},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":"u","user.id":"v"})",
       RejectReason::kDuplicateKey, R"("user.id": duplicate key)"},
      // Nested structure.
      {Line(R"("gen_ai.input.messages":{})"), RejectReason::kWrongType,
       R"("gen_ai.input.messages": expected array, got object)"},
      {Line(R"("gen_ai.input.messages":[{"role":"user","parts":[]},{"role":"user","parts":[]},)"
            R"({"role":"user","parts":{}}])"),
       RejectReason::kWrongType, R"("gen_ai.input.messages[2].parts": expected array, got object)"},
      {Line(R"("gen_ai.input.messages":[{"parts":[]}])"), RejectReason::kWrongType,
       R"("gen_ai.input.messages[0]": missing "role")"},
      {Line(R"("gen_ai.input.messages":[{"role":"user"}])"), RejectReason::kWrongType,
       R"("gen_ai.input.messages[0]": missing "parts")"},
      {Line(R"("gen_ai.input.messages":["hi"])"), RejectReason::kWrongType,
       R"("gen_ai.input.messages[0]": expected object, got string)"},
      {Line(R"("gen_ai.input.messages":[{"role":5,"parts":[]}])"), RejectReason::kWrongType,
       R"("gen_ai.input.messages[0].role": expected string, got number)"},
      {Line(R"("gen_ai.input.messages":[{"role":"User","parts":[]}])"), RejectReason::kBadValue,
       R"("gen_ai.input.messages[0].role": expected "user", "assistant", "tool" or "system", got "User")"},
      {Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"content":"x"}]}])"),
       RejectReason::kWrongType, R"("gen_ai.input.messages[0].parts[0]": missing "type")"},
      {Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":3}]}])"),
       RejectReason::kWrongType,
       R"("gen_ai.input.messages[0].parts[0].content": expected string, got number)"},
      {Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text"}]}])"),
       RejectReason::kWrongType, R"("gen_ai.input.messages[0].parts[0]": missing "content")"},
      {Line(
           R"("gen_ai.input.messages":[{"role":"assistant","parts":[{"type":"tool_call","id":"c"}]}])"),
       RejectReason::kWrongType, R"("gen_ai.input.messages[0].parts[0]": missing "name")"},
      {Line(
           R"("gen_ai.input.messages":[{"role":"assistant","parts":[{"type":"tool_call","name":1}]}])"),
       RejectReason::kWrongType,
       R"("gen_ai.input.messages[0].parts[0].name": expected string, got number)"},
      {Line(R"("gen_ai.input.messages":[{"role":"user","role":"user","parts":[]}])"),
       RejectReason::kDuplicateKey, R"("gen_ai.input.messages[0].role": duplicate key)"},
      {Line(R"("gen_ai.system_instructions":[{"type":"text","content":"a"},{"type":7}])"),
       RejectReason::kWrongType,
       R"("gen_ai.system_instructions[1].type": expected string, got number)"},
      {Line(R"("gen_ai.system_instructions":"be nice")"), RejectReason::kWrongType,
       R"("gen_ai.system_instructions": expected array, got string)"},
      {Line(R"("gen_ai.tool.definitions":[{"type":"function"}])"), RejectReason::kWrongType,
       R"("gen_ai.tool.definitions[0]": missing "name")"},
      {Line(R"("gen_ai.tool.definitions":[{"name":"a","description":{}}])"),
       RejectReason::kWrongType,
       R"("gen_ai.tool.definitions[0].description": expected string, got object)"},
      // Not JSON.
      {R"({"time":"2025-01-01T00:00:00Z","user.id":"u"} {})", RejectReason::kInvalidJson, ""},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":"u"}{})", RejectReason::kInvalidJson, ""},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":"u")", RejectReason::kInvalidJson, ""},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":"u",})", RejectReason::kInvalidJson, ""},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":"u\q"})", RejectReason::kInvalidJson, ""},
      {R"({"time":"2025-01-01T00:00:00Z","user.id":"\ud800"})", RejectReason::kInvalidJson, ""},
      {"{\"time\":\"2025-01-01T00:00:00Z\",\"user.id\":\"a\x01\"}", RejectReason::kInvalidJson, ""},
      {"not json", RejectReason::kInvalidJson, ""},
      {"nul", RejectReason::kInvalidJson, ""},
      {"null", RejectReason::kNotObject, "expected a JSON object, got null"},
      {"true x", RejectReason::kInvalidJson, ""},
      {"\"unterminated", RejectReason::kInvalidJson, ""},
      {"", RejectReason::kInvalidJson, ""},
      // Invalid UTF-8 wins over other problems of the line.
      {"{\"a\":\"\xff", RejectReason::kInvalidUtf8, "invalid UTF-8"},
      {"[\"\xff\"]", RejectReason::kInvalidUtf8, "invalid UTF-8"},
  };
  for (const Case& c : cases) {
    Rejection r = Reject(c.line);
    EXPECT_EQ(RejectReasonCode(r.reason), std::string(RejectReasonCode(c.reason))) << c.line;
    if (!c.message.empty()) {
      EXPECT_EQ(r.message, c.message) << c.line;
    } else {
      EXPECT_FALSE(r.message.empty()) << c.line;
    }
  }
}

TEST(Decoder, InvalidJsonMessages) {
  Rejection r = Reject(R"({"time":"2025-01-01T00:00:00Z","user.id":"u"} {})");
  EXPECT_EQ(r.message.rfind("invalid JSON: content after the object", 0), 0u) << r.message;
  r = Reject(R"({"time":"2025-01-01T00:00:00Z","user.id":"u\q"})");
  EXPECT_EQ(r.message, R"(invalid escape sequence in string at "user.id")");
}

TEST(Decoder, RejectsInvalidUtf8) {
  for (std::string bad : {std::string("\xff"), std::string("\xc3"), std::string("\xed\xa0\x80"),
                          std::string("\xc0\xaf")}) {
    Rejection r = Reject(Line(R"("gen_ai.request.model":"m)" + bad + "\""));
    EXPECT_EQ(r.reason, RejectReason::kInvalidUtf8);
    EXPECT_EQ(r.message, "invalid UTF-8");
    // Also when the bad bytes are in a value the decoder skips.
    r = Reject(Line(R"("other":")" + bad + "\""));
    EXPECT_EQ(r.reason, RejectReason::kInvalidUtf8);
  }
  // Valid multi-byte text is fine.
  Decoder d;
  Event e;
  EXPECT_TRUE(
      d.DecodeUnpadded(Line("\"gen_ai.request.model\":\"\xe6\x97\xa5\xf0\x9f\x98\x80\""), &e).ok());
  EXPECT_EQ(e.model, "\xe6\x97\xa5\xf0\x9f\x98\x80");
}

TEST(Decoder, TooLongLine) {
  DecoderOptions options;
  options.max_line_bytes = 100;
  Decoder d(options);
  Event e;
  const std::string line = Line(R"("gen_ai.request.model":")" + std::string(100, 'm') + "\"");
  DecodeResult r = d.DecodeUnpadded(line, &e);
  EXPECT_EQ(r.reason, RejectReason::kTooLong);
  EXPECT_EQ(r.message, "line too long: " + std::to_string(line.size()) + " bytes > 100");
  // The decoder keeps working after a rejection.
  EXPECT_TRUE(d.DecodeUnpadded(Line(""), &e).ok());
}

TEST(Decoder, DeepNesting) {
  // Skipped values are skipped iteratively: deep but balanced nesting in an
  // unknown key is accepted, unbalanced nesting is not.
  Decoder d;
  Event e;
  DecodeResult r =
      d.DecodeUnpadded(Line(R"("x":)" + std::string(5000, '[') + std::string(5000, ']')), &e);
  EXPECT_TRUE(r.ok()) << r.message;
  Rejection bad = Reject(Line(R"("x":)" + std::string(5000, '[') + std::string(4999, ']')));
  EXPECT_EQ(bad.reason, RejectReason::kInvalidJson);
  // Nesting inside a value the decoder reads is bounded by the schema.
  bad = Reject(Line(R"("gen_ai.input.messages":[[[[]]]])"));
  EXPECT_EQ(bad.reason, RejectReason::kWrongType);
  EXPECT_EQ(bad.message, R"("gen_ai.input.messages[0]": expected object, got array)");
}

TEST(Decoder, ReusesViewsAcrossLinesWithoutLeakingState) {
  Decoder d;
  Event e;
  ASSERT_TRUE(d.DecodeUnpadded(RealisticLine(), &e).ok());
  ASSERT_TRUE(d.DecodeUnpadded(Line(""), &e).ok());
  EXPECT_EQ(e.messages, 0);
  EXPECT_EQ(e.prompt_text, "");
  EXPECT_EQ(e.finish_reasons, 0);
}

TEST(Decoder, BlankLines) {
  EXPECT_TRUE(IsBlankLine(""));
  EXPECT_TRUE(IsBlankLine(" \t\r"));
  EXPECT_FALSE(IsBlankLine(" x"));
}

TEST(Decoder, ReasonCodesAreStable) {
  EXPECT_STREQ(RejectReasonCode(RejectReason::kInvalidJson), "invalid_json");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kInvalidUtf8), "invalid_utf8");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kNotObject), "not_object");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kMissingTime), "missing_time");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kBadTime), "bad_time");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kMissingUserId), "missing_user_id");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kWrongType), "wrong_type");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kBadValue), "bad_value");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kBadAddress), "bad_address");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kDuplicateKey), "duplicate_key");
  EXPECT_STREQ(RejectReasonCode(RejectReason::kTooLong), "too_long");
}

}  // namespace
}  // namespace hw::decode

namespace hw::decode {
namespace {

// The examples in docs/FORMAT.md are decoded as the text says.
TEST(FormatDoc, ExamplesHold) {
  std::ifstream f(std::string(HW_SOURCE_DIR) + "/docs/FORMAT.md");
  ASSERT_TRUE(f) << "docs/FORMAT.md";
  const std::string doc((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t example = doc.find("### Example");
  ASSERT_NE(example, std::string::npos);
  const size_t begin = doc.find("```json\n", example) + 8;
  const std::string line = doc.substr(begin, doc.find('\n', begin) - begin);
  Decoder d;
  Event e;
  DecodeResult r = d.DecodeUnpadded(line, &e);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(e.prompt_text, "Explain a.py.");
  EXPECT_EQ(e.system_text, "You are a coding assistant.");
  EXPECT_EQ(e.messages, 4);
  EXPECT_EQ(e.user_messages, 2);
  EXPECT_EQ(e.assistant_messages, 1);
  EXPECT_EQ(e.tool_calls, 1);
  EXPECT_EQ(e.tool_responses, 1);
  EXPECT_EQ(e.tool_definitions, 1);
  EXPECT_EQ(e.finish_reasons, static_cast<uint8_t>(FinishReason::kStop));
  EXPECT_TRUE(d.DecodeUnpadded(R"({"time":"2026-04-22T09:14:03Z","user.id":"acct_1"})", &e).ok());

  // The rejected.jsonl example.
  const std::string bad =
      R"({"time":"2026-04-22T09:14:03Z","user.id":"acct_1","gen_ai.request.max_tokens":"4096"})";
  r = d.DecodeUnpadded(bad, &e);
  std::string record;
  AppendRejectJson(record, "logs/day1.jsonl.gz", 1207, r.reason, r.message, bad);
  EXPECT_NE(doc.find(record), std::string::npos) << record;
}

}  // namespace
}  // namespace hw::decode
