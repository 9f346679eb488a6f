// The documentation agrees with the code: every key and variable in man/emqxd.yaml.5, nothing
// documented that is not accepted, and share/etc/emqxd.yaml loads without a problem.
#include "config/environment.hpp"
#include "config/keys.hpp"
#include "config/load.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace emqx::broker::config;
namespace fs = std::filesystem;

namespace {

/// The source tree: $EMQX_SOURCE_DIR, else found from this file's own path.
fs::path source_dir() {
    if (const char* dir = std::getenv("EMQX_SOURCE_DIR")) {
        return dir;
    }
    return fs::path{__FILE__}.parent_path() / "../../..";
}

std::string read_text(const fs::path& path) {
    std::ifstream in{path};
    REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The lines of the man page's section `name` (from ".SH name" to the next ".SH").
std::vector<std::string> section_lines(const std::string& page, std::string_view name) {
    std::istringstream in{page};
    std::vector<std::string> lines;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(".SH ")) {
            auto title = std::string_view{line}.substr(4);
            if (title.size() >= 2 && title.front() == '"' && title.back() == '"') {
                title = title.substr(1, title.size() - 2);
            }
            inside = title == name;
        } else if (inside) {
            lines.push_back(line);
        }
    }
    return lines;
}

/// The key paths the OPTIONS section documents: the tag of each entry (".TP" then ".B key").
std::vector<std::string> documented_keys(const std::string& page) {
    std::vector<std::string> keys;
    bool tag_next = false;
    for (const auto& line : section_lines(page, "OPTIONS")) {
        if (tag_next && line.starts_with(".B ")) {
            keys.push_back(line.substr(3));
        }
        tag_next = line == ".TP";
    }
    return keys;
}

} // namespace

TEST_SUITE("broker::config::docs") {
    TEST_CASE("every accepted key is documented in the OPTIONS of emqxd.yaml(5)") {
        const auto page = read_text(source_dir() / "man/emqxd.yaml.5");
        const auto documented = documented_keys(page);
        for (const auto& key : accepted_keys()) {
            CAPTURE(key);
            CHECK(std::find(documented.begin(), documented.end(), key) != documented.end());
        }
    }

    TEST_CASE("every key documented in emqxd.yaml(5) is accepted") {
        const auto page = read_text(source_dir() / "man/emqxd.yaml.5");
        const auto accepted = accepted_keys();
        const auto documented = documented_keys(page);
        CHECK(documented.size() == accepted.size());
        for (const auto& key : documented) {
            CAPTURE(key);
            CHECK(std::find(accepted.begin(), accepted.end(), key) != accepted.end());
        }
    }

    TEST_CASE("every environment variable is documented in the ENVIRONMENT of emqxd.yaml(5)") {
        const auto page = read_text(source_dir() / "man/emqxd.yaml.5");
        const auto lines = section_lines(page, "ENVIRONMENT");
        std::vector<std::string_view> names{config_variable};
        for (const auto& var : environment_variables()) {
            names.push_back(var.name);
        }
        for (const auto name : names) {
            CAPTURE(name);
            const auto line = std::string{".B "}.append(name);
            CHECK(std::find(lines.begin(), lines.end(), line) != lines.end());
        }
    }

    TEST_CASE("the example share/etc/emqxd.yaml loads without any problem") {
        const auto path = source_dir() / "share/etc/emqxd.yaml";
        const auto result = load({.config_file = path});
        for (const auto& p : result.found) {
            FAIL_CHECK(format(p));
        }
        CHECK(result.ok());
        CHECK(result.config_file == path);
    }

    TEST_CASE("the example share/etc/emqxd.yaml shows every key") {
        const auto example = read_text(source_dir() / "share/etc/emqxd.yaml");
        for (const auto& key : accepted_keys()) {
            const auto leaf = key.substr(key.rfind('.') + 1) + ":";
            CAPTURE(key);
            CHECK(example.find(leaf) != std::string::npos);
        }
    }
}
