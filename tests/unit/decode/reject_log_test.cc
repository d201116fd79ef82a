#include "engine/decode/reject_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/common/time.h"
#include "engine/decode/chunk_decoder.h"

namespace hw::decode {
namespace {

TEST(RejectLog, FormatsOneJsonLine) {
  std::string out;
  AppendRejectJson(out, "logs/a.jsonl", 12, RejectReason::kWrongType,
                   R"("gen_ai.request.max_tokens": expected integer, got string)",
                   R"({"time":"x","gen_ai.request.max_tokens":"1"})");
  EXPECT_EQ(out, R"({"file":"logs/a.jsonl","line":12,"reason":"wrong_type",)"
                 R"("message":"\"gen_ai.request.max_tokens\": expected integer, got string",)"
                 R"("excerpt":"{\"time\":\"x\",\"gen_ai.request.max_tokens\":\"1\"}"})"
                 "\n");
}

TEST(RejectLog, ExcerptIsShortAndValidUtf8) {
  // 199 ASCII bytes then a 3-byte character straddling the 200-byte cut.
  std::string line(199, 'a');
  line += "\xe2\x82\xac";
  line += std::string(100, 'b');
  std::string out;
  AppendRejectJson(out, "f", 1, RejectReason::kInvalidJson, "m", line);
  EXPECT_NE(out.find("\"excerpt\":\"" + std::string(199, 'a') + "\"}"), std::string::npos) << out;

  // Invalid bytes become U+FFFD.
  out.clear();
  AppendRejectJson(out, "f", 2, RejectReason::kInvalidUtf8, "invalid UTF-8", "x\xffy");
  EXPECT_NE(out.find("\"excerpt\":\"x\xEF\xBF\xBDy\""), std::string::npos) << out;
  EXPECT_EQ(Utf8Prefix("\xc3\xa9\xc3\xa9", 3), "\xc3\xa9");
  EXPECT_EQ(Utf8Prefix("abc", 10), "abc");
}

TEST(DecodeStats, AppendCountsOutOfOrderAcrossChunks) {
  DecodeStats a, b, c;
  a.CountTime(10);
  a.CountTime(20);
  b.CountTime(15);  // earlier than a's last
  b.CountTime(30);
  b.CountTime(25);  // out of order inside b
  EXPECT_EQ(b.out_of_order, 1u);
  a.Append(c);  // no times: nothing changes
  a.Append(b);
  EXPECT_EQ(a.out_of_order, 2u);
  EXPECT_EQ(a.first_time, 10);
  EXPECT_EQ(a.last_time, 25);
  DecodeStats total;
  total.Add(a);
  total.Add(a);  // another file: no boundary check
  EXPECT_EQ(total.out_of_order, 4u);
}

TEST(DecodeStats, WritesJson) {
  DecodeStats s;
  s.lines = 5;
  s.events = 2;
  s.empty = 1;
  s.CountReject(RejectReason::kBadTime);
  s.duplicates = 1;
  std::string out;
  JsonWriter w(out);
  s.WriteJson(w);
  EXPECT_EQ(out,
            R"({"lines":5,"events":2,"empty":1,"rejected":1,"rejected_by_reason":{"bad_time":1},)"
            R"("duplicates":1,"out_of_order":0})");
}

std::string L(const std::string& time, const std::string& id, const std::string& extra = "") {
  return R"({"time":")" + time + R"(","user.id":"u","gen_ai.response.id":")" + id + "\"" + extra +
         "}";
}

struct Collected {
  std::vector<std::pair<uint64_t, std::string>> events;  // line, response id
  std::vector<std::string> rejects;                      // rejected.jsonl lines
};

Collected DecodeAll(const std::string& data, LineSourceOptions options, DecodeStats* total,
                    DuplicateFilter* dedup) {
  Collected c;
  auto src = LineSource::FromMemory("in.jsonl", data, options);
  EXPECT_TRUE(src.ok());
  Decoder decoder;
  Chunk chunk;
  while (!(*src)->eof()) {
    EXPECT_TRUE((*src)->Next(&chunk).ok());
    DecodeStats stats;
    DecodeChunk(
        chunk, decoder, dedup, stats,
        [&](const Event& e, uint64_t line) {
          c.events.emplace_back(line, std::string(e.response_id));
        },
        [&](const RejectedLine& r) {
          std::string out;
          AppendRejectJson(out, "in.jsonl", r.line, r.reason, r.message, r.text);
          c.rejects.push_back(out);
        });
    total->Append(stats);
  }
  return c;
}

TEST(DecodeChunk, CountsEverythingAndNumbersLines) {
  std::string data;
  data += L("2025-01-01T00:00:01Z", "r1") + "\n";              // 1
  data += "\n";                                                // 2 empty
  data += L("2025-01-01T00:00:03Z", "r2") + "\r\n";            // 3
  data += L("2025-01-01T00:00:02Z", "r3") + "\n";              // 4 out of order
  data += "{\"user.id\":\"u\"}\n";                             // 5 missing_time
  data += L("2025-01-01T00:00:05Z", "r1") + "\n";              // 6 duplicate of 1
  data += "   \t \n";                                          // 7 empty
  data += std::string(300, 'x') + "\n";                        // 8 too long
  data += L("2025-01-01T00:00:00Z", "r4", ",\"x\":\"\xff\"");  // 9 invalid utf-8, no '\n'
  for (size_t chunk_bytes : {size_t{1}, size_t{50}, size_t{100}, size_t{1} << 20}) {
    LineSourceOptions options;
    options.chunk_bytes = chunk_bytes;
    options.max_line_bytes = 200;
    DecodeStats stats;
    DuplicateFilter dedup;
    Collected c = DecodeAll(data, options, &stats, &dedup);
    EXPECT_EQ(c.events,
              (std::vector<std::pair<uint64_t, std::string>>{{1, "r1"}, {3, "r2"}, {4, "r3"}}))
        << chunk_bytes;
    EXPECT_EQ(stats.lines, 9u);
    EXPECT_EQ(stats.events, 3u);
    EXPECT_EQ(stats.empty, 2u);
    EXPECT_EQ(stats.duplicates, 1u);
    EXPECT_EQ(stats.rejected, 3u);
    EXPECT_EQ(stats.lines, stats.events + stats.empty + stats.rejected + stats.duplicates);
    EXPECT_EQ(stats.rejected_by_reason[static_cast<size_t>(RejectReason::kMissingTime)], 1u);
    EXPECT_EQ(stats.rejected_by_reason[static_cast<size_t>(RejectReason::kTooLong)], 1u);
    EXPECT_EQ(stats.rejected_by_reason[static_cast<size_t>(RejectReason::kInvalidUtf8)], 1u);
    EXPECT_EQ(stats.out_of_order, 1u) << chunk_bytes;
    ASSERT_EQ(c.rejects.size(), 3u);
    EXPECT_EQ(c.rejects[0],
              R"({"file":"in.jsonl","line":5,"reason":"missing_time","message":"missing \"time\"",)"
              R"("excerpt":"{\"user.id\":\"u\"}"})"
              "\n");
    EXPECT_EQ(c.rejects[1], R"({"file":"in.jsonl","line":8,"reason":"too_long",)"
                            R"("message":"line too long: 300 bytes > 200","excerpt":")" +
                                std::string(200, 'x') + "\"}\n");
    EXPECT_NE(c.rejects[2].find(R"("line":9,"reason":"invalid_utf8")"), std::string::npos);
  }
}

}  // namespace
}  // namespace hw::decode
