#include "engine/decode/line_source.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/common/rng.h"
#include "test_util.h"

namespace hw::decode {
namespace {

using testing::Gzip;
using testing::TempDir;
using testing::WriteBytes;
using testing::Zstd;

struct Got {
  std::vector<std::pair<uint64_t, std::string>> lines;
  std::vector<LongLine> long_lines;
  Status status;
  uint64_t chunks = 0;
};

Got ReadAll(LineSource& src) {
  Got got;
  Chunk chunk;
  uint64_t expected_first = 1;
  while (!src.eof()) {
    Status s = src.Next(&chunk);
    if (!s.ok()) {
      got.status = s;
      EXPECT_TRUE(src.eof());
      break;
    }
    ++got.chunks;
    if (chunk.has_long_line()) {
      EXPECT_EQ(chunk.long_line().line, expected_first);
      EXPECT_EQ(chunk.long_line().line + 1, chunk.first_line());
      got.long_lines.push_back(chunk.long_line());
    } else {
      EXPECT_EQ(chunk.first_line(), expected_first);
    }
    // kPadding readable, zeroed bytes after the data.
    const char* end = chunk.data().data() + chunk.data().size();
    for (size_t i = 0; i < kPadding; ++i) EXPECT_EQ(end[i], '\0');
    uint64_t n = 0;
    ForEachLine(chunk, [&](uint64_t line_no, std::string_view line) {
      got.lines.emplace_back(line_no, std::string(line));
      ++n;
    });
    EXPECT_EQ(n, chunk.line_count());
    // line_ends: one per line, each at a '\n' or at the end of the data, and
    // the lines between them are the ones ForEachLine found.
    EXPECT_EQ(chunk.line_ends().size(), chunk.line_count());
    size_t begin = 0;
    for (size_t i = 0; i < chunk.line_ends().size() && i < n; ++i) {
      const size_t e = chunk.line_ends()[i];
      EXPECT_LE(e, chunk.data().size());
      if (e > chunk.data().size()) break;
      EXPECT_TRUE(e == chunk.data().size() || chunk.data()[e] == '\n');
      std::string_view line = chunk.data().substr(begin, e - begin);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      EXPECT_EQ(line, got.lines[got.lines.size() - n + i].second);
      begin = e + 1;
    }
    expected_first = chunk.first_line() + chunk.line_count();
  }
  // Next after the end keeps returning empty chunks.
  if (got.status.ok()) {
    EXPECT_TRUE(src.Next(&chunk).ok());
    EXPECT_TRUE(chunk.empty());
  }
  return got;
}

Got ReadMemory(std::string data, LineSourceOptions options = {}) {
  auto src = LineSource::FromMemory("mem", std::move(data), options);
  EXPECT_TRUE(src.ok());
  return ReadAll(**src);
}

using Lines = std::vector<std::pair<uint64_t, std::string>>;

TEST(LineSource, PlainLinesCrlfAndMissingFinalNewline) {
  Got got = ReadMemory("a\r\nb\n\n  \r\nlast");
  EXPECT_TRUE(got.status.ok());
  EXPECT_EQ(got.lines, (Lines{{1, "a"}, {2, "b"}, {3, ""}, {4, "  "}, {5, "last"}}));
}

TEST(LineSource, EmptyInputAndSingleNewline) {
  Got got = ReadMemory("");
  EXPECT_TRUE(got.status.ok());
  EXPECT_TRUE(got.lines.empty());
  got = ReadMemory("\n");
  EXPECT_EQ(got.lines, (Lines{{1, ""}}));
  got = ReadMemory("x");
  EXPECT_EQ(got.lines, (Lines{{1, "x"}}));
}

TEST(LineSource, LineNumbersAcrossChunkBoundaries) {
  std::string data;
  Lines expected;
  for (int i = 1; i <= 500; ++i) {
    std::string line(static_cast<size_t>(i % 37), static_cast<char>('a' + i % 26));
    line += std::to_string(i);
    data += line + (i % 3 == 0 ? "\r\n" : "\n");
    expected.emplace_back(i, line);
  }
  for (size_t chunk_bytes : {1, 2, 7, 64, 1000, 1 << 20}) {
    LineSourceOptions options;
    options.chunk_bytes = chunk_bytes;
    Got got = ReadMemory(data, options);
    EXPECT_TRUE(got.status.ok());
    EXPECT_EQ(got.lines, expected) << chunk_bytes;
    if (chunk_bytes == 7) {
      EXPECT_GT(got.chunks, 100u);
    }
  }
}

TEST(LineSource, HugeLineIsSkippedAndNeighboursSurvive) {
  LineSourceOptions options;
  options.chunk_bytes = 16;
  options.max_line_bytes = 50;
  const std::string huge(1000, 'h');
  const std::string data = "one\n" + huge + "\r\ntwo\n" + std::string(51, 'x') + "\n" +
                           std::string(50, 'y') + "\nthree\n" + huge;
  Got got = ReadMemory(data, options);
  EXPECT_TRUE(got.status.ok());
  EXPECT_EQ(got.lines, (Lines{{1, "one"}, {3, "two"}, {5, std::string(50, 'y')}, {6, "three"}}));
  ASSERT_EQ(got.long_lines.size(), 3u);
  EXPECT_EQ(got.long_lines[0].line, 2u);
  EXPECT_EQ(got.long_lines[0].bytes, 1001u);  // counts the '\r'
  EXPECT_EQ(got.long_lines[0].limit, 50u);
  EXPECT_EQ(got.long_lines[0].excerpt, std::string(200, 'h'));
  EXPECT_EQ(got.long_lines[1].line, 4u);
  EXPECT_EQ(got.long_lines[1].bytes, 51u);
  EXPECT_EQ(got.long_lines[1].excerpt, std::string(51, 'x'));
  EXPECT_EQ(got.long_lines[2].line, 7u);  // the last line, without '\n'
  EXPECT_EQ(got.long_lines[2].bytes, 1000u);
}

TEST(LineSource, ConsecutiveHugeLinesAtTheStart) {
  LineSourceOptions options;
  options.chunk_bytes = 1 << 20;
  options.max_line_bytes = 10;
  Got got = ReadMemory(std::string(30, 'a') + "\n" + std::string(11, 'b') + "\nok\n", options);
  EXPECT_TRUE(got.status.ok());
  EXPECT_EQ(got.lines, (Lines{{3, "ok"}}));
  ASSERT_EQ(got.long_lines.size(), 2u);
  EXPECT_EQ(got.long_lines[0].line, 1u);
  EXPECT_EQ(got.long_lines[0].bytes, 30u);
  EXPECT_EQ(got.long_lines[1].line, 2u);
  EXPECT_EQ(got.long_lines[1].bytes, 11u);
}

TEST(LineSource, LineLongerThanChunkButWithinLimitIsWhole) {
  LineSourceOptions options;
  options.chunk_bytes = 8;
  options.max_line_bytes = 10000;
  const std::string big(5000, 'z');
  Got got = ReadMemory("a\n" + big + "\nb\n", options);
  EXPECT_EQ(got.lines, (Lines{{1, "a"}, {2, big}, {3, "b"}}));
  EXPECT_TRUE(got.long_lines.empty());
}

// Splits data into lines the simple way, for comparison.
void Reference(const std::string& data, size_t max_line, Lines* lines,
               std::vector<std::pair<uint64_t, uint64_t>>* longs) {
  uint64_t no = 1;
  size_t p = 0;
  while (p < data.size()) {
    size_t nl = data.find('\n', p);
    const bool has_nl = nl != std::string::npos;
    if (!has_nl) nl = data.size();
    const size_t len = nl - p;
    if (len > max_line) {
      longs->emplace_back(no, len);
    } else {
      std::string line = data.substr(p, len);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines->emplace_back(no, line);
    }
    ++no;
    p = has_nl ? nl + 1 : nl;
  }
}

TEST(LineSource, RandomisedAgainstReference) {
  Rng rng(42);
  TempDir dir;
  for (int round = 0; round < 300; ++round) {
    std::string data;
    const int n = static_cast<int>(rng.Below(40));
    for (int i = 0; i < n; ++i) {
      const uint64_t kind = rng.Below(10);
      const size_t len = kind == 0 ? rng.Below(300) : rng.Below(30);
      for (size_t k = 0; k < len; ++k) data.push_back(static_cast<char>('a' + rng.Below(26)));
      if (rng.Chance(0.1)) data.push_back('\r');
      if (i + 1 < n || rng.Chance(0.5)) data.push_back('\n');
    }
    LineSourceOptions options;
    options.chunk_bytes = 1 + rng.Below(100);
    options.max_line_bytes = 1 + rng.Below(120);
    Lines want;
    std::vector<std::pair<uint64_t, uint64_t>> want_long;
    Reference(data, options.max_line_bytes, &want, &want_long);

    const uint64_t codec = rng.Below(3);
    std::string encoded = codec == 0 ? data : codec == 1 ? Gzip(data) : Zstd(data);
    if (codec == 0 && data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f) continue;
    const std::string path = dir.File("r" + std::to_string(round));
    WriteBytes(path, encoded);
    auto src = LineSource::Open(path, options);
    ASSERT_TRUE(src.ok()) << src.status().ToString();
    Got got = ReadAll(**src);
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    ASSERT_EQ(got.lines, want) << "round " << round;
    ASSERT_EQ(got.long_lines.size(), want_long.size()) << "round " << round;
    for (size_t i = 0; i < want_long.size(); ++i) {
      EXPECT_EQ(got.long_lines[i].line, want_long[i].first);
      EXPECT_EQ(got.long_lines[i].bytes, want_long[i].second);
    }
  }
}

TEST(LineSource, GzipWithConcatenatedMembers) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");  // no .gz: detection is by magic bytes
  WriteBytes(path, Gzip("a\nb\n") + Gzip("c\nd") + Gzip(""));
  auto src = LineSource::Open(path);
  ASSERT_TRUE(src.ok());
  EXPECT_EQ((*src)->compression(), Compression::kGzip);
  Got got = ReadAll(**src);
  EXPECT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.lines, (Lines{{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}}));
}

TEST(LineSource, ZstdWithConcatenatedFrames) {
  TempDir dir;
  const std::string path = dir.File("log.gz");  // a misleading extension is ignored
  WriteBytes(path, Zstd("a\r\nb\n") + Zstd("c\n"));
  auto src = LineSource::Open(path);
  ASSERT_TRUE(src.ok());
  EXPECT_EQ((*src)->compression(), Compression::kZstd);
  Got got = ReadAll(**src);
  EXPECT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.lines, (Lines{{1, "a"}, {2, "b"}, {3, "c"}}));
}

std::string ManyLines(int n) {
  std::string data;
  for (int i = 1; i <= n; ++i)
    data += "line " + std::to_string(i) + " " + std::string(40, 'q') + "\n";
  return data;
}

TEST(LineSource, TruncatedGzipKeepsEarlierLinesAndNamesTheFile) {
  TempDir dir;
  const std::string data = ManyLines(2000);
  std::string gz = Gzip(data);
  gz.resize(gz.size() / 2);
  const std::string path = dir.File("cut.jsonl.gz");
  WriteBytes(path, gz);
  LineSourceOptions options;
  options.chunk_bytes = 4096;
  auto src = LineSource::Open(path, options);
  ASSERT_TRUE(src.ok());
  Got got = ReadAll(**src);
  ASSERT_FALSE(got.status.ok());
  EXPECT_EQ(got.status.code(), ErrorCode::kIoError);
  const std::string& msg = got.status.message();
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated gzip stream"), std::string::npos) << msg;
  ASSERT_GT(got.lines.size(), 100u);
  EXPECT_LT(got.lines.size(), 2000u);
  // Every delivered line is complete and numbered right.
  for (size_t i = 0; i < got.lines.size(); ++i) {
    EXPECT_EQ(got.lines[i].first, i + 1);
    EXPECT_EQ(got.lines[i].second, "line " + std::to_string(i + 1) + " " + std::string(40, 'q'));
  }
  // The message names the line reached: the first line not delivered.
  EXPECT_NE(msg.find("line " + std::to_string(got.lines.size() + 1) + ":"), std::string::npos)
      << msg;
}

TEST(LineSource, TruncatedGzipAfterAMemberBoundary) {
  TempDir dir;
  std::string second = Gzip("c\n");
  second.resize(5);  // a header cut short
  const std::string path = dir.File("cut2.gz");
  WriteBytes(path, Gzip("a\nb\n") + second);
  auto src = LineSource::Open(path);
  ASSERT_TRUE(src.ok());
  Got got = ReadAll(**src);
  EXPECT_FALSE(got.status.ok());
  EXPECT_EQ(got.lines, (Lines{{1, "a"}, {2, "b"}}));
  EXPECT_NE(got.status.message().find("line 3:"), std::string::npos) << got.status.message();
}

TEST(LineSource, GarbageAfterGzipMemberIsAnError) {
  Got got = ReadMemory(Gzip("a\n") + "garbage");
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("corrupt gzip data"), std::string::npos)
      << got.status.message();
  EXPECT_EQ(got.lines, (Lines{{1, "a"}}));
}

TEST(LineSource, CorruptAndTruncatedZstd) {
  const std::string data = ManyLines(3000);
  std::string zst = Zstd(data);
  std::string cut = zst.substr(0, zst.size() - 10);
  Got got = ReadMemory(cut);
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("mem: line"), std::string::npos) << got.status.message();
  EXPECT_NE(got.status.message().find("zstd"), std::string::npos) << got.status.message();

  std::string corrupt = zst;
  for (size_t i = 20; i < corrupt.size(); i += 7) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  got = ReadMemory(corrupt);
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("corrupt zstd data"), std::string::npos)
      << got.status.message();
  for (size_t i = 0; i < got.lines.size(); ++i) EXPECT_EQ(got.lines[i].first, i + 1);
}

TEST(LineSource, MissingFile) {
  auto src = LineSource::Open("/nonexistent/dir/file.jsonl");
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(src.status().message().find("/nonexistent/dir/file.jsonl"), std::string::npos);
}

TEST(LineSource, ChunksAreIndependentBuffers) {
  LineSourceOptions options;
  options.chunk_bytes = 8;
  auto src = LineSource::FromMemory("m", "aaaa\nbbbb\ncccc\n", options);
  ASSERT_TRUE(src.ok());
  Chunk a, b;
  ASSERT_TRUE((*src)->Next(&a).ok());
  ASSERT_TRUE((*src)->Next(&b).ok());
  EXPECT_EQ(a.data(), "aaaa\n");
  EXPECT_EQ(b.data(), "bbbb\n");
  EXPECT_EQ(b.first_line(), 2u);
  // Filling a third chunk does not disturb the first two.
  Chunk c;
  ASSERT_TRUE((*src)->Next(&c).ok());
  EXPECT_EQ(a.data(), "aaaa\n");
  EXPECT_EQ(c.data(), "cccc\n");
  EXPECT_TRUE((*src)->eof());
}

}  // namespace
}  // namespace hw::decode
