// Fuzzes split_packet, decode and encode together: every packet decode accepts must encode,
// and decode -> encode -> decode -> encode must give back the same packet and the same bytes.
#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/split.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using namespace emqx::mqtt;

namespace {

// Indexed by the high nibble of the first byte (mod 4); small limits reach packet_too_large.
constexpr std::array<std::uint32_t, 4> max_packet_sizes{max_packet_size_limit, 16, 128, 4096};

// Each packet gets a heap block of exactly its size, so that AddressSanitizer catches a read
// past its end instead of letting it run into the next packet of the stream.
std::vector<char> exact_copy(std::string_view bytes) {
    return {bytes.begin(), bytes.end()};
}

// A CONNECT names its own version (decode ignores the connection's); encode it in that one.
protocol_version version_for(const packet& p, protocol_version connection) {
    const auto* c = std::get_if<connect>(&p);
    return c != nullptr ? c->version : connection;
}

void check_round_trip(std::string_view bytes, protocol_version version) {
    const auto first = decode(bytes, version);
    if (!first) {
        return;
    }
    const auto wire_version = version_for(*first, version);
    std::string wire;
    if (encode(*first, wire_version, wire) != reason_code::success) {
        __builtin_trap();
    }
    const auto wire_copy = exact_copy(wire);
    const auto second = decode({wire_copy.data(), wire_copy.size()}, version);
    if (!second || *second != *first) {
        __builtin_trap();
    }
    std::string rewire;
    if (encode(*second, wire_version, rewire) != reason_code::success || rewire != wire) {
        __builtin_trap();
    }
}

} // namespace

// The first byte picks the connection: low nibble mod 3 the version (so 0x03, 0x04 and 0x05
// mean 3.1, 3.1.1 and 5.0), high nibble the maximum packet size; the rest is a byte stream.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto version = static_cast<protocol_version>(3 + (data[0] & 0x0F) % 3);
    const auto max_size = max_packet_sizes[(data[0] >> 4) % max_packet_sizes.size()];
    std::string_view stream{reinterpret_cast<const char*>(data + 1), size - 1};
    while (!stream.empty()) {
        const auto split = split_packet(stream, max_size);
        if (split.status != split_status::complete) {
            break;
        }
        // A packet is at least two bytes, lies within the buffer and keeps to the limit.
        if (split.packet_size < 2 || split.packet_size > stream.size() ||
            split.packet_size > max_size) {
            __builtin_trap();
        }
        const auto packet_bytes = exact_copy(stream.substr(0, split.packet_size));
        check_round_trip({packet_bytes.data(), packet_bytes.size()}, version);
        stream.remove_prefix(split.packet_size);
    }
    return 0;
}
