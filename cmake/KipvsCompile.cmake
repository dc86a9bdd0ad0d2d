# Warning and sanitizer flags shared by every kipvs target (applied through kipvs_warnings()).
add_library(kipvs_warnings INTERFACE)
target_compile_options(kipvs_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
                                                -Wnull-dereference -Wimplicit-fallthrough)
if(KIPVS_WERROR)
  target_compile_options(kipvs_warnings INTERFACE -Werror)
endif()
if(KIPVS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(KIPVS_FUZZ)
  # Everything the fuzzers link is instrumented for coverage and checked by ASan + UBSan; the fuzz
  # executables themselves add -fsanitize=fuzzer (libFuzzer's main) in tests/fuzz.
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KIPVS_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  add_compile_options(-O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
