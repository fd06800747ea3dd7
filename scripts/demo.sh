#!/usr/bin/env bash
# The main job on embedded defaults: build ResNet-50 v1.5 with the zoo (deterministic weights),
# run it on a synthetic input, print the top-5 and the time, then the whole study (every
# installed backend swept and compared, precisions, core scaling, roofline) within 5 minutes,
# written to results.db and study.html. Needs nothing but this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
scripts/build.sh build
mkdir -p build/models
[ -f build/models/resnet50.onnx ] || build/inferlab zoo resnet50 -o build/models/resnet50.onnx
build/inferlab zoo resnet50 --info
build/inferlab run build/models/resnet50.onnx --seed 1
build/inferlab study --workdir build/study --db build/study/results.db -o build/study/study.html
