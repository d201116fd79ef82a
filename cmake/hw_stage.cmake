# hw_stage(NAME DEPS dep...) builds src/engine/<NAME>/*.cc into the static
# library hw_<NAME>. Sources are globbed so that adding a file to a stage never
# needs an edit outside that stage's folder.
function(hw_stage name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  if(NOT srcs)
    # A stage not written yet still gives its dependants a target to link.
    add_library(hw_${name} INTERFACE)
    target_include_directories(hw_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(hw_${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(hw_${name} STATIC ${srcs})
  target_include_directories(hw_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(hw_${name} PUBLIC ${ARG_DEPS})
endfunction()

# hw_unit_tests(NAME DEPS dep...) builds tests/unit/<NAME>/*.cc into one
# GoogleTest binary registered with CTest.
function(hw_unit_tests name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/${name}/*.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(test_${name} ${srcs})
  target_link_libraries(test_${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(test_${name} PRIVATE
    HW_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    HW_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  gtest_discover_tests(test_${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()

# hw_embed_text(TARGET FILE NAMESPACE VAR) compiles the text of FILE (relative
# to the project root) into TARGET as `const char* const NAMESPACE::VAR`, and
# re-runs CMake when FILE changes. The built-in specs (policy, rules,
# enforcement) are embedded this way.
function(hw_embed_text target file ns var)
  string(MAKE_C_IDENTIFIER ${file} id)
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/embed_${id}.cc)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${file})
  file(READ ${PROJECT_SOURCE_DIR}/${file} text)
  file(WRITE ${gen}.tmp "// Generated from ${file}.\nnamespace ${ns} {\nextern const char* const ${var};\nconst char* const ${var} = R\"HWYAML(${text})HWYAML\";\n}  // namespace ${ns}\n")
  configure_file(${gen}.tmp ${gen} COPYONLY)
  target_sources(${target} PRIVATE ${gen})
  set(HW_EMBEDDED ${gen} PARENT_SCOPE)
endfunction()
