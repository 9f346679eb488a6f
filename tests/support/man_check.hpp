// Checking that a program's --help and its man page agree: every option the help prints must
// appear in the page (STYLE.md: "a test runs --help of every command and checks that each
// option appears in its man page").
#pragma once

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace emqx::test {

/// The text of man page `relative` (e.g. "man/emqxd.8") under the source tree, with roff's
/// "\-" written as "-" so that options can be searched as typed.
inline std::string man_page_text(const std::string& source_dir, const std::string& relative) {
    std::ifstream in{source_dir + "/" + relative};
    std::stringstream text;
    text << in.rdbuf();
    return std::regex_replace(text.str(), std::regex{R"(\\-)"}, "-");
}

/// The options (-x, --long-name) in a --help text.
inline std::vector<std::string> options_in_help(const std::string& help) {
    static const std::regex option{R"((^|[\s,])(--?[a-zA-Z][a-zA-Z-]*))"};
    std::vector<std::string> found;
    for (auto it = std::sregex_iterator{help.begin(), help.end(), option};
         it != std::sregex_iterator{}; ++it) {
        found.push_back((*it)[2]);
    }
    return found;
}

} // namespace emqx::test
