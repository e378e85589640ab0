# convene_embed(<out-var> NAMESPACE ns BASE_DIR dir GLOB pattern [NO_RECURSE])
# Generates a .cpp that holds every matching file of BASE_DIR (recursively unless NO_RECURSE)
# as bytes, exposing
#   std::span<const convene::util::EmbeddedFile> Files();   in namespace `ns`.
# The list is regenerated when files are added (CONFIGURE_DEPENDS) or edited (DEPENDS).
function(convene_embed out_var)
  cmake_parse_arguments(E "NO_RECURSE" "NAMESPACE;BASE_DIR;GLOB" "" ${ARGN})
  if(E_NO_RECURSE)
    file(GLOB files CONFIGURE_DEPENDS RELATIVE ${E_BASE_DIR} ${E_BASE_DIR}/${E_GLOB})
  else()
    file(GLOB_RECURSE files CONFIGURE_DEPENDS RELATIVE ${E_BASE_DIR} ${E_BASE_DIR}/${E_GLOB})
  endif()
  list(SORT files)
  string(MAKE_C_IDENTIFIER "${E_NAMESPACE}" id)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded/${id}.cpp)
  set(deps "")
  foreach(f IN LISTS files)
    list(APPEND deps ${E_BASE_DIR}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${E_NAMESPACE} -DBASE_DIR=${E_BASE_DIR}
            "-DFILES=${files}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${deps} ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding ${E_BASE_DIR}"
    VERBATIM)
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
