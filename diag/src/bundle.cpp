// Writing and reading the bundle's tar.gz with libarchive, and its manifest.
#include <emqx/diag/bundle.hpp>
#include <emqx/diag/log_record.hpp>
#include <emqx/diag/sha256.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emqx::diag {

namespace fs = std::filesystem;

std::string archive_name(std::string_view name) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(name.size());
    for (const char ch : name) {
        const auto byte = static_cast<unsigned char>(ch);
        if (byte >= 0x20 && byte < 0x7F && ch != '%') {
            out += ch;
        } else {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
    return out;
}

nlohmann::json make_manifest(const std::vector<bundle_file>& files,
                             const std::vector<missing_item>& missing, bool redacted,
                             std::int64_t created_ms) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : files) {
        list.push_back({{"name", archive_name(f.name)},
                        {"size", f.content.size()},
                        {"sha256", sha256_hex(f.content)},
                        {"source", f.source}});
    }
    nlohmann::json gaps = nlohmann::json::array();
    for (const auto& m : missing) {
        gaps.push_back({{"item", m.item}, {"reason", m.reason}});
    }
    return {{"schema", "emqxctl.diag-manifest/1"},
            {"created_at", format_timestamp(created_ms)},
            {"redacted", redacted},
            {"files", list},
            {"missing", gaps}};
}

namespace {

using archive_ptr = std::unique_ptr<archive, int (*)(archive*)>;

std::string archive_problem(archive* a, const std::string& what) {
    const char* text = archive_error_string(a);
    return what + ": " + (text != nullptr ? text : "libarchive error");
}

expected<bool, std::string> write_entries(archive* a, const std::string& top,
                                          const std::vector<bundle_file>& files) {
    const std::time_t now = std::time(nullptr);
    for (const auto& f : files) {
        std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry{archive_entry_new(),
                                                                       archive_entry_free};
        const std::string name = archive_name(top) + "/" + archive_name(f.name);
        archive_entry_set_pathname(entry.get(), name.c_str());
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(f.content.size()));
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0600);
        archive_entry_set_mtime(entry.get(), now, 0);
        if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
            return unexpected{archive_problem(a, "cannot add " + name)};
        }
        if (!f.content.empty() &&
            archive_write_data(a, f.content.data(), f.content.size()) !=
                static_cast<la_ssize_t>(f.content.size())) {
            return unexpected{archive_problem(a, "cannot write " + name)};
        }
    }
    return true;
}

} // namespace

expected<std::uint64_t, std::string> write_tar_gz(const fs::path& path, const std::string& top,
                                                  const std::vector<bundle_file>& files) {
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path{"."};
    // Appended rather than "." + name: GCC 12 warns (-Wrestrict) about that form in release.
    std::string name = ".";
    name += path.filename().string();
    name += ".tmp-XXXXXX";
    std::string temp = (dir / name).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) {
        return unexpected{"cannot create a file in " + dir.string() + ": " + std::strerror(errno)};
    }
    ::fchmod(fd, 0600); // the bundle describes the system: readable by its owner only
    archive_ptr a{archive_write_new(), archive_write_free};
    archive_write_set_format_pax_restricted(a.get());
    archive_write_add_filter_gzip(a.get());
    auto fail = [&](std::string why) -> expected<std::uint64_t, std::string> {
        ::unlink(temp.c_str());
        return unexpected{std::move(why)};
    };
    if (archive_write_open_fd(a.get(), fd) != ARCHIVE_OK) {
        ::close(fd);
        return fail(archive_problem(a.get(), "cannot open " + temp));
    }
    if (auto written = write_entries(a.get(), top, files); !written) {
        archive_write_close(a.get());
        ::close(fd);
        return fail(written.error());
    }
    const bool closed = archive_write_close(a.get()) == ARCHIVE_OK;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!closed || !synced) {
        return fail("cannot finish " + temp);
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        return fail("cannot rename " + temp + " to " + path.string() + ": " + ec.message());
    }
    return static_cast<std::uint64_t>(fs::file_size(path, ec));
}

expected<std::vector<bundle_file>, std::string> read_tar_gz(const fs::path& path) {
    archive_ptr a{archive_read_new(), archive_read_free};
    archive_read_support_filter_all(a.get());
    archive_read_support_format_all(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 64 * 1024) != ARCHIVE_OK) {
        return unexpected{archive_problem(a.get(), "cannot open " + path.string())};
    }
    std::vector<bundle_file> files;
    archive_entry* entry = nullptr;
    while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
        const char* stored = archive_entry_pathname(entry);
        std::string name = stored != nullptr ? stored : "";
        name = name.substr(name.find('/') + 1);
        std::string content;
        std::array<char, 65536> chunk{};
        for (la_ssize_t n = 0; (n = archive_read_data(a.get(), chunk.data(), chunk.size())) > 0;) {
            content.append(chunk.data(), static_cast<std::size_t>(n));
        }
        files.push_back({std::move(name), std::move(content), path.string()});
    }
    return files;
}

} // namespace emqx::diag
