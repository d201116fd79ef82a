// Fuzzes the decode stage: Decoder on raw bytes, and LineSource + DecodeChunk
// on the same bytes plain, gzip- and zstd-compressed (optionally truncated),
// checking invariants that must hold for any input:
//  - no crash, no sanitizer report;
//  - every decoded Event's text is valid UTF-8 and its counters are coherent;
//  - lines = events + empty + rejected + duplicates, and `lines` is the
//    number of lines of the input;
//  - the compressed input yields exactly the lines of the plain input (a
//    prefix of them, and an error, when truncated);
//  - the decoder's fast path and its validating walk agree: the same
//    verdict, message and Event.
// The first 3 bytes choose the chunk size, the line limit and the codec.
// tests/unit/decode/fuzz_regressions_test.cc replays
// tests/fuzz_regressions/decode/ through this function.
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decode/chunk_decoder.h"
#include "engine/decode/decoder.h"
#include "engine/decode/dedup.h"
#include "engine/decode/line_source.h"
#include "engine/decode/reject_log.h"
#include "engine/decode/route_key.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_decode invariant failed: %s\n", what);
    std::abort();
  }
}

bool ValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

void CheckEvent(const hw::Event& e) {
  for (std::string_view s : {e.user_id, e.response_id, e.client_address, e.user_agent, e.operation,
                             e.model, e.conversation_id, e.system_text, e.prompt_text}) {
    Check(ValidUtf8(s), "event text is valid UTF-8");
  }
  Check(!e.user_id.empty(), "user.id is not empty");
  Check(e.user_messages + e.assistant_messages <= e.messages || e.messages == UINT16_MAX,
        "message counts add up");
  Check(e.system_parts > 0 || e.system_text.empty(), "system text comes from a part");
  Check(e.tool_definitions > 0 || e.tool_names_hash == 0, "tool hash needs tools");
}

void CheckSameEvent(const hw::Event& a, const hw::Event& b) {
  const bool same =
      a.time == b.time && a.user_id == b.user_id && a.response_id == b.response_id &&
      a.client_address == b.client_address && a.user_agent == b.user_agent &&
      a.operation == b.operation && a.model == b.model && a.conversation_id == b.conversation_id &&
      a.max_tokens == b.max_tokens &&
      std::memcmp(&a.temperature, &b.temperature, sizeof a.temperature) == 0 &&
      a.input_tokens == b.input_tokens && a.output_tokens == b.output_tokens &&
      a.status_code == b.status_code && a.finish_reasons == b.finish_reasons &&
      a.system_text == b.system_text && a.system_parts == b.system_parts &&
      a.prompt_text == b.prompt_text && a.messages == b.messages &&
      a.user_messages == b.user_messages && a.assistant_messages == b.assistant_messages &&
      a.tool_calls == b.tool_calls && a.tool_responses == b.tool_responses &&
      a.tool_definitions == b.tool_definitions && a.tool_names_hash == b.tool_names_hash;
  Check(same, "fast path and validating walk give the same Event");
}

std::string GzipOf(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string ZstdOf(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

struct Run {
  std::vector<std::pair<uint64_t, std::string>> lines;  // delivered lines (number, text)
  hw::decode::DecodeStats stats;
  bool error = false;
};

Run ReadAndDecode(std::string bytes, const hw::decode::LineSourceOptions& options) {
  Run run;
  auto src = hw::decode::LineSource::FromMemory("fuzz", std::move(bytes), options);
  Check(src.ok(), "FromMemory opens");
  hw::decode::Decoder decoder;
  hw::decode::DuplicateFilterOptions dopt;
  dopt.capacity = 8;
  dopt.shards = 2;
  hw::decode::DuplicateFilter dedup(dopt);
  hw::decode::Chunk chunk;
  std::string rejects;
  while (!(*src)->eof()) {
    hw::Status s = (*src)->Next(&chunk);
    if (!s.ok()) {
      Check((*src)->eof(), "eof after an error");
      Check(s.message().rfind("fuzz: line ", 0) == 0, "error names the file and line");
      run.error = true;
      break;
    }
    const size_t before = run.lines.size();
    hw::decode::ForEachLine(chunk, [&](uint64_t no, std::string_view line) {
      run.lines.emplace_back(no, std::string(line));
    });
    // Chunk::line_ends delimits exactly the lines ForEachLine yields.
    Check(chunk.line_ends().size() == run.lines.size() - before, "one line end per line");
    size_t begin = 0;
    for (size_t i = 0; i < chunk.line_ends().size(); ++i) {
      const size_t end = chunk.line_ends()[i];
      Check(end >= begin && end <= chunk.data().size(), "line end inside the chunk");
      std::string_view line = chunk.data().substr(begin, end - begin);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      Check(line == run.lines[before + i].second, "line end matches the line");
      begin = end + 1;
    }
    hw::decode::DecodeStats stats;
    hw::decode::DecodeChunk(
        chunk, decoder, &dedup, stats, [&](const hw::Event& e, uint64_t) { CheckEvent(e); },
        [&](const hw::decode::RejectedLine& r) {
          Check(r.reason != hw::decode::RejectReason::kNone, "a reject has a reason");
          Check(!r.message.empty(), "a reject has a message");
          rejects.clear();
          hw::decode::AppendRejectJson(rejects, "fuzz", r.line, r.reason, r.message, r.text);
          Check(ValidUtf8(rejects), "reject record is valid UTF-8");
        });
    run.stats.Append(stats);
  }
  const auto& st = run.stats;
  Check(st.lines == st.events + st.empty + st.rejected + st.duplicates, "line counts add up");
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);

  // 0. The shard router's key search: a view into the line, never past a quote.
  {
    const std::string_view id = hw::decode::RawUserId(all);
    Check(
        id.empty() || (id.data() >= all.data() && id.data() + id.size() <= all.data() + all.size()),
        "RawUserId is a view into the line");
    Check(id.find('"') == std::string_view::npos, "RawUserId holds no quote");
    if (id.empty()) Check(hw::decode::RouteKey(all) == 0, "no id, key 0");
  }

  // 1. The whole input as one line, by the fast path and by the validating
  // walk alone.
  {
    hw::decode::Decoder decoder;
    hw::Event e;
    const hw::decode::DecodeResult r = decoder.DecodeUnpadded(all, &e);
    if (r.ok()) {
      CheckEvent(e);
    } else {
      Check(!r.message.empty(), "a rejection has a message");
    }
    hw::decode::DecoderOptions walk_only;
    walk_only.fast_path = false;
    hw::decode::Decoder walker(walk_only);
    hw::Event w;
    const hw::decode::DecodeResult rw = walker.DecodeUnpadded(all, &w);
    Check(rw.reason == r.reason, "fast path and validating walk give the same verdict");
    Check(rw.message == r.message, "fast path and validating walk give the same message");
    if (r.ok()) CheckSameEvent(e, w);
  }
  if (size < 3) return 0;

  // 2. As a file, plain then compressed.
  hw::decode::LineSourceOptions options;
  options.chunk_bytes = 1 + (data[0] & 0x3f) * (data[0] & 0x40 ? 64 : 1);
  options.max_line_bytes = 1 + data[1] * 8;
  const int codec = data[2] % 4;  // 0 plain only, 1 gzip, 2 zstd, 3 truncated gzip or zstd
  const std::string payload(all.substr(3));
  const unsigned char b0 = payload.empty() ? 0 : static_cast<unsigned char>(payload[0]);
  const unsigned char b1 = payload.size() < 2 ? 0 : static_cast<unsigned char>(payload[1]);
  const bool looks_compressed = (b0 == 0x1f && b1 == 0x8b) || (b0 == 0x28 && b1 == 0xb5);

  const Run plain = ReadAndDecode(payload, options);
  if (!looks_compressed) {
    Check(!plain.error, "plain input never fails");
    uint64_t expected_lines = 0;
    for (char c : payload) expected_lines += c == '\n';
    if (!payload.empty() && payload.back() != '\n') ++expected_lines;
    Check(plain.stats.lines == expected_lines, "every line is counted once");
    for (size_t i = 1; i < plain.lines.size(); ++i) {
      Check(plain.lines[i].first > plain.lines[i - 1].first, "line numbers increase");
    }
  }
  if (codec == 0 || looks_compressed) return 0;

  std::string packed =
      (codec == 1 || (codec == 3 && (data[0] & 0x80))) ? GzipOf(payload) : ZstdOf(payload);
  if (packed.empty()) return 0;
  const bool truncated = codec == 3;
  if (truncated) {
    packed.resize(packed.size() * data[1] / 256);
    // Fewer bytes than a magic number read as plain text: nothing to compare.
    if (packed.size() < 4) return 0;
  }
  const Run unpacked = ReadAndDecode(packed, options);
  if (!truncated) {
    Check(!unpacked.error, "intact compressed input reads fully");
    Check(unpacked.lines == plain.lines, "compressed input gives the same lines");
    Check(unpacked.stats.lines == plain.stats.lines, "same line count");
  } else {
    Check(unpacked.error, "truncated input is an error");
    Check(unpacked.lines.size() <= plain.lines.size(), "truncated input gives fewer lines");
    for (size_t i = 0; i < unpacked.lines.size(); ++i) {
      Check(unpacked.lines[i] == plain.lines[i], "truncated input gives a prefix of the lines");
    }
  }
  return 0;
}
