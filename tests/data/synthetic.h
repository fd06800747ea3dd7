#pragma once
// Synthetic datasets written by the tests: a VOC tree and MNIST-style IDX files.
#include <string>
#include <vector>

#include "data/dataset.h"

namespace inferlab::data::test {

struct VocBox {
  std::string cls;
  int xmin, ymin, xmax, ymax;  // 1-based inclusive, as in VOC XML
  bool difficult = false;
};
struct VocImage {
  std::string id;
  int width = 64, height = 48;
  std::vector<VocBox> boxes;
  std::string raw_annotation;  // used verbatim when not empty (malformed cases)
  bool write_image = true;
};

inline VocBox box(std::string cls, int xmin, int ymin, int xmax, int ymax, bool difficult = false) {
  VocBox b;
  b.cls = std::move(cls);
  b.xmin = xmin;
  b.ymin = ymin;
  b.xmax = xmax;
  b.ymax = ymax;
  b.difficult = difficult;
  return b;
}
inline VocImage voc_image(std::string id, std::vector<VocBox> boxes, int width = 64,
                          int height = 48) {
  VocImage v;
  v.id = std::move(id);
  v.boxes = std::move(boxes);
  v.width = width;
  v.height = height;
  return v;
}

// Writes Annotations/, JPEGImages/ (black JPEGs with each box filled with the class-coded grey
// level 10 * (class index + 1)) and ImageSets/Main/<split>.txt under root.
void write_voc(const std::string& root, const std::vector<VocImage>& images,
               const std::string& split = "test");

// IDX u8 file (gzip-compressed when gz).
void write_idx(const std::string& path, const std::vector<std::uint32_t>& dims,
               const std::vector<std::uint8_t>& data, bool gz);

}  // namespace inferlab::data::test
