// Layout recognition for --dataset.
#include <algorithm>
#include <filesystem>

#include "data/dataset.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

bool is_voc_root(const fs::path& p) {
  return fs::is_directory(p / "Annotations") && fs::is_directory(p / "JPEGImages") &&
         fs::is_directory(p / "ImageSets" / "Main");
}

// The MNIST-style pair in `dir`: "*images*idx3*" and "*labels*idx1*", test set (t10k) first.
std::pair<std::string, std::string> find_idx(const fs::path& dir) {
  std::vector<std::string> images, labels;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::error_code ec;  // entries whose type cannot be read (symlink loops) are not candidates
    if (!e.is_regular_file(ec)) continue;
    const std::string n = e.path().filename().string();
    if (n.find("idx3") != std::string::npos) images.push_back(n);
    if (n.find("idx1") != std::string::npos) labels.push_back(n);
  }
  auto pick = [](std::vector<std::string>& v) -> std::string {
    if (v.empty()) return "";
    std::sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) {
      const bool ta = a.rfind("t10k", 0) == 0, tb = b.rfind("t10k", 0) == 0;
      return ta != tb ? ta : a < b;
    });
    return v.front();
  };
  const std::string i = pick(images), l = pick(labels);
  if (i.empty() || l.empty()) return {};
  return {(dir / i).string(), (dir / l).string()};
}

bool has_class_folders(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    std::error_code ec;
    if (!e.is_directory(ec)) continue;
    for (const auto& f : fs::directory_iterator(e.path()))
      if (f.is_regular_file(ec) && is_image_file(f.path().string())) return true;
  }
  return false;
}

bool has_images(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file(ec) && is_image_file(e.path().string())) return true;
  return false;
}

}  // namespace

std::unique_ptr<Dataset> open_dataset(const std::string& path, const DatasetOptions& o) {
  const fs::path p(path);
  if (!fs::exists(p)) fail("{}: dataset not found", path);
  if (!fs::is_directory(p)) fail("{}: --dataset takes a folder", path);
  if (!o.labels_file.empty()) return open_label_list(path, o.labels_file);
  if (is_voc_root(p)) return open_voc(path, o.split);
  // VOCdevkit/ or a folder holding one VOC20xx/.
  for (const fs::path& base : {p, p / "VOCdevkit"}) {
    if (!fs::is_directory(base)) continue;
    std::vector<fs::path> vocs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base))
      if (e.is_directory(ec) && is_voc_root(e.path())) vocs.push_back(e.path());
    if (vocs.size() == 1) return open_voc(vocs[0].string(), o.split);
    if (vocs.size() > 1)
      fail("{}: holds several VOC trees ({}, ...): pass one of them", path, vocs[0].string());
  }
  const auto [images, labels] = find_idx(p);
  if (!images.empty()) return open_idx(images, labels);
  for (const char* name : {"labels.txt", "val.txt", "val_labels.txt"})
    if (fs::is_regular_file(p / name)) return open_label_list(path, (p / name).string());
  if (has_class_folders(p)) return open_class_folders(path, o.classes_file);
  if (has_images(p)) return open_image_folder(path);
  fail(
      "{}: unrecognised dataset layout (expected a labels.txt list, class folders, IDX files, a "
      "VOC tree, or images)",
      path);
}

}  // namespace inferlab::data
