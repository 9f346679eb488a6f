// Variable Byte Integer (1.5.5): the 1-4 byte length encoding of MQTT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::mqtt {

/// The largest value four bytes can hold.
inline constexpr std::uint32_t vbi_max = 268'435'455;

enum class vbi_status : std::uint8_t {
    ok,
    need_more, ///< the buffer ends inside the integer
    malformed, ///< a fifth byte, or a longer encoding than needed [MQTT-1.5.5-1]
};

struct vbi_result {
    vbi_status status = vbi_status::need_more;
    std::uint32_t value = 0;
    std::size_t length = 0; ///< bytes used, when ok

    bool operator==(const vbi_result&) const = default;
};

/// Reads a Variable Byte Integer from the start of `bytes`.
[[nodiscard]] vbi_result read_vbi(std::string_view bytes) noexcept;

/// How many bytes the minimal encoding of `value` takes (1-4). Precondition: value <= vbi_max.
[[nodiscard]] constexpr std::size_t vbi_size(std::uint32_t value) noexcept {
    return value < 128U ? 1 : value < 16'384U ? 2 : value < 2'097'152U ? 3 : 4;
}

/// Appends the minimal encoding of `value`. Precondition: value <= vbi_max.
void append_vbi(std::string& out, std::uint32_t value);

} // namespace emqx::mqtt
