# Warnings as an INTERFACE target that every project target links (STYLE.md "Build habits").
add_library(emqx_warnings INTERFACE)
target_compile_options(emqx_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough)
if(EMQX_WERROR)
    target_compile_options(emqx_warnings INTERFACE -Werror)
endif()
