# The installable package: the engine library as the imported target inferlab::inferlab
# (find_package(inferlab)), the lab libraries as the `lab` component, the public headers,
# pkg-config files, and a test that builds an external project against an install
# (tests/consumer). The CLI and the peer workers are
# installed by apps/ and tools/.
include(CMakePackageConfigHelpers)

install(TARGETS inferlab_engine EXPORT inferlab-targets
  LIBRARY DESTINATION lib
  INCLUDES DESTINATION include)
set_target_properties(inferlab_engine PROPERTIES EXPORT_NAME inferlab)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/inferlab DESTINATION include)
install(EXPORT inferlab-targets NAMESPACE inferlab:: DESTINATION lib/cmake/inferlab)

# The lab component (find_package(inferlab COMPONENTS lab)): the harness, data, zoo and fleet
# libraries behind include/inferlab/lab/, as inferlab::zoo, ::data, ::bench, ::fleet and
# inferlab::lab (all four). A separate export set, so that the engine alone does not need
# nlohmann_json (the lab headers' one third-party dependency) on the user's machine.
set(lab_libs inferlab_zoo inferlab_data inferlab_bench inferlab_fleet)
foreach(lib ${lab_libs})
  string(REPLACE "inferlab_" "" short ${lib})
  set_target_properties(${lib} PROPERTIES EXPORT_NAME ${short} INSTALL_RPATH "$ORIGIN")
endforeach()
add_library(inferlab_lab INTERFACE)
target_link_libraries(inferlab_lab INTERFACE ${lab_libs})
set_target_properties(inferlab_lab PROPERTIES EXPORT_NAME lab)
install(TARGETS ${lab_libs} inferlab_lab EXPORT inferlab-lab-targets LIBRARY DESTINATION lib)
install(EXPORT inferlab-lab-targets NAMESPACE inferlab:: DESTINATION lib/cmake/inferlab)

configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/inferlab-config.cmake.in
  ${CMAKE_BINARY_DIR}/inferlab-config.cmake INSTALL_DESTINATION lib/cmake/inferlab)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/inferlab-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/inferlab-config.cmake
  ${CMAKE_BINARY_DIR}/inferlab-config-version.cmake DESTINATION lib/cmake/inferlab)
configure_file(${CMAKE_SOURCE_DIR}/cmake/inferlab.pc.in ${CMAKE_BINARY_DIR}/inferlab.pc @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/cmake/inferlab-lab.pc.in ${CMAKE_BINARY_DIR}/inferlab-lab.pc
  @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/inferlab.pc ${CMAKE_BINARY_DIR}/inferlab-lab.pc
  DESTINATION lib/pkgconfig)

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
