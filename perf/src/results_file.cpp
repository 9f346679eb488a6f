// results.json, the CSV files and the results directory of a run.
#include <emqx/client/json_text.hpp>
#include <emqx/perf/results_file.hpp>

#include <ctime>
#include <fstream>

namespace emqx::perf {

namespace {

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (const char c : text) {
        out += c == '"' ? std::string{"\"\""} : std::string(1, c);
    }
    return out + "\"";
}

std::string scalar_text(const ordered_json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_null()) {
        return "";
    }
    return client::json_text(value);
}

void flatten(const ordered_json& node, const std::string& prefix, std::string& out) {
    for (const auto& [key, value] : node.items()) {
        const std::string name = prefix.empty() ? key : prefix + "." + key;
        if (value.is_object()) {
            flatten(value, name, out);
        } else if (!value.is_array()) {
            out += csv_field(name) + "," + csv_field(scalar_text(value)) + "\n";
        }
    }
}

std::string time_text(const char* pattern, bool utc) {
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    if (utc) {
        ::gmtime_r(&now, &parts);
    } else {
        ::localtime_r(&now, &parts);
    }
    char text[64];
    std::strftime(text, sizeof text, pattern, &parts);
    return text;
}

std::optional<std::string> write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
        return "cannot write " + path.string();
    }
    return std::nullopt;
}

} // namespace

ordered_json environment_json(const environment& env) {
    return {
        {"cpu_model", env.cpu_model},
        {"cores", env.cores},
        {"kernel", env.kernel},
        {"hostname", env.hostname},
        {"ulimit_nofile", {{"soft", env.nofile_soft}, {"hard", env.nofile_hard}}},
        {"ip_local_port_range", env.port_range},
        {"tool_version", env.tool_version},
    };
}

ordered_json make_results(const results_context& context,
                          const std::vector<std::pair<std::string, ordered_json>>& scenarios) {
    ordered_json all = ordered_json::object();
    for (const auto& [name, document] : scenarios) {
        all[name] = document;
    }
    return {
        {"schema", "emqxctl.perf-results/1"},
        {"created", context.created.empty() ? utc_now() : context.created},
        {"tool", "emqxctl " + context.env.tool_version},
        {"broker",
         {{"address", context.broker_address},
          {"version", context.broker_version ? ordered_json(*context.broker_version)
                                             : ordered_json(nullptr)}}},
        {"environment", environment_json(context.env)},
        {"parameters", context.parameters},
        {"scenarios", all},
    };
}

std::string to_csv(const ordered_json& scenario) {
    std::string out = "metric,value\n";
    if (scenario.is_object()) {
        flatten(scenario, "", out);
    }
    return out;
}

std::string per_second_csv(const ordered_json& scenario) {
    if (!scenario.is_object() || !scenario.contains("per_second") ||
        !scenario["per_second"].is_array() || scenario["per_second"].empty()) {
        return {};
    }
    const auto& series = scenario["per_second"];
    std::vector<std::string> columns;
    for (const auto& [key, value] : series.front().items()) {
        columns.push_back(key);
    }
    std::string out = "second";
    for (const auto& c : columns) {
        out += "," + c;
    }
    out += "\n";
    std::size_t second = 0;
    for (const auto& sample : series) {
        out += std::to_string(second++);
        for (const auto& c : columns) {
            // Appended in two steps: `"," + std::string&&` trips GCC 12's -Wrestrict at -O3.
            out += ',';
            if (sample.contains(c)) {
                out += scalar_text(sample[c]);
            }
        }
        out += "\n";
    }
    return out;
}

std::string results_dir_name() {
    return "perf-results-" + time_text("%Y%m%d-%H%M%S", false);
}

std::string utc_now() {
    return time_text("%Y-%m-%dT%H:%M:%SZ", true);
}

std::optional<std::string> write_results(const std::filesystem::path& dir,
                                         const ordered_json& results) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        return "cannot create " + dir.string() + ": " + error.message();
    }
    if (auto problem = write_file(dir / "results.json", client::json_text(results, 2) + "\n")) {
        return problem;
    }
    if (results.contains("scenarios")) {
        for (const auto& [name, scenario] : results["scenarios"].items()) {
            if (auto problem = write_file(dir / (name + ".csv"), to_csv(scenario))) {
                return problem;
            }
            const std::string series = per_second_csv(scenario);
            if (!series.empty()) {
                if (auto problem = write_file(dir / (name + "-per-second.csv"), series)) {
                    return problem;
                }
            }
        }
    }
    return write_file(dir / "report.html", to_html(results));
}

} // namespace emqx::perf
