#include "engine/decode/line_source.h"

#include <gtest/gtest.h>

#include <fstream>
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
  uint64_t mapped_chunks = 0;
  uint64_t padding_sum = 0;  // of the bytes after mapped chunks: they must be readable
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
    // kPadding readable bytes after the data: zeros after a buffer, the
    // file's next bytes in a mapping (read here, so that a short mapping
    // faults or trips ASan).
    const char* end = chunk.data().data() + chunk.data().size();
    if (chunk.mapped()) {
      ++got.mapped_chunks;
      for (size_t i = 0; i < kPadding; ++i) got.padding_sum += static_cast<unsigned char>(end[i]);
    } else {
      for (size_t i = 0; i < kPadding; ++i) EXPECT_EQ(end[i], '\0');
    }
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

// Up to max_lines lines of letters, one in ten up to long_len bytes, the
// others up to short_len; some end with "\r\n", the last maybe without '\n'.
std::string RandomLines(Rng& rng, uint64_t max_lines, uint64_t long_len, uint64_t short_len) {
  std::string data;
  const int n = static_cast<int>(rng.Below(max_lines));
  for (int i = 0; i < n; ++i) {
    const uint64_t kind = rng.Below(10);
    const size_t len = kind == 0 ? rng.Below(long_len) : rng.Below(short_len);
    for (size_t k = 0; k < len; ++k) data.push_back(static_cast<char>('a' + rng.Below(26)));
    if (rng.Chance(0.1)) data.push_back('\r');
    if (i + 1 < n || rng.Chance(0.5)) data.push_back('\n');
  }
  return data;
}

TEST(LineSource, RandomisedAgainstReference) {
  Rng rng(42);
  TempDir dir;
  for (int round = 0; round < 300; ++round) {
    const std::string data = RandomLines(rng, 40, 300, 30);
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

// --- Mapped files -------------------------------------------------------------

Got ReadFile(const std::string& path, LineSourceOptions options) {
  auto src = LineSource::Open(path, options);
  EXPECT_TRUE(src.ok()) << src.status().ToString();
  if (!src.ok()) return {};
  return ReadAll(**src);
}

// Reads the file mapped and read, and checks both against the reference.
void ExpectMappedAsRead(const std::string& path, const std::string& data, LineSourceOptions options,
                        uint64_t min_mapped) {
  Lines want;
  std::vector<std::pair<uint64_t, uint64_t>> want_long;
  Reference(data, options.max_line_bytes, &want, &want_long);
  options.map_files = false;
  const Got read = ReadFile(path, options);
  options.map_files = true;
  const Got mapped = ReadFile(path, options);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_TRUE(mapped.status.ok()) << mapped.status.ToString();
  EXPECT_EQ(read.mapped_chunks, 0u);
  EXPECT_GE(mapped.mapped_chunks, min_mapped);
  EXPECT_EQ(mapped.lines, want);
  EXPECT_EQ(read.lines, want);
  ASSERT_EQ(mapped.long_lines.size(), want_long.size());
  for (size_t i = 0; i < want_long.size(); ++i) {
    EXPECT_EQ(mapped.long_lines[i].line, want_long[i].first);
    EXPECT_EQ(mapped.long_lines[i].bytes, want_long[i].second);
    EXPECT_EQ(mapped.long_lines[i].excerpt, read.long_lines[i].excerpt);
  }
}

TEST(LineSource, PlainFileIsMappedAndReadsAsBuffered) {
  TempDir dir;
  const std::string data = ManyLines(3000);
  const std::string path = dir.File("plain.jsonl");
  WriteBytes(path, data);
  LineSourceOptions options;
  options.chunk_bytes = 4096;
  ExpectMappedAsRead(path, data, options, 20);
}

// Lines ending at a page boundary, at the end of the file, and within
// kPadding of it (those are read into a padded buffer), with and without a
// final '\n'.
TEST(LineSource, MappedFileEndsAtPageAndPaddingBoundaries) {
  TempDir dir;
  const size_t page = 4096;
  for (const size_t size : {kPadding - 1, kPadding, kPadding + 1, kPadding + 2, page - 1, page,
                            page + 1, 2 * page, 3 * page + kPadding, 3 * page + kPadding + 1}) {
    for (const size_t line_len :
         {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{511}, page - 1, page}) {
      for (const bool final_newline : {true, false}) {
        // Lines of line_len bytes plus '\n'; the last one cut to fit `size`.
        std::string data;
        while (data.size() < size) {
          data.append(std::min(line_len, size - data.size()),
                      static_cast<char>('a' + data.size() % 26));
          if (data.size() < size) data.push_back('\n');
        }
        if (!final_newline && !data.empty() && data.back() == '\n') data.back() = 'z';
        const std::string path = dir.File("edge");
        WriteBytes(path, data);
        for (const size_t chunk_bytes : {size_t{1}, size_t{100}, page, size_t{1} << 20}) {
          LineSourceOptions options;
          options.chunk_bytes = chunk_bytes;
          options.max_line_bytes = 2000;
          // Mapped when some '\n' is followed by kPadding more bytes.
          const size_t nl = data.rfind('\n', data.size() - std::min(data.size(), kPadding));
          const bool mappable =
              data.size() > kPadding && nl != std::string::npos && nl + 1 + kPadding <= data.size();
          SCOPED_TRACE("size " + std::to_string(size) + " line " + std::to_string(line_len) +
                       " newline " + std::to_string(final_newline) + " chunk " +
                       std::to_string(chunk_bytes));
          ExpectMappedAsRead(path, data, options, mappable ? 1 : 0);
        }
      }
    }
  }
}

TEST(LineSource, EmptyFileIsNotMapped) {
  TempDir dir;
  const std::string path = dir.File("empty");
  WriteBytes(path, "");
  const Got got = ReadFile(path, {});
  EXPECT_TRUE(got.status.ok());
  EXPECT_TRUE(got.lines.empty());
  EXPECT_EQ(got.mapped_chunks, 0u);
}

TEST(LineSource, MappedLongLinesAreSkipped) {
  TempDir dir;
  const std::string huge(5000, 'h');
  const std::string data = huge + "\n" + huge + "\r\none\n" + std::string(51, 'x') + "\n" +
                           std::string(50, 'y') + "\n" + huge + "\n" + ManyLines(100) + huge;
  const std::string path = dir.File("long");
  WriteBytes(path, data);
  for (const size_t chunk_bytes : {size_t{1}, size_t{16}, size_t{4096}, size_t{1} << 20}) {
    LineSourceOptions options;
    options.chunk_bytes = chunk_bytes;
    options.max_line_bytes = 50;
    SCOPED_TRACE(chunk_bytes);
    ExpectMappedAsRead(path, data, options, 1);
  }
}

TEST(LineSource, RandomisedMappedAgainstReference) {
  Rng rng(7);
  TempDir dir;
  for (int round = 0; round < 200; ++round) {
    const std::string data = RandomLines(rng, 300, 3000, 100);
    if (!data.empty() && static_cast<unsigned char>(data[0]) == 0x1f) continue;
    const std::string path = dir.File("m" + std::to_string(round));
    WriteBytes(path, data);
    LineSourceOptions options;
    options.chunk_bytes = 1 + rng.Below(5000);
    options.max_line_bytes = 1 + rng.Below(2500);
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectMappedAsRead(path, data, options, 0);
  }
}

// A file of ManyLines(lines) whose first chunk (1 KiB) has been read, mapped.
class MappedFile : public ::testing::Test {
 protected:
  void Start(int lines) {
    WriteBytes(path_, ManyLines(lines));
    LineSourceOptions options;
    options.chunk_bytes = 1024;
    auto src = LineSource::Open(path_, options);
    ASSERT_TRUE(src.ok());
    src_ = std::move(src).value();
    ASSERT_TRUE(src_->Next(&chunk_).ok());
    ASSERT_TRUE(chunk_.mapped());
  }
  TempDir dir_;
  const std::string path_ = dir_.File("file");
  std::unique_ptr<LineSource> src_;
  Chunk chunk_;
};

TEST_F(MappedFile, ThatGrowsIsReadToItsNewEnd) {
  ASSERT_NO_FATAL_FAILURE(Start(200));
  {
    std::ofstream f(path_, std::ios::binary | std::ios::app);
    f << "appended 1\nappended 2";
  }
  std::vector<std::string> lines;
  ForEachLine(chunk_, [&](uint64_t, std::string_view line) { lines.emplace_back(line); });
  while (!src_->eof()) {
    ASSERT_TRUE(src_->Next(&chunk_).ok());
    ForEachLine(chunk_, [&](uint64_t, std::string_view line) { lines.emplace_back(line); });
  }
  ASSERT_EQ(lines.size(), 202u);
  EXPECT_EQ(lines[199], "line 200 " + std::string(40, 'q'));
  EXPECT_EQ(lines[200], "appended 1");
  EXPECT_EQ(lines[201], "appended 2");
}

TEST_F(MappedFile, ThatShrinksIsAnError) {
  ASSERT_NO_FATAL_FAILURE(Start(2000));
  const uint64_t next = chunk_.first_line() + chunk_.line_count();
  ASSERT_EQ(::truncate(path_.c_str(), 8192), 0);
  const Status s = src_->Next(&chunk_);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(src_->eof());
  EXPECT_NE(s.message().find(path_ + ": line " + std::to_string(next) + ": the file shrank"),
            std::string::npos)
      << s.message();
}

TEST(LineSource, MappedChunkOutlivesItsSource) {
  TempDir dir;
  const std::string path = dir.File("outlive");
  WriteBytes(path, ManyLines(100));
  Chunk chunk;
  {
    auto src = LineSource::Open(path);
    ASSERT_TRUE(src.ok());
    ASSERT_TRUE((*src)->Next(&chunk).ok());
  }
  ASSERT_TRUE(chunk.mapped());
  std::vector<std::string> lines;
  ForEachLine(chunk, [&](uint64_t, std::string_view line) { lines.emplace_back(line); });
  ASSERT_GE(lines.size(), 98u);
  EXPECT_EQ(lines[97], "line 98 " + std::string(40, 'q'));
}

}  // namespace
}  // namespace hw::decode
