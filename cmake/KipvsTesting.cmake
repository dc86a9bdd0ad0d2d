# kipvs_add_test(NAME <name> LABEL <tier> SOURCES <files...> LIBS <targets...> [TIMEOUT <s>])
# One GoogleTest executable, discovered test by test, carrying its tier's CTest label.
find_package(GTest REQUIRED)
include(GoogleTest)

function(kipvs_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock kipvs_warnings)
  gtest_discover_tests(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
                       DISCOVERY_TIMEOUT 60 WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
endfunction()
