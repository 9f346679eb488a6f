// Authentication of a CONNECT (issue 4): anonymous access, the user table, bans, the cache of
// recent successes, and the hand-off of slow password checks to the shell's thread pool.
#include "engine/engine.hpp"

#include "log/log.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/split.hpp>

#include <algorithm>

namespace emqx::broker {

namespace {

// Password checks one address may have under way; more are refused as "server busy".
constexpr unsigned max_checks_per_address = 2;

// "10.0.0.1:51234" -> "10.0.0.1", "[::1]:5" -> "[::1]": bans are per address, not per port.
std::string_view address_of(std::string_view peer) noexcept {
    const auto colon = peer.rfind(':');
    return colon == std::string_view::npos ? peer : peer.substr(0, colon);
}

const auth::user_record* find_user(const std::vector<auth::user_record>& users,
                                   std::string_view name) {
    const auto it = std::find_if(users.begin(), users.end(),
                                 [name](const auth::user_record& u) { return u.username == name; });
    return it == users.end() ? nullptr : &*it;
}

} // namespace

void engine::auth_failed(client_handle c, mqtt::protocol_version version,
                         std::string_view username, std::string_view client_id,
                         mqtt::reason_code reason, std::string_view why, time_point now) {
    client& cl = *clients_[c];
    ++metrics_.auth_failures_total;
    if (bans_.record_failure(address_of(cl.peer), now)) {
        log::write(log::level::warn, "auth", "address banned after repeated failures",
                   {{"peer", cl.peer}});
    }
    // Never the password (DESIGN.md section 7).
    log::write(log::level::warn, "auth", "authentication failed",
               {{"client_id", client_id.empty() ? std::string_view{"-"} : client_id},
                {"username", username.empty() ? std::string_view{"-"} : username},
                {"peer", cl.peer},
                {"reason", why}});
    refuse_connect(c, version, reason);
}

bool engine::authenticate(client_handle c, const mqtt::connect& p, std::string_view bytes,
                          time_point now) {
    if (!auth_.enabled) {
        return true;
    }
    client& cl = *clients_[c];
    if (bans_.is_banned(address_of(cl.peer), now)) {
        // Refused before any hash is computed: a banned address cannot burn our CPU.
        ++metrics_.auth_failures_total;
        log::write(log::level::warn, "auth", "authentication refused",
                   {{"client_id", p.client_id.empty() ? std::string_view{"-"} : p.client_id},
                    {"username", p.username.value_or("-")},
                    {"peer", cl.peer},
                    {"reason", "banned"}});
        refuse_connect(c, p.version, mqtt::reason_code::banned);
        return false;
    }
    if (!p.username) {
        if (auth_.allow_anonymous) {
            return true;
        }
        auth_failed(c, p.version, {}, p.client_id, mqtt::reason_code::not_authorized,
                    "anonymous", now);
        return false;
    }
    const auth::user_record* user = find_user(auth_.users, *p.username);
    if (user == nullptr || !user->enabled) {
        auth_failed(c, p.version, *p.username, p.client_id,
                    mqtt::reason_code::bad_user_name_or_password,
                    user == nullptr ? "unknown_user" : "disabled_user", now);
        return false;
    }
    const std::string_view password = p.password.value_or(std::string_view{});
    if (verified_.contains(verified_.key(*p.username, password), now)) {
        return true;
    }
    const std::string address{address_of(cl.peer)};
    unsigned& in_flight = auth_in_flight_[address];
    if (in_flight >= max_checks_per_address) {
        // 0x89 tells a v5 client to retry later; see ARCHITECTURE.md (auth checks per address).
        log::write(log::level::warn, "auth", "authentication deferred: too many checks from this address",
                   {{"client_id", p.client_id.empty() ? std::string_view{"-"} : p.client_id},
                    {"username", *p.username},
                    {"peer", cl.peer},
                    {"reason", "server_busy"}});
        refuse_connect(c, p.version, mqtt::reason_code::server_busy);
        return false;
    }
    ++in_flight;
    auth_pending_.emplace(cl.serial, address);
    cl.state = client_state::authenticating;
    cl.version = p.version;
    cl.extras_made().pending_input.assign(bytes);
    auth_requests_.push_back({.client = c, .serial = cl.serial, .user = *user,
                              .password = std::string{password}});
    return false;
}

std::vector<auth_request> engine::take_auth_requests() {
    std::vector<auth_request> out;
    out.swap(auth_requests_);
    return out;
}

void engine::on_auth_result(client_handle c, std::uint64_t serial, bool ok, time_point now) {
    if (const auto pending = auth_pending_.find(serial); pending != auth_pending_.end()) {
        const auto count = auth_in_flight_.find(pending->second);
        if (count != auth_in_flight_.end() && --count->second == 0) {
            auth_in_flight_.erase(count);
        }
        auth_pending_.erase(pending);
    }
    if (c >= clients_.size() || clients_[c]->serial != serial ||
        clients_[c]->state != client_state::authenticating) {
        return; // the client went away while its password was being checked
    }
    client& cl = *clients_[c];
    std::string input = std::move(cl.extras_made().pending_input);
    cl.extras->pending_input = std::string{};
    const auto first = mqtt::split_packet(input);
    const std::string_view connect_bytes{input.data(), first.packet_size};
    auto decoded = mqtt::decode(connect_bytes, cl.version);
    const auto& p = std::get<mqtt::connect>(*decoded);
    cl.state = client_state::awaiting_connect;
    if (!ok) {
        auth_failed(c, p.version, p.username.value_or(""), p.client_id,
                    mqtt::reason_code::bad_user_name_or_password, "bad_password", now);
        return;
    }
    bans_.record_success(address_of(cl.peer), now);
    verified_.insert(verified_.key(*p.username, p.password.value_or("")), now);
    accept_connect(c, p, now);
    // Then what the client sent while it waited, in order.
    std::string_view rest{input};
    rest.remove_prefix(first.packet_size);
    while (!rest.empty() && clients_[c]->serial == serial &&
           clients_[c]->state == client_state::connected) {
        const auto split = mqtt::split_packet(rest);
        on_packet(c, rest.substr(0, split.packet_size), now);
        rest.remove_prefix(split.packet_size);
    }
}

void engine::reconfigure(const limits& config, auth_settings auth) {
    limits_ = config;
    auth_ = std::move(auth);
    bans_.set_policy(auth_.ban);
    verified_.clear(); // a changed password must not be accepted from the cache
}

} // namespace emqx::broker
