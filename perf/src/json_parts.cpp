// Latency summaries and percentile curves as JSON, shared by every scenario's document.
#include "json_parts.hpp"

namespace emqx::perf::detail {

namespace {

double us(double ns) {
    return ns / 1e3;
}

} // namespace

json latency_json(const histogram& h) {
    const auto at = [&](double p) { return us(static_cast<double>(h.percentile(p))); };
    return {
        {"count", h.count()},
        {"min", us(static_cast<double>(h.min()))},
        {"p50", at(50)},
        {"p90", at(90)},
        {"p95", at(95)},
        {"p99", at(99)},
        {"p99_9", at(99.9)},
        {"max", us(static_cast<double>(h.max()))},
        {"mean", us(h.mean())},
    };
}

json percentile_curve(const histogram& h) {
    json curve = json::array();
    if (h.count() == 0) {
        return curve;
    }
    for (const double p : {0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 95.0, 99.0,
                           99.9, 99.99, 100.0}) {
        curve.push_back(json::array({p, us(static_cast<double>(h.percentile(p)))}));
    }
    return curve;
}

} // namespace emqx::perf::detail
