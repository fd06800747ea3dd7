#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "data/dataset.h"

namespace inferlab::data {

bool is_image_file(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

Image load_image_or_throw(const std::string& path, const std::string& name) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    throw DataError("missing image",
                    fmt::format("{}: image file missing or unreadable ({})", name, e.what()));
  }
  try {
    return decode_image(bytes, name);
  } catch (const Error& e) {
    throw DataError("corrupt image", e.what());
  }
}

IdxArray read_idx(const std::string& path) {
  // gzread reads plain files unchanged, so one path serves .gz and uncompressed IDX files.
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) fail(ErrorCode::io, "{}: cannot open IDX file", path);
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  int errnum = 0;
  const char* msg = gzerror(f, &errnum);
  const std::string err = (n < 0 && msg) ? msg : "";
  gzclose(f);
  if (n < 0) fail("{}: read error: {}", path, err);
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
    fail("{}: not an IDX file (bad magic)", path);
  if (bytes[2] != 0x08) fail("{}: IDX element type 0x{:02x} unsupported (only u8)", path, bytes[2]);
  const int rank = bytes[3];
  if (rank < 1 || bytes.size() < 4 + 4 * static_cast<std::size_t>(rank))
    fail("{}: truncated IDX header", path);
  IdxArray a;
  std::size_t count = 1;
  for (int i = 0; i < rank; ++i) {
    const std::uint8_t* p = &bytes[4 + 4 * static_cast<std::size_t>(i)];
    const std::uint32_t d = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                            (std::uint32_t{p[2]} << 8) | p[3];
    a.dims.push_back(d);
    count *= d;
    if (count > (std::size_t{1} << 34)) fail("{}: IDX dimensions too large", path);
  }
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(rank);
  if (bytes.size() - header != count)
    fail("{}: IDX payload is {} bytes, its header announces {}", path, bytes.size() - header,
         count);
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return a;
}

}  // namespace inferlab::data
