// A TCP connect probe: does anything accept connections at this address?
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/client/node.hpp>

#include <chrono>
#include <string>

namespace emqx::client {

/// Connects to `address` (name resolved), closes at once; returns the time the connect took.
/// The error is one line: "connection refused by 127.0.0.1:8081", "no answer from ... within
/// 2.0 s", "cannot resolve host 'x'". Never throws, never waits longer than `timeout`
/// (resolution of a name aside).
[[nodiscard]] expected<std::chrono::microseconds, std::string>
tcp_connect(const host_port& address, std::chrono::milliseconds timeout);

} // namespace emqx::client
