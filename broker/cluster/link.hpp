// One TCP link to another emqxd node: the handshake (cluster id and cookie, proved without
// sending it), heartbeats and the failure timeout, and frame I/O. What frames mean is the
// mesh's business; the link only delivers them.
#pragma once

#include "cluster/frame.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace emqx::broker::cluster {

/// Who this node is on a link.
struct identity {
    std::string node_id;
    std::string cluster_id;
    std::string cookie;
    std::string cluster; ///< this node's cluster listener, as peers should dial it
    std::string mqtt;
    std::string http;
    std::chrono::milliseconds heartbeat_interval{1000};
    std::chrono::milliseconds failure_timeout{5000};
};

enum class link_state : std::uint8_t { handshaking, up, closed };

class link;

/// What a link tells its owner. Every call happens on the io_context thread.
class link_owner {
public:
    virtual ~link_owner() = default;
    virtual void on_link_up(const std::shared_ptr<link>& l) = 0;
    virtual void on_link_frame(const std::shared_ptr<link>& l, frame& f) = 0;
    /// Every frame of one read has been handed over: the moment to flush what they produced.
    virtual void on_link_read_done() = 0;
    /// `refused` when either end refused the handshake (another cluster, a bad cookie).
    virtual void on_link_closed(const std::shared_ptr<link>& l, const std::string& reason,
                                bool refused) = 0;
};

class link : public std::enable_shared_from_this<link> {
public:
    link(boost::asio::ip::tcp::socket socket, const identity& self, link_owner& owner,
         bool outbound);

    /// Sends HELLO and starts reading and the heartbeat timer.
    void start();

    /// Frames to send are appended here, then flush() sends them now, or flush_soon() once
    /// at the end of this event-loop turn (many frames, one write).
    [[nodiscard]] std::string& out() noexcept { return out_; }
    void flush();
    void flush_soon();

    /// Closes the socket (once) and tells the owner.
    void close(const std::string& reason, bool refused = false);

    [[nodiscard]] link_state state() const noexcept { return state_; }
    [[nodiscard]] bool outbound() const noexcept { return outbound_; }
    /// What the peer said in its HELLO (empty fields until then).
    [[nodiscard]] const hello& peer() const noexcept { return peer_; }
    [[nodiscard]] std::chrono::system_clock::time_point last_heard() const noexcept {
        return last_heard_wall_;
    }
    [[nodiscard]] const std::string& remote_address() const noexcept { return remote_; }

private:
    void read_more();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void handle(frame& f);
    void on_hello(const hello& h);
    void on_proof(const std::string& mac);
    void refuse(const std::string& reason);
    void tick();
    void on_written(const boost::system::error_code& ec);
    [[nodiscard]] std::string mac_for(const std::string& first_nonce,
                                      const std::string& second_nonce,
                                      const std::string& sender) const;

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer timer_;
    const identity& self_;
    link_owner& owner_;
    bool outbound_;
    link_state state_ = link_state::handshaking;
    bool hello_seen_ = false;
    std::string remote_;
    std::string nonce_;
    hello peer_;
    std::string in_;
    std::array<char, 65'536> read_buffer_{};
    std::string out_;
    std::string writing_;
    bool write_in_progress_ = false;
    bool flush_posted_ = false;
    std::chrono::steady_clock::time_point last_heard_ = std::chrono::steady_clock::now();
    std::chrono::system_clock::time_point last_heard_wall_{};
};

} // namespace emqx::broker::cluster
