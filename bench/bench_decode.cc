// Decode throughput on synthetic realistic lines (~1.5 KB: a system prompt,
// a multi-turn conversation with a tool call, tool definitions) against
// simdjson parsing the same lines, which is the floor: the decoder cannot be
// faster than a full DOM parse by much, and should be a large fraction of it.
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <string>
#include <vector>

#include "engine/common/json_writer.h"
#include "engine/common/rng.h"
#include "engine/decode/chunk_decoder.h"
#include "engine/decode/decoder.h"
#include "engine/decode/line_source.h"

namespace {

const char* const kWords[] = {"the",    "model",  "should", "answer",  "with",  "care",
                              "python", "json",   "please", "explain", "code",  "steps",
                              "data",   "vector", "query",  "result",  "table", "error"};

std::string Words(hw::Rng& r, size_t chars) {
  std::string s;
  while (s.size() < chars) {
    s += kWords[r.Below(sizeof kWords / sizeof kWords[0])];
    s += r.Chance(0.05) ? "\n" : " ";
  }
  return s;
}

// One line of log format v1, about 1.5 KB.
std::string MakeLine(hw::Rng& r, uint64_t i) {
  std::string out;
  hw::JsonWriter w(out);
  w.BeginObject();
  w.Key("time").String("2025-03-04T05:06:" + std::to_string(10 + i % 50) + ".123456Z");
  w.Key("user.id").String("acct_" + std::to_string(1000 + r.Below(5000)));
  w.Key("gen_ai.response.id").String("resp_" + std::to_string(r.Next()));
  w.Key("client.address").String("203.0.113." + std::to_string(r.Below(250)));
  w.Key("user_agent.original").String("python-requests/2.31.0");
  w.Key("gen_ai.operation.name").String("chat");
  w.Key("gen_ai.request.model").String("hydra-large-2");
  w.Key("gen_ai.request.max_tokens").Int(4096);
  w.Key("gen_ai.request.temperature").Number(0.7);
  w.Key("gen_ai.conversation.id").String("conv_" + std::to_string(r.Below(100000)));
  w.Key("gen_ai.system_instructions").BeginArray();
  w.BeginObject().Key("type").String("text").Key("content").String(Words(r, 300)).EndObject();
  w.EndArray();
  w.Key("gen_ai.input.messages").BeginArray();
  w.BeginObject().Key("role").String("user").Key("parts").BeginArray();
  w.BeginObject().Key("type").String("text").Key("content").String(Words(r, 100)).EndObject();
  w.EndArray().EndObject();
  w.BeginObject().Key("role").String("assistant").Key("parts").BeginArray();
  w.BeginObject().Key("type").String("tool_call").Key("id").String("call_1");
  w.Key("name").String("run_query").Key("arguments").Raw(R"({"sql":"select 1","limit":10})");
  w.EndObject().EndArray().EndObject();
  w.BeginObject().Key("role").String("tool").Key("parts").BeginArray();
  w.BeginObject().Key("type").String("tool_call_response").Key("id").String("call_1");
  w.Key("result").String(Words(r, 60)).EndObject();
  w.EndArray().EndObject();
  w.BeginObject().Key("role").String("assistant").Key("parts").BeginArray();
  w.BeginObject().Key("type").String("text").Key("content").String(Words(r, 60)).EndObject();
  w.EndArray().EndObject();
  w.BeginObject().Key("role").String("user").Key("parts").BeginArray();
  w.BeginObject().Key("type").String("text").Key("content").String(Words(r, 150)).EndObject();
  w.EndArray().EndObject();
  w.EndArray();
  w.Key("gen_ai.tool.definitions").BeginArray();
  w.BeginObject().Key("type").String("function").Key("name").String("run_query");
  w.Key("description").String("Runs a read-only SQL query.");
  w.Key("parameters")
      .Raw(
          R"({"type":"object","properties":{"sql":{"type":"string"},"limit":{"type":"integer"}},"required":["sql"]})");
  w.EndObject();
  w.EndArray();
  w.Key("gen_ai.usage.input_tokens").Int(380);
  w.Key("gen_ai.usage.output_tokens").Int(static_cast<int64_t>(r.Below(900)));
  w.Key("gen_ai.response.finish_reasons").BeginArray().String("stop").EndArray();
  w.Key("http.response.status_code").Int(200);
  w.EndObject();
  return out;
}

struct Corpus {
  std::string text;  // lines joined by '\n'
  std::vector<std::string_view> lines;
  size_t bytes = 0;
};

const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    hw::Rng r(7);
    std::vector<size_t> offsets;
    for (uint64_t i = 0; i < 2000; ++i) {
      offsets.push_back(c.text.size());
      c.text += MakeLine(r, i);
      c.text += '\n';
    }
    offsets.push_back(c.text.size());
    c.text.reserve(c.text.size() + simdjson::SIMDJSON_PADDING);
    for (size_t i = 0; i + 1 < offsets.size(); ++i) {
      c.lines.emplace_back(c.text.data() + offsets[i], offsets[i + 1] - offsets[i] - 1);
    }
    c.bytes = c.text.size();
    return c;
  }();
  return corpus;
}

void Report(benchmark::State& state, size_t bytes, size_t lines) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations() * lines),
                                                  benchmark::Counter::kIsRate);
  state.counters["line_bytes"] = static_cast<double>(bytes) / static_cast<double>(lines);
}

// The decoder on lines in place (the text has padding after its end).
// Arg 1: the default (DOM fast path); arg 0: the validating On Demand walk
// alone, which the fast path falls back to.
void BM_Decode(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  std::string padded = c.text;
  padded.append(hw::decode::kPadding, '\0');
  std::vector<std::string_view> lines;
  for (std::string_view l : c.lines)
    lines.emplace_back(padded.data() + (l.data() - c.text.data()), l.size());
  hw::decode::DecoderOptions options;
  options.fast_path = state.range(0) != 0;
  hw::decode::Decoder decoder(options);
  hw::Event e;
  for (auto _ : state) {
    for (std::string_view l : lines) {
      const hw::decode::DecodeResult r = decoder.Decode(l, &e);
      if (!r.ok()) state.SkipWithError(std::string(r.message).c_str());
      benchmark::DoNotOptimize(e);
    }
  }
  Report(state, c.bytes, lines.size());
}
BENCHMARK(BM_Decode)->Arg(1)->Arg(0);

// Everything per chunk: line splitting, blank-line check, decode, dedup
// (no duplicates: every id is new), stats.
void BM_DecodeChunk(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  auto src = hw::decode::LineSource::FromMemory("bench", c.text);
  hw::decode::Chunk chunk;
  if (!(*src)->Next(&chunk).ok()) state.SkipWithError("read");
  hw::decode::Decoder decoder;
  // One filter for all iterations: from the second on, every id is a
  // duplicate, which costs the same lookup.
  hw::decode::DuplicateFilter dedup;
  for (auto _ : state) {
    hw::decode::DecodeStats stats;
    uint64_t n = 0;
    hw::decode::DecodeChunk(
        chunk, decoder, &dedup, stats, [&](const hw::Event& e, uint64_t) { n += e.messages; },
        [&](const hw::decode::RejectedLine&) { state.SkipWithError("reject"); });
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(stats);
  }
  Report(state, c.bytes, c.lines.size());
}
BENCHMARK(BM_DecodeChunk);

// The floor: a full simdjson DOM parse of each line (validates everything,
// builds the tape, reads no field).
void BM_SimdjsonDomParse(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  simdjson::dom::parser parser;
  for (auto _ : state) {
    for (std::string_view l : c.lines) {
      simdjson::dom::element doc;
      auto err = parser.parse(l.data(), l.size(), false).get(doc);
      if (err) state.SkipWithError("parse");
      benchmark::DoNotOptimize(doc);
    }
  }
  Report(state, c.bytes, c.lines.size());
}
BENCHMARK(BM_SimdjsonDomParse);

// For reference: On Demand iterating the top-level fields and skipping
// every value (stage 1 plus a walk; what any On Demand decoder pays).
void BM_SimdjsonOndemandSkipAll(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  std::string padded = c.text;
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    for (std::string_view l : c.lines) {
      const char* p = padded.data() + (l.data() - c.text.data());
      simdjson::ondemand::document doc;
      if (parser.iterate(p, l.size(), l.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
        state.SkipWithError("iterate");
      }
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) state.SkipWithError("object");
      size_t fields = 0;
      for (auto f : obj) {
        simdjson::ondemand::field field;
        if (std::move(f).get(field)) state.SkipWithError("field");
        ++fields;
      }
      benchmark::DoNotOptimize(fields);
    }
  }
  Report(state, c.bytes, c.lines.size());
}
BENCHMARK(BM_SimdjsonOndemandSkipAll);

std::string Compress(const std::string& data, int codec) {
  if (codec == 1) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, data.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
  }
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

// LineSource alone (from memory): chunking, and decompression for gzip/zstd.
void BM_LineSource(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  std::string data;
  for (int k = 0; k < 8; ++k) data += c.text;  // ~24 MB
  const int codec = static_cast<int>(state.range(0));
  const std::string input = codec == 0 ? data : Compress(data, codec);
  hw::decode::LineSourceOptions options;
  options.chunk_bytes = size_t{4} << 20;
  hw::decode::Chunk chunk;
  for (auto _ : state) {
    state.PauseTiming();  // FromMemory copies the input
    auto src = hw::decode::LineSource::FromMemory("bench", input, options);
    state.ResumeTiming();
    uint64_t lines = 0;
    while (!(*src)->eof()) {
      if (!(*src)->Next(&chunk).ok()) state.SkipWithError("read");
      lines += chunk.line_count();
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.SetLabel(codec == 0 ? "plain" : codec == 1 ? "gzip" : "zstd");
}
BENCHMARK(BM_LineSource)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
