# The installable package: the engine library as the imported target inferlab::inferlab
# (find_package(inferlab)), the public headers, a pkg-config file, and a test that builds an
# external project against an install (tests/consumer). The CLI and the peer workers are
# installed by apps/ and tools/.
include(CMakePackageConfigHelpers)

install(TARGETS inferlab_engine EXPORT inferlab-targets
  LIBRARY DESTINATION lib
  INCLUDES DESTINATION include)
set_target_properties(inferlab_engine PROPERTIES EXPORT_NAME inferlab)
# include/inferlab/lab/ is the lab libraries' API (bench, data, zoo, fleet); those libraries are
# not installed, so neither are their headers.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/inferlab DESTINATION include PATTERN lab EXCLUDE)
install(EXPORT inferlab-targets NAMESPACE inferlab:: DESTINATION lib/cmake/inferlab)

configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/inferlab-config.cmake.in
  ${CMAKE_BINARY_DIR}/inferlab-config.cmake INSTALL_DESTINATION lib/cmake/inferlab)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/inferlab-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/inferlab-config.cmake
  ${CMAKE_BINARY_DIR}/inferlab-config-version.cmake DESTINATION lib/cmake/inferlab)
configure_file(${CMAKE_SOURCE_DIR}/cmake/inferlab.pc.in ${CMAKE_BINARY_DIR}/inferlab.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/inferlab.pc DESTINATION lib/pkgconfig)

find_file(INFERLAB_ONNX_PROTO onnx/onnx.proto PATHS /usr/include /usr/local/include)
# Not in sanitizer builds: an instrumented library needs the sanitizer runtime in the consumer
# too, which a user's plain project (the point of the test) does not link.
if(INFERLAB_ONNX_PROTO AND Protobuf_PROTOC_EXECUTABLE AND NOT INFERLAB_SANITIZE
   AND NOT INFERLAB_TSAN)
  add_test(NAME Package.ExternalProjectBuildsAndRuns
    COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${CMAKE_BINARY_DIR} -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
      -DWORK_DIR=${CMAKE_BINARY_DIR}/package-test -DPROTOC=${Protobuf_PROTOC_EXECUTABLE}
      -DONNX_PROTO=${INFERLAB_ONNX_PROTO} -P ${CMAKE_SOURCE_DIR}/tests/consumer/package_test.cmake)
  set_tests_properties(Package.ExternalProjectBuildsAndRuns PROPERTIES LABELS package TIMEOUT 600)
endif()
