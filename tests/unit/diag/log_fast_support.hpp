// Shared by the log parser's fast-path tests: a seeded generator of emqxd lines and of
// mutations of them, and the byte class definitions written out independently of the code.
#pragma once

#include "log_view_diff.hpp"

#include <emqx/diag/byte_classes.hpp>
#include <emqx/diag/log_lines.hpp>
#include <emqx/diag/log_record.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace log_fast_support {

using namespace emqx::diag;
using namespace std::string_view_literals;
using kind = byte_classes::kind;

inline constexpr std::size_t none = ~std::size_t{0};

// xorshift64: the same cases on every run and every standard library.
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return state_;
    }
    /// 0 .. n-1 (n > 0).
    std::size_t pick(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(unsigned percent) { return pick(100) < percent; }
    template <typename T, std::size_t N>
    const T& of(const std::array<T, N>& items) {
        return items[pick(N)];
    }
    char of(std::string_view chars) { return chars[pick(chars.size())]; }

private:
    std::uint64_t state_;
};

constexpr std::size_t round_up(std::size_t n) {
    return (n + 63) & ~std::size_t{63};
}

// The bytes the parser cares about, and a few it must not (NUL, 0x80+). No '\n': a mutation
// must not split its line.
inline constexpr std::string_view alphabet =
    " =\"\\\t\r\x01\x7f:.-/_{}0123456789abcxyzABCXYZ\0\x1b\x80\xc3\xa9\xff"sv;

// What the header says each class holds, written out independently of byte_classes.cpp.
inline bool expected_class(unsigned k, unsigned char ch) {
    const bool key = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                     (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '.' || ch == '-';
    switch (k) {
    case byte_classes::newline: return ch == '\n';
    case byte_classes::space: return ch == ' ' || ch == '\n';
    case byte_classes::equals: return ch == '=' || ch == '\n';
    case byte_classes::quote: return ch == '"' || ch == '\n';
    case byte_classes::nonkey: return !key;
    case byte_classes::bad:
        return ch == '\\' || ch == 0x7F || (ch < 0x20 && ch != '\t' && ch != '\n');
    default: return false;
    }
}

inline std::string escape(std::string_view text) {
    std::string out;
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if (ch == '\\') {
            out += "\\\\";
        } else if (byte >= 0x20 && byte < 0x7F) {
            out += ch;
        } else {
            std::array<char, 8> hex{};
            std::snprintf(hex.data(), hex.size(), "\\x%02x", static_cast<unsigned>(byte));
            out += hex.data();
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Generated emqxd lines (DESIGN.md section 7; the events of scripts/bench-log.sh and a few more)

struct line_parts {
    std::string ts;
    std::string level; // padded to 5 as emqxd writes it ("INFO ")
    std::string component;
    std::string message;
    std::string fields;

    [[nodiscard]] std::string text() const {
        std::string line = ts + ' ' + level + ' ' + component;
        if (!message.empty()) {
            line += ' ' + message;
        }
        if (!fields.empty()) {
            line += ' ' + fields;
        }
        return line;
    }
};

class line_generator {
public:
    explicit line_generator(rng& r) : r_(r) {}

    line_parts next() {
        // Mostly a few ms apart (many lines share a minute), now and then a jump of minutes.
        ms_ += r_.chance(3) ? static_cast<std::int64_t>(r_.pick(3'600'000))
                            : static_cast<std::int64_t>(r_.pick(4));
        line_parts p;
        p.ts = format_timestamp(ms_);
        const std::string client = "c" + std::to_string(10000 + r_.pick(50000));
        const std::string peer = "10.1." + std::to_string(r_.pick(256)) + "." +
                                 std::to_string(r_.pick(256)) + ":" +
                                 std::to_string(1024 + r_.pick(60000));
        const std::string node = "node" + std::to_string(1 + r_.pick(3));
        static constexpr std::array<std::string_view, 8> reasons{"peer_closed",
                                                                 "peer_closed",
                                                                 "normal",
                                                                 "keep_alive_timeout",
                                                                 "session_taken_over",
                                                                 "protocol_error",
                                                                 "server_shutting_down",
                                                                 "\"connection reset by peer\""};
        static constexpr std::array<std::string_view, 5> users{
            "bob", "alice", "sensor", "admin", "gateway"};
        const auto set = [&p](std::string_view level,
                              std::string_view component,
                              std::string_view message,
                              std::string fields) {
            p.level = level;
            p.component = component;
            p.message = message;
            p.fields = std::move(fields);
        };
        const std::string reason{r_.of(reasons)};
        const std::string user{r_.of(users)};
        switch (r_.pick(30)) {
        case 0:
            set("INFO ",
                "mqtt",
                "client connected",
                "client_id=" + client + " peer=" + peer +
                    " version=5 keepalive=60 session_present=" +
                    (r_.chance(25) ? "true" : "false"));
            break;
        case 1:
            set("INFO ",
                "mqtt",
                "client disconnected",
                "client_id=" + client + " peer=" + peer + " reason=" + reason);
            break;
        case 2:
            set("INFO ",
                "mqtt",
                "keep alive timeout, closing",
                "client_id=" + client + " peer=" + peer);
            break;
        case 3:
            set("INFO ",
                "mqtt",
                "protocol error, closing connection",
                "client_id=" + client + " peer=" + peer +
                    " reason=malformed_packet detail=\"bad remaining length " +
                    std::to_string(r_.pick(100000)) + "\"");
            break;
        case 4:
            set("INFO ", "mqtt", "session taken over", "client_id=" + client + " old_peer=" + peer);
            break;
        case 5:
            set("INFO ", "mqtt", "connection refused", "peer=" + peer + " reason=not_authorized");
            break;
        case 6: set("INFO ", "mqtt", "no CONNECT in time, closing", "peer=" + peer); break;
        case 7:
            set("WARN ",
                "auth",
                "authentication failed",
                "client_id=" + client + " username=" + user + " peer=" + peer +
                    " reason=bad_password");
            break;
        case 8:
            set("WARN ",
                "auth",
                "authentication refused",
                "client_id=" + client + " username=" + user + " peer=" + peer + " reason=banned");
            break;
        case 9:
            set("WARN ", "auth", "address banned after repeated failures", "peer=" + peer);
            break;
        case 10: set("DEBUG", "session", "session expired", "client_id=" + client); break;
        case 11:
            set("INFO ",
                "cluster",
                "peer connected",
                "node=" + node + " addr=127.0.0.1:1808" + std::to_string(3 + r_.pick(2)) +
                    " direction=" + (r_.chance(50) ? "out" : "in"));
            break;
        case 12:
            set("WARN ",
                "cluster",
                "peer disconnected",
                "node=" + node + " addr=127.0.0.1:18083 reason=\"connection reset by peer\"");
            break;
        case 13:
            set("WARN ", "cluster", "handshake failed", "addr=127.0.0.1:18084 reason=timeout");
            break;
        case 14:
            set("INFO ",
                "cluster",
                "joined",
                "cluster_id=emqx-" + std::to_string(r_.pick(1000)) + " node=" + node);
            break;
        case 15: set("DEBUG", "http", "connection closed", "reason=\"End of file\""); break;
        case 16: set("DEBUG", "http", "bad request", "error=\"bad method\" peer=" + peer); break;
        case 17:
            set("ERROR",
                "http",
                "request failed",
                "path=/api/v1/clients/" + client + " error=\"handler threw: lookup failed\"");
            break;
        case 18:
            set("ERROR", "http", "could not take a connection", "error=\"Too many open files\"");
            break;
        case 19:
            set("WARN ", "http", "connection limit reached, refusing more", "limit=1024");
            break;
        case 20:
            set("WARN ",
                "config",
                "reload warning",
                "problem=\"log.level: unknown value verbose\"");
            break;
        case 21:
            set("INFO ",
                "config",
                "configuration loaded",
                "file=/etc/emqxd/emqxd.toml node=" + node);
            break;
        case 22:
            set("TRACE",
                "metrics",
                "sample",
                "rate=" + std::to_string(r_.pick(100000)) + ".5 window=10s");
            break;
        case 23:
            set("FATAL",
                "broker",
                "cannot bind listener",
                "address=0.0.0.0:1883 error=\"Address already in use\"");
            break;
        case 24:
            set("INFO ",
                "mqtt",
                "subscribed",
                "client_id=" + client + " topic=sensors/+/temp qos=1 filter=\"a b/#\"");
            break;
        case 25:
            set("INFO ", "config", "setting changed", "key=log.level value=debug old=\"\"");
            break;
        case 26:
            set("DEBUG", "http", "request", "path=/api/v1/metrics query=node=" + node + "&x=1");
            break;
        case 27: set("INFO ", "mqtt", "stopped", ""); break;
        case 28: set("INFO ", "broker", "listener started on 0.0.0.0:1883 (tcp), ready", ""); break;
        default:
            set("DEBUG",
                "mqtt",
                "publish",
                "client_id=" + client + " topic=a/b/" + std::to_string(r_.pick(100)) +
                    " bytes=" + std::to_string(r_.pick(4096)) + " username=" + user);
            break;
        }
        // Extra fields up to a target length of 30..400 bytes, so that lines cross 1 to 3
        // 64-byte words wherever they start.
        const std::size_t target = 30 + r_.pick(371);
        static constexpr std::array<std::string_view, 10> words{"timeout",
                                                                "closed",
                                                                "retry",
                                                                "a/b/c",
                                                                "10.0.0.1:1883",
                                                                "x-y_z.w",
                                                                "ok",
                                                                "value",
                                                                "#",
                                                                "+"};
        while (p.text().size() + 12 < target) {
            std::string extra;
            switch (r_.pick(4)) {
            case 0: {
                extra = "detail=\"";
                const std::size_t n = 1 + r_.pick(6);
                for (std::size_t i = 0; i < n; ++i) {
                    extra += std::string{i > 0 ? " " : ""} + std::string{r_.of(words)};
                }
                extra += '"';
                break;
            }
            case 1: extra = "trace_id=" + std::to_string(r_.next() % 1'000'000'007); break;
            case 2:
                extra = "tag_" + std::to_string(r_.pick(100)) + "=" + std::string{r_.of(words)};
                break;
            default: extra = "address=192.168.0." + std::to_string(r_.pick(256)); break;
            }
            if (p.text().size() + extra.size() + 1 > 400) {
                break;
            }
            p.fields += p.fields.empty() ? extra : ' ' + extra;
        }
        return p;
    }

private:
    rng& r_;
    std::int64_t ms_ = 1795305600000; // 2026-11-22T00:00:00Z
};

// Changes a generated line in one of the ways the fast path must either get exactly right or
// leave to the full parser.
inline std::string mutate(rng& r, line_parts p) {
    // Structural changes first.
    const std::size_t structural = r.pick(10);
    switch (structural) {
    case 0: p.message.clear(); break;
    case 1: p.fields.clear(); break;
    case 2: {
        static constexpr std::array<std::pair<std::size_t, std::string_view>, 25> ts_changes{
            {{19, ".1Z"},    {19, ".12Z"}, {19, ".1234Z"}, {19, "Z"},  {19, ".123+00:00"},
             {19, "+00:00"}, {19, ".Z"},   {19, ".12xZ"},  {10, " "},  {10, "t"},
             {17, "60"},     {17, "61"},   {17, "6x"},     {14, "60"}, {11, "24"},
             {5, "13"},      {5, "00"},    {8, "00"},      {8, "32"},  {23, "z"},
             {24, "x"},      {0, "x"},     {16, "."},      {13, "x"},  {3, "x"}}};
        const auto& [at, text] = r.of(ts_changes);
        if (at == 24) {
            p.ts += text; // one byte too many
        } else if (at == 0) {
            p.ts.erase(0, 1); // one too few
        } else if (at == 19) {
            p.ts.replace(19, std::string::npos, text);
        } else {
            p.ts.replace(at, text.size(), text);
        }
        break;
    }
    case 3: {
        static constexpr std::array<std::string_view, 16> levels{"info",
                                                                 "Info",
                                                                 "INFO",
                                                                 "WARNING",
                                                                 "warning",
                                                                 "Warn ",
                                                                 "warn",
                                                                 "INF  ",
                                                                 "INFOO",
                                                                 "fatal",
                                                                 "trace",
                                                                 "error",
                                                                 "ERR  ",
                                                                 "",
                                                                 "WARN\t",
                                                                 "WaRnInG"};
        p.level = r.of(levels);
        break;
    }
    case 4: p.fields += r.chance(50) ? " reason=second" : " peer=\"1 2\" peer=again"; break;
    default: break;
    }
    std::string line = p.text();
    // Then bytes.
    const std::size_t changes = structural >= 5 || r.chance(50) ? 1 + r.pick(3) : 0;
    for (std::size_t n = 0; n < changes && !line.empty(); ++n) {
        const std::size_t at = r.pick(line.size());
        const std::size_t space = line.find(' ', at);
        const std::size_t equals = line.find('=', at);
        switch (r.pick(16)) {
        case 0: line.insert(at, 1, r.of(alphabet)); break;
        case 1: line.erase(at, 1); break;
        case 2: line[at] = r.of(alphabet); break;
        case 3:
            if (space != std::string::npos) {
                line.insert(space, " ");
            }
            break;
        case 4: line.insert(at, 1, '"'); break;
        case 5:
            if (const std::size_t quote = line.rfind('"'); quote != std::string::npos) {
                line.erase(quote, 1);
            }
            break;
        case 6:
            if (equals != std::string::npos) {
                line.insert(equals + 1, " "); // key= value
            }
            break;
        case 7:
            if (equals != std::string::npos) {
                line.insert(equals + 1, r.chance(50) ? "a=" : "="); // key=a=b
            }
            break;
        case 8:
            if (r.chance(50) || space == std::string::npos) {
                line += r.chance(50) ? " bare" : " peer"; // after the fields
            } else {
                line.insert(
                    space, r.chance(50) ? " bare" : " reason"); // between fields, or in the message
            }
            break;
        case 9:
            if (space != std::string::npos) {
                line.insert(space, r.chance(50) ? " =x" : " a:b=c");
            }
            break;
        case 10: line += r.chance(50) ? "   " : " "; break;
        case 11:
            if (space != std::string::npos) {
                line[space] = '\t';
            }
            break;
        case 12: line += " reason=\"" + std::string(1 + r.pick(3), r.of(" =:ab")) + "\"x=y"; break;
        case 13:
            if (equals != std::string::npos) {
                line.insert(equals + 1, "\"\"");
            }
            break;
        case 14: line.insert(at, " k=\"v w\" "); break;
        default: line.insert(at, "\xc3\xa9"); break;
        }
    }
    return line;
}

// ---------------------------------------------------------------------------------------------
// The differential check

using log_view_diff::known_names;

inline std::vector<char> with_slack(rng& r, std::string_view content) {
    // Copied, then grown: GCC 12 sees a "size + 64" vector as a possible overflow.
    std::vector<char> buffer(content.begin(), content.end());
    buffer.resize(content.size() + 64);
    for (std::size_t i = content.size(); i < buffer.size(); ++i) {
        buffer[i] = r.chance(20) ? '\n' : r.of(alphabet);
    }
    return buffer;
}

inline std::string junk_line(rng& r, std::size_t size) {
    std::string line;
    for (std::size_t i = 0; i < size; ++i) {
        line += r.chance(30) ? ' ' : r.of(alphabet);
    }
    return line;
}

} // namespace log_fast_support
