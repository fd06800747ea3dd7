# The package test (cmake -P): installs the build into a fresh prefix, builds the external
# project in tests/consumer against it with find_package(inferlab), runs it on a tiny model,
# and checks pkg-config's view of the same install.
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, PROTOC, ONNX_PROTO.
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR PROTOC ONNX_PROTO)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "package_test.cmake needs -D${v}=...")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

get_filename_component(ONNX_PROTO_DIR ${ONNX_PROTO} DIRECTORY)
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/inferlab/inferlab.h include/inferlab/lab/compare.h
          lib/cmake/inferlab/inferlab-config.cmake lib/cmake/inferlab/inferlab-lab-targets.cmake
          lib/pkgconfig/inferlab.pc lib/pkgconfig/inferlab-lab.pc bin/inferlab)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "the install lacks ${f}")
  endif()
endforeach()
# The public headers must not reach into the source tree.
file(GLOB headers ${prefix}/include/inferlab/*.h ${prefix}/include/inferlab/lab/*.h)
foreach(h ${headers})
  file(STRINGS ${h} bad
    REGEX "#include \"(ir|runtime|frontends|passes|ops|kernels|bench|backends|data|zoo|analysis|fleet)/")
  if(bad)
    message(FATAL_ERROR "${h} includes an internal header: ${bad}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/build -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)

run(${PROTOC} --encode=onnx.ModelProto -I${ONNX_PROTO_DIR} ${ONNX_PROTO}
    INPUT_FILE ${SOURCE_DIR}/tests/consumer/add.textproto OUTPUT_FILE ${WORK_DIR}/add.onnx)
run(${WORK_DIR}/build/consumer ${WORK_DIR}/add.onnx)
if(NOT out MATCHES "y 2x5: 3 3 3 3 3")
  message(FATAL_ERROR "unexpected output of the consumer:\n${out}")
endif()
message(STATUS "consumer output: ${out}")
run(${WORK_DIR}/build/consumer_lab ${WORK_DIR}/add.onnx)
if(NOT out MATCHES "native: ok, 40 queries, throughput measured")
  message(FATAL_ERROR "unexpected output of the lab consumer:\n${out}")
endif()
message(STATUS "lab consumer output: ${out}")

# The same programs built by hand with pkg-config's flags: PC is the package, SRC the program,
# EXPECTED a regular expression its output on the tiny model must match.
find_program(PKG_CONFIG pkg-config REQUIRED)
find_program(CXX NAMES c++ g++ REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
function(pkg_config_build pc src expected)
  run(${PKG_CONFIG} --cflags --libs ${pc})
  string(STRIP "${out}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} -std=c++17 ${SOURCE_DIR}/tests/consumer/src/${src}.cpp ${flags}
      -Wl,-rpath,${prefix}/lib -o ${WORK_DIR}/${src}_pc)
  run(${WORK_DIR}/${src}_pc ${WORK_DIR}/add.onnx)
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "unexpected output of the ${pc} pkg-config build:\n${out}")
  endif()
  message(STATUS "${pc} pkg-config build: ok")
endfunction()
pkg_config_build(inferlab main "y 2x5: 3 3 3 3 3")
pkg_config_build(inferlab-lab lab_main "native: ok, 40 queries, throughput measured")
