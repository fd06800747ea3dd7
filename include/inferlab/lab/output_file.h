#pragma once
// Checked output: every result file and stdout write either lands completely or fails with an
// Error naming the destination (exit status 2), never silently. Files are written under a
// temporary name in the destination's folder and renamed, so a reader never sees half a file.
#include <string>
#include <string_view>

namespace inferlab {

// Writes `content` to `path` (what: "--json file", for messages). A regular or new file is
// written to a temporary sibling, flushed to disk and renamed over `path`; an existing non-regular
// destination (a pipe, /dev/stdout, /dev/full) is written in place, every write checked.
void write_file_atomically(const std::string& path, std::string_view content,
                           std::string_view what);

// Fails now, before any measurement, when `path` could not be written later: a missing or
// unwritable folder, a directory, a destination that cannot be opened for writing. Leaves no file.
void check_writable(const std::string& path, std::string_view what);

// A file written piece by piece (a long run's log) with the same guarantees: the pieces go to a
// temporary sibling (or in place to a special destination), every write checked; commit()
// flushes it to disk and renames it over the path. Destroyed without commit(), the temporary is
// removed, so an interrupted run leaves no half-written file.
class StreamedFile {
 public:
  StreamedFile(std::string path, std::string what);
  ~StreamedFile();
  StreamedFile(const StreamedFile&) = delete;
  StreamedFile& operator=(const StreamedFile&) = delete;
  void write(std::string_view piece);
  void commit();

 private:
  std::string path_, what_, tmp_;  // tmp_ empty: written in place
  int fd_ = -1;
};

// Flushes stdout; throws Error when any write to it failed (full disk, closed pipe), so a
// truncated table or JSON on stdout is never reported as success.
void flush_stdout_checked();

}  // namespace inferlab
