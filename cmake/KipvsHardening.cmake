# The distribution's hardening flags for what the packages ship (kipvsd, kipvsctl and every library
# linked into them), so lintian finds no hardening-* tag (no fortified functions, no RELRO, no BIND_NOW)
# and rpmlint none either. kipvs_harden() applies them to the calling directory (daemon/, client/);
# the tests' own code does not need them.
#
# On Debian the flags come from dpkg-buildflags with DEB_BUILD_MAINT_OPTIONS=hardening=+all, as
# debhelper passes them; only the hardening part is taken (-O and -g stay the build type's). Without
# dpkg-buildflags (rpm-based distributions) the same set is spelled out, as in their default
# %{build_cxxflags}/%{build_ldflags}. _FORTIFY_SOURCE needs optimisation: it is left out of Debug
# builds (the sanitizer and fuzz presets), where glibc would only warn.
option(KIPVS_HARDENING "Build the shipped binaries with the distribution's hardening flags" ON)

set(KIPVS_HARDENING_CPPFLAGS -D_FORTIFY_SOURCE=2)
set(KIPVS_HARDENING_CXXFLAGS -fstack-protector-strong -Wformat -Werror=format-security)
set(KIPVS_HARDENING_LDFLAGS -Wl,-z,relro -Wl,-z,now)
find_program(KIPVS_DPKG_BUILDFLAGS dpkg-buildflags)
if(KIPVS_HARDENING AND KIPVS_DPKG_BUILDFLAGS)
  foreach(kind CPPFLAGS CXXFLAGS LDFLAGS)
    execute_process(COMMAND ${CMAKE_COMMAND} -E env DEB_BUILD_MAINT_OPTIONS=hardening=+all
                            ${KIPVS_DPKG_BUILDFLAGS} --get ${kind}
                    OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE failed)
    if(NOT failed)
      separate_arguments(flags UNIX_COMMAND "${flags}")
      list(FILTER flags EXCLUDE REGEX "^-(O.*|g.*|ffile-prefix-map=.*|fdebug-prefix-map=.*|Wdate-time)$")
      set(KIPVS_HARDENING_${kind} ${flags})
    endif()
  endforeach()
endif()
if(KIPVS_HARDENING)
  list(JOIN KIPVS_HARDENING_CPPFLAGS " " cppflags)
  list(JOIN KIPVS_HARDENING_CXXFLAGS " " cxxflags)
  list(JOIN KIPVS_HARDENING_LDFLAGS " " ldflags)
  message(STATUS "kipvs hardening: ${cppflags} ${cxxflags}; link: ${ldflags}")
endif()

macro(kipvs_harden)
  if(KIPVS_HARDENING)
    add_compile_options(${KIPVS_HARDENING_CXXFLAGS} "$<$<NOT:$<CONFIG:Debug>>:${KIPVS_HARDENING_CPPFLAGS}>")
    add_link_options(${KIPVS_HARDENING_LDFLAGS})
  endif()
endmacro()
