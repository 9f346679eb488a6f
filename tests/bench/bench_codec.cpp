// Codec throughput: split, decode and encode of the packets a broker handles most (a 64-byte
// PUBLISH at QoS 0 and 1, in 3.1.1 and 5.0) and of a v5 CONNECT with properties.
#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/split.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

// Topic "devices/0042/telemetry" (22 bytes) and a 64-byte payload. Remaining Length:
// 2 + 22 + 64 = 88 (0x58), plus 2 for the packet id at QoS 1, plus 1 for the empty property
// length in v5.
const std::string topic_field = "\x00\x16" "devices/0042/telemetry"s;
const std::string payload(64, 'p');

const std::string publish_qos0_v311 = "\x30\x58"s + topic_field + payload;
const std::string publish_qos1_v311 = "\x32\x5A"s + topic_field + "\x00\x01"s + payload;
const std::string publish_qos0_v5 = "\x30\x59"s + topic_field + "\x00"s + payload;
const std::string publish_qos1_v5 = "\x32\x5B"s + topic_field + "\x00\x01\x00"s + payload;

// v5 CONNECT: user name, password, Will QoS 1, Clean Start; Session Expiry 3600, Receive
// Maximum 20, two user properties; Will Properties: Payload Format 1, Message Expiry 60,
// Content Type, Will Delay 30, one user property. Remaining Length 120.
const std::string connect_v5 =
    "\x10\x78\x00\x04MQTT\x05\xCE\x00\x3C"
    "\x1C\x11\x00\x00\x0E\x10\x21\x00\x14\x26\x00\x03reg\x00\x02"
    "eu\x26\x00\x04zone\x00\x01"
    "a"
    "\x00\x0A"
    "client-001"
    "\x20\x01\x01\x02\x00\x00\x00\x3C\x03\x00\x0Atext/plain\x18\x00\x00\x00\x1E"
    "\x26\x00\x01k\x00\x01v"
    "\x00\x0Bstatus/c001\x00\x07offline\x00\x04user\x00\x06secret"s;

void count(benchmark::State& state, std::size_t bytes_per_item) {
    const auto items = static_cast<std::int64_t>(state.iterations());
    state.SetItemsProcessed(items);
    state.SetBytesProcessed(items * static_cast<std::int64_t>(bytes_per_item));
}

// Checks once, outside the timed loop, that the wire bytes decode and encode back unchanged:
// a benchmark of the error path would measure nothing useful.
bool round_trips(benchmark::State& state, std::string_view wire, protocol_version version) {
    const auto decoded = decode(wire, version);
    std::string out;
    if (!decoded || encode(*decoded, version, out) != reason_code::success || out != wire) {
        state.SkipWithError("the benchmark's packet does not round-trip");
        return false;
    }
    return true;
}

void bm_decode_encode(benchmark::State& state, const std::string& wire, protocol_version version) {
    if (!round_trips(state, wire, version)) {
        return;
    }
    std::string out;
    for (auto _ : state) {
        const auto decoded = decode(wire, version);
        out.clear();
        auto rc = encode(*decoded, version, out);
        benchmark::DoNotOptimize(rc);
        benchmark::DoNotOptimize(out.data());
    }
    count(state, wire.size());
}

void bm_decode(benchmark::State& state, const std::string& wire, protocol_version version) {
    if (!round_trips(state, wire, version)) {
        return;
    }
    for (auto _ : state) {
        auto decoded = decode(wire, version);
        benchmark::DoNotOptimize(decoded);
    }
    count(state, wire.size());
}

// Encodes the typed publish (the broker's fan-out path) into a buffer whose capacity is kept.
void bm_encode(benchmark::State& state, const std::string& wire, protocol_version version) {
    if (!round_trips(state, wire, version)) {
        return;
    }
    const auto decoded = decode(wire, version);
    const auto& packet = std::get<publish>(*decoded);
    std::string out;
    for (auto _ : state) {
        out.clear();
        auto rc = encode(packet, version, out);
        benchmark::DoNotOptimize(rc);
        benchmark::DoNotOptimize(out.data());
    }
    count(state, wire.size());
}

void bm_split(benchmark::State& state, const std::string& wire) {
    for (auto _ : state) {
        auto split = split_packet(wire);
        benchmark::DoNotOptimize(split);
    }
    count(state, wire.size());
}

} // namespace

BENCHMARK_CAPTURE(bm_decode_encode, publish_qos0_v311, publish_qos0_v311, protocol_version::v3_1_1);
BENCHMARK_CAPTURE(bm_decode_encode, publish_qos1_v311, publish_qos1_v311, protocol_version::v3_1_1);
BENCHMARK_CAPTURE(bm_decode_encode, publish_qos0_v5, publish_qos0_v5, protocol_version::v5);
BENCHMARK_CAPTURE(bm_decode_encode, publish_qos1_v5, publish_qos1_v5, protocol_version::v5);
BENCHMARK_CAPTURE(bm_decode, publish_qos0_v311, publish_qos0_v311, protocol_version::v3_1_1);
BENCHMARK_CAPTURE(bm_decode, publish_qos1_v5, publish_qos1_v5, protocol_version::v5);
BENCHMARK_CAPTURE(bm_encode, publish_qos0_v311, publish_qos0_v311, protocol_version::v3_1_1);
BENCHMARK_CAPTURE(bm_encode, publish_qos1_v5, publish_qos1_v5, protocol_version::v5);
BENCHMARK_CAPTURE(bm_split, publish_qos0_v311, publish_qos0_v311);
BENCHMARK_CAPTURE(bm_decode_encode, connect_v5_properties, connect_v5, protocol_version::v5);

BENCHMARK_MAIN();
