// Fuzzes topic validation and matching (4.7, 4.8.2) against obviously-correct reference code.
// Input: filter, a 0x00 byte, topic. Any disagreement with the reference traps.
#include <emqx/mqtt/topic.hpp>
#include <emqx/mqtt/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace {

std::vector<std::string_view> split_levels(std::string_view text) {
    std::vector<std::string_view> levels;
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = text.find('/', start);
        if (slash == std::string_view::npos) {
            levels.push_back(text.substr(start));
            return levels;
        }
        levels.push_back(text.substr(start, slash - start));
        start = slash + 1;
    }
}

// Section 4.7, level by level, written for clarity rather than speed.
bool reference_matches(std::string_view filter, std::string_view topic) {
    const auto f = split_levels(filter);
    const auto t = split_levels(topic);
    if (topic.starts_with('$') && (f[0] == "+" || f[0] == "#")) {
        return false; // [MQTT-4.7.2-1]
    }
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "#") {
            return true; // this level (possibly the parent's absent child) and all below
        }
        if (i >= t.size() || (f[i] != "+" && f[i] != t[i])) {
            return false;
        }
    }
    return f.size() == t.size();
}

// RFC 3629 by decoding each code point and checking its value, a different method from the
// byte-range table the codec uses.
bool reference_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<std::uint8_t>(text[i]);
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (lead < 0x80) {
            length = 1;
            cp = lead;
        } else if ((lead & 0xE0U) == 0xC0U) {
            length = 2;
            cp = lead & 0x1FU;
        } else if ((lead & 0xF0U) == 0xE0U) {
            length = 3;
            cp = lead & 0x0FU;
        } else if ((lead & 0xF8U) == 0xF0U) {
            length = 4;
            cp = lead & 0x07U;
        } else {
            return false;
        }
        if (text.size() - i < length) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto byte = static_cast<std::uint8_t>(text[i + k]);
            if ((byte & 0xC0U) != 0x80U) {
                return false;
            }
            cp = (cp << 6U) | (byte & 0x3FU);
        }
        const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp == 0 || cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

bool reference_plain_filter(std::string_view filter) {
    if (filter.empty() || !reference_utf8(filter)) {
        return false;
    }
    const auto levels = split_levels(filter);
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const auto level = levels[i];
        const bool has_wildcard = level.find_first_of("+#") != std::string_view::npos;
        if (has_wildcard && level != "+" && !(level == "#" && i + 1 == levels.size())) {
            return false;
        }
    }
    return true;
}

bool is_inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_shared(std::string_view filter) {
    const auto parsed = emqx::mqtt::parse_shared_filter(filter);
    if (parsed.has_value() != emqx::mqtt::is_valid_topic_filter(filter)) {
        __builtin_trap();
    }
    if (!parsed.has_value()) {
        return;
    }
    const auto& [group, inner] = parsed.value();
    // `$share/` + group + `/` + inner is the whole input, in place
    if (!is_inside(group, filter) || !is_inside(inner, filter) ||
        group.data() != filter.data() + 7 || inner.data() != group.data() + group.size() + 1 ||
        inner.data() + inner.size() != filter.data() + filter.size()) {
        __builtin_trap();
    }
    if (group.empty() || group.find_first_of("/+#") != std::string_view::npos ||
        !reference_plain_filter(inner)) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    const std::size_t zero = input.find('\0');
    const std::string_view filter = input.substr(0, zero);
    const std::string_view topic =
        zero == std::string_view::npos ? std::string_view{} : input.substr(zero + 1);

    if (emqx::mqtt::is_valid_mqtt_utf8(input) != reference_utf8(input) ||
        emqx::mqtt::is_valid_mqtt_utf8(topic) != reference_utf8(topic)) {
        __builtin_trap();
    }
    const bool shared = emqx::mqtt::is_shared_filter(filter);
    if (shared) {
        check_shared(filter);
    } else if (emqx::mqtt::is_valid_topic_filter(filter) != reference_plain_filter(filter)) {
        __builtin_trap();
    }
    const bool topic_ok = emqx::mqtt::is_valid_topic_name(topic);
    if (topic_ok != (!topic.empty() && topic.find_first_of("+#") == std::string_view::npos &&
                     reference_utf8(topic))) {
        __builtin_trap();
    }
    if (emqx::mqtt::topic_level_count(topic) != split_levels(topic).size()) {
        __builtin_trap();
    }
    if (!shared && topic_ok && emqx::mqtt::is_valid_topic_filter(filter)) {
        if (emqx::mqtt::topic_matches(filter, topic) != reference_matches(filter, topic)) {
            __builtin_trap();
        }
    }
    // A topic name is also a literal filter, which matches itself.
    if (topic_ok && !emqx::mqtt::is_shared_filter(topic) &&
        !emqx::mqtt::topic_matches(topic, topic)) {
        __builtin_trap();
    }
    return 0;
}
