// PASCAL VOC 2007/2012 layout: Annotations/*.xml, JPEGImages/*.jpg, ImageSets/Main/<split>.txt.
#include <pugixml.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "data/dataset.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

float parse_coord(const pugi::xml_node& box, const char* key, const std::string& file) {
  const pugi::xml_node n = box.child(key);
  if (!n) throw DataError("bad annotation", fmt::format("{}: bndbox without <{}>", file, key));
  const std::string text = n.text().as_string();
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || text.find_first_not_of(" \t\r\n", used) != std::string::npos ||
      !std::isfinite(v))
    throw DataError("bad annotation",
                    fmt::format("{}: <{}> '{}' is not a number", file, key, text));
  return static_cast<float>(v);
}

class Voc : public Dataset {
 public:
  Voc(const std::string& root, const std::string& split) : root_(root) {
    const fs::path sets = fs::path(root) / "ImageSets" / "Main";
    split_ = split;
    if (split_.empty()) split_ = fs::exists(sets / "test.txt") ? "test" : "val";
    const fs::path list = sets / (split_ + ".txt");
    std::ifstream in(list);
    if (!in) fail(ErrorCode::io, "{}: cannot open VOC image set", list.string());
    std::string id;
    while (in >> id) ids_.push_back(id);
  }
  DatasetKind kind() const override { return DatasetKind::voc; }
  std::string describe() const override {
    return fmt::format("PASCAL VOC {} split '{}' ({} images)", root_, split_, ids_.size());
  }
  std::size_t size() const override { return ids_.size(); }
  std::string name(std::size_t i) const override { return ids_[i]; }
  const std::vector<std::string>& class_names() const override { return voc_class_names(); }

  Sample load(std::size_t i) const override {
    Sample s;
    s.name = ids_[i];
    const std::string ann = "Annotations/" + ids_[i] + ".xml";
    s.objects = parse_annotation((fs::path(root_) / ann).string(), ann);
    const std::string img = "JPEGImages/" + ids_[i] + ".jpg";
    s.image = load_image_or_throw((fs::path(root_) / img).string(), img);
    return s;
  }

 private:
  std::vector<Object> parse_annotation(const std::string& path, const std::string& name) const {
    pugi::xml_document doc;
    const pugi::xml_parse_result r = doc.load_file(path.c_str());
    if (r.status == pugi::status_file_not_found || r.status == pugi::status_io_error)
      throw DataError("bad annotation", fmt::format("{}: annotation missing or unreadable", name));
    if (!r)
      throw DataError("bad annotation", fmt::format("{}: invalid XML: {}", name, r.description()));
    const pugi::xml_node root = doc.child("annotation");
    if (!root) throw DataError("bad annotation", fmt::format("{}: no <annotation> element", name));
    const pugi::xml_node size = root.child("size");
    const float width = size ? size.child("width").text().as_float(0) : 0;
    const float height = size ? size.child("height").text().as_float(0) : 0;
    const auto& names = voc_class_names();
    std::vector<Object> objects;
    for (const pugi::xml_node o : root.children("object")) {
      const std::string cls = o.child("name").text().as_string();
      const auto it = std::find(names.begin(), names.end(), cls);
      if (it == names.end())
        throw DataError("bad annotation", fmt::format("{}: unknown class '{}'", name, cls));
      const pugi::xml_node box = o.child("bndbox");
      if (!box) throw DataError("bad annotation", fmt::format("{}: object without <bndbox>", name));
      Object ob;
      ob.label = static_cast<int>(it - names.begin());
      ob.difficult = o.child("difficult").text().as_int(0) != 0;
      // VOC boxes are 1-based and inclusive; stored 0-based (minus one) like py-faster-rcnn.
      ob.x1 = parse_coord(box, "xmin", name) - 1;
      ob.y1 = parse_coord(box, "ymin", name) - 1;
      ob.x2 = parse_coord(box, "xmax", name) - 1;
      ob.y2 = parse_coord(box, "ymax", name) - 1;
      const bool outside = ob.x1 < 0 || ob.y1 < 0 || (width > 0 && ob.x2 > width - 1) ||
                           (height > 0 && ob.y2 > height - 1);
      if (ob.x2 < ob.x1 || ob.y2 < ob.y1 || outside)
        throw DataError("bad annotation",
                        fmt::format("{}: malformed box ({}, {}, {}, {}) for '{}'{}", name,
                                    ob.x1 + 1, ob.y1 + 1, ob.x2 + 1, ob.y2 + 1, cls,
                                    width > 0 ? fmt::format(" in a {}x{} image", width, height)
                                              : std::string()));
      objects.push_back(ob);
    }
    return objects;
  }

  std::string root_, split_;
  std::vector<std::string> ids_;
};

}  // namespace

const std::vector<std::string>& voc_class_names() {
  static const std::vector<std::string> names = {
      "aeroplane", "bicycle",     "bird",  "boat",        "bottle", "bus",      "car",
      "cat",       "chair",       "cow",   "diningtable", "dog",    "horse",    "motorbike",
      "person",    "pottedplant", "sheep", "sofa",        "train",  "tvmonitor"};
  return names;
}

std::unique_ptr<Dataset> open_voc(const std::string& root, const std::string& split) {
  return std::make_unique<Voc>(root, split);
}

}  // namespace inferlab::data
