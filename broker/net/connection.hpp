// One client's socket: reads bytes, splits them into packets for the engine, and writes what
// the engine put in the client's outbox. Makes no protocol decision of its own.
#pragma once

#include "engine/session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/smart_ptr/intrusive_ptr.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace emqx::broker::net {

class server;

/// A TCP socket bound to the io_context's own executor rather than the type-erased
/// any_io_executor: the socket, and every wait pending on it, then carry an 8-byte executor
/// instead of a 48-byte polymorphic one (memory per idle connection, issue 3).
using socket_type =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

/// Memory inside the connection for the one read wait it has pending at a time. Asio would
/// otherwise allocate each wait from its per-thread cache, whose blocks are sized by the last
/// operation freed (in practice the accept's, over 200 bytes): one such block per idle
/// connection (memory per idle connection, issue 3). Sized for Boost 1.74's wait operation
/// (80 bytes with our handler); a larger one, or a second at once, goes to the heap.
class wait_slot {
public:
    [[nodiscard]] void* allocate(std::size_t bytes, std::size_t alignment);
    void deallocate(void* p) noexcept;

private:
    alignas(void*) unsigned char bytes_[80];
    bool used_ = false;
};

/// Owned by the server's table and by each pending operation on it, through a count of its
/// own (one thread touches it): 8-byte pointers and no separate control block, where a
/// shared_ptr costs 16 bytes a pointer and 32 in the object (issue 3).
class connection {
public:
    connection(socket_type socket, server& owner, client_handle handle);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void start();
    /// Writes the client's outbox (synchronously as far as the socket takes it, the rest
    /// asynchronously) and closes when the engine asked and everything is written.
    void flush();
    /// Closes the socket now and tells the engine.
    void close();

    friend void intrusive_ptr_add_ref(connection* c) noexcept { ++c->references_; }
    friend void intrusive_ptr_release(connection* c) noexcept {
        if (--c->references_ == 0) {
            delete c;
        }
    }

private:
    struct readable_handler;
    void wait_readable();
    void on_readable(const boost::system::error_code& ec);
    /// Splits and hands over every complete packet of `data`; returns the bytes consumed.
    std::size_t process(std::string_view data);
    void start_async_write();
    void on_written(const boost::system::error_code& ec, std::size_t bytes);

    socket_type socket_;
    server& server_;
    /// Input and output that outlive one turn, allocated the first time either is needed:
    /// most connections never need them, and an idle one should stay small (issue 3).
    struct spill {
        std::string partial; ///< the start of a packet not yet complete
        std::string writing; ///< bytes handed to async_write
    };
    [[nodiscard]] spill& buffers();
    std::unique_ptr<spill> spill_;
    client_handle handle_;
    std::uint32_t references_ = 0;
    bool write_in_progress_ = false;
    bool closed_ = false;
    wait_slot wait_memory_;
};

} // namespace emqx::broker::net
