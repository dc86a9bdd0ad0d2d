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
