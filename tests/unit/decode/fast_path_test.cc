// The decoder's fast path (simdjson's DOM parser and a walk over its tape)
// and its validating On Demand walk must agree on every line: the same
// verdict, the same message and the same Event, byte for byte. The fast path
// only decides which of the two does the work (DecoderOptions::fast_path).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decode/decoder.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"
#include "test_util.h"

namespace hw::decode {
namespace {

std::string Line(const std::string& extra) {
  std::string s = R"({"time":"2025-01-01T00:00:00Z","user.id":"u1")";
  if (!extra.empty()) s += "," + extra;
  return s + "}";
}

std::string Clip(std::string_view s) { return std::string(s.substr(0, 300)); }

// Compares every field; temperature by its bits, so that -0 and 0 differ.
void ExpectSameEvent(const Event& a, const Event& b, std::string_view line) {
  SCOPED_TRACE(Clip(line));
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.user_id, b.user_id);
  EXPECT_EQ(a.response_id, b.response_id);
  EXPECT_EQ(a.client_address, b.client_address);
  EXPECT_EQ(a.user_agent, b.user_agent);
  EXPECT_EQ(a.operation, b.operation);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.conversation_id, b.conversation_id);
  EXPECT_EQ(a.max_tokens, b.max_tokens);
  EXPECT_EQ(std::bit_cast<uint64_t>(a.temperature), std::bit_cast<uint64_t>(b.temperature));
  EXPECT_EQ(a.input_tokens, b.input_tokens);
  EXPECT_EQ(a.output_tokens, b.output_tokens);
  EXPECT_EQ(a.status_code, b.status_code);
  EXPECT_EQ(a.finish_reasons, b.finish_reasons);
  EXPECT_EQ(a.system_text, b.system_text);
  EXPECT_EQ(a.system_parts, b.system_parts);
  EXPECT_EQ(a.prompt_text, b.prompt_text);
  EXPECT_EQ(a.messages, b.messages);
  EXPECT_EQ(a.user_messages, b.user_messages);
  EXPECT_EQ(a.assistant_messages, b.assistant_messages);
  EXPECT_EQ(a.tool_calls, b.tool_calls);
  EXPECT_EQ(a.tool_responses, b.tool_responses);
  EXPECT_EQ(a.tool_definitions, b.tool_definitions);
  EXPECT_EQ(a.tool_names_hash, b.tool_names_hash);
}

class Pair {
 public:
  Pair() : fast_(Options(true)), slow_(Options(false)) {}

  // Returns whether the line was accepted.
  bool ExpectAgree(std::string_view line) {
    Event ef, es;
    const DecodeResult rf = fast_.DecodeUnpadded(line, &ef);
    const std::string message(rf.message);
    const DecodeResult rs = slow_.DecodeUnpadded(line, &es);
    EXPECT_EQ(rf.reason, rs.reason) << Clip(line);
    EXPECT_EQ(message, rs.message) << Clip(line);
    if (rf.ok() && rs.ok()) ExpectSameEvent(ef, es, line);
    return rf.ok();
  }
  const Decoder& fast() const { return fast_; }

 private:
  static DecoderOptions Options(bool fast) {
    DecoderOptions o;
    o.fast_path = fast;
    return o;
  }
  Decoder fast_, slow_;
};

TEST(DecoderFastPath, AgreesOnEdgeCases) {
  const std::vector<std::string> lines = {
      testing::RealisticLine(),
      Line(""),
      "{}",
      "",
      "[1,2]",
      "null",
      "not json",
      Line("") + " x",
      Line("") + "{}",
      // Numbers at the edges of what each field takes.
      Line(R"("gen_ai.request.temperature":-0)"),
      Line(R"("gen_ai.request.temperature":-0.0)"),
      Line(R"("gen_ai.request.temperature":0)"),
      Line(R"("gen_ai.request.temperature":1e2)"),
      Line(R"("gen_ai.request.temperature":18446744073709551615)"),
      Line(R"("gen_ai.request.temperature":123456789012345678)"),
      Line(R"("gen_ai.request.temperature":1e999)"),
      Line(R"("gen_ai.request.temperature":-1)"),
      Line(R"("gen_ai.request.temperature":true)"),
      Line(R"("gen_ai.request.max_tokens":-0)"),
      Line(R"("gen_ai.request.max_tokens":9223372036854775807)"),
      Line(R"("gen_ai.request.max_tokens":9223372036854775808)"),
      Line(R"("gen_ai.request.max_tokens":99999999999999999999)"),
      Line(R"("gen_ai.request.max_tokens":1.0)"),
      Line(R"("gen_ai.request.max_tokens":1E3)"),
      Line(R"("gen_ai.request.max_tokens":null)"),
      Line(R"("http.response.status_code":99)"),
      Line(R"("http.response.status_code":599)"),
      Line(R"("http.response.status_code":null)"),
      // Values the validating walk skips without reading them whole: the
      // DOM parser refuses some of these, and the line is accepted anyway.
      Line(R"("x":99999999999999999999)"),
      Line(R"("x":1e999)"),
      Line(R"("x":"\ud800")"),
      Line(R"("x":"\q")"),
      Line(R"("x":)" + std::string(3000, '[') + std::string(3000, ']')),
      Line(
          R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":"\udc00"}]},)"
          R"({"role":"user","parts":[{"type":"text","content":"last"}]}])"),
      Line(
          R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":"\udc00"}]}])"),
      Line(R"("gen_ai.tool.definitions":[{"name":"a","description":"\q"}])"),
      Line(
          R"("gen_ai.input.messages":[{"role":"assistant","parts":[{"type":"tool_call","id":"\q","name":"f"}]}])"),
      // Escapes in keys and values.
      R"({"ti\u006de":"2025-01-01T00:00:00\u005a","user\u002eid":"u\u0000v"})",
      R"({"time":"2025-01-01T00:00:00Z","ti\u006de":"2025-01-01T00:00:00Z","user.id":"u"})",
      R"({"time":"2025-01-01T00:00:00Z","user.id":"u","k\q":1})",
      Line(
          R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"}]}])"),
      // Shapes of the structured fields.
      Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"image","content":5}]}])"),
      Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text"}]}])"),
      Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":null}]}])"),
      Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"content":"x"}]}])"),
      Line(
          R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":"a","type":"text"}]}])"),
      Line(R"("gen_ai.input.messages":[{"role":"assistant","parts":[{"type":"tool_call"}]}])"),
      Line(
          R"("gen_ai.input.messages":[{"role":"assistant","parts":[{"type":"tool_call","name":null}]}])"),
      Line(
          R"("gen_ai.input.messages":[{"role":"assistant","parts":[{"type":"tool_call","name":"f","id":7}]}])"),
      Line(
          R"("gen_ai.input.messages":[{"role":"tool","parts":[{"type":"tool_call_response","id":"c"}]}])"),
      Line(R"("gen_ai.input.messages":[{"role":"user","parts":null}])"),
      Line(R"("gen_ai.input.messages":[{"role":"User","parts":[]}])"),
      Line(R"("gen_ai.input.messages":[{"role":"system","parts":[]},{"role":"user","parts":[]}])"),
      Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":"a"}]},)"
           R"({"role":"user","parts":[{"type":"image","content":"b"}]}])"),
      Line(R"("gen_ai.input.messages":[{"parts":[],"role":"user","role":"user"}])"),
      Line(R"("gen_ai.input.messages":[[]])"),
      Line(R"("gen_ai.input.messages":{})"),
      Line(R"("gen_ai.input.messages":null)"),
      Line(
          R"("gen_ai.system_instructions":[{"type":"text","content":"a"},{"type":"text","content":"b"}])"),
      Line(R"("gen_ai.system_instructions":[{"type":"text","content":"a","id":5,"name":null}])"),
      Line(R"("gen_ai.system_instructions":[{"type":"tool_call"}])"),
      Line(R"("gen_ai.system_instructions":"be nice")"),
      Line(R"("gen_ai.tool.definitions":[{"name":"b"},{"name":"a","type":"function"}])"),
      Line(R"("gen_ai.tool.definitions":[{"type":"function"}])"),
      Line(R"("gen_ai.tool.definitions":[{"name":"a","description":null}])"),
      Line(R"("gen_ai.tool.definitions":[{"name":"a","name":"a"}])"),
      Line(R"("gen_ai.response.finish_reasons":[])"),
      Line(R"("gen_ai.response.finish_reasons":["stop","x",null])"),
      Line(R"("gen_ai.response.finish_reasons":null)"),
      Line(R"("client.address":"")"),
      Line(R"("client.address":"::1")"),
      Line(R"("client.address":"1.2.3.4.5")"),
      Line(R"("client.address":null)"),
      Line(R"("user_agent.original":null,"gen_ai.request.model":"m","gen_ai.request.model":"n")"),
      R"({"time":"2025-01-01T00:00:00Z","user.id":""})",
      R"({"time":null,"user.id":"u"})",
      R"({"time":"2025-01-01T00:00:00Z","user.id":null})",
      "{\"time\":\"2025-01-01T00:00:00Z\",\"user.id\":\"\xff\"}",
  };
  Pair pair;
  int accepted = 0;
  for (const std::string& line : lines) accepted += pair.ExpectAgree(line) ? 1 : 0;
  // Both kinds are exercised, and every accepted line took the fast path
  // but the 8 whose skipped values or unread strings the DOM parser refuses
  // (big numbers, bad escapes, lone surrogates, nesting deeper than 1024).
  EXPECT_GT(accepted, 20);
  EXPECT_LT(accepted, static_cast<int>(lines.size()) - 20);
  const auto rejected = static_cast<uint64_t>(lines.size()) - static_cast<uint64_t>(accepted);
  EXPECT_EQ(pair.fast().fallbacks(), rejected + 8);
}

// Lines over 1 MiB go straight to the validating walk, which bounds the
// DOM parser's buffers.
TEST(DecoderFastPath, LongLinesTakeTheValidatingWalk) {
  const std::string big(1100 * 1024, 'a');
  Pair pair;
  EXPECT_TRUE(pair.ExpectAgree(
      Line(R"("gen_ai.input.messages":[{"role":"user","parts":[{"type":"text","content":")" + big +
           R"("}]}])")));
  EXPECT_EQ(pair.fast().fallbacks(), 1u);
  EXPECT_TRUE(pair.ExpectAgree(Line(R"("x":")" + std::string(900 * 1024, 'b') + R"(")")));
  EXPECT_EQ(pair.fast().fallbacks(), 1u);
}

// Every line of each built-in scenario's traffic (reduced scale, the first
// lines of each): the lines production sees.
TEST(DecoderFastPath, AgreesOnSimulatedTraffic) {
  Pair pair;
  for (const char* name : {"small", "feb2026", "evasive", "seed"}) {
    SCOPED_TRACE(name);
    auto sc = sim::LoadScenario(name);
    ASSERT_TRUE(sc.ok());
    auto gen = sim::Generator::Create(sc->Scaled(0.01), sc->seed, 1);
    ASSERT_TRUE(gen.ok());
    const uint64_t fallbacks = pair.fast().fallbacks();
    size_t lines = 0;
    constexpr size_t kMaxLines = 6000;
    Status s = (*gen)->Run([&](std::string_view block) {
      while (!block.empty() && lines < kMaxLines) {
        const size_t nl = block.find('\n');
        const std::string_view line = block.substr(0, nl);
        EXPECT_TRUE(pair.ExpectAgree(line)) << Clip(line);
        ++lines;
        if (nl == std::string_view::npos) break;
        block.remove_prefix(nl + 1);
      }
      // Enough lines: stop the generator (its error ends Run).
      return lines < kMaxLines ? Status::Ok() : Status(ErrorCode::kOutOfRange, "enough");
    });
    EXPECT_TRUE(s.ok() || s.message() == "enough") << s.ToString();
    EXPECT_GT(lines, 1000u);
    // Every simulated line is valid and took the fast path.
    EXPECT_EQ(pair.fast().fallbacks(), fallbacks);
  }
}

}  // namespace
}  // namespace hw::decode
