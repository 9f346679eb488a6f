// Fuzzes the log parser (issue 8): each line of the input is parsed by the fast path, with and
// without remembered line shapes, and by the full parser. Whatever the fast path accepts must be
// exactly what the full parser gives (log_view_diff::differences); any disagreement traps. The
// buffer has only the 64 readable bytes past the data that line_splitter guarantees, so
// AddressSanitizer catches a read beyond what parse_text_fast may read.
#include "log_view_diff.hpp"

#include <emqx/diag/byte_classes.hpp>
#include <emqx/diag/log_record.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace emqx::diag;
    if (size > (std::size_t{1} << 16)) {
        return 0;
    }
    // The data, then 64 bytes repeating its start: what lies past a line is arbitrary too.
    std::vector<char> buffer(size + 64, '\n');
    if (size > 0) {
        std::memcpy(buffer.data(), data, size);
        for (std::size_t i = 0; i < 64; ++i) {
            buffer[size + i] = static_cast<char>(data[i % size]);
        }
    }
    byte_classes classes;
    classes.classify(buffer.data(), 0, size);
    log_view plain;
    log_view shaped;
    log_view full;
    shaped.shapes = make_line_shapes();
    const std::string_view text{buffer.data(), size};
    std::size_t at = 0;
    for (std::size_t end = text.find('\n'); end != std::string_view::npos;
         at = end + 1, end = text.find('\n', at)) {
        const std::string_view line = text.substr(at, end - at);
        const auto failure = parse_line_view(line, full);
        for (log_view* fast : {&plain, &shaped}) {
            if (parse_text_fast(line, classes, at, *fast) &&
                (failure || !log_view_diff::differences(*fast, full).empty())) {
                __builtin_trap();
            }
        }
    }
    // The last line has no '\n': only the full parser reads such a line.
    (void)parse_line_view(text.substr(at), full);
    return 0;
}
