#include "synthetic.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "data/image.h"
#include "test_util.h"

namespace inferlab::data::test {

void write_voc(const std::string& root, const std::vector<VocImage>& images,
               const std::string& split) {
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(root) / "Annotations");
  fs::create_directories(fs::path(root) / "JPEGImages");
  fs::create_directories(fs::path(root) / "ImageSets" / "Main");
  std::string list;
  const auto& names = voc_class_names();
  for (const auto& im : images) {
    list += im.id + "\n";
    std::string xml = im.raw_annotation;
    Image img(im.width, im.height, 3);
    if (xml.empty()) {
      xml = fmt::format(
          "<annotation><filename>{}.jpg</filename><size><width>{}</width><height>{}</height>"
          "<depth>3</depth></size>\n",
          im.id, im.width, im.height);
      for (const auto& b : im.boxes) {
        xml += fmt::format(
            "<object><name>{}</name><pose>Unspecified</pose><truncated>0</truncated>"
            "<difficult>{}</difficult><bndbox><xmin>{}</xmin><ymin>{}</ymin><xmax>{}</xmax>"
            "<ymax>{}</ymax></bndbox></object>\n",
            b.cls, b.difficult ? 1 : 0, b.xmin, b.ymin, b.xmax, b.ymax);
        const auto cls = std::find(names.begin(), names.end(), b.cls) - names.begin();
        const auto level = static_cast<std::uint8_t>(10 * (cls + 1));
        for (int y = b.ymin - 1; y <= b.ymax - 1 && y < im.height; ++y)
          for (int x = b.xmin - 1; x <= b.xmax - 1 && x < im.width; ++x)
            for (int c = 0; c < 3; ++c) img.row(y)[3 * x + c] = level;
      }
      xml += "</annotation>\n";
    }
    write_text((fs::path(root) / "Annotations" / (im.id + ".xml")).string(), xml);
    if (im.write_image)
      write_file((fs::path(root) / "JPEGImages" / (im.id + ".jpg")).string(),
                 encode_jpeg(img, 100));
  }
  write_text((fs::path(root) / "ImageSets" / "Main" / (split + ".txt")).string(), list);
}

void write_idx(const std::string& path, const std::vector<std::uint32_t>& dims,
               const std::vector<std::uint8_t>& data, bool gz) {
  std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) bytes.push_back(static_cast<std::uint8_t>(d >> s));
  bytes.insert(bytes.end(), data.begin(), data.end());
  if (!gz) {
    write_file(path, bytes);
    return;
  }
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot create " + path);
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

}  // namespace inferlab::data::test
