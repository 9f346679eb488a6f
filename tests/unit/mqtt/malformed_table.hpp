// The table runner every malformed-input test file uses: one row per rule, each naming itself
// when it fails and checking its own Remaining Length first.
#pragma once

#include "codec_test_support.hpp"

#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>
#include <emqx/mqtt/vbi.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace emqx::mqtt::test {

/// One input decode() must refuse: a name, the wire bytes, the connection's version, and the
/// reason it must give.
struct row {
    const char* name;
    std::string bytes;
    protocol_version version;
    reason_code expected;
};

inline std::string name_of(reason_code code) {
    return std::string(reason_code_name(code));
}

/// The row's own Remaining Length is checked first, so that a miscounted row fails as such
/// rather than passing as the rule it means to test.
inline void check_row(const row& r) {
    INFO("row: ", std::string(r.name));
    CAPTURE(static_cast<int>(r.version));
    INFO("bytes: ", test::hex(r.bytes));
    const auto length = read_vbi(std::string_view(r.bytes).substr(1));
    CHECK_MESSAGE(
        (length.status == vbi_status::ok && 1 + length.length + length.value == r.bytes.size()),
        "the row's Remaining Length does not match its bytes");
    CHECK(name_of(test::decode_error(r.bytes, r.version)) == name_of(r.expected));
}

inline void check_rows(const row* first, const row* last) {
    for (; first != last; ++first) {
        check_row(*first);
    }
}

inline void check_decodes(std::string_view bytes, protocol_version version) {
    INFO("bytes: ", test::hex(bytes));
    CHECK(name_of(test::decode_error(bytes, version)) == name_of(reason_code::success));
}

} // namespace emqx::mqtt::test
