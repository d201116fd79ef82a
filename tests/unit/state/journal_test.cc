// The journal's segment files: records read back in order, a torn last
// record cut off (as a kill during an append leaves it), damage elsewhere
// reported with the file and byte, positions carried with their batch.
#include "engine/state/journal.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/state/state_store.h"

namespace hw::state {
namespace {

std::string TempDir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "/hw_journal_" + name;
  std::filesystem::remove_all(d);
  return d;
}

std::vector<std::string> Segments(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// (seq, position, body) of every record after `after`.
std::vector<std::string> Read(const Journal& j, uint64_t after = 0) {
  std::vector<std::string> out;
  EXPECT_TRUE(j.ForEach(after, [&](const JournalRecord& r) {
                 out.push_back(std::to_string(r.seq) + "|" + std::string(r.position) + "|" +
                               std::string(r.body));
                 return Status::Ok();
               }).ok());
  return out;
}

TEST(Journal, RecordsComeBackInOrderAfterAReopen) {
  const std::string dir = TempDir("order");
  {
    auto j = Journal::Open(dir, false, false);
    ASSERT_TRUE(j.ok()) << j.status().message();
    ASSERT_TRUE((*j)->Append(1, "", "a\n").ok());
    ASSERT_TRUE((*j)->Append(2, "pos", "bb\n").ok());
    EXPECT_FALSE((*j)->Append(2, "", "again\n").ok()) << "a sequence number must grow";
  }
  auto j = Journal::Open(dir, false, false);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)->last_seq(), 2u);
  EXPECT_EQ((*j)->torn_bytes(), 0u);
  EXPECT_EQ(Read(**j), (std::vector<std::string>{"1||a\n", "2|pos|bb\n"}));
  EXPECT_EQ(Read(**j, 1), (std::vector<std::string>{"2|pos|bb\n"}));
  ASSERT_TRUE((*j)->Append(3, "", "c\n").ok());
  EXPECT_EQ(Read(**j).size(), 3u);
  // Sealed by a checkpoint: the next record starts a new segment, and the
  // sealed one stays (read with the rest) until the checkpoint is written.
  const size_t sealed = (*j)->Seal();
  EXPECT_EQ(sealed, 1u);
  ASSERT_TRUE((*j)->Append(4, "", "d\n").ok());
  EXPECT_EQ(Segments(dir).size(), 2u);
  EXPECT_EQ(Read(**j).size(), 4u);
  const std::vector<std::string> taken = (*j)->TakeSealed(sealed);
  ASSERT_EQ(taken.size(), 1u);
  ASSERT_TRUE(Journal::Remove(taken).ok());
  EXPECT_EQ(Read(**j), (std::vector<std::string>{"4||d\n"}));
  ASSERT_EQ(Segments(dir).size(), 1u);
  EXPECT_EQ(std::filesystem::path(Segments(dir)[0]).filename(), "00000000000000000004.hwj");
  // With nothing appended after the seal, the next record starts afresh.
  ASSERT_TRUE(Journal::Remove((*j)->TakeSealed((*j)->Seal())).ok());
  EXPECT_TRUE(Segments(dir).empty());
  ASSERT_TRUE((*j)->Append(5, "", "e\n").ok());
  EXPECT_EQ(Read(**j), (std::vector<std::string>{"5||e\n"}));
}

TEST(Journal, ATornLastRecordIsCutOffAndAppendsGoOnAfterIt) {
  const std::string dir = TempDir("torn");
  uintmax_t whole = 0;
  {
    auto j = Journal::Open(dir, false, false);
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->Append(1, "", std::string(1000, 'x')).ok());
    ASSERT_TRUE((*j)->Append(2, "", std::string(1000, 'y')).ok());
  }
  const std::string seg = Segments(dir).at(0);
  whole = std::filesystem::file_size(seg);
  // A kill inside the third append: its header and part of its body.
  {
    auto j = Journal::Open(dir, false, false);
    ASSERT_TRUE((*j)->Append(3, "", std::string(1000, 'z')).ok());
  }
  std::filesystem::resize_file(seg, whole + 32 + 500);
  {
    auto ro = Journal::Open(dir, true, false);
    ASSERT_TRUE(ro.ok());
    EXPECT_EQ((*ro)->torn_bytes(), 532u);
    EXPECT_EQ(Read(**ro).size(), 2u);
    EXPECT_EQ(std::filesystem::file_size(seg), whole + 532) << "a read-only open changes nothing";
  }
  auto j = Journal::Open(dir, false, false);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)->torn_bytes(), 532u);
  EXPECT_EQ((*j)->last_seq(), 2u);
  EXPECT_EQ(std::filesystem::file_size(seg), whole);
  ASSERT_TRUE((*j)->Append(3, "", "after\n").ok());
  auto again = Journal::Open(dir, true, false);
  ASSERT_TRUE(again.ok());
  const std::vector<std::string> r = Read(**again);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[2], "3||after\n");
}

// Lengths whose sum wraps past 2^64 (the fuzz find of 2026-12-03, kept in
// tests/fuzz_regressions/journal/wrapped_lengths.hwj) read as a torn record,
// not as a record that fits.
TEST(Journal, LengthsThatWrapWhenAddedAreATornRecord) {
  const std::string dir = TempDir("wrapped");
  std::filesystem::create_directories(dir);
  std::string header = "HWJ1";
  const auto put = [&](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) header.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  put(0x10000, 4);                // position bytes
  put(0xffffffffffff0000ULL, 8);  // body bytes: the sum with the above is 0
  put(1, 8);                      // sequence number
  put(0, 8);                      // checksum
  const std::string bytes = header + std::string(79, 'x');
  std::ofstream(dir + "/00000000000000000001.hwj", std::ios::binary) << bytes;
  auto ro = Journal::Open(dir, true, false);
  ASSERT_TRUE(ro.ok()) << ro.status().message();
  EXPECT_EQ((*ro)->torn_bytes(), bytes.size());
  EXPECT_TRUE(Read(**ro).empty());
}

TEST(Journal, DamageBeforeTheLastSegmentIsAnErrorNamingFileAndByte) {
  const std::string dir = TempDir("damage"), other = TempDir("damage_other");
  {
    auto a = Journal::Open(dir, false, false);
    ASSERT_TRUE((*a)->Append(1, "", "one\n").ok());
    ASSERT_TRUE((*a)->Append(2, "", "two\n").ok());
    auto b = Journal::Open(other, false, false);
    ASSERT_TRUE((*b)->Append(3, "", "three\n").ok());
  }
  // Two segments, as a crash between a checkpoint and its cleanup leaves.
  const std::string second = Segments(other).at(0);
  std::filesystem::copy_file(second, dir + "/" + std::filesystem::path(second).filename().string());
  {
    auto j = Journal::Open(dir, true, false);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(Read(**j).size(), 3u);
  }
  const std::string first = Segments(dir).at(0);
  {
    std::fstream f(first, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(36 + 32 + 1);  // inside the second record's body
    f.put('#');
  }
  auto j = Journal::Open(dir, false, false);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find(first + ": byte 36: record checksum mismatch"),
            std::string::npos)
      << j.status().message();
}

// A write that fails halfway (here: the file size limit, as a full disk
// would) leaves no partial record behind: the batch is refused, and the
// records before and after it read back.
TEST(Journal, AFailedAppendLeavesNoPartialRecord) {
  const std::string dir = TempDir("failed_append");
  auto j = Journal::Open(dir, false, false);
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE((*j)->Append(1, "", "first\n").ok());
  const uintmax_t size = std::filesystem::file_size(Segments(dir).at(0));
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = static_cast<rlim_t>(size + 100);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const Status refused = (*j)->Append(2, "", std::string(1000, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("cannot append"), std::string::npos) << refused.message();
  EXPECT_EQ(std::filesystem::file_size(Segments(dir).at(0)), size) << "the partial record stayed";
  ASSERT_TRUE((*j)->Append(2, "", "second\n").ok());
  auto back = Journal::Open(dir, true, false);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->torn_bytes(), 0u);
  EXPECT_EQ(Read(**back), (std::vector<std::string>{"1||first\n", "2||second\n"}));
}

// (From checkpoints: Follow.FilesAreFollowedThroughRotationAndResumedAfterARestart.)
TEST(Journal, SourcePositionsComeBackFromTheJournal) {
  const std::string dir = TempDir("positions");
  StateOptions so;
  so.dir = dir;
  SourcePosition p{"/var/log/api.jsonl", 42, 1000, 7};
  {
    auto st = StateStore::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().message();
    ASSERT_TRUE((*st)->AppendBatch("{}\n", &p).ok());
    EXPECT_EQ((*st)->Position(p.source)->offset, 1000u);
  }
  {
    auto st = StateStore::Open(so);
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE((*st)->Position(p.source).has_value()) << "from the journal";
    EXPECT_EQ((*st)->Position(p.source)->inode, 42u);
    EXPECT_EQ((*st)->Position(p.source)->lines, 7u);
    EXPECT_EQ((*st)->Info().journal_batches, 1u);
    EXPECT_FALSE((*st)->Position("/other").has_value());
  }
  // Records the open hands over start after `after`, in order, in the read
  // that checks them.
  {
    std::vector<uint64_t> seen;
    auto j = Journal::Open(dir + "/journal", false, false, 0, [&](const JournalRecord& r) {
      seen.push_back(r.seq);
      return Status::Ok();
    });
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->Append(2, "", "{}\n").ok());
    ASSERT_TRUE((*j)->Append(3, "garbled", "{}\n").ok());
    EXPECT_EQ(seen, std::vector<uint64_t>{1});
  }
  std::vector<uint64_t> seen;
  auto j = Journal::Open(dir + "/journal", true, false, 1, [&](const JournalRecord& r) {
    seen.push_back(r.seq);
    return Status::Ok();
  });
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{2, 3}));
  // A position the store cannot read stops its open, naming the batch.
  auto st = StateStore::Open(so);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("journal: batch 3: unreadable source position"),
            std::string::npos)
      << st.status().message();
}

}  // namespace
}  // namespace hw::state
