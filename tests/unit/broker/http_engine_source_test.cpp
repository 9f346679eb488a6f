// engine_source: what /api/v1/clients, /api/v1/routes and the counts show of the engine's
// clients, sessions and subscriptions, through a stand-in with the accessors it asks for.
#include "http/engine_source.hpp"
#include "http/router.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::http;
using nlohmann::json;

namespace {

/// The engine's read-only accessors that engine_source uses, over hand-built state.
struct stand_in_engine {
    std::deque<session> sessions;
    std::deque<client> clients;
    subscription_tree tree;
    struct metrics counters;

    [[nodiscard]] std::size_t connection_count() const noexcept { return clients.size(); }
    [[nodiscard]] std::size_t session_count() const noexcept { return sessions.size(); }
    [[nodiscard]] std::size_t subscription_count() const noexcept { return tree.size(); }
    [[nodiscard]] std::size_t retained_count() const noexcept { return 4; }
    [[nodiscard]] const struct metrics& stats() const noexcept { return counters; }
    [[nodiscard]] const subscription_tree& subscriptions() const noexcept { return tree; }
    template <typename F>
    void for_each_connected_client(F&& f) const {
        for (const client& c : clients) {
            f(c);
        }
    }

    client& add_client(std::string id, std::string peer, emqx::mqtt::protocol_version v) {
        session& s = sessions.emplace_back();
        s.id = static_cast<subscriber_id>(sessions.size());
        s.client_id = std::move(id);
        client& c = clients.emplace_back();
        c.handle = static_cast<client_handle>(clients.size() - 1);
        c.state = client_state::connected;
        c.version = v;
        c.sess = &s;
        c.peer = std::move(peer);
        c.opened_at = clock::now() - std::chrono::seconds{90};
        return c;
    }
};

subscriber_entry entry(subscriber_id id) {
    subscriber_entry e;
    e.id = id;
    return e;
}

json get_json(const router& r, std::string target) {
    request req{beast_http::verb::get, target, 11};
    return json::parse(r.handle(req).body());
}

} // namespace

TEST_SUITE("broker::http::engine_source") {
    TEST_CASE("a client is described with its session's figures and its wall-clock start") {
        stand_in_engine e;
        client& c = e.add_client("sensor-1", "10.0.0.7:50001", emqx::mqtt::protocol_version::v5);
        c.keep_alive = std::chrono::milliseconds{30'000};
        c.sess->subscriptions["a/#"] = {};
        c.sess->subscriptions["b"] = {};
        c.sess->inflight.push_back({});
        for (int i = 0; i < 3; ++i) {
            c.sess->queue.push_back({});
        }
        const time_point steady_now = c.opened_at + std::chrono::seconds{90};
        const std::chrono::system_clock::time_point wall_now{std::chrono::seconds{1'000'000}};

        const client_info info = describe_client(c, steady_now, wall_now);
        CHECK(info.client_id == "sensor-1");
        CHECK(info.peer == "10.0.0.7:50001");
        CHECK(info.version == emqx::mqtt::protocol_version::v5);
        CHECK(info.keepalive_seconds == 30);
        CHECK(info.connected_at == wall_now - std::chrono::seconds{90});
        CHECK(info.subscriptions == 2);
        CHECK(info.inflight == 1);
        CHECK(info.queued == 3);
    }

    TEST_CASE("/api/v1/clients, /api/v1/routes and the counts read the engine") {
        stand_in_engine e;
        e.add_client("a", "127.0.0.1:1", emqx::mqtt::protocol_version::v3_1_1);
        e.add_client("b", "127.0.0.1:2", emqx::mqtt::protocol_version::v3_1);
        REQUIRE(e.tree.subscribe("x/+", entry(1)));
        REQUIRE(e.tree.subscribe("x/+", entry(2)));
        REQUIRE(e.tree.subscribe("$share/g/y", entry(2)));
        e.counters.connections_total = 12;
        const router r{node_info{}, engine_source(e)};

        const auto clients = get_json(r, "/api/v1/clients");
        CHECK(clients["total"] == 2);
        REQUIRE(clients["clients"].size() == 2);
        CHECK(clients["clients"][0]["client_id"] == "a");
        CHECK(clients["clients"][0]["version"] == "3.1.1");
        CHECK(clients["clients"][1]["version"] == "3.1");

        const auto routes = get_json(r, "/api/v1/routes");
        CHECK(routes["total"] == 2);
        CHECK(routes["routes"][0]["filter"] == "$share/g/y");
        CHECK(routes["routes"][1]["filter"] == "x/+");
        CHECK(routes["routes"][1]["subscriptions"] == 2);

        const auto status = get_json(r, "/api/v1/status");
        CHECK(status["counts"] == json::parse(R"({"connections":2,"sessions":2,
                                                 "subscriptions":3,"retained_messages":4})"));
        request metrics_req{beast_http::verb::get, "/metrics", 11};
        CHECK(r.handle(metrics_req).body().find("emqx_connections_total{node=\"node1\"} 12\n") !=
              std::string::npos);
    }
}
