// Reading, splitting and writing for one client (see connection.hpp).
#include "net/connection.hpp"

#include "net/server.hpp"

#include <emqx/mqtt/split.hpp>

#include <boost/asio/write.hpp>

namespace emqx::broker::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// An outbox that grew for a burst is given back once empty, so that idle connections stay
// small (the broker's memory per idle connection is a goal: see BENCHMARKS.md).
constexpr std::size_t keep_capacity = 16 * 1024;

void trim(std::string& buffer) {
    buffer.clear();
    if (buffer.capacity() > keep_capacity) {
        std::string{}.swap(buffer);
    }
}

/// Hands Asio the connection's wait_slot for a wait's operation.
template <typename T>
class slot_allocator {
public:
    using value_type = T;
    explicit slot_allocator(wait_slot& slot) noexcept : slot_(&slot) {}
    template <typename U>
    slot_allocator(const slot_allocator<U>& other) noexcept : slot_(other.slot()) {}

    T* allocate(std::size_t n) {
        return static_cast<T*>(slot_->allocate(n * sizeof(T), alignof(T)));
    }
    void deallocate(T* p, std::size_t) noexcept { slot_->deallocate(p); }
    [[nodiscard]] wait_slot* slot() const noexcept { return slot_; }
    template <typename U>
    bool operator==(const slot_allocator<U>& other) const noexcept {
        return slot_ == other.slot();
    }

private:
    wait_slot* slot_;
};

} // namespace

/// The completion of a read wait; Asio finds its allocator through get_allocator().
struct connection::readable_handler {
    using allocator_type = slot_allocator<void>;
    boost::intrusive_ptr<connection> self;
    wait_slot* slot; ///< not taken from `self`, which Asio may have moved from by then
    [[nodiscard]] allocator_type get_allocator() const noexcept { return allocator_type{*slot}; }
    void operator()(const error_code& ec) const { self->on_readable(ec); }
};

void* wait_slot::allocate(std::size_t bytes, std::size_t alignment) {
    if (!used_ && bytes <= sizeof bytes_ && alignment <= alignof(void*)) {
        used_ = true;
        return bytes_;
    }
    return ::operator new(bytes);
}

void wait_slot::deallocate(void* p) noexcept {
    if (p == bytes_) {
        used_ = false;
        return;
    }
    ::operator delete(p);
}

connection::connection(socket_type socket, server& owner, client_handle handle)
    : socket_(std::move(socket)), server_(owner), handle_(handle) {}

connection::spill& connection::buffers() {
    if (!spill_) {
        spill_ = std::make_unique<spill>();
    }
    return *spill_;
}

void connection::start() {
    error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay{true}, ec);
    socket_.non_blocking(true, ec);
    wait_readable();
}

void connection::wait_readable() {
    // Wait for readability, then read into the server's shared buffer: an idle connection
    // holds no read buffer of its own.
    socket_.async_wait(asio::ip::tcp::socket::wait_read,
                       readable_handler{boost::intrusive_ptr<connection>{this}, &wait_memory_});
}

void connection::on_readable(const error_code& ec) {
    if (closed_) {
        return;
    }
    if (ec) {
        close(); // operation_aborted comes only from close() itself; anything else ends us
        server_.flush(); // a will published by the close goes out now, not on the next tick
        return;
    }
    auto& buffer = server_.read_buffer();
    error_code read_ec;
    const std::size_t n = socket_.read_some(asio::buffer(buffer), read_ec);
    if (read_ec == asio::error::would_block) {
        wait_readable();
        return;
    }
    if (read_ec || n == 0) {
        close(); // eof or reset: the peer is gone
        server_.flush();
        return;
    }
    const std::string_view fresh{buffer.data(), n};
    if (!spill_ || spill_->partial.empty()) {
        const std::size_t used = process(fresh);
        if (!closed_ && used < n) {
            buffers().partial.assign(fresh.substr(used));
        }
    } else {
        std::string& partial = spill_->partial;
        partial.append(fresh);
        const std::size_t used = process(partial);
        if (!closed_) {
            partial.erase(0, used);
            if (partial.empty()) {
                trim(partial);
            }
        }
    }
    server_.flush();
    if (!closed_) {
        wait_readable();
    }
}

std::size_t connection::process(std::string_view data) {
    engine& core = server_.core();
    const auto now = clock::now();
    std::size_t used = 0;
    while (used < data.size()) {
        client& cl = core.client_at(handle_);
        if (cl.state == client_state::closing) {
            return data.size(); // nothing more is read from a client being closed
        }
        const auto split = mqtt::split_packet(data.substr(used), core.max_packet_size_of(handle_));
        if (split.status == mqtt::split_status::need_more) {
            break; // nothing is reserved for a declared length: only what has arrived is kept
        }
        if (split.status == mqtt::split_status::invalid) {
            core.on_stream_error(handle_, split.reason, now);
            return data.size();
        }
        core.on_packet(handle_, data.substr(used, split.packet_size), now);
        used += split.packet_size;
    }
    return used;
}

void connection::flush() {
    if (closed_ || write_in_progress_) {
        return;
    }
    engine& core = server_.core();
    client& cl = core.client_at(handle_);
    if (!cl.outbox.empty()) {
        // Most writes complete at once: try synchronously, go asynchronous for the rest.
        error_code ec;
        const std::size_t n = socket_.write_some(asio::buffer(cl.outbox), ec);
        if (ec && ec != asio::error::would_block) {
            close();
            return;
        }
        core.on_written(handle_, n);
        if (n == cl.outbox.size()) {
            trim(cl.outbox);
        } else {
            buffers().writing.assign(cl.outbox, n);
            trim(cl.outbox);
            start_async_write();
            return;
        }
    }
    if (cl.close_requested) {
        close();
    }
}

void connection::start_async_write() {
    write_in_progress_ = true;
    server_.core().client_at(handle_).writing = spill_->writing.size();
    asio::async_write(socket_, asio::buffer(spill_->writing),
                      [self = boost::intrusive_ptr<connection>{this}](const error_code& ec,
                                                                      std::size_t bytes) {
                          self->on_written(ec, bytes);
                      });
}

void connection::on_written(const error_code& ec, std::size_t bytes) {
    write_in_progress_ = false;
    if (closed_) {
        return;
    }
    if (ec) {
        close();
        server_.flush();
        return;
    }
    server_.core().on_written(handle_, bytes);
    trim(spill_->writing);
    flush();
    server_.flush(); // acknowledgements freed by this client may have released others' output
}

void connection::close() {
    if (closed_) {
        return;
    }
    closed_ = true;
    error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.core().on_closed(handle_, clock::now());
    server_.forget(handle_);
}

} // namespace emqx::broker::net
