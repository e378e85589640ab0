# convene_set_warnings(target): the house warning set; errors when CONVENE_WERROR is on.
function(convene_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wold-style-cast
    # Designated initialisers that leave defaulted members out are the intended style.
    -Wno-missing-field-initializers)
  if(CONVENE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
