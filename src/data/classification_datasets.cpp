// Classification layouts: "file label" lists, class-folder trees, MNIST IDX files, and plain
// image folders (no labels; used for detection agreement runs).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "data/dataset.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

// An image-named entry whose type cannot be read (a symlink loop, a dangling link) is listed too:
// loading it then fails, and the evaluation skips it with the system's reason.
std::vector<std::string> sorted_images(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::error_code ec;
    const bool regular = e.is_regular_file(ec);
    if ((regular || ec) && is_image_file(e.path().string()))
      files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class LabelList : public Dataset {
 public:
  LabelList(const std::string& root, const std::string& labels_file) : labels_file_(labels_file) {
    std::ifstream in(labels_file);
    if (!in) fail(ErrorCode::io, "{}: cannot open labels file", labels_file);
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      // "file label": the label is the last field, so file names may contain spaces.
      const auto end = line.find_last_not_of(" \t");
      const auto sep = line.find_last_of(" \t", end);
      Entry e;
      e.line = lineno;
      if (sep == std::string::npos) {
        e.file = line.substr(0, end + 1);
        e.error = "no label";
      } else {
        e.file = line.substr(0, line.find_last_not_of(" \t", sep) + 1);
        const std::string label = line.substr(sep + 1, end - sep);
        std::size_t used = 0;
        try {
          e.label = std::stoi(label, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != label.size() || used == 0)
          e.error = fmt::format("label '{}' is not an integer", label);
        else if (e.label < 0)
          e.error = fmt::format("negative label {}", e.label);
      }
      entries_.push_back(std::move(e));
    }
    // Image paths are relative to the dataset folder, or to its images/ subfolder (the layout of
    // ../shared/data/imagenet); decided once from the first entry that exists.
    root_ = root;
    for (const auto& e : entries_) {
      if (fs::exists(fs::path(root) / e.file)) break;
      if (fs::exists(fs::path(root) / "images" / e.file)) {
        root_ = (fs::path(root) / "images").string();
        break;
      }
    }
  }
  DatasetKind kind() const override { return DatasetKind::label_list; }
  std::string describe() const override {
    return fmt::format("label list {} ({} images under {})", labels_file_, entries_.size(), root_);
  }
  std::size_t size() const override { return entries_.size(); }
  std::string name(std::size_t i) const override { return entries_[i].file; }
  Sample load(std::size_t i) const override {
    const Entry& e = entries_[i];
    if (!e.error.empty())
      throw DataError("bad label",
                      fmt::format("{}:{}: {}: {}", labels_file_, e.line, e.file, e.error));
    Sample s;
    s.name = e.file;
    s.label = e.label;
    s.image = load_image_or_throw((fs::path(root_) / e.file).string(), e.file);
    return s;
  }

 private:
  struct Entry {
    std::string file;
    int label = -1;
    int line = 0;
    std::string error;
  };
  std::string labels_file_, root_;
  std::vector<Entry> entries_;
};

class ClassFolders : public Dataset {
 public:
  ClassFolders(const std::string& root, const std::string& classes_file) : root_(root) {
    std::vector<std::string> dirs;
    for (const auto& e : fs::directory_iterator(root)) {
      std::error_code ec;  // an entry whose type cannot be read is not a class folder
      if (e.is_directory(ec)) dirs.push_back(e.path().filename().string());
    }
    std::sort(dirs.begin(), dirs.end());
    std::string order_file = classes_file;
    if (order_file.empty() && fs::exists(fs::path(root) / "classes.txt"))
      order_file = (fs::path(root) / "classes.txt").string();
    if (order_file.empty()) {
      names_ = dirs;  // alphabetical, as torchvision's ImageFolder orders classes
    } else {
      std::ifstream in(order_file);
      if (!in) fail(ErrorCode::io, "{}: cannot open class list", order_file);
      std::string line;
      while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) names_.push_back(line);
      }
      for (const auto& d : dirs)
        if (std::find(names_.begin(), names_.end(), d) == names_.end())
          fail("{}: folder '{}' is not in the class list {}", root, d, order_file);
    }
    if (names_.empty()) fail("{}: no class folders", root);
    for (std::size_t c = 0; c < names_.size(); ++c) {
      if (!fs::is_directory(fs::path(root) / names_[c])) continue;  // a class with no images
      for (const auto& f : sorted_images(fs::path(root) / names_[c]))
        entries_.push_back({names_[c] + "/" + f, static_cast<int>(c)});
    }
  }
  DatasetKind kind() const override { return DatasetKind::class_folders; }
  std::string describe() const override {
    return fmt::format("class folders {} ({} classes, {} images)", root_, names_.size(),
                       entries_.size());
  }
  std::size_t size() const override { return entries_.size(); }
  std::string name(std::size_t i) const override { return entries_[i].first; }
  const std::vector<std::string>& class_names() const override { return names_; }
  Sample load(std::size_t i) const override {
    Sample s;
    s.name = entries_[i].first;
    s.label = entries_[i].second;
    s.image = load_image_or_throw((fs::path(root_) / s.name).string(), s.name);
    return s;
  }

 private:
  std::string root_;
  std::vector<std::string> names_;
  std::vector<std::pair<std::string, int>> entries_;
};

class Idx : public Dataset {
 public:
  Idx(const std::string& images, const std::string& labels) : images_file_(images) {
    images_ = read_idx(images);
    if (images_.dims.size() != 3) fail("{}: expected a 3-d IDX array (N x rows x cols)", images);
    const IdxArray l = read_idx(labels);
    if (l.dims.size() != 1) fail("{}: expected a 1-d IDX array of labels", labels);
    if (l.dims[0] != images_.dims[0])
      fail("{} holds {} labels for the {} images of {}", labels, l.dims[0], images_.dims[0],
           images);
    labels_ = l.data;
  }
  DatasetKind kind() const override { return DatasetKind::idx; }
  std::string describe() const override {
    return fmt::format("IDX {} ({} images {}x{})", images_file_, images_.dims[0], images_.dims[2],
                       images_.dims[1]);
  }
  std::size_t size() const override { return static_cast<std::size_t>(images_.dims[0]); }
  std::string name(std::size_t i) const override { return fmt::format("images[{}]", i); }
  Sample load(std::size_t i) const override {
    Sample s;
    s.name = name(i);
    s.label = labels_[i];
    const int h = static_cast<int>(images_.dims[1]), w = static_cast<int>(images_.dims[2]);
    s.image = Image(w, h, 1);
    const std::size_t n = static_cast<std::size_t>(w) * h;
    std::copy_n(images_.data.begin() + static_cast<std::ptrdiff_t>(i * n), n,
                s.image.pixels.begin());
    return s;
  }

 private:
  std::string images_file_;
  IdxArray images_;
  std::vector<std::uint8_t> labels_;
};

class ImageFolder : public Dataset {
 public:
  explicit ImageFolder(const std::string& root) : root_(root), files_(sorted_images(root)) {}
  DatasetKind kind() const override { return DatasetKind::image_folder; }
  std::string describe() const override {
    return fmt::format("image folder {} ({} images, no labels)", root_, files_.size());
  }
  std::size_t size() const override { return files_.size(); }
  std::string name(std::size_t i) const override { return files_[i]; }
  Sample load(std::size_t i) const override {
    Sample s;
    s.name = files_[i];
    s.image = load_image_or_throw((fs::path(root_) / s.name).string(), s.name);
    return s;
  }

 private:
  std::string root_;
  std::vector<std::string> files_;
};

}  // namespace

std::unique_ptr<Dataset> open_label_list(const std::string& root, const std::string& labels_file) {
  return std::make_unique<LabelList>(root, labels_file);
}
std::unique_ptr<Dataset> open_class_folders(const std::string& root,
                                            const std::string& classes_file) {
  return std::make_unique<ClassFolders>(root, classes_file);
}
std::unique_ptr<Dataset> open_idx(const std::string& images_file, const std::string& labels_file) {
  return std::make_unique<Idx>(images_file, labels_file);
}
std::unique_ptr<Dataset> open_image_folder(const std::string& root) {
  return std::make_unique<ImageFolder>(root);
}

}  // namespace inferlab::data
