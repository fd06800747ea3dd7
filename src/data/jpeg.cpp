// JPEG through libjpeg(-turbo) with its default settings (islow DCT, fancy upsampling), the same
// ones PIL uses, so decoded pixels match PIL's.
// jpeglib.h needs FILE and size_t declared before it.
#include <cstddef>
#include <cstdio>
// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <csetjmp>
#include <cstdlib>
#include <string>

#include "data/image.h"
#include "ir/error.h"

namespace inferlab::data {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {};
  bool truncated = false;
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Warnings are ignored (PIL decodes "extraneous bytes" files too), except a premature end of
// data: libjpeg would pad the image with grey, PIL refuses truncated files, and so do we. A
// marker inside the scan (JWRN_HIT_MARKER) is the same case with an EOI present: a header that
// claims more pixels than the scan holds (e.g. 10000x10000 declared, 32x32 coded).
void on_message(j_common_ptr cinfo, int level) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  const int code = cinfo->err->msg_code;
  if (level == -1 && (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER)) err->truncated = true;
}

std::uint8_t muldiv255(int a, int b) {
  const int t = a * b + 128;
  return static_cast<std::uint8_t>(((t >> 8) + t) >> 8);
}

// CMYK to RGB as PIL does (Convert.c cmyk2rgb). Adobe CMYK JPEGs store inverted values, which
// PIL reads as "CMYK;I".
void cmyk_to_rgb(const std::uint8_t* in, std::uint8_t* out, int n, bool inverted) {
  for (int x = 0; x < n; ++x, in += 4, out += 3) {
    if (inverted) {
      for (int c = 0; c < 3; ++c) out[c] = muldiv255(in[c], in[3]);
    } else {
      const int nk = 255 - in[3];
      for (int c = 0; c < 3; ++c) out[c] = static_cast<std::uint8_t>(nk - muldiv255(in[c], nk));
    }
  }
}

}  // namespace

Image decode_jpeg(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  Image img;
  std::vector<std::uint8_t> cmyk_row;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  // Only trivially destructible state lives between here and the jump target.
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    fail("{}: corrupt JPEG: {}", name, err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (std::int64_t{cinfo.image_width} * cinfo.image_height > kMaxImagePixels) {
    jpeg_destroy_decompress(&cinfo);
    fail("{}: {}x{} pixels exceed the decoder's limit of {}", name, cinfo.image_width,
         cinfo.image_height, kMaxImagePixels);
  }
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  if (cmyk) {
    cinfo.out_color_space = JCS_CMYK;
  } else if (cinfo.jpeg_color_space == JCS_GRAYSCALE) {
    cinfo.out_color_space = JCS_GRAYSCALE;
  } else {
    cinfo.out_color_space = JCS_RGB;
  }
  jpeg_start_decompress(&cinfo);
  const int w = static_cast<int>(cinfo.output_width), h = static_cast<int>(cinfo.output_height);
  const int c = cmyk ? 3 : cinfo.output_components;
  img.width = w;
  img.height = h;
  img.channels = c;
  img.pixels.resize(static_cast<std::size_t>(w) * h * c);
  if (cmyk) cmyk_row.resize(static_cast<std::size_t>(w) * 4);
  const bool inverted = cinfo.saw_Adobe_marker;
  while (cinfo.output_scanline < cinfo.output_height && !err.truncated) {
    std::uint8_t* dst = img.pixels.data() + static_cast<std::size_t>(cinfo.output_scanline) * w * c;
    JSAMPROW row = cmyk ? cmyk_row.data() : dst;
    jpeg_read_scanlines(&cinfo, &row, 1);
    if (cmyk) cmyk_to_rgb(cmyk_row.data(), dst, w, inverted);
  }
  if (err.truncated) {
    jpeg_destroy_decompress(&cinfo);
    fail("{}: truncated JPEG (premature end of data at row {} of {})", name, cinfo.output_scanline,
         cinfo.output_height);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return img;
}

std::vector<std::uint8_t> encode_jpeg(const Image& img, int quality) {
  if (img.channels != 1 && img.channels != 3 && img.channels != 4)
    fail("encode_jpeg: {} channels", img.channels);
  jpeg_compress_struct cinfo;
  ErrorManager err;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    fail("encode_jpeg: {}", err.message);
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(img.width);
  cinfo.image_height = static_cast<JDIMENSION>(img.height);
  cinfo.input_components = img.channels;
  cinfo.in_color_space =
      img.channels == 1 ? JCS_GRAYSCALE : (img.channels == 3 ? JCS_RGB : JCS_CMYK);
  jpeg_set_defaults(&cinfo);  // 4 channels: stored as CMYK with an Adobe marker
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<std::uint8_t*>(img.row(static_cast<int>(cinfo.next_scanline)));
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::vector<std::uint8_t> out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

}  // namespace inferlab::data
