// The run of the load client: owns the io_context, the connections and the ledger, and moves
// the run through its phases (connect, subscribe, warm up, measure, drain) within its bounds.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <emqx/perf/ledger.hpp>
#include <emqx/perf/options.hpp>
#include <emqx/perf/results.hpp>

namespace emqx::perf::detail {

namespace asio = boost::asio;

class publisher;
class subscriber;

class engine {
public:
    engine(const run_options& options,
           const asio::ip::tcp::endpoint& where,
           const asio::ip::tcp::endpoint& sub_where);
    ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    /// Runs to the end on this thread and returns what was measured.
    [[nodiscard]] run_results run();

    // What the connections report.
    [[nodiscard]] ledger& book() noexcept { return ledger_; }
    void connected();
    void subscribed(mqtt::qos granted);
    void heard(std::uint64_t now) noexcept { last_heard_ = now; }
    /// A subscriber handed over one read's messages: publishers may have room again.
    void deliveries_done(std::uint64_t now);
    /// A publisher handled one read's acknowledgements.
    void acks_done(std::uint64_t now);
    /// A publisher can send again (its write completed, or acks freed identifiers): in an
    /// open loop the pacer must wake for its next message.
    void publisher_idle(std::uint64_t now);
    void link_failed(std::string_view role, std::uint32_t index, const std::string& what);
    /// Ends the run now with `status`; later calls change nothing.
    void fail(run_status status, std::string reason);

private:
    enum class phase : std::uint8_t { connecting, subscribing, warmup, measuring, draining, done };

    void arm_tick();
    void tick();
    void check_bounds(std::uint64_t now);
    void check_silence(std::uint64_t now);
    void arm_pacer(std::uint64_t now);
    void begin_warmup(std::uint64_t now);
    void begin_measuring(std::uint64_t now);
    void begin_draining();
    void check_drained();
    void report_progress(std::uint64_t now);
    [[nodiscard]] bool acks_outstanding() const noexcept;
    void pump_all(std::uint64_t now);
    void finish(run_status status, std::string reason);
    [[nodiscard]] std::string after_messages() const;

    // The io_context is declared first so that it outlives every socket and timer.
    asio::io_context io_;
    run_options options_;
    asio::ip::tcp::endpoint where_;
    asio::ip::tcp::endpoint sub_where_;
    std::uint64_t last_progress_ = 0;
    ledger ledger_;
    std::vector<std::unique_ptr<publisher>> publishers_;
    std::vector<std::unique_ptr<subscriber>> subscribers_;
    asio::steady_timer tick_timer_;
    asio::steady_timer pace_timer_;
    bool pacer_armed_ = false;
    std::uint64_t pacer_at_ = 0;

    phase phase_ = phase::connecting;
    std::uint64_t run_start_ = 0;
    std::uint64_t phase_start_ = 0;
    std::uint64_t last_heard_ = 0;
    std::uint64_t probe_at_ = 0; ///< when the last PINGREQ asked a silent broker
    std::uint32_t connected_ = 0;
    std::uint32_t subscribed_ = 0;
    mqtt::qos granted_qos_;

    std::uint64_t measure_start_ = 0;
    double cpu_at_measure_ = 0.0;
    std::uint64_t acknowledged_at_measure_ = 0;
    std::uint64_t refused_at_measure_ = 0;
    std::optional<double> broker_cpu_at_measure_;
    run_results results_;
};

} // namespace emqx::perf::detail
