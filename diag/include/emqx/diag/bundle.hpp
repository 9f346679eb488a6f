// The contents of a diagnostics bundle and writing it as a gzip-compressed tar (libarchive),
// atomically: a temporary file in the target's directory, renamed into place when complete.
#pragma once

#include <emqx/base/expected.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::diag {

/// One file of the bundle: its path inside the archive, its bytes, and how it was obtained
/// ("GET http://127.0.0.1:8082/metrics", "/proc/meminfo", ...).
struct bundle_file {
    std::string name;
    std::string content;
    std::string source;
};

/// Something that could not be collected, and why.
struct missing_item {
    std::string item;
    std::string reason;
};

/// A file's name as it is stored in the archive and listed in the manifest: printable ASCII
/// stays, every other byte and '%' become %XX ("node1-\xff.log" -> "node1-%FF.log"). Plain
/// ASCII needs no charset translation, which libarchive cannot do in the C locale, and the
/// mapping is one to one, so names stay distinct. The manifest's sources keep the real paths.
[[nodiscard]] std::string archive_name(std::string_view name);

/// manifest.json: every file (by archive_name) with size, SHA-256 and source; every missing
/// item with its reason (schema "emqxctl.diag-manifest/1").
[[nodiscard]] nlohmann::json make_manifest(const std::vector<bundle_file>& files,
                                           const std::vector<missing_item>& missing,
                                           bool redacted, std::int64_t created_ms);

/// Writes `files` under the directory `top` in a .tar.gz at `path`, atomically, each name (and
/// `top`) as archive_name makes it. Returns the size in bytes of the archive written.
[[nodiscard]] expected<std::uint64_t, std::string>
write_tar_gz(const std::filesystem::path& path, const std::string& top,
             const std::vector<bundle_file>& files);

/// Reads a .tar.gz back: every regular file's path (without `top`) and content. For tests and
/// for `diag` checks of a bundle.
[[nodiscard]] expected<std::vector<bundle_file>, std::string>
read_tar_gz(const std::filesystem::path& path);

} // namespace emqx::diag
