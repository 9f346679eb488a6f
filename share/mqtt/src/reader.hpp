// A bounds-checked reader over one packet's bytes. A read past the end, a bad length or
// ill-formed UTF-8 makes the reader fail and stay failed (reads then return zero values), so
// that decoders read a whole structure and check ok() once: the malformed-packet case.
#pragma once

#include <emqx/mqtt/utf8.hpp>
#include <emqx/mqtt/vbi.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace emqx::mqtt::detail {

class reader {
public:
    explicit reader(std::string_view bytes) noexcept : data_(bytes) {}

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    [[nodiscard]] bool at_end() const noexcept { return pos_ == data_.size(); }
    [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
    void fail() noexcept {
        ok_ = false;
        pos_ = data_.size();
    }

    std::uint8_t u8() noexcept {
        if (remaining() < 1) {
            fail();
            return 0;
        }
        return static_cast<std::uint8_t>(data_[pos_++]);
    }

    std::uint16_t u16() noexcept {
        if (remaining() < 2) {
            fail();
            return 0;
        }
        const auto hi = static_cast<std::uint8_t>(data_[pos_]);
        const auto lo = static_cast<std::uint8_t>(data_[pos_ + 1]);
        pos_ += 2;
        return static_cast<std::uint16_t>((hi << 8U) | lo);
    }

    std::uint32_t u32() noexcept {
        const std::uint32_t hi = u16();
        const std::uint32_t lo = u16();
        return (hi << 16U) | lo;
    }

    std::uint32_t vbi() noexcept {
        const auto result = read_vbi(data_.substr(pos_));
        if (result.status != vbi_status::ok) {
            fail();
            return 0;
        }
        pos_ += result.length;
        return result.value;
    }

    /// The next `n` bytes, or a failure when fewer are left.
    std::string_view take(std::size_t n) noexcept {
        if (remaining() < n) {
            fail();
            return {};
        }
        const auto view = data_.substr(pos_, n);
        pos_ += n;
        return view;
    }

    /// Everything not yet read.
    std::string_view rest() noexcept { return take(remaining()); }

    /// Binary Data (1.5.6): a two-byte length, then that many bytes.
    std::string_view binary() noexcept { return take(u16()); }

    /// UTF-8 Encoded String (1.5.4): Binary Data that must be valid MQTT UTF-8
    /// [MQTT-1.5.4-1], [MQTT-1.5.4-2].
    std::string_view utf8() noexcept {
        const auto text = binary();
        if (!is_valid_mqtt_utf8(text)) {
            fail();
            return {};
        }
        return text;
    }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

} // namespace emqx::mqtt::detail
