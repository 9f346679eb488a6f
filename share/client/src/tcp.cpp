// The TCP connect probe: the MQTT probe's socket, connected and closed.
#include "probe_socket.hpp"
#include "seconds_text.hpp"

#include <emqx/client/tcp.hpp>

#include <cerrno>
#include <cstring>

namespace emqx::client {

expected<std::chrono::microseconds, std::string> tcp_connect(const host_port& address,
                                                             std::chrono::milliseconds timeout) {
    using kind = detail::io_outcome::kind_type;
    const auto start = detail::probe_clock::now();
    detail::probe_socket socket;
    auto outcome = socket.start_connect(address);
    if (outcome.ok()) {
        outcome = socket.finish_connect(start + timeout);
    }
    const auto where = to_string(address);
    switch (outcome.kind) {
    case kind::ok:
        return std::chrono::duration_cast<std::chrono::microseconds>(detail::probe_clock::now() -
                                                                     start);
    case kind::unresolved: return unexpected("cannot resolve host '" + address.host + "'");
    case kind::timed_out:
        return unexpected("no answer from " + where + " within " + detail::seconds_text(timeout));
    default:
        if (outcome.error == ECONNREFUSED) {
            return unexpected("connection refused by " + where);
        }
        return unexpected("cannot connect to " + where + ": " + std::strerror(outcome.error));
    }
}

} // namespace emqx::client
