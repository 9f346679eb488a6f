// The --version line, kept in one place so that every program prints the same thing.
#include <emqx/base/version.hpp>

#include <string>

namespace emqx {

std::string version_line(std::string_view program) {
    std::string line{program};
    line += ' ';
    line += version_string;
#ifdef NDEBUG
    line += " (release)";
#else
    line += " (debug)";
#endif
    return line;
}

} // namespace emqx
