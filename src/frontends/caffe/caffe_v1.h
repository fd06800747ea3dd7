#pragma once
// Internal to the Caffe frontend: a net's layers in the current format, whichever format the
// file uses (V1 `layers` are upgraded: enum type -> type string, parameters copied).
#include <string>
#include <vector>

#include "frontends/caffe/caffe.pb.h"

namespace inferlab::caffe_import {

// The layers of `net` that run in the TEST phase, V1 layers upgraded. Error if the net mixes
// both formats.
std::vector<caffe::LayerParameter> net_layers(const caffe::NetParameter& net,
                                              const std::string& file);
// True when some layer has trained parameters but carries no blobs itself.
bool needs_weights(const std::vector<caffe::LayerParameter>& layers);

}  // namespace inferlab::caffe_import
