#pragma once
// Labelled image collections. A Dataset lists its samples up front (cheap) and loads each one on
// demand (decode + annotation parsing), so bad files surface per sample as DataError, which the
// evaluation counts as skipped with its reason and file, then carries on.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/image.h"
#include "ir/error.h"

namespace inferlab::data {

// A problem with one sample. `reason` is a short category used to group skips in summaries
// ("missing image", "corrupt image", "bad annotation", "bad label", "label out of range").
class DataError : public Error {
 public:
  DataError(std::string reason, const std::string& message)
      : Error(message), reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// A ground-truth object, box in 0-based pixel coordinates of the source image (VOC's 1-based
// inclusive coordinates minus one, as in the py-faster-rcnn / SSD evaluation code).
struct Object {
  int label = 0;  // index into Dataset::class_names()
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  bool difficult = false;
};

struct Sample {
  std::string name;  // file name relative to the dataset root, or "images[i]" for IDX
  Image image;
  int label = -1;               // classification; -1 when the dataset has no labels
  std::vector<Object> objects;  // detection
};

enum class DatasetKind { label_list, class_folders, idx, voc, image_folder };

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual DatasetKind kind() const = 0;
  virtual std::string describe() const = 0;  // layout and location, for reports
  virtual std::size_t size() const = 0;
  virtual std::string name(std::size_t i) const = 0;
  // Loads sample i; throws DataError naming the file when it cannot be used. Thread-safe.
  virtual Sample load(std::size_t i) const = 0;
  // Class names in label order where the layout defines them (class folders, VOC), else empty.
  virtual const std::vector<std::string>& class_names() const { return no_names_; }
  bool has_labels() const { return kind() != DatasetKind::image_folder; }
  bool is_detection() const { return kind() == DatasetKind::voc; }

 private:
  std::vector<std::string> no_names_;
};

struct DatasetOptions {
  std::string labels_file;   // "file label" list overriding the folder's layout
  std::string classes_file;  // class order for a class-folder tree (one name per line)
  std::string split;         // VOC image set ("test", "val", ...); default: test, else val
};

// Recognises the layout of `path`: a labels list (labels.txt / val.txt / val_labels.txt next to
// the images or an images/ folder), a class-folder tree, MNIST IDX files (.gz or plain), a PASCAL
// VOC tree (possibly under VOCdevkit/VOC20xx), or a plain folder of images (no labels).
std::unique_ptr<Dataset> open_dataset(const std::string& path, const DatasetOptions& options = {});

std::unique_ptr<Dataset> open_label_list(const std::string& root, const std::string& labels_file);
std::unique_ptr<Dataset> open_class_folders(const std::string& root,
                                            const std::string& classes_file = "");
std::unique_ptr<Dataset> open_idx(const std::string& images_file, const std::string& labels_file);
std::unique_ptr<Dataset> open_voc(const std::string& root, const std::string& split = "");
std::unique_ptr<Dataset> open_image_folder(const std::string& root);

// The 20 PASCAL VOC classes in the devkit's order.
const std::vector<std::string>& voc_class_names();

// Helpers shared by the readers.
bool is_image_file(const std::string& path);  // .jpg .jpeg .png, any case
Image load_image_or_throw(const std::string& path, const std::string& name);  // DataError

// IDX (MNIST) files, gzip or plain.
struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> data;
};
IdxArray read_idx(const std::string& path);  // u8 arrays only; throws Error naming the file

}  // namespace inferlab::data
