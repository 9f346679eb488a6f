// Variable Byte Integer reading and writing (1.5.5).
#include <emqx/mqtt/vbi.hpp>

namespace emqx::mqtt {

vbi_result read_vbi(std::string_view bytes) noexcept {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i == bytes.size()) {
            return {vbi_status::need_more, 0, 0};
        }
        const auto byte = static_cast<std::uint8_t>(bytes[i]);
        value |= static_cast<std::uint32_t>(byte & 0x7FU) << (7U * i);
        if ((byte & 0x80U) == 0) {
            // [MQTT-1.5.5-1] the minimum number of bytes: a last byte of 0 after others
            // means a shorter encoding existed.
            if (i > 0 && byte == 0) {
                return {vbi_status::malformed, 0, 0};
            }
            return {vbi_status::ok, value, i + 1};
        }
    }
    return {vbi_status::malformed, 0, 0}; // a fifth byte would be needed
}

void append_vbi(std::string& out, std::uint32_t value) {
    do {
        auto byte = static_cast<char>(value & 0x7FU);
        value >>= 7U;
        if (value != 0) {
            byte = static_cast<char>(static_cast<std::uint8_t>(byte) | 0x80U);
        }
        out.push_back(byte);
    } while (value != 0);
}

} // namespace emqx::mqtt
