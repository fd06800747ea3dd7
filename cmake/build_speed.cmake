# Compile-time levers for CI's cold builds (docs/bench.md "How long CI takes"). Included from the
# top-level CMakeLists after every target exists.
#   INFERLAB_UNITY  unity builds of the CLI, the harness/data/zoo/fleet libraries and the test
#                   executables: their translation units each instantiate the same CLI11,
#                   nlohmann::json, fmt and GoogleTest code, which a batch compiles once. The engine
#                   library stays one object per file (self-registering operators, and the file
#                   developers touch most).
#   A name defined file-locally in two files of one target clashes only when both land in the same
#   batch, which depends on the file list: -DINFERLAB_UNITY_BATCH=0 (one batch per target) finds
#   every clash at once; run it after adding files.
option(INFERLAB_UNITY "Unity builds (batches of files) for the CLI, libraries and tests" ON)
set(INFERLAB_UNITY_BATCH 8 CACHE STRING "Files per unity batch (INFERLAB_UNITY)")

function(inferlab_unity)
  foreach(t ${ARGN})
    if(TARGET ${t})
      get_target_property(type ${t} TYPE)
      if(NOT type STREQUAL "INTERFACE_LIBRARY")
        set_target_properties(${t} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE
          ${INFERLAB_UNITY_BATCH})
        # In a batch every .cpp but the generated one counts as a header for GCC, which then
        # warns about test fixtures in anonymous namespaces: fine in a .cpp, and so here.
        target_compile_options(${t} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-subobject-linkage>)
      endif()
    endif()
  endforeach()
endfunction()

if(INFERLAB_UNITY)
  get_property(test_targets DIRECTORY ${CMAKE_SOURCE_DIR}/tests PROPERTY BUILDSYSTEM_TARGETS)
  inferlab_unity(inferlab inferlab_zoo inferlab_data inferlab_bench inferlab_fleet ${test_targets})
endif()
