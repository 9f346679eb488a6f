# Sanitizers as an INTERFACE target: EMQX_SANITIZE=address,undefined (asan preset) or thread
# (tsan preset). Linked by every project target, so libraries and tests agree.
add_library(emqx_sanitizers INTERFACE)
if(EMQX_SANITIZE)
    target_compile_options(emqx_sanitizers INTERFACE
        -fsanitize=${EMQX_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(emqx_sanitizers INTERFACE -fsanitize=${EMQX_SANITIZE})
endif()

# Every project target links this one: warnings, sanitizers, nothing else.
add_library(emqx_build_settings INTERFACE)
target_link_libraries(emqx_build_settings INTERFACE emqx_warnings emqx_sanitizers)

# The fuzz preset instruments every library for coverage and with address + undefined, so that
# libFuzzer is guided by the codec's branches and the sanitizers check the codec itself, not
# only the fuzz target's own file. The targets add -fsanitize=fuzzer to link the driver.
if(EMQX_FUZZ)
    target_compile_options(emqx_sanitizers INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=all)
    target_link_options(emqx_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
