# CONVENE_SANITIZE: empty, "address,undefined" or "thread".
set(CONVENE_SANITIZE "" CACHE STRING "Sanitizers to build with (address,undefined | thread)")

function(convene_enable_sanitizers target)
  if(CONVENE_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${CONVENE_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=${CONVENE_SANITIZE})
  endif()
endfunction()
