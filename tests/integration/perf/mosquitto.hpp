// A mosquitto broker of its own for each test: a free port on 127.0.0.1, a config file in a
// temporary directory, stopped by PID when the test ends however it ends.
#pragma once

#include "process_guard.hpp"

#include <emqx/perf/options.hpp>

#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

namespace emqx::test {

class mosquitto {
public:
    /// Starts mosquitto with `extra_config` lines after the listener; anonymous clients are
    /// allowed unless the extra lines say otherwise.
    explicit mosquitto(const std::string& extra_config = "allow_anonymous true\n")
        : port_(free_port()) {
        const auto config = dir_.path() / "mosquitto.conf";
        std::ofstream(config) << "listener " << port_ << " 127.0.0.1\n" << extra_config;
        process_.emplace(std::vector<std::string>{MOSQUITTO_PATH, "-c", config.string()},
                         std::vector<std::string>{},
                         (dir_.path() / "mosquitto.log").string());
        if (!process_->wait_for_port(port_)) {
            throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_));
        }
    }

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] process_guard& process() noexcept { return *process_; }

    /// Options for a short run against this broker: bounded to a few seconds whatever happens.
    [[nodiscard]] perf::run_options short_run(std::uint64_t count) const {
        perf::run_options o;
        o.port = port_;
        o.count = count;
        o.warmup_s = 0.2;
        o.timeout_s = 2.0;
        o.max_time_s = 30.0;
        o.inflight = 200;
        o.broker_pid = process_->pid();
        return o;
    }

    /// Options for a short run against 127.0.0.1:`port`, where no mosquitto of ours runs.
    [[nodiscard]] static perf::run_options unused_options(std::uint16_t port) {
        perf::run_options o;
        o.port = port;
        o.count = 100;
        o.warmup_s = 0.0;
        o.timeout_s = 2.0;
        o.max_time_s = 10.0;
        return o;
    }

private:
    temp_dir dir_;
    std::uint16_t port_;
    std::optional<process_guard> process_;
};

} // namespace emqx::test
