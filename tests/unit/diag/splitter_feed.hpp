// Feeding a line_splitter as a reader does, for the tests of the splitter and of the parser.
#pragma once

#include <emqx/diag/log_lines.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string_view>

/// Feeds `input` in pieces of `piece` bytes into `splitter` (made with blocks of `block`
/// bytes), calling `take(line)` for each line it gives, the last ones after finish().
template <typename Take>
void feed_splitter(emqx::diag::line_splitter& splitter,
                   std::string_view input,
                   std::size_t piece,
                   std::size_t block,
                   Take take) {
    std::string_view line;
    std::size_t pos = 0;
    for (int guard = 0; guard < 1'000'000; ++guard) {
        while (splitter.next(line)) {
            take(line);
        }
        if (pos >= input.size()) {
            break;
        }
        const auto room = splitter.space();
        REQUIRE(room.size() >= block);
        const std::size_t n = std::min({piece, room.size(), input.size() - pos});
        std::memcpy(room.data(), input.data() + pos, n);
        splitter.commit(n);
        pos += n;
    }
    splitter.finish();
    while (splitter.next(line)) {
        take(line);
    }
}
