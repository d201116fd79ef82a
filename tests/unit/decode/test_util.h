// Helpers shared by the decode tests.
#pragma once

#include <zlib.h>
#include <zstd.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace hw::decode::testing {

// A line with every field of log format v1: system prompt, a 3-turn
// conversation with a tool call and its response, two tool definitions.
inline std::string RealisticLine() {
  return R"({"time":"2025-03-04T05:06:07.123456Z","user.id":"acct_1f2e3d4c5b6a",)"
         R"("gen_ai.response.id":"resp_00ff00ff00ff00ff","client.address":"2001:db8::7",)"
         R"("user_agent.original":"python-requests/2.31","gen_ai.operation.name":"chat",)"
         R"("gen_ai.request.model":"hydra-large-2","gen_ai.request.max_tokens":4096,)"
         R"("gen_ai.request.temperature":0.7,"gen_ai.conversation.id":"conv_abc",)"
         R"("gen_ai.system_instructions":[{"type":"text","content":"You are a helpful assistant."},)"
         R"({"type":"text","content":"Answer briefly."}],)"
         R"("gen_ai.input.messages":[)"
         R"({"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]},)"
         R"({"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather",)"
         R"("arguments":{"city":"Paris","units":["c"]}}]},)"
         R"({"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","result":{"t":21}}]},)"
         R"({"role":"assistant","parts":[{"type":"text","content":"It is 21 C."}]},)"
         R"({"role":"user","parts":[{"type":"text","content":"And \"tomorrow\"?\nThanks \u00e9\ud83d\ude00"},)"
         R"({"type":"text","content":"second part"}]}],)"
         R"("gen_ai.tool.definitions":[{"type":"function","name":"get_weather","description":"Weather",)"
         R"("parameters":{"type":"object","properties":{"city":{"type":"string"}}}},)"
         R"({"type":"function","name":"search","parameters":{}}],)"
         R"("gen_ai.usage.input_tokens":812,"gen_ai.usage.output_tokens":96,)"
         R"("gen_ai.response.finish_reasons":["stop","tool_calls"],"http.response.status_code":200,)"
         R"("unknown.key":{"nested":[1,2,{"x":null}]}})";
}

// A unique temporary directory removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hw_decode_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteBytes(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
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

inline std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

}  // namespace hw::decode::testing
