// PNG through libpng. Transformations mirror PIL's convert("RGB"/"L"): palettes expand to RGB,
// low bit depths expand to 8 bits, 16-bit samples keep their high byte, alpha is dropped.
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

#include "data/image.h"
#include "ir/error.h"

namespace inferlab::data {
namespace {

struct Reader {
  const std::vector<std::uint8_t>* bytes;
  std::size_t pos = 0;
  bool short_read = false;
  char message[256] = {};
};

void on_png_error(png_structp png, png_const_charp msg) {
  // The error pointer is the caller's 256-byte message buffer.
  std::snprintf(static_cast<char*>(png_get_error_ptr(png)), 256, "%s", msg);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

void read_bytes(png_structp png, png_bytep out, png_size_t n) {
  auto* r = static_cast<Reader*>(png_get_io_ptr(png));
  if (r->pos + n > r->bytes->size()) {
    r->short_read = true;
    png_error(png, "truncated PNG (premature end of data)");
  }
  std::memcpy(out, r->bytes->data() + r->pos, n);
  r->pos += n;
}

struct Writer {
  std::vector<std::uint8_t> out;
  char message[256] = {};
};

void write_bytes(png_structp png, png_bytep data, png_size_t n) {
  auto* w = static_cast<Writer*>(png_get_io_ptr(png));
  w->out.insert(w->out.end(), data, data + n);
}
void flush_nothing(png_structp) {}

}  // namespace

Image decode_png(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  Reader reader;
  reader.bytes = &bytes;
  Image img;
  std::vector<png_bytep> rows;
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, reader.message, on_png_error, on_png_warning);
  if (!png) fail("{}: out of memory creating PNG reader", name);
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    fail("{}: out of memory creating PNG reader", name);
  }
  // Only trivially destructible state lives between here and the jump target.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    fail("{}: corrupt PNG: {}", name, reader.message);
  }
  png_set_read_fn(png, &reader, read_bytes);
  png_read_info(png, info);
  if (std::int64_t{png_get_image_width(png, info)} * png_get_image_height(png, info) >
      kMaxImagePixels) {
    const auto w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    png_destroy_read_struct(&png, &info, nullptr);
    fail("{}: {}x{} pixels exceed the decoder's limit of {}", name, w, h, kMaxImagePixels);
  }
  const int color = png_get_color_type(png, info);
  png_set_expand(png);
  png_set_strip_16(png);
  png_set_strip_alpha(png);
  if (png_get_interlace_type(png, info) != PNG_INTERLACE_NONE) png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int w = static_cast<int>(png_get_image_width(png, info));
  const int h = static_cast<int>(png_get_image_height(png, info));
  const int c = png_get_channels(png, info);
  if (c != 1 && c != 3) {
    png_destroy_read_struct(&png, &info, nullptr);
    fail("{}: unsupported PNG layout (color type {}, {} channels)", name, color, c);
  }
  img.width = w;
  img.height = h;
  img.channels = c;
  img.pixels.resize(static_cast<std::size_t>(w) * h * c);
  rows.resize(static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y) rows[static_cast<std::size_t>(y)] = img.row(y);
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return img;
}

std::vector<std::uint8_t> encode_png(const Image& img) {
  if (img.channels != 1 && img.channels != 3) fail("encode_png: {} channels", img.channels);
  Writer writer;
  std::vector<png_bytep> rows(static_cast<std::size_t>(img.height));
  for (int y = 0; y < img.height; ++y)
    rows[static_cast<std::size_t>(y)] = const_cast<std::uint8_t*>(img.row(y));
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, writer.message, on_png_error, on_png_warning);
  if (!png) fail("encode_png: out of memory");
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fail("encode_png: {}", writer.message);
  }
  png_set_write_fn(png, &writer, write_bytes, flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(img.width), static_cast<png_uint_32>(img.height),
               8, img.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return std::move(writer.out);
}

}  // namespace inferlab::data
