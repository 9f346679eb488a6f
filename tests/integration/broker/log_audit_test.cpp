// The log of the real emqxd, text and JSON: every line has the format of DESIGN.md section 7
// (UTC timestamp with Z, level, component from the fixed list, message, key=value fields),
// and each operational event is logged exactly once with its fields.
#include "auth_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace emqx::test;
using namespace emqx::test::e2e;
using namespace std::string_literals;

namespace {

// One log event, from a text or a JSON line.
struct event {
    std::string ts;
    std::string level; ///< without padding
    std::string component;
    std::string msg;
    std::map<std::string, std::string> fields;
};

const std::set<std::string> levels{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
const std::set<std::string> components{
    "mqtt", "auth", "session", "cluster", "http", "config", "metrics"};
const std::string odd_client_id = "odd \"id\" x=1 \\ end";
const std::regex timestamp{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"};

// The whole text line: timestamp, level padded to 5, component, message words (no '=' or
// quote), then key=value with values quoted when they need it.
const std::regex text_line{
    R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) )"
    R"(([a-z]+) ([^=" ]+(?: [^=" ]+)*)((?: [a-z_]+=(?:"(?:[^"\\]|\\.)*"|[^=" ]+))*)$)"};
const std::regex text_field{R"( ([a-z_]+)=("(?:[^"\\]|\\.)*"|[^=" ]+))"};

std::string unquote(const std::string& value) {
    if (value.size() < 2 || value.front() != '"') {
        return value;
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) {
            ++i;
        }
        out += value[i];
    }
    return out;
}

event parse_text(const std::string& line) {
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_match(line, m, text_line), line);
    event e{.ts = m[1], .level = m[2], .component = m[3], .msg = m[4], .fields = {}};
    if (e.level.back() == ' ') {
        e.level.pop_back();
    }
    const std::string rest = m[5];
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), text_field);
         it != std::sregex_iterator();
         ++it) {
        e.fields[(*it)[1]] = unquote((*it)[2]);
    }
    return e;
}

event parse_json(const std::string& line) {
    const auto j = nlohmann::ordered_json::parse(line, nullptr, false);
    REQUIRE_MESSAGE(j.is_object(), line);
    std::vector<std::string> keys;
    for (const auto& [key, value] : j.items()) {
        keys.push_back(key);
        REQUIRE_MESSAGE(value.is_string(), line);
    }
    REQUIRE_MESSAGE(keys.size() >= 4, line);
    const std::vector<std::string> first_keys(keys.begin(), keys.begin() + 4);
    const std::vector<std::string> documented{"ts", "level", "component", "msg"};
    CHECK_MESSAGE(first_keys == documented, line);
    event e{.ts = j["ts"],
            .level = j["level"],
            .component = j["component"],
            .msg = j["msg"],
            .fields = {}};
    for (std::size_t i = 4; i < keys.size(); ++i) {
        e.fields[keys[i]] = j[keys[i]].get<std::string>();
    }
    return e;
}

// Every line of `log`, checked against the common format and parsed.
std::vector<event> parse_log(const std::string& log, bool json) {
    std::vector<event> out;
    std::istringstream in{log};
    for (std::string line; std::getline(in, line);) {
        INFO("line: ", line);
        const event e = json ? parse_json(line) : parse_text(line);
        CHECK(std::regex_match(e.ts, timestamp));
        CHECK(levels.count(e.level) == 1);
        CHECK(components.count(e.component) == 1);
        out.push_back(e);
    }
    return out;
}

std::vector<event> with_msg(const std::vector<event>& events, const std::string& msg) {
    std::vector<event> out;
    for (const auto& e : events) {
        if (e.msg == msg) {
            out.push_back(e);
        }
    }
    return out;
}

// Exactly `count` events `msg` at `level` from `component` (any when empty), each with `keys`
// among its fields.
void expect(const std::vector<event>& events,
            const std::string& msg,
            std::size_t count,
            const std::string& level,
            const std::string& component,
            const std::vector<std::string>& keys) {
    INFO("event: ", msg);
    const auto found = with_msg(events, msg);
    CHECK(found.size() == count);
    for (const auto& e : found) {
        CHECK(e.level == level);
        if (!component.empty()) {
            CHECK(e.component == component);
        }
        for (const auto& k : keys) {
            CHECK_MESSAGE(e.fields.count(k) == 1, k);
        }
    }
}

// The events audit() causes, each logged once (one disconnection per client, the
// taken-over one included), with their fields.
void check_events(const std::vector<event>& events) {
    REQUIRE(!events.empty());
    expect(events, "configuration loaded", 1, "INFO", "config", {"file", "node"});
    // mqtt, http and cluster.
    expect(events, "listener started", 3, "INFO", "", {"name", "addr"});
    for (const auto& [name, component] :
         std::map<std::string, std::string>{{"mqtt", "mqtt"}, {"http", "http"}}) {
        bool seen = false;
        for (const auto& e : with_msg(events, "listener started")) {
            if (e.fields.count("name") == 1 && e.fields.at("name") == name) {
                seen = true;
                CHECK(e.component == component);
                CHECK(e.fields.at("addr").starts_with("127.0.0.1:"));
            }
        }
        CHECK_MESSAGE(seen, name);
    }
    expect(events,
           "client connected",
           4,
           "INFO",
           "mqtt",
           {"client_id", "peer", "version", "keepalive", "session_present"});
    expect(events, "session taken over", 1, "INFO", "mqtt", {"client_id", "old_peer"});
    expect(events, "client disconnected", 4, "INFO", "mqtt", {"client_id", "peer"});
    expect(events,
           "protocol error, closing connection",
           1,
           "INFO",
           "mqtt",
           {"client_id", "peer", "reason"});
    expect(events,
           "authentication failed",
           1,
           "WARN",
           "auth",
           {"client_id", "username", "peer", "reason"});
    expect(events, "configuration reloaded", 1, "INFO", "config", {});
    expect(events, "shutting down", 1, "INFO", "mqtt", {"signal"});
    bool odd_seen = false;
    for (const auto& e : with_msg(events, "client connected")) {
        odd_seen = odd_seen || e.fields.at("client_id") == odd_client_id;
    }
    CHECK(odd_seen);
    const auto error = with_msg(events, "protocol error, closing connection");
    if (!error.empty()) {
        CHECK(error[0].fields.at("client_id") == "audit-bad");
        CHECK(error[0].fields.at("reason") == "malformed_packet");
    }
    const auto failed = with_msg(events, "authentication failed");
    if (!failed.empty()) {
        CHECK(failed[0].fields.at("client_id") == "audit-pw");
        CHECK(failed[0].fields.at("username") == "au");
        CHECK(failed[0].fields.at("reason") == "bad_password");
    }
}

// Drives every logged event once (twice for a disconnection: the taken-over one too) and
// checks the log written in `format`.
void audit(const std::string& format) {
    scratch_dir dir;
    const std::string log_file = dir.file("emqxd.log");
    write_text(
        dir.file("emqxd.yaml"),
        "node:\n  id: audit-e2e\nauth:\n  enabled: true\n  allow_anonymous: true\n" +
            users_yaml({{.username = "au", .password = "Au-Secret-9", .algorithm = "plain"}}) +
            "log:\n  level: info\n  format: " + format + "\n  file: \"" + log_file + "\"\n");
    broker_under_test broker{dir.file("emqxd.yaml"), log_file};
    const auto port = broker.port();
    raw_client first = open_session(port, wire::connect_v5("audit-a"));
    raw_client second = open_session(port, wire::connect_v5("audit-a")); // takes over
    CHECK(hex(first.receive_packet()) == hex("\xe0\x01\x8e"s));
    second.send("\xe0\x00"s);
    CHECK(second.wait_closed());
    raw_client bad = open_session(port, wire::connect_v311("audit-bad"));
    bad.send("\x36\x05\x00\x01x\x00\x01"s);
    CHECK(bad.wait_closed());
    CHECK(hex(connack_for(port, connect_login(false, "audit-pw", "au"s, "Wrong-Secret-8"s))) ==
          hex("\x20\x02\x00\x04"s));
    // A client id that must be quoted (text) or escaped (JSON) to stay one field.
    raw_client odd = open_session(port, wire::connect_v311(odd_client_id));
    odd.send("\xe0\x00"s);
    CHECK(odd.wait_closed());
    REQUIRE(broker.reload());
    REQUIRE(broker.stop() == 0);

    const std::string log = read_text(log_file);
    CHECK(log.find("Wrong-Secret-8") == std::string::npos);
    CHECK(log.find("Au-Secret-9") == std::string::npos);
    check_events(parse_log(log, format == "json"));
}

} // namespace

TEST_SUITE("integration::log_audit") {
    TEST_CASE("log.format text: every line is 'TIMESTAMP LEVEL component message key=value' and "
              "each event is logged once with its fields") {
        audit("text");
    }

    TEST_CASE("log.format json: every line is one JSON object with ts, level, component, msg "
              "first and the same events and fields") {
        audit("json");
    }
}
