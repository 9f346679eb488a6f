// The link's handshake and I/O. Both ends send HELLO (ids, cluster id, a random nonce) at
// once, then PROOF = HMAC-SHA256(cookie, "emqxd-link/1" | peer's nonce | own nonce | own id):
// each proves it knows the cookie without sending it, and a recorded PROOF is useless on
// another link because the nonces differ.
#include "cluster/link.hpp"

#include "log/log.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

namespace emqx::broker::cluster {

namespace asio = boost::asio;

namespace {

std::string random_nonce() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        // Without randomness the proof could be replayed; a steady-clock nonce still differs
        // per link, which is what the replay defence needs.
        const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            bytes[i] = static_cast<unsigned char>((static_cast<std::uint64_t>(t) >> (i % 8 * 8)) & 0xFF);
        }
    }
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string endpoint_text(const asio::ip::tcp::socket& s) {
    boost::system::error_code ec;
    const auto e = s.remote_endpoint(ec);
    return ec ? std::string{"?"} : e.address().to_string() + ":" + std::to_string(e.port());
}

} // namespace

link::link(asio::ip::tcp::socket socket, const identity& self, link_owner& owner, bool outbound)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), self_(self), owner_(owner),
      outbound_(outbound), remote_(endpoint_text(socket_)), nonce_(random_nonce()) {}

void link::start() {
    boost::system::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay{true}, ignored);
    encode_hello({.version = link_version,
                  .node_id = self_.node_id,
                  .cluster_id = self_.cluster_id,
                  .nonce = nonce_,
                  .cluster = self_.cluster,
                  .mqtt = self_.mqtt,
                  .http = self_.http},
                 out_);
    flush();
    read_more();
    tick();
}

std::string link::mac_for(const std::string& first_nonce, const std::string& second_nonce,
                          const std::string& sender) const {
    std::string data = "emqxd-link/1";
    data += first_nonce;
    data += second_nonce;
    data += sender;
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), self_.cookie.data(), static_cast<int>(self_.cookie.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data(), &size);
    return {reinterpret_cast<const char*>(md.data()), size};
}

void link::read_more() {
    socket_.async_read_some(asio::buffer(read_buffer_),
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        std::size_t n) { self->on_read(ec, n); });
}

void link::on_read(const boost::system::error_code& ec, std::size_t n) {
    if (state_ == link_state::closed) {
        return;
    }
    if (ec) {
        close(ec == asio::error::eof ? "the peer closed the link" : ec.message());
        return;
    }
    last_heard_ = std::chrono::steady_clock::now();
    last_heard_wall_ = std::chrono::system_clock::now();
    in_.append(read_buffer_.data(), n);
    std::size_t offset = 0;
    const auto now = clock::now();
    while (state_ != link_state::closed) {
        const std::string_view rest = std::string_view{in_}.substr(offset);
        const auto size = frame_size(rest);
        if (!size) {
            close("malformed frame length from the peer");
            return;
        }
        if (*size == 0) {
            break;
        }
        auto f = decode(rest.substr(0, *size), now);
        offset += *size;
        if (!f) {
            close("malformed frame from the peer");
            return;
        }
        handle(*f);
    }
    if (state_ == link_state::closed) {
        return;
    }
    owner_.on_link_read_done();
    in_.erase(0, offset);
    read_more();
}

void link::handle(frame& f) {
    if (f.type == frame_type::refuse) {
        close("refused by the peer: " + f.text, true);
        return;
    }
    if (state_ == link_state::up) {
        if (f.type != frame_type::hello && f.type != frame_type::proof) {
            owner_.on_link_frame(shared_from_this(), f);
        }
        return;
    }
    if (f.type == frame_type::hello && !hello_seen_) {
        on_hello(f.hello);
    } else if (f.type == frame_type::proof && hello_seen_) {
        on_proof(f.text);
    } else {
        close("protocol error: unexpected frame during the handshake");
    }
}

void link::on_hello(const hello& h) {
    hello_seen_ = true;
    peer_ = h;
    if (h.version != link_version) {
        refuse("link protocol version " + std::to_string(h.version) + " is not supported (this "
               "node speaks " + std::to_string(link_version) + ")");
        return;
    }
    if (h.node_id == self_.node_id) {
        refuse("self: the peer is this node (node id " + h.node_id + ")");
        return;
    }
    if (h.cluster_id != self_.cluster_id) {
        refuse("multiple cluster IDs detected: this node is in '" + self_.cluster_id +
               "', the peer " + h.node_id + " in '" + h.cluster_id + "'");
        return;
    }
    encode_text(frame_type::proof, mac_for(h.nonce, nonce_, self_.node_id), out_);
    flush();
}

void link::on_proof(const std::string& mac) {
    const std::string expected = mac_for(nonce_, peer_.nonce, peer_.node_id);
    if (mac.size() != expected.size() ||
        CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0) {
        refuse("bad cookie: the peer " + peer_.node_id + " does not share cluster.cookie");
        return;
    }
    state_ = link_state::up;
    owner_.on_link_up(shared_from_this());
}

void link::refuse(const std::string& reason) {
    encode_text(frame_type::refuse, reason, out_);
    flush();
    // The refusal is written synchronously when the socket takes it (it nearly always does).
    close(reason, true);
}

void link::tick() {
    timer_.expires_after(self_.heartbeat_interval);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->state_ == link_state::closed) {
            return;
        }
        const auto silent = std::chrono::steady_clock::now() - self->last_heard_;
        if (silent > self->self_.failure_timeout) {
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(silent);
            self->close("heartbeat timeout: nothing from the peer for " +
                        std::to_string(ms.count()) + " ms");
            return;
        }
        if (self->state_ == link_state::up) {
            encode_heartbeat(self->out_);
            self->flush();
        }
        self->tick();
    });
}

void link::flush() {
    if (write_in_progress_ || out_.empty() || state_ == link_state::closed) {
        return;
    }
    // Synchronously first: most flushes fit in the socket buffer and need no callback.
    boost::system::error_code ec;
    socket_.non_blocking(true, ec);
    const std::size_t n = ec ? 0 : socket_.write_some(asio::buffer(out_), ec);
    if (ec && ec != asio::error::would_block) {
        close(ec.message());
        return;
    }
    out_.erase(0, n);
    if (out_.empty()) {
        return;
    }
    writing_.swap(out_);
    write_in_progress_ = true;
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](const boost::system::error_code& e,
                                                  std::size_t) { self->on_written(e); });
}

void link::flush_soon() {
    if (flush_posted_) {
        return;
    }
    flush_posted_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        self->flush_posted_ = false;
        self->flush();
    });
}

void link::on_written(const boost::system::error_code& ec) {
    write_in_progress_ = false;
    writing_.clear();
    if (state_ == link_state::closed) {
        return;
    }
    if (ec) {
        close(ec.message());
        return;
    }
    flush();
}

void link::close(const std::string& reason, bool refused) {
    if (state_ == link_state::closed) {
        return;
    }
    state_ = link_state::closed;
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    owner_.on_link_closed(shared_from_this(), reason, refused);
}

} // namespace emqx::broker::cluster
