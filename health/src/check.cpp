// Verdicts: names, exit statuses, and which of two is worse.
#include <emqx/health/check.hpp>

namespace emqx::health {

std::string_view to_string(verdict v) noexcept {
    switch (v) {
    case verdict::ok: return "OK";
    case verdict::warning: return "WARNING";
    case verdict::critical: return "CRITICAL";
    case verdict::unknown: return "UNKNOWN";
    case verdict::skipped: return "SKIPPED";
    }
    return "UNKNOWN";
}

int exit_status_of(verdict v) noexcept {
    return v == verdict::skipped ? 0 : static_cast<int>(v);
}

verdict worse(verdict a, verdict b) noexcept {
    return exit_status_of(a) >= exit_status_of(b) ? (a == verdict::skipped ? b : a) : b;
}

verdict report::overall() const noexcept {
    verdict worst = verdict::ok;
    for (const auto& c : checks) {
        worst = worse(worst, c.state);
    }
    return worst == verdict::skipped ? verdict::ok : worst;
}

} // namespace emqx::health
