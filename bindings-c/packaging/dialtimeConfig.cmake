# CMake package of libdialtime, relocatable: find_package(dialtime CONFIG REQUIRED), then
#   target_link_libraries(app PRIVATE dialtime::dialtime)         # shared
#   target_link_libraries(app PRIVATE dialtime::dialtime_static)  # static
# Both carry include/ (dialtime.h and the C++17 wrapper dialtime.hpp).
include(CMakeFindDependencyMacro)
find_dependency(Threads)

get_filename_component(_dialtime_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT TARGET dialtime::dialtime)
  add_library(dialtime::dialtime SHARED IMPORTED)
  set_target_properties(dialtime::dialtime PROPERTIES
    IMPORTED_LOCATION "${_dialtime_prefix}/lib/libdialtime.so"
    IMPORTED_SONAME "libdialtime.so"
    INTERFACE_INCLUDE_DIRECTORIES "${_dialtime_prefix}/include")
endif()

if(NOT TARGET dialtime::dialtime_static)
  add_library(dialtime::dialtime_static STATIC IMPORTED)
  set_target_properties(dialtime::dialtime_static PROPERTIES
    IMPORTED_LOCATION "${_dialtime_prefix}/lib/libdialtime.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_dialtime_prefix}/include"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
endif()

unset(_dialtime_prefix)
