// libFuzzer harness: a journal segment of any bytes (a damaged disk, a
// crash inside an append) opens with a clear error or reads back its whole
// records in order; a writable open cuts a torn tail so that a record
// appended after it is read back last. Never crashes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/state/journal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  static const std::string dir =
      (fs::temp_directory_path() / ("hw_fuzz_journal_" + std::to_string(::getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir + "/00000000000000000001.hwj", std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  uint64_t last = 0;
  {
    // The records Open hands over in its checking read are the ones ForEach
    // reads later.
    std::string at_open;
    auto ro = hw::state::Journal::Open(dir, true, false, 0, [&](const hw::state::JournalRecord& r) {
      at_open += std::to_string(r.seq) + ":" + std::string(r.body);
      return hw::Status::Ok();
    });
    if (!ro.ok()) {
      if (ro.status().message().rfind("journal ", 0) != 0) __builtin_trap();
      return 0;
    }
    uint64_t prev = 0;
    std::string read;
    const hw::Status s = (*ro)->ForEach(0, [&](const hw::state::JournalRecord& r) {
      if (r.seq <= prev) __builtin_trap();
      prev = r.seq;
      read += std::to_string(r.seq) + ":" + std::string(r.body);
      return hw::Status::Ok();
    });
    if (!s.ok()) __builtin_trap();  // Open checked every record
    if (read != at_open) __builtin_trap();
    last = (*ro)->last_seq();
    if (last == UINT64_MAX) return 0;  // no sequence number can follow
    if (prev != last) __builtin_trap();
  }
  auto rw = hw::state::Journal::Open(dir, false, false);
  if (!rw.ok()) __builtin_trap();
  if (!(*rw)->Append(last + 1, "p", "appended\n").ok()) __builtin_trap();
  auto again = hw::state::Journal::Open(dir, true, false);
  if (!again.ok() || (*again)->torn_bytes() != 0) __builtin_trap();
  std::string tail;
  if (!(*again)
           ->ForEach(last,
                     [&](const hw::state::JournalRecord& r) {
                       tail.assign(r.body);
                       return hw::Status::Ok();
                     })
           .ok() ||
      tail != "appended\n") {
    __builtin_trap();
  }
  return 0;
}
