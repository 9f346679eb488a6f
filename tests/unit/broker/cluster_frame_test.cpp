// The cluster link's frames: each kind round-trips, a frame is recognised only once complete,
// and malformed or hostile frames are rejected rather than trusted.
#include "cluster/frame.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::cluster;
using namespace std::string_literals;

namespace {

const time_point t0{};

frame round_trip(const std::string& bytes) {
    const auto size = frame_size(bytes);
    REQUIRE(size);
    REQUIRE(*size == bytes.size());
    auto f = decode(bytes, t0);
    REQUIRE(f);
    return *f;
}

message_ptr sample_message() {
    auto m = std::make_shared<message>();
    m->topic = "a/b";
    m->payload = "payload\0with nul"s;
    m->qos = emqx::mqtt::qos::exactly_once;
    m->retain = true;
    m->payload_format_indicator = 1;
    m->message_expiry_interval = 60;
    m->received_at = t0;
    m->content_type = "text/plain";
    m->response_topic = "reply/to";
    m->correlation_data = "\x01\x02"s;
    m->user_properties = {{"k", "v"}, {"k", "w"}};
    return m;
}

} // namespace

TEST_SUITE("cluster::frame") {
    TEST_CASE("HELLO round-trips every field") {
        std::string out;
        encode_hello({.version = link_version, .node_id = "n1", .cluster_id = "c", .nonce = "0123456789abcdef",
                      .cluster = "127.0.0.1:8081", .mqtt = "127.0.0.1:1883", .http = "127.0.0.1:8082"},
                     out);
        const frame f = round_trip(out);
        CHECK(f.type == frame_type::hello);
        CHECK(f.hello.version == link_version);
        CHECK(f.hello.node_id == "n1");
        CHECK(f.hello.cluster_id == "c");
        CHECK(f.hello.nonce == "0123456789abcdef");
        CHECK(f.hello.cluster == "127.0.0.1:8081");
        CHECK(f.hello.mqtt == "127.0.0.1:1883");
        CHECK(f.hello.http == "127.0.0.1:8082");
    }

    TEST_CASE("text and list frames round-trip, empty lists included") {
        std::string out;
        encode_text(frame_type::refuse, "bad cookie", out);
        CHECK(round_trip(out).text == "bad cookie");
        out.clear();
        encode_claim("client-7", 1'795'000'000'123ULL, out);
        const frame claim = round_trip(out);
        CHECK(claim.type == frame_type::claim);
        CHECK(claim.text == "client-7");
        CHECK(claim.claimed_at_us == 1'795'000'000'123ULL);
        out.clear();
        encode_list(frame_type::routes_add, {"a/#", "$share/g/b/+"}, out);
        const frame f = round_trip(out);
        CHECK(f.type == frame_type::routes_add);
        CHECK(f.items == std::vector<std::string>{"a/#", "$share/g/b/+"});
        out.clear();
        encode_list(frame_type::routes_full, {}, out);
        CHECK(round_trip(out).items.empty());
        out.clear();
        encode_heartbeat(out);
        CHECK(out == "\x00\x00\x00\x01\x04"s);
        CHECK(round_trip(out).type == frame_type::heartbeat);
    }

    TEST_CASE("a forwarded PUBLISH keeps QoS, retain, properties and the delivery scope") {
        std::string out;
        encode_publish({.msg = sample_message(), .normal = true,
                        .store_retained = true, .groups = {"$share/g/a/+"}},
                       t0 + std::chrono::seconds{20}, out);
        const frame f = round_trip(out);
        REQUIRE(f.type == frame_type::publish);
        const message& m = *f.fwd.msg;
        CHECK(m.topic == "a/b");
        CHECK(m.payload == "payload\0with nul"s);
        CHECK(m.qos == emqx::mqtt::qos::exactly_once);
        CHECK(m.retain);
        CHECK(m.payload_format_indicator == 1);
        CHECK(m.message_expiry_interval == 40); // what was left when it was sent
        CHECK(m.content_type == "text/plain");
        CHECK(m.response_topic == "reply/to");
        CHECK(m.correlation_data == "\x01\x02"s);
        CHECK(m.user_properties.size() == 2);
        CHECK(f.fwd.normal);
        CHECK(f.fwd.store_retained);
        CHECK(f.fwd.groups == std::vector<std::string>{"$share/g/a/+"});
    }

    TEST_CASE("a frame is recognised only once every byte of it has arrived") {
        std::string out;
        encode_list(frame_type::peers, {"127.0.0.1:8083"}, out);
        for (std::size_t n = 0; n < out.size(); ++n) {
            const auto size = frame_size(std::string_view{out}.substr(0, n));
            REQUIRE(size);
            CHECK(*size == 0);
        }
        out += "\x00\x00\x00\x01\x04"s; // a heartbeat behind it
        CHECK(frame_size(out) == out.size() - 5);
    }

    TEST_CASE("a zero or oversized length breaks the link") {
        CHECK_FALSE(frame_size("\x00\x00\x00\x00"s));
        CHECK_FALSE(frame_size("\xff\xff\xff\xff"s));
    }

    TEST_CASE("malformed frames are rejected") {
        CHECK_FALSE(decode("\x00\x00\x00\x01\x63"s, t0));                 // unknown type
        CHECK_FALSE(decode("\x00\x00\x00\x02\x04\x00"s, t0));             // trailing byte
        CHECK_FALSE(decode("\x00\x00\x00\x05\x09\x00\x00\x00\x09"s, t0)); // string past the end
        // a count of items far beyond what the frame could hold
        CHECK_FALSE(decode("\x00\x00\x00\x05\x05\x7f\xff\xff\xff"s, t0));
        std::string out;
        encode_publish({.msg = sample_message(), .normal = false,
                        .store_retained = false, .groups = {}},
                       t0, out);
        std::string bad_qos = out;
        bad_qos[5] = static_cast<char>(bad_qos[5] | 0x03); // QoS 3
        CHECK_FALSE(decode(bad_qos, t0));
        CHECK_FALSE(decode(out.substr(0, out.size() - 1), t0));
    }
}
