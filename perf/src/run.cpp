// The entry point of the load client: resolve the broker's address, run the engine.
#include <emqx/perf/run.hpp>

#include "engine.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace emqx::perf {

run_results run(const run_options& options) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    boost::system::error_code error;
    const auto found = resolver.resolve(options.host, std::to_string(options.port), error);
    if (error || found.empty()) {
        run_results failed;
        failed.status = run_status::unreachable;
        failed.reason = "cannot resolve " + options.host + ": " + error.message();
        return failed;
    }
    auto sub_where = found.begin()->endpoint();
    if (options.sub_host || options.sub_port) {
        const auto sub_found = resolver.resolve(options.sub_host.value_or(options.host),
                                                std::to_string(options.sub_port.value_or(options.port)),
                                                error);
        if (error || sub_found.empty()) {
            run_results failed;
            failed.status = run_status::unreachable;
            failed.reason = "cannot resolve " + options.sub_host.value_or(options.host) + ": " +
                            error.message();
            return failed;
        }
        sub_where = sub_found.begin()->endpoint();
    }
    detail::engine engine(options, found.begin()->endpoint(), sub_where);
    return engine.run();
}

} // namespace emqx::perf
