# Project-wide compile flags and the helpers that turn one source file into
# one test or benchmark executable (LevelDB's leveldb_test()).

add_library(lockstress_flags INTERFACE)
target_compile_options(lockstress_flags INTERFACE -Wall -Wextra -Wpedantic
  -Wshadow -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(LOCKSTRESS_WERROR)
  target_compile_options(lockstress_flags INTERFACE -Werror)
endif()
target_include_directories(lockstress_flags INTERFACE ${PROJECT_SOURCE_DIR})

if(LOCKSTRESS_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(LOCKSTRESS_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT LOCKSTRESS_SANITIZE STREQUAL "")
  message(FATAL_ERROR "LOCKSTRESS_SANITIZE must be address, thread or empty, "
                      "not '${LOCKSTRESS_SANITIZE}'")
endif()

# LOCKSTRESS_PLAIN: true in the plain flavour. Integration tests that start
# real outside programs (Chromium, network-filesystem test beds) and gain
# nothing from a sanitizer in our own code are registered only there.
if(LOCKSTRESS_SANITIZE STREQUAL "")
  set(LOCKSTRESS_PLAIN TRUE)
else()
  set(LOCKSTRESS_PLAIN FALSE)
endif()

# lockstress_test(path/to/foo_test.cc LIBS a b): builds foo_test from that one
# file plus the shared test main, and registers it with CTest.
function(lockstress_test src)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} lockstress_test_main
                        lockstress_flags)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endfunction()

# Every *_test.cc in the calling directory (and below), each its own binary.
function(lockstress_tests_in_directory)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  foreach(t ${tests})
    lockstress_test(${t} LIBS ${ARG_LIBS})
  endforeach()
endfunction()
