// The cluster link's wire format: length-prefixed frames between emqxd nodes (ARCHITECTURE.md,
// "Cluster link protocol"). Pure: bytes in, values out, and back; no sockets, no clock.
#pragma once

#include "engine/message.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::broker::cluster {

/// Bumped when a frame changes incompatibly; a HELLO with another version is refused.
inline constexpr std::uint8_t link_version = 1;
/// A frame larger than this closes the link: no MQTT message comes near it.
inline constexpr std::size_t max_frame_size = 300u << 20;
/// Every frame starts with a 4-byte big-endian length of what follows it (type + body).
inline constexpr std::size_t frame_header_size = 4;

enum class frame_type : std::uint8_t {
    hello = 1,         ///< first frame both ways: who I am, and a nonce to prove the cookie on
    proof = 2,         ///< HMAC-SHA256(cookie, the two nonces and the sender's id)
    refuse = 3,        ///< the link is refused (other cluster, bad cookie, self); then close
    heartbeat = 4,     ///< nothing but "still here"
    routes_full = 5,   ///< every filter the sender holds; replaces what the receiver knew
    routes_add = 6,    ///< filters the sender started holding
    routes_remove = 7, ///< filters the sender stopped holding
    publish = 8,       ///< a message for the receiver's subscribers and/or retained store
    claim = 9,         ///< a client id connected on the sender: take over a local connection
    peers = 10,        ///< cluster addresses of the sender's live peers (mesh discovery)
};

struct hello {
    std::uint8_t version = link_version;
    std::string node_id;
    std::string cluster_id;
    std::string nonce;   ///< 16 random bytes
    std::string cluster; ///< the sender's cluster listener, "host:port"
    std::string mqtt;    ///< the sender's MQTT listener
    std::string http;    ///< the sender's HTTP listener
};

/// A message forwarded to a peer, and what the peer is to do with it.
struct forward {
    message_ptr msg; ///< decoded: its expiry interval is what was left of it when sent
    bool normal = false;                ///< deliver to the receiver's non-shared subscribers
    bool store_retained = false;        ///< set (or, with an empty payload, clear) retained
    std::vector<std::string> groups;    ///< full "$share/<g>/<f>" filters to serve one member of
};

/// A decoded frame; `type` says which field is meaningful.
struct frame {
    frame_type type = frame_type::heartbeat;
    struct hello hello;
    std::string text;               ///< proof: the MAC; refuse: the reason; claim: client id
    /// claim: when the claiming connection was opened, in microseconds since the Unix epoch
    /// (milliseconds are too coarse: two connections a few hundred microseconds apart must
    /// still be ordered).
    std::uint64_t claimed_at_us = 0;
    std::vector<std::string> items; ///< routes_*: filters; peers: addresses
    forward fwd;
};

/// Appends one frame to `out`.
void encode_hello(const hello& h, std::string& out);
void encode_text(frame_type type, std::string_view text, std::string& out);
void encode_list(frame_type type, const std::vector<std::string>& items, std::string& out);
void encode_heartbeat(std::string& out);
/// A CLAIM: `client_id` connected on the sender at `opened_at_us` (Unix epoch microseconds).
void encode_claim(std::string_view client_id, std::uint64_t opened_at_us, std::string& out);
/// `now` turns the message's expiry into what remains of it.
void encode_publish(const forward& f, time_point now, std::string& out);

/// How many bytes the first frame in `buffer` takes: 0 when it is not complete yet, nullopt
/// when its length is over max_frame_size or zero (the link is then broken).
[[nodiscard]] std::optional<std::size_t> frame_size(std::string_view buffer) noexcept;

/// Decodes one complete frame (as frame_size delimited it, header included). Nullopt when the
/// bytes do not form a valid frame; `now` becomes a forwarded message's receive time.
[[nodiscard]] std::optional<frame> decode(std::string_view bytes, time_point now);

} // namespace emqx::broker::cluster
