// Label values of the broker's counters.
#include "engine/metrics.hpp"

namespace emqx::broker {

std::string_view drop_reason_name(drop_reason reason) noexcept {
    switch (reason) {
    case drop_reason::no_subscribers: return "no_subscribers";
    case drop_reason::queue_full: return "queue_full";
    case drop_reason::expired: return "expired";
    case drop_reason::too_large: return "too_large";
    case drop_reason::slow_consumer: return "slow_consumer";
    case drop_reason::awaiting_rel_full: return "awaiting_rel_full";
    case drop_reason::count_: break;
    }
    return "unknown";
}

} // namespace emqx::broker
