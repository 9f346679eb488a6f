// What differs between two parses of one log line, for the checks that hold the log parser's
// fast path to its full one: the differential unit test (tests/unit/diag/log_fast_test.cpp)
// and the parser's fuzz target (tests/fuzz/fuzz_log_parse.cpp). No test framework here.
#pragma once

#include <emqx/diag/log_record.hpp>

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace log_view_diff {

using emqx::diag::known_field;
using emqx::diag::known_fields;
using emqx::diag::log_view;

inline constexpr std::array<std::pair<known_field, std::string_view>, known_fields> known_names{{
    {known_field::reason, "reason"},
    {known_field::cluster_id, "cluster_id"},
    {known_field::client_id, "client_id"},
    {known_field::username, "username"},
    {known_field::peer, "peer"},
    {known_field::node, "node"},
    {known_field::addr, "addr"},
    {known_field::address, "address"},
}};

// Equal text at the same place of the line (both parsers give views into it).
inline bool same_view(std::string_view a, std::string_view b) {
    return a == b && (a.empty() || a.data() == b.data());
}

// What differs between two parses of the same line; "" when nothing.
inline std::string differences(const log_view& a, const log_view& b) {
    std::string out;
    if (a.unix_ms != b.unix_ms) {
        out += "unix_ms; ";
    }
    if (a.level != b.level) {
        out += "level; ";
    }
    if (!same_view(a.component, b.component)) {
        out += "component; ";
    }
    if (!same_view(a.message, b.message)) {
        out += "message; ";
    }
    if (a.fields.size() != b.fields.size()) {
        out += "number of fields; ";
    } else {
        for (std::size_t i = 0; i < a.fields.size(); ++i) {
            if (!same_view(a.fields[i].key, b.fields[i].key) ||
                !same_view(a.fields[i].value, b.fields[i].value) ||
                a.fields[i].escaped != b.fields[i].escaped) {
                out += "field " + std::to_string(i) + "; ";
            }
        }
    }
    if (a.known != b.known) {
        out += "known; ";
    }
    if (a.node != b.node) {
        out += "node; ";
    }
    std::string s1;
    std::string s2;
    std::string s3;
    std::string s4;
    for (const auto& [field, name] : known_names) {
        const std::string_view by_slot = a.field(field, s1);
        const std::string_view by_name = a.field(name, s2);
        const std::string_view other_slot = b.field(field, s3);
        const std::string_view other_name = b.field(name, s4);
        if (by_slot != by_name || by_slot != other_slot || other_slot != other_name) {
            out += "field(" + std::string{name} + "); ";
        }
    }
    return out;
}

} // namespace log_view_diff
