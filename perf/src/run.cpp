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
    detail::engine engine(options, found.begin()->endpoint());
    return engine.run();
}

} // namespace emqx::perf
