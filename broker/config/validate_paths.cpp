// Checks of the paths the broker will write: log.file and node.data_dir (validate.hpp).
#include "config/parse.hpp"
#include "config/validate.hpp"

#include <unistd.h>

#include <filesystem>

namespace emqx::broker::config {

namespace {

namespace fs = std::filesystem;

void add(problems& out,
         const settings& config,
         severity level,
         std::string_view key,
         const std::string& value,
         std::string message) {
    out.push_back(problem{.level = level,
                          .key = std::string{key},
                          .value = value,
                          .message = std::move(message),
                          .where = where_from(config, key)});
}

bool writable(const fs::path& path) {
    return ::access(path.c_str(), W_OK) == 0;
}

void check_log_file(const settings& config, problems& out) {
    const std::string& file = config.log.file;
    if (file.empty()) {
        return;
    }
    const fs::path path{file};
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path{"."};
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        add(out,
            config,
            severity::error,
            "log.file",
            file,
            "is a directory; name a file in it, e.g. emqxd.log");
    } else if (!fs::is_directory(dir, ec)) {
        add(out,
            config,
            severity::error,
            "log.file",
            file,
            cat({"its directory ",
                 dir.string(),
                 " does not exist; create it, or leave log.file empty to log to stderr"}));
    } else if (fs::exists(path, ec) ? !writable(path) : !writable(dir)) {
        add(out,
            config,
            severity::error,
            "log.file",
            file,
            "cannot be written by this user; fix the permissions, or leave log.file empty to "
            "log to stderr");
    }
}

void check_data_dir(const settings& config, problems& out) {
    const std::string& dir = config.node.data_dir;
    if (dir.empty()) {
        return;
    }
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        add(out,
            config,
            severity::warning,
            "node.data_dir",
            dir,
            "does not exist yet; create it (under systemd: StateDirectory=emqxd)");
    } else if (!fs::is_directory(dir, ec)) {
        add(out, config, severity::error, "node.data_dir", dir, "is not a directory");
    } else if (!writable(dir)) {
        add(out,
            config,
            severity::error,
            "node.data_dir",
            dir,
            "cannot be written by this user; fix the permissions");
    }
}

} // namespace

void check_paths(const settings& config, problems& out) {
    check_log_file(config, out);
    check_data_dir(config, out);
}

} // namespace emqx::broker::config
