#!/usr/bin/env bash
# Runs the libFuzzer targets of a clang build configured with -DINFERLAB_FUZZ=ON.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET [PARALLEL] [TARGET...]
#   scripts/fuzz.sh build-clang-asan 20 2            # the test command's smoke (~20 s each)
#   nice scripts/fuzz.sh build-clang-asan 3600 1     # the one-hour run per target (one core)
#   FUZZ_BUDGET=cpu nice scripts/fuzz.sh build-clang-asan 3600 2   # one CPU-hour each, however
#     busy the machine is: SECONDS counts the fuzzer's CPU seconds, run in chunks of at most
#     10 minutes' wall time (a stopped run loses at most its last chunk's CPU from cpu.txt)
# Seed corpora are generated here from ../shared/data, the ONNX conformance cases
# (/usr/share/libonnx-testdata) and fuzz/seeds/; nothing generated is committed. Per target:
# BUILD_DIR/fuzz/work/TARGET/{corpus,artifacts,log.txt}. Exit status 1 on any crash or sanitizer
# report (its input is in artifacts/); out-of-memory and time-outs are counted, not fatal (a
# large but valid model can be slow): fuzzing resumes after them.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR SECONDS [PARALLEL] [TARGET...]}
seconds=${2:?seconds per target}
parallel=${3:-1}
shift 3 2>/dev/null || shift $#
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_onnx_reference fuzz_onnx_optimized fuzz_image fuzz_tensor fuzz_voc fuzz_caffe
  fuzz_openvino)
root=$(pwd)
shared=$root/../shared/data
conformance=/usr/share/libonnx-testdata/data/node

# Copies files found by `find TOP \( TESTS \)` (at most MAX, each under SIZE) into DIR.
seed() {
  local dir=$1 max=$2 size=$3
  shift 3
  local top=$1
  shift
  [ -d "$top" ] || return 0
  find "$top" \( "$@" \) -type f -size "-${size}" 2>/dev/null | sort | head -n "$max" |
    while read -r f; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-16)-$(basename "$f")"; done
}

make_seeds() {
  local t=$1 dir=$2
  mkdir -p "$dir"
  case $t in
    fuzz_onnx_*)
      seed "$dir" 2000 64k "$conformance" -name model.onnx
      seed "$dir" 20 2M "$shared" -name '*.onnx' ;;
    fuzz_image)
      seed "$dir" 150 64k "$shared/cifar10" -name '*.png' -o -name '*.jpg'
      seed "$dir" 20 300k "$shared/imagenet" -iname '*.jp*g'
      seed "$dir" 10 300k "$shared/ultraface" -iname '*.jp*g'
      seed "$dir" 40 64k /usr/share/icons -name '*.png' ;;
    fuzz_tensor)
      seed "$dir" 3000 64k "$conformance" -name '*.pb'
      cp fuzz/seeds/tensor/* "$dir/" ;;
    fuzz_voc)
      cp fuzz/seeds/voc/* "$dir/" ;;
    # Model text, then optionally the weights marker of fuzz/fuzz_util.h and binary weights.
    fuzz_caffe)
      seed "$dir" 10 64k "$shared" -name '*.prototxt'  # net descriptions without weights
      for n in fuzz/seeds/caffe/*.prototxt; do  # hand-made nets, weights encoded from text
        { cat "$n"; printf '\n--inferlab-fuzz-weights--\n'
          protoc --encode=inferlab.caffe.NetParameter --proto_path=src/frontends/caffe \
            src/frontends/caffe/caffe.proto <"${n%.prototxt}.weights.txt"; } >"$dir/$(basename "$n")"
      done ;;
    fuzz_openvino)
      for x in fuzz/seeds/openvino/*.xml; do
        cp "$x" "$dir/"
        { cat "$x"; printf '\n--inferlab-fuzz-weights--\n'; cat "${x%.xml}.bin"; } \
          >"$dir/$(basename "$x" .xml).xml+bin"
      done ;;
  esac
}

dict_for() {
  case $1 in
    fuzz_voc) echo fuzz/voc.dict ;;
    fuzz_tensor) echo fuzz/npy.dict ;;
    *) echo "" ;;
  esac
}

# Seconds still to run: wall seconds since START, or with FUZZ_BUDGET=cpu the CPU seconds summed
# in CPU_FILE so far, capped at a 600-s chunk so a loaded machine still reaches the budget.
budget_left() {
  if [ "${FUZZ_BUDGET:-wall}" = cpu ]; then
    local used
    used=$(awk -F+ '{ s += $1 + $2 } END { printf "%.0f", s }' "$1")
    local left=$((seconds - used))
    echo $((left < 600 ? left : 600))
  else
    echo $((seconds - (SECONDS - $2)))
  fi
}

run_one() {
  local t=$1 bin=$build/fuzz/$1 work=$build/fuzz/work/$1
  [ -x "$bin" ] || { echo "$t: $bin not built (configure with -DINFERLAB_FUZZ=ON)"; return 1; }
  mkdir -p "$work/corpus" "$work/artifacts"
  rm -rf "$work/seeds"
  make_seeds "$t" "$work/seeds"
  local dict opts=()
  dict=$(dict_for "$t")
  [ -n "$dict" ] && opts+=("-dict=$root/$dict")
  local rc=0 start=$SECONDS left restarts=0 chunk TIMEFORMAT='%U+%S'
  : >"$work/log.txt"
  : >"$work/cpu.txt"
  # One process (so `time` counts its CPU seconds, the figure docs/reliability.md reports). A crash
  # or leak ends the run; after a time-out or out-of-memory input (saved as an artifact too)
  # fuzzing resumes on the grown corpus for the time left.
  while left=$(budget_left "$work/cpu.txt" "$start") && [ "$left" -gt 0 ]; do
    rc=0 chunk=$SECONDS
    { time "$bin" -timeout=20 -rss_limit_mb=3072 -max_len=262144 -max_total_time="$left" \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${opts[@]}" "$work/corpus" \
      "$work/seeds" >>"$work/log.txt" 2>&1 || rc=$?; } 2>>"$work/cpu.txt"
    [ "$rc" -ne 0 ] || [ "${FUZZ_BUDGET:-wall}" = cpu ] || break
    [ -z "$(find "$work/artifacts" -name 'crash-*' -o -name 'leak-*')" ] || break
    [ $((SECONDS - chunk)) -ge 5 ] || break  # a fuzzer that cannot start would loop forever
    restarts=$((restarts + 1))
  done
  local crashes cpu execs slow
  crashes=$(find "$work/artifacts" -name 'crash-*' -o -name 'leak-*' | wc -l)
  slow=$(find "$work/artifacts" -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' | wc -l)
  cpu=$(awk -F+ '{ s += $1 + $2 } END { printf "%.0f", s }' "$work/cpu.txt")
  execs=$(awk -F': ' '/stat::number_of_executed_units/ { s += $2 } END { print s + 0 }' \
    "$work/log.txt")
  [ "$crashes" -eq 0 ] && rc=0
  echo "$t: $((SECONDS - start)) s wall, $cpu CPU s, $execs executions," \
    "$(grep -E '^#[0-9]+' "$work/log.txt" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+')," \
    "crashes/leaks $crashes, time-outs/OOMs $slow (restarts $restarts), exit $rc"
  [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]
}

export -f run_one make_seeds seed dict_for budget_left
export build seconds root shared conformance
printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'run_one {}'
