// Resource abuse against the real emqxd: a subscriber that stops reading during a QoS 0 flood
// (memory must stay bounded, others still served) and a thousand sockets that never CONNECT.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

// The broker's memory must stay bounded under abuse. ThreadSanitizer's shadow memory
// multiplies a process's resident size several times over, so the bound is scaled there (the
// tsan preset runs these tests for races, not for memory).
#if defined(__SANITIZE_THREAD__)
constexpr long rss_limit_kib = 8 * 100 * 1024;
#else
constexpr long rss_limit_kib = 100 * 1024;
#endif

// Reads QoS 0 "flood/data" messages until the QoS 1 "flood/end" marker arrives (acknowledging
// it) or `stop` is set; counts the data messages.
void drain_until_marker(raw_client& c, std::atomic<bool>& stop, std::atomic<long>& received,
                        std::atomic<bool>& marker) {
    while (!stop.load() && !marker.load()) {
        const auto p = c.receive_packet(std::chrono::milliseconds{100});
        if (!p) {
            continue;
        }
        if ((static_cast<unsigned char>((*p)[0]) >> 4U) != 3U) {
            continue;
        }
        if ((static_cast<unsigned char>((*p)[0]) & 0x06U) != 0) {
            // The QoS 1 marker: 0x32, length, "\x00\x09flood/end" (bytes 2-12), packet id.
            if (p->size() > 14 && p->compare(4, 9, "flood/end") == 0) {
                c.send(wire::ack(0x40, static_cast<std::uint16_t>(
                                           (static_cast<unsigned char>((*p)[13]) << 8U) |
                                           static_cast<unsigned char>((*p)[14]))));
                marker.store(true);
            }
            continue;
        }
        received.fetch_add(1);
    }
}

} // namespace

TEST_SUITE("integration::resource_abuse") {
    TEST_CASE("a subscriber that stops reading during a QoS 0 flood does not make the broker "
              "grow without bound, and others are still served") {
        emqxd_process broker;
        raw_client stalled{broker.port()};
        stalled.set_receive_buffer(4'096);
        stalled.send(wire::connect_v311("stalled"));
        REQUIRE(hex(stalled.receive_packet()) == hex("\x20\x02\x00\x00"s));
        stalled.send(wire::subscribe(1, "flood/#", 0x00, false));
        REQUIRE(hex(stalled.receive_packet()) == hex("\x90\x03\x00\x01\x00"s));
        // From here on `stalled` never reads again.

        raw_client reader = open_session(broker.port(), wire::connect_v311("reader"));
        reader.send(wire::subscribe(1, "flood/#", 0x01, false));
        REQUIRE(hex(reader.receive_packet()) == hex("\x90\x03\x00\x01\x01"s));
        std::atomic<bool> stop{false};
        std::atomic<bool> marker{false};
        std::atomic<long> received{0};
        std::thread drainer{[&] { drain_until_marker(reader, stop, received, marker); }};

        raw_client pub = open_session(broker.port(), wire::connect_v311("flooder"));
        const std::string one = wire::publish("flood/data", std::string(1'024, 'f'), 0x00, 0, false);
        std::string batch;
        for (int i = 0; i < 64; ++i) {
            batch += one;
        }
        long max_rss = 0;
        long batches = 0;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{3};
        while (std::chrono::steady_clock::now() < until) {
            if (!pub.send(batch, std::chrono::milliseconds{2'000})) {
                break;
            }
            ++batches;
            if (batches % 16 == 0) {
                max_rss = std::max(max_rss, broker.rss_kib());
            }
        }
        max_rss = std::max(max_rss, broker.rss_kib());
        pub.send(wire::publish("flood/end", "end", 0x02, 1, false));
        CHECK(hex(pub.receive_packet(std::chrono::milliseconds{10'000})) == hex("\x40\x02\x00\x01"s));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
        while (!marker.load() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        stop.store(true);
        drainer.join();
        max_rss = std::max(max_rss, broker.rss_kib());
        MESSAGE("published ", batches * 64, " messages of 1 KiB; the reader got ", received.load(),
                "; broker peak RSS ", max_rss, " KiB");
        CHECK(batches > 0);
        CHECK(max_rss > 0);
        CHECK(max_rss < rss_limit_kib);
        CHECK(received.load() > 0);
        CHECK(marker.load());
        CHECK(round_trip_error(broker.port()) == "");
    }

    // Regression: the connection once reserved the declared size of a packet only announced
    // (ten bytes declaring 1 MB reserved 1 MB each). Only what arrives is buffered.
    TEST_CASE("a declared length is not reserved before its bytes arrive") {
        emqxd_process broker;
        const long before = broker.status_kib("VmSize:");
        std::vector<raw_client> liars;
        for (int i = 0; i < 300; ++i) {
            liars.emplace_back(broker.port());
            // A CONNECT declaring 1,000,000 bytes, of which 7 are sent.
            liars.back().send("\x10\xc0\x84\x3d\x00\x04MQTT\x05"s);
        }
        CHECK(round_trip_error(broker.port()) == "");
        std::this_thread::sleep_for(std::chrono::milliseconds{300}); // all announcements read
        const long growth = broker.status_kib("VmSize:") - before;
        MESSAGE("virtual memory grew by ", growth, " KiB for 300 announced 1 MB packets");
        CHECK(growth < 64 * 1024);
        liars.clear();
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a thousand connections that never send CONNECT do not stop the broker serving "
              "others, and can all be closed") {
        emqxd_process broker;
        std::vector<raw_client> idle = connect_many(broker.port(), 1'000);
        CHECK(idle.size() == 1'000);
        CHECK(round_trip_error(broker.port()) == "");
        // None of them was answered or closed by the broker in the meantime.
        std::size_t silent = 0;
        for (auto& c : idle) {
            silent += c.quiet_for(std::chrono::milliseconds{0}) ? 1U : 0U;
        }
        CHECK(silent == 1'000);
        CHECK(broker.rss_kib() < rss_limit_kib);
        idle.clear();
        CHECK(round_trip_error(broker.port()) == "");
        CHECK(broker.running());
    }
}
