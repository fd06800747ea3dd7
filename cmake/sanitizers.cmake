# Sanitizer and fuzzing builds (docs/reliability.md). Included from the top-level CMakeLists.
#   INFERLAB_SANITIZE  AddressSanitizer + UndefinedBehaviorSanitizer (gcc or clang)
#   INFERLAB_FUZZ      clang only: builds the fuzz targets in fuzz/, which instruments the libraries
#                      they reach for libFuzzer (-fsanitize=fuzzer-no-link; fuzz/CMakeLists.txt)
#   INFERLAB_TSAN      clang only: ThreadSanitizer; run with OMP_TOOL_LIBRARIES=libarcher.so so
#                      libomp's own synchronisation is visible to it (scripts/test.sh tsan stage)
option(INFERLAB_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(INFERLAB_FUZZ "Build the libFuzzer targets in fuzz/ (clang)" OFF)
option(INFERLAB_TSAN "Build with ThreadSanitizer (clang)" OFF)

if((INFERLAB_FUZZ OR INFERLAB_TSAN) AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "INFERLAB_FUZZ and INFERLAB_TSAN need clang (CC=clang-14 CXX=clang++-14)")
endif()
if(INFERLAB_TSAN AND (INFERLAB_SANITIZE OR INFERLAB_FUZZ))
  message(FATAL_ERROR "INFERLAB_TSAN cannot be combined with INFERLAB_SANITIZE or INFERLAB_FUZZ")
endif()

if(INFERLAB_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow analysis reports false maybe-uninitialized warnings inside libstdc++
    # (std::regex, std::function) under the sanitizers' instrumentation.
    add_compile_options(-Wno-maybe-uninitialized)
  else()
    # protobuf and the other system libraries are not built with RTTI checks in mind: their
    # objects' dynamic types are not visible to UBSan's vptr check.
    add_compile_options(-fno-sanitize=vptr)
    add_link_options(-fno-sanitize=vptr)
  endif()
endif()
if(INFERLAB_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
