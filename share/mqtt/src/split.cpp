// Finding the end of the first packet in a byte stream (2.1.1, 2.1.4).
#include <emqx/mqtt/split.hpp>
#include <emqx/mqtt/vbi.hpp>

namespace emqx::mqtt {

split_result split_packet(std::string_view buffer, std::uint32_t max_packet_size) noexcept {
    if (buffer.empty()) {
        return {split_status::need_more, 0, reason_code::success};
    }
    const vbi_result length = read_vbi(buffer.substr(1));
    if (length.status == vbi_status::need_more) {
        return {split_status::need_more, 0, reason_code::success};
    }
    if (length.status == vbi_status::malformed) {
        return {split_status::invalid, 0, reason_code::malformed_packet};
    }
    const std::size_t packet_size = 1 + length.length + length.value;
    // Checked as soon as the header is known, so that a reader never waits for (or buffers)
    // the body of a packet it will refuse.
    if (packet_size > max_packet_size) {
        return {split_status::invalid, 0, reason_code::packet_too_large};
    }
    if (buffer.size() < packet_size) {
        return {split_status::need_more, packet_size, reason_code::success};
    }
    return {split_status::complete, packet_size, reason_code::success};
}

} // namespace emqx::mqtt
