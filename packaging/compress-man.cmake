# CPACK_PRE_BUILD_SCRIPTS hook: gzip -9n every uncompressed man page in the staging tree (lintian and
# rpmlint want them compressed; some are generated uncompressed, e.g. kipvsctl's from its command table).
if(NOT IS_DIRECTORY "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
  message(FATAL_ERROR "compress-man: no staging directory (CPACK_TEMPORARY_INSTALL_DIRECTORY)")
endif()
file(GLOB_RECURSE pages "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man[1-9]/*.[1-9]")
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "compress-man: gzip ${page} failed")
  endif()
endforeach()
