// CPU time of this process (getrusage) and of another one (/proc/PID/stat).
#include <emqx/perf/cpu_time.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace emqx::perf {

namespace {

double seconds_of(const timeval& t) noexcept {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

} // namespace

double own_cpu_seconds() noexcept {
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0) {
        return 0.0;
    }
    return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

std::optional<double> process_cpu_seconds(int pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    // The command name (field 2) is in parentheses and may hold spaces: count from its end.
    const auto close = text.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(text.substr(close + 1));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    // After ")" come field 3 (state) onwards; utime and stime are fields 14 and 15 (proc(5)).
    for (int number = 3; number <= 15 && fields >> field; ++number) {
        if (number == 14) {
            utime = std::stoull(field);
        } else if (number == 15) {
            stime = std::stoull(field);
            const long ticks = ::sysconf(_SC_CLK_TCK);
            return static_cast<double>(utime + stime) / static_cast<double>(ticks > 0 ? ticks : 100);
        }
    }
    return std::nullopt;
}

} // namespace emqx::perf
