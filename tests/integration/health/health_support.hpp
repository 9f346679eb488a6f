// What the health integration tests share: running emqxctl to its end with a bound, and an
// emqxd whose HTTP address is known.
#pragma once

#include "emqxd_process.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace emqx::test::health {

struct ctl_result {
    int status = -1;
    std::string out;
    std::string err;
};

/// Runs emqxctl with `args` (no cluster file: EMQXCTL_CLUSTER_DIR points nowhere), waits up
/// to 30 s, kills it after that.
inline ctl_result run_ctl(std::vector<std::string> args) {
    args.insert(args.begin(), EMQXCTL_PATH);
    ::setenv("EMQXCTL_CLUSTER_DIR", "/nonexistent/emqxctl-health-test", 1);
    child_process ctl{std::move(args), "emqxctl", {"EMQXCTL_PASSWORD", "EMQXCTL_TOKEN", "NO_COLOR"}};
    int status = ctl.wait(30s);
    if (status == -1) {
        status = ctl.stop(SIGKILL);
    }
    return {status, ctl.out(), ctl.err()};
}

/// "127.0.0.1:PORT" of a listener of `node`.
inline std::string address_of(const emqxd_process& node, std::string_view listener) {
    return "127.0.0.1:" + std::to_string(node.listener_port(listener));
}

/// The check `scope`/`name` in an emqxctl.health/1 document, or null.
inline nlohmann::json
find_check(const nlohmann::json& doc, const std::string& scope, const std::string& name) {
    for (const auto& c : doc.at("checks")) {
        if (c.at("scope") == scope && c.at("name") == name) {
            return c;
        }
    }
    return nullptr;
}

} // namespace emqx::test::health
