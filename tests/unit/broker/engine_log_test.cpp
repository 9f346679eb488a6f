// What the engine logs about protocol errors: one INFO line per error, naming the client, the
// peer and the reason (DESIGN.md section 7).
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;

namespace {

/// What `f` writes to stderr, with the log threshold at INFO meanwhile.
template <typename F>
std::string stderr_of(F&& f) {
    std::fflush(stderr);
    std::FILE* capture = std::tmpfile();
    REQUIRE(capture != nullptr);
    const int saved = dup(2);
    REQUIRE(dup2(fileno(capture), 2) >= 0);
    log::set_threshold(log::level::info);
    f();
    log::set_threshold(log::level::fatal);
    std::fflush(stderr);
    const int restored = dup2(saved, 2);
    close(saved);
    REQUIRE(restored >= 0);
    std::string text;
    std::rewind(capture);
    for (int ch = std::fgetc(capture); ch != EOF; ch = std::fgetc(capture)) {
        text += static_cast<char>(ch);
    }
    std::fclose(capture);
    return text;
}

std::size_t count(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_SUITE("broker::engine::log") {
    TEST_CASE("a protocol error is logged once at INFO with client id, peer and reason") {
        engine_harness h;
        const client_handle c = h.connect("logged", v5);
        const std::string text = stderr_of([&] {
            h.send_bytes(c, "\xD0\x00"s); // PINGRESP from a client
            h.send_bytes(c, "\xD0\x00"s); // ignored: already closing
            h.core().on_stream_error(c, mqtt::reason_code::malformed_packet, h.now);
        });
        CHECK(count(text, "protocol error") == 1);
        CHECK(count(text, " INFO  mqtt protocol error, closing connection ") == 1);
        CHECK(count(text, "client_id=logged") == 1);
        CHECK(count(text, "peer=127.0.0.1:40000") == 1);
        CHECK(count(text, "reason=protocol_error") == 1);
        CHECK(h.core().stats().protocol_errors[0x82] == 1);
    }

    TEST_CASE("a first packet that is not CONNECT is logged without a client id") {
        engine_harness h;
        const client_handle c = h.open("10.1.2.3:5555");
        const std::string text = stderr_of([&] { h.send_bytes(c, "\xC0\x00"s); });
        CHECK(count(text, "protocol error") == 1);
        CHECK(count(text, "client_id=- ") == 1);
        CHECK(count(text, "peer=10.1.2.3:5555") == 1);
    }
}
