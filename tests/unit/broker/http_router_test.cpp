// The HTTP surface as a pure function (DESIGN.md section 5): status codes, headers, the bearer
// token on /api/*, and the JSON each path answers, from a fake status source.
#include "http/router.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace emqx::broker;
using namespace emqx::broker::http;
using beast_http::field;
using beast_http::status;
using beast_http::verb;
using nlohmann::json;

namespace {

struct fake_client {
    std::string client_id;
    std::string peer;
};

status_source fake_source(const std::vector<fake_client>& clients = {},
                          const std::vector<std::string>& filters = {}) {
    status_source s;
    s.counts = [] {
        return node_counts{
            .connections = 2, .sessions = 3, .subscriptions = 4, .retained_messages = 5};
    };
    s.stats = [] {
        metrics m;
        m.connections_total = 9;
        return m;
    };
    s.listeners = [] {
        return std::vector<listener_info>{{"mqtt", "127.0.0.1", 41883},
                                          {"http", "127.0.0.1", 48082}};
    };
    s.for_each_client = [clients](const client_visitor& visit) {
        for (const auto& c : clients) {
            visit(client_info{.client_id = c.client_id,
                              .peer = c.peer,
                              .version = emqx::mqtt::protocol_version::v5,
                              .keepalive_seconds = 60,
                              .connected_at =
                                  std::chrono::system_clock::time_point{
                                      std::chrono::milliseconds{1'700'000'000'123}},
                              .subscriptions = 2,
                              .inflight = 1,
                              .queued = 7});
        }
    };
    s.for_each_route = [filters](const route_visitor& visit) {
        for (const auto& f : filters) {
            visit(f, 1);
        }
    };
    s.ready = [] { return readiness{}; };
    s.config_yaml = [] {
        return std::string{"node:\n  id: node1\nhttp:\n  auth_token: <redacted>\n"};
    };
    return s;
}

node_info fake_node() {
    node_info n;
    n.node_id = "node1";
    n.cluster_id = "emqx-test";
    n.version = "0.1.0";
    n.started = clock::now() - std::chrono::seconds{42};
    return n;
}

request make_request(verb method, std::string target, unsigned version = 11) {
    request req{method, target, version};
    req.set(field::host, "127.0.0.1");
    return req;
}

response get(const router& r, std::string target) {
    return r.handle(make_request(verb::get, std::move(target)));
}

json body_of(const response& res) {
    return json::parse(res.body());
}

std::string header(const response& res, field f) {
    const auto value = res[f];
    return {value.data(), value.size()};
}

/// Every response, whatever its status, says what it holds and how long it is.
void check_framing(const response& res) {
    CHECK_FALSE(header(res, field::content_type).empty());
    CHECK(header(res, field::content_length) == std::to_string(res.body().size()));
}

} // namespace

TEST_SUITE("broker::http::router") {
    TEST_CASE("GET /health answers 200 {\"status\":\"ok\"}") {
        const router r{fake_node(), fake_source()};
        const auto res = get(r, "/health");
        CHECK(res.result() == status::ok);
        CHECK(header(res, field::content_type) == "application/json");
        CHECK(res.body() == R"({"status":"ok"})");
        check_framing(res);
    }

    TEST_CASE("an unknown path answers 404 with a JSON error, whatever the method") {
        const router r{fake_node(), fake_source()};
        for (const verb method : {verb::get, verb::post, verb::delete_}) {
            const auto res = r.handle(make_request(method, "/nope?x=1"));
            CHECK(res.result() == status::not_found);
            CHECK(body_of(res)["error"] == "not_found");
            CHECK(body_of(res)["message"] == "no such path: /nope");
            check_framing(res);
        }
        CHECK(get(r, "/api/v1/nope").result() == status::not_found);
        CHECK(get(r, "/metrics/").result() == status::not_found);
        CHECK(get(r, "//health").result() == status::not_found);
    }

    TEST_CASE("a method other than GET or HEAD answers 405 with Allow") {
        const router r{fake_node(), fake_source()};
        for (const verb method :
             {verb::post, verb::put, verb::delete_, verb::patch, verb::options}) {
            CAPTURE(beast_http::to_string(method));
            const auto res = r.handle(make_request(method, "/api/v1/status"));
            CHECK(res.result() == status::method_not_allowed);
            CHECK(header(res, field::allow) == "GET, HEAD");
            CHECK(body_of(res)["error"] == "method_not_allowed");
            check_framing(res);
        }
    }

    TEST_CASE("HEAD answers the headers of GET without the body") {
        const router r{fake_node(), fake_source()};
        const auto full = get(r, "/health");
        const auto head = r.handle(make_request(verb::head, "/health"));
        CHECK(head.result() == status::ok);
        CHECK(head.body().empty());
        CHECK(header(head, field::content_length) == std::to_string(full.body().size()));
    }

    TEST_CASE("with a token, /api/* needs Authorization: Bearer <token>, else 401") {
        const router r{fake_node(), fake_source(), "s3cret"};
        SUBCASE("no header") {
            const auto res = get(r, "/api/v1/status");
            CHECK(res.result() == status::unauthorized);
            CHECK(header(res, field::www_authenticate) == "Bearer realm=\"emqxd\"");
            CHECK(body_of(res)["error"] == "unauthorized");
            CHECK(res.body().find("s3cret") == std::string::npos);
            check_framing(res);
        }
        SUBCASE("wrong token, a prefix of it, or a longer one") {
            for (const char* value : {"Bearer wrong",
                                      "Bearer s3cre",
                                      "Bearer s3cret2",
                                      "Bearer ",
                                      "Basic czNjcmV0",
                                      "s3cret"}) {
                CAPTURE(value);
                auto req = make_request(verb::get, "/api/v1/status");
                req.set(field::authorization, value);
                CHECK(r.handle(req).result() == status::unauthorized);
            }
        }
        SUBCASE("unknown /api/ paths are 401 too, so that they reveal nothing") {
            CHECK(get(r, "/api/v1/nope").result() == status::unauthorized);
        }
        SUBCASE("the right token, scheme in any case") {
            for (const char* value : {"Bearer s3cret", "bearer s3cret", "BEARER  s3cret "}) {
                CAPTURE(value);
                auto req = make_request(verb::get, "/api/v1/status");
                req.set(field::authorization, value);
                CHECK(r.handle(req).result() == status::ok);
            }
        }
        SUBCASE("/metrics, /health and /ready stay open") {
            CHECK(get(r, "/metrics").result() == status::ok);
            CHECK(get(r, "/health").result() == status::ok);
            CHECK(get(r, "/ready").result() == status::ok);
        }
    }

    TEST_CASE("without a token /api/* is open") {
        const router r{fake_node(), fake_source()};
        CHECK(get(r, "/api/v1/status").result() == status::ok);
    }

    TEST_CASE("GET /metrics is Prometheus text 0.0.4 with the source's values") {
        const router r{fake_node(), fake_source()};
        const auto res = get(r, "/metrics");
        CHECK(res.result() == status::ok);
        CHECK(header(res, field::content_type) == "text/plain; version=0.0.4; charset=utf-8");
        CHECK(res.body().find("emqx_connections_count{node=\"node1\"} 2\n") != std::string::npos);
        CHECK(res.body().find("emqx_connections_total{node=\"node1\"} 9\n") != std::string::npos);
        CHECK(res.body().find("emqx_cluster_info{node=\"node1\",cluster_id=\"emqx-test\"} 1\n") !=
              std::string::npos);
        CHECK(res.body().find("process_open_fds{node=\"node1\"} ") != std::string::npos);
        check_framing(res);
    }

    TEST_CASE("GET /ready is 200 when ready, else 503 with the reasons") {
        auto source = fake_source();
        SUBCASE("ready") {
            const router r{fake_node(), source};
            const auto res = get(r, "/ready");
            CHECK(res.result() == status::ok);
            CHECK(body_of(res)["status"] == "ready");
        }
        SUBCASE("not ready") {
            source.ready = [] { return readiness{{"mqtt listener down", "cluster not joined"}}; };
            const router r{fake_node(), source};
            const auto res = get(r, "/ready");
            CHECK(res.result() == status::service_unavailable);
            CHECK(body_of(res) == json::parse(R"({"status":"not_ready","reasons":)"
                                              R"(["mqtt listener down","cluster not joined"]})"));
            check_framing(res);
        }
        SUBCASE("no readiness callback: not ready") {
            source.ready = nullptr;
            const router r{fake_node(), source};
            CHECK(get(r, "/ready").result() == status::service_unavailable);
        }
    }

    TEST_CASE("GET /api/v1/status names the node, its listeners' real ports and the counts") {
        const router r{fake_node(), fake_source()};
        const auto res = get(r, "/api/v1/status");
        REQUIRE(res.result() == status::ok);
        const auto j = body_of(res);
        CHECK(j["node_id"] == "node1");
        CHECK(j["version"] == "0.1.0");
        CHECK(j["cluster_id"] == "emqx-test");
        CHECK(j["pid"].get<long>() > 0);
        CHECK(j["uptime_seconds"].get<double>() >= 42.0);
        CHECK(j["uptime_seconds"].get<double>() < 60.0);
        CHECK(j["started_at"].get<std::string>().ends_with("Z"));
        CHECK(j["listeners"] == json::parse(R"([{"name":"mqtt","address":"127.0.0.1","port":41883},
                                               {"name":"http","address":"127.0.0.1","port":48082}])"));
        CHECK(j["counts"] == json::parse(R"({"connections":2,"sessions":3,"subscriptions":4,
                                            "retained_messages":5})"));
    }

    TEST_CASE("GET /api/v1/clients pages the clients with page= and limit=") {
        std::vector<fake_client> clients;
        for (int i = 0; i < 5; ++i) {
            // std::string{...} + rather than "..." + std::to_string(): GCC 12 -O2 warns
            // (-Wrestrict, a false positive) on operator+(const char*, std::string&&).
            clients.push_back({std::string{"c"} + std::to_string(i),
                               std::string{"127.0.0.1:"} + std::to_string(50000 + i)});
        }
        const router r{fake_node(), fake_source(clients)};
        const auto first = body_of(get(r, "/api/v1/clients"));
        CHECK(first["total"] == 5);
        CHECK(first["page"] == 1);
        CHECK(first["limit"] == 100);
        REQUIRE(first["clients"].size() == 5);
        CHECK(first["clients"][0] == json::parse(R"({"client_id":"c0","peer":"127.0.0.1:50000",
            "version":"5.0","keepalive":60,"connected_at":"2023-11-14T22:13:20.123Z",
            "subscriptions":2,"inflight":1,"queued":7})"));

        const auto page2 = body_of(get(r, "/api/v1/clients?limit=2&page=2"));
        CHECK(page2["total"] == 5);
        REQUIRE(page2["clients"].size() == 2);
        CHECK(page2["clients"][0]["client_id"] == "c2");
        CHECK(page2["clients"][1]["client_id"] == "c3");
        const auto page3 = body_of(get(r, "/api/v1/clients?limit=2&page=3"));
        REQUIRE(page3["clients"].size() == 1);
        CHECK(page3["clients"][0]["client_id"] == "c4");
        CHECK(body_of(get(r, "/api/v1/clients?limit=2&page=9"))["clients"].empty());
    }

    TEST_CASE("bad paging parameters answer 400 naming the parameter") {
        const router r{fake_node(), fake_source()};
        for (const char* query : {"page=0",
                                  "page=x",
                                  "page=",
                                  "limit=0",
                                  "limit=1001",
                                  "limit=-1",
                                  "page=99999999999999999999999"}) {
            CAPTURE(query);
            const auto res = get(r, std::string{"/api/v1/clients?"} + query);
            CHECK(res.result() == status::bad_request);
            const std::string param = std::string{query}.substr(0, std::string{query}.find('='));
            CHECK(body_of(res)["message"].get<std::string>().starts_with(param + " must be"));
            check_framing(res);
        }
    }

    TEST_CASE("GET /api/v1/routes lists the filters held on this node, sorted, with the node") {
        const router r{fake_node(), fake_source({}, {"b/#", "$share/g/a/+", "a/b"})};
        const auto j = body_of(get(r, "/api/v1/routes"));
        CHECK(j["total"] == 3);
        CHECK(j["node_id"] == "node1");
        CHECK(j["routes"] == json::parse(R"([
            {"filter":"$share/g/a/+","nodes":["node1"],"subscriptions":1},
            {"filter":"a/b","nodes":["node1"],"subscriptions":1},
            {"filter":"b/#","nodes":["node1"],"subscriptions":1}])"));
        CHECK(body_of(get(r, "/api/v1/routes?limit=1&page=2"))["routes"][0]["filter"] == "a/b");
    }

    TEST_CASE("GET /api/v1/cluster answers for this single node") {
        const router r{fake_node(), fake_source({}, {"a", "b"})};
        const auto j = body_of(get(r, "/api/v1/cluster"));
        CHECK(j["node_id"] == "node1");
        CHECK(j["cluster_id"] == "emqx-test");
        CHECK(j["nodes"] == 1);
        CHECK(j["route_count"] == 2);
        CHECK(j["peers"] == json::array());
    }

    TEST_CASE("GET /api/v1/config is the redacted YAML in JSON, or as YAML with ?format=yaml") {
        const router r{fake_node(), fake_source()};
        const auto res = get(r, "/api/v1/config");
        CHECK(res.result() == status::ok);
        CHECK(body_of(res)["config"] == "node:\n  id: node1\nhttp:\n  auth_token: <redacted>\n");
        CHECK(body_of(res)["format"] == "yaml");
        const auto yaml = get(r, "/api/v1/config?format=yaml");
        CHECK(header(yaml, field::content_type) == "application/yaml; charset=utf-8");
        CHECK(yaml.body() == "node:\n  id: node1\nhttp:\n  auth_token: <redacted>\n");
        check_framing(yaml);
    }

    TEST_CASE("an empty source reads as nothing, not as an error") {
        const router r{fake_node(), status_source{}};
        CHECK(get(r, "/metrics").result() == status::ok);
        CHECK(body_of(get(r, "/api/v1/status"))["counts"]["connections"] == 0);
        CHECK(body_of(get(r, "/api/v1/clients"))["total"] == 0);
        CHECK(body_of(get(r, "/api/v1/routes"))["total"] == 0);
        CHECK(get(r, "/api/v1/config").result() == status::service_unavailable);
    }

    TEST_CASE("an exception inside the source becomes a 500 that closes the connection") {
        auto source = fake_source();
        source.counts = []() -> node_counts { throw std::runtime_error("boom"); };
        const router r{fake_node(), source};
        const auto res = get(r, "/api/v1/status");
        CHECK(res.result() == status::internal_server_error);
        CHECK_FALSE(res.keep_alive());
        CHECK(body_of(res)["error"] == "internal_error");
        check_framing(res);
    }

    TEST_CASE("bytes that are not UTF-8 in a path or a client id give valid JSON") {
        const router r{fake_node(), fake_source({{"bad\xFF", "1.2.3.4:5"}})};
        const auto res = get(r, "/\xC3\x28");
        CHECK(res.result() == status::not_found);
        CHECK_NOTHROW((void)body_of(res));
        CHECK_NOTHROW((void)body_of(get(r, "/api/v1/clients")));
    }

    TEST_CASE("the response keeps the request's version and keep-alive wish") {
        const router r{fake_node(), fake_source()};
        auto req = make_request(verb::get, "/health");
        CHECK(r.handle(req).keep_alive());
        req.keep_alive(false);
        CHECK_FALSE(r.handle(req).keep_alive());
        const auto old = r.handle(make_request(verb::get, "/health", 10));
        CHECK(old.version() == 10);
        CHECK_FALSE(old.keep_alive());
    }
}
