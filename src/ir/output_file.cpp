#include "inferlab/lab/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "ir/error.h"

namespace inferlab {
namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}

// Writes everything to `fd`; returns 0 or the errno of the first failed write.
int write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// True when `path` names something that exists and is not a regular file (device, pipe, tty):
// such destinations are written in place, since renaming over them would replace the node.
bool special_destination(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

void require_not_directory(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail("{} {}: is a directory", what, path);
}

// A unique temporary name next to `path` (same file system, so rename is atomic).
std::string temporary_name(const std::string& path) {
  static std::atomic<int> counter{0};
  const fs::path p(path);
  const std::string name =
      fmt::format(".{}.tmp-{}-{}", p.filename().string(), ::getpid(), counter++);
  return (p.parent_path() / name).string();
}

void write_in_place(const std::string& path, std::string_view content, std::string_view what) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    fail(ErrorCode::io, "{} {}: cannot open for writing: {}", what, path, errno_text(errno));
  const int err = write_all(fd, content);
  const int close_err = ::close(fd) == 0 ? 0 : errno;
  if (err || close_err)
    fail("{} {}: write failed: {}", what, path, errno_text(err ? err : close_err));
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content,
                           std::string_view what) {
  require_not_directory(path, what);
  if (special_destination(path)) return write_in_place(path, content, what);
  const std::string tmp = temporary_name(path);
  // 0666 less the umask, as a plain open would give the final file.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    fail(ErrorCode::io, "{} {}: cannot create the file: {}", what, path, errno_text(errno));
  int err = write_all(fd, content);
  if (!err && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  if (!err && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err) {
    ::unlink(tmp.c_str());
    fail("{} {}: write failed: {}", what, path, errno_text(err));
  }
}

StreamedFile::StreamedFile(std::string path, std::string what)
    : path_(std::move(path)), what_(std::move(what)) {
  require_not_directory(path_, what_);
  const bool in_place = special_destination(path_);
  if (!in_place) tmp_ = temporary_name(path_);
  fd_ = in_place ? ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC)
                 : ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0)
    fail(ErrorCode::io, "{} {}: cannot open for writing: {}", what_, path_, errno_text(errno));
}

StreamedFile::~StreamedFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void StreamedFile::write(std::string_view piece) {
  if (fd_ < 0) fail("{} {}: written after it was closed", what_, path_);
  if (const int err = write_all(fd_, piece))
    fail("{} {}: write failed: {}", what_, path_, errno_text(err));
}

void StreamedFile::commit() {
  if (fd_ < 0) fail("{} {}: committed twice", what_, path_);
  int err = !tmp_.empty() && ::fsync(fd_) != 0 ? errno : 0;
  if (::close(fd_) != 0 && !err) err = errno;
  fd_ = -1;
  if (!err && !tmp_.empty() && ::rename(tmp_.c_str(), path_.c_str()) != 0) err = errno;
  if (err) {
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    fail("{} {}: write failed: {}", what_, path_, errno_text(err));
  }
}

void check_writable(const std::string& path, std::string_view what) {
  if (path.empty()) fail("{}: empty file name", what);
  require_not_directory(path, what);
  if (special_destination(path)) {
    if (::access(path.c_str(), W_OK) != 0)
      fail(ErrorCode::io, "{} {}: cannot open for writing: {}", what, path, errno_text(errno));
    return;
  }
  const fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::is_directory(dir, ec))
    fail("{} {}: no folder {}", what, path, dir.string());
  // The probe is the real operation (create a sibling), so permissions, read-only mounts and
  // quotas on inode creation all show up here.
  const std::string tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    fail(ErrorCode::io, "{} {}: cannot create the file: {}", what, path, errno_text(errno));
  ::close(fd);
  ::unlink(tmp.c_str());
}

void flush_stdout_checked() {
  errno = 0;
  const bool bad = std::fflush(stdout) != 0 || std::ferror(stdout);
  if (bad) {
    const int err = errno;
    std::clearerr(stdout);
    fail(ErrorCode::io, "cannot write to standard output: {}",
         err ? errno_text(err) : "write error");
  }
}

}  // namespace inferlab
