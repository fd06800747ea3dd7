// Dataset readers and layout recognition on synthetic data written here.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/dataset.h"
#include "synthetic.h"
#include "test_util.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

std::string reason_of(const Dataset& ds, std::size_t i) {
  try {
    ds.load(i);
  } catch (const DataError& e) {
    return e.reason();
  }
  return "";
}

TEST(DataDatasets, LabelListWithBadEntries) {
  test::TempDir dir("labels");
  fs::create_directories(dir.path() / "images");
  write_file(dir / "images/a.jpg", encode_jpeg(test::solid(8, 8, 1, 2, 3)));
  write_file(dir / "images/b c.png", encode_png(test::solid(4, 4, 9, 9, 9)));
  auto broken = encode_jpeg(test::noise(32, 32, 3, 1));
  broken.resize(broken.size() / 3);
  write_file(dir / "images/broken.jpg", broken);
  test::write_text(dir / "labels.txt",
                   "a.jpg 3\n\nb c.png 7\r\nmissing.jpg 1\nbroken.jpg 2\nnolabel.jpg x\n");
  auto ds = open_dataset(dir.path().string());
  ASSERT_EQ(ds->kind(), DatasetKind::label_list);
  ASSERT_EQ(ds->size(), 5u);
  Sample s = ds->load(0);
  EXPECT_EQ(s.label, 3);
  EXPECT_EQ(s.image.width, 8);
  s = ds->load(1);
  EXPECT_EQ(s.name, "b c.png");
  EXPECT_EQ(s.label, 7);
  EXPECT_EQ(reason_of(*ds, 2), "missing image");
  EXPECT_EQ(reason_of(*ds, 3), "corrupt image");
  EXPECT_EQ(reason_of(*ds, 4), "bad label");
  // --labels overrides the layout; paths relative to the dataset folder.
  test::write_text(dir / "other.txt", "images/a.jpg 5\n");
  DatasetOptions o;
  o.labels_file = dir / "other.txt";
  auto ds2 = open_dataset(dir.path().string(), o);
  ASSERT_EQ(ds2->size(), 1u);
  EXPECT_EQ(ds2->load(0).label, 5);
}

TEST(DataDatasets, ClassFoldersWithClassOrder) {
  test::TempDir dir("folders");
  for (const char* c : {"cat", "airplane", "dog"}) fs::create_directories(dir.path() / c);
  write_file(dir / "cat/0001.jpg", encode_jpeg(test::solid(4, 4, 0, 0, 0)));
  write_file(dir / "cat/0000.png", encode_png(test::solid(4, 4, 0, 0, 0)));
  write_file(dir / "airplane/x.JPG", encode_jpeg(test::solid(4, 4, 0, 0, 0)));
  test::write_text(dir / "cat/notes.txt", "not an image");
  auto ds = open_dataset(dir.path().string());
  ASSERT_EQ(ds->kind(), DatasetKind::class_folders);
  EXPECT_EQ(ds->class_names(), (std::vector<std::string>{"airplane", "cat", "dog"}));
  ASSERT_EQ(ds->size(), 3u);
  EXPECT_EQ(ds->name(0), "airplane/x.JPG");
  EXPECT_EQ(ds->load(0).label, 0);
  EXPECT_EQ(ds->name(1), "cat/0000.png");
  EXPECT_EQ(ds->load(2).label, 1);
  test::write_text(dir / "order.txt", "dog\ncat\nairplane\n");
  DatasetOptions o;
  o.classes_file = dir / "order.txt";
  auto ordered = open_dataset(dir.path().string(), o);
  ASSERT_EQ(ordered->size(), 3u);  // listed in class order: cat (1) first, dog has no images
  EXPECT_EQ(ordered->name(0), "cat/0000.png");
  EXPECT_EQ(ordered->load(0).label, 1);
  EXPECT_EQ(ordered->name(2), "airplane/x.JPG");
  EXPECT_EQ(ordered->load(2).label, 2);
  test::write_text(dir / "short.txt", "dog\ncat\n");
  o.classes_file = dir / "short.txt";
  EXPECT_THROW(open_dataset(dir.path().string(), o), Error);
}

TEST(DataDatasets, IdxGzipAndPlain) {
  for (bool gz : {true, false}) {
    test::TempDir dir(gz ? "idxgz" : "idx");
    std::vector<std::uint8_t> pixels(3 * 2 * 2);
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 10);
    const std::string ext = gz ? ".gz" : "";
    test::write_idx(dir / ("t10k-images-idx3-ubyte" + ext), {3, 2, 2}, pixels, gz);
    test::write_idx(dir / ("t10k-labels-idx1-ubyte" + ext), {3}, {7, 0, 9}, gz);
    auto ds = open_dataset(dir.path().string());
    ASSERT_EQ(ds->kind(), DatasetKind::idx);
    ASSERT_EQ(ds->size(), 3u);
    const Sample s = ds->load(2);
    EXPECT_EQ(s.label, 9);
    EXPECT_EQ(s.image.channels, 1);
    EXPECT_EQ(s.image.pixels, (std::vector<std::uint8_t>{80, 90, 100, 110}));
    // A label file that disagrees with the image count is rejected.
    test::write_idx(dir / ("t10k-labels-idx1-ubyte" + ext), {2}, {7, 0}, gz);
    EXPECT_THROW(open_dataset(dir.path().string()), Error);
  }
  test::TempDir dir("idxbad");
  write_file(dir / "bad-idx3", {1, 2, 3});
  EXPECT_THROW(read_idx(dir / "bad-idx3"), Error);
}

TEST(DataDatasets, VocLayoutDifficultAndMalformed) {
  test::TempDir dir("voc");
  const std::string root = dir / "VOCdevkit/VOC2007";
  const auto a = test::voc_image(
      "000001", {test::box("dog", 5, 6, 20, 30), test::box("person", 30, 10, 60, 40, true)});
  const auto bad = test::voc_image("000002", {test::box("cat", 20, 5, 10, 30)});  // xmax < xmin
  auto nan = test::voc_image("000003", {});
  nan.raw_annotation =
      "<annotation><object><name>cat</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>3</xmax>"
      "<ymax>4</ymax></bndbox></object></annotation>";
  const auto unknown = test::voc_image("000004", {test::box("unicorn", 1, 1, 5, 5)});
  auto noimage = test::voc_image("000005", {test::box("cat", 1, 1, 5, 5)});
  noimage.write_image = false;
  const auto outside = test::voc_image("000006", {test::box("cat", 1, 1, 65, 5)});
  test::write_voc(root, {a, bad, nan, unknown, noimage, outside});
  auto ds = open_dataset(dir.path().string());  // finds VOCdevkit/VOC2007
  ASSERT_EQ(ds->kind(), DatasetKind::voc);
  ASSERT_EQ(ds->size(), 6u);
  EXPECT_EQ(ds->class_names().size(), 20u);
  const Sample s = ds->load(0);
  ASSERT_EQ(s.objects.size(), 2u);
  EXPECT_EQ(s.objects[0].label, 11);    // dog
  EXPECT_FLOAT_EQ(s.objects[0].x1, 4);  // 1-based -> 0-based
  EXPECT_FLOAT_EQ(s.objects[0].y2, 29);
  EXPECT_FALSE(s.objects[0].difficult);
  EXPECT_TRUE(s.objects[1].difficult);
  EXPECT_EQ(s.image.width, 64);
  EXPECT_EQ(reason_of(*ds, 1), "bad annotation");
  EXPECT_EQ(reason_of(*ds, 2), "bad annotation");
  EXPECT_EQ(reason_of(*ds, 3), "bad annotation");
  EXPECT_EQ(reason_of(*ds, 4), "missing image");
  EXPECT_EQ(reason_of(*ds, 5), "bad annotation");
  // Without test.txt the val split is used.
  test::TempDir d2("vocval");
  test::write_voc(d2.path().string(), {a}, "val");
  EXPECT_EQ(open_dataset(d2.path().string())->size(), 1u);
  EXPECT_THROW(open_voc(d2.path().string(), "train"), Error);
}

TEST(DataDatasets, PlainImageFolderAndUnknownLayouts) {
  test::TempDir dir("plain");
  write_file(dir / "b.jpg", encode_jpeg(test::solid(4, 4, 0, 0, 0)));
  write_file(dir / "a.png", encode_png(test::solid(4, 4, 0, 0, 0)));
  auto ds = open_dataset(dir.path().string());
  EXPECT_EQ(ds->kind(), DatasetKind::image_folder);
  EXPECT_FALSE(ds->has_labels());
  EXPECT_EQ(ds->name(0), "a.png");
  test::TempDir empty("empty");
  EXPECT_THROW(open_dataset(empty.path().string()), Error);
  EXPECT_THROW(open_dataset(empty / "nope"), Error);
}

}  // namespace
}  // namespace inferlab::data
