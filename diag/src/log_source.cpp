// Reading plain and gzip log files line by line (zlib reads both) and merging them by time.
#include <emqx/diag/log_source.hpp>

#include <zlib.h>

#include <algorithm>
#include <functional>

namespace emqx::diag {

namespace fs = std::filesystem;

expected<line_reader, std::string> line_reader::open(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        return unexpected{path.string() + " is a directory"};
    }
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) {
        return unexpected{"cannot open " + path.string()};
    }
    gzbuffer(file, 128 * 1024);
    line_reader reader;
    reader.gz_ = file;
    return reader;
}

line_reader::line_reader(line_reader&& other) noexcept
    : gz_(std::exchange(other.gz_, nullptr)), buffer_(std::move(other.buffer_)),
      start_(other.start_), eof_(other.eof_), error_(std::move(other.error_)) {}

line_reader& line_reader::operator=(line_reader&& other) noexcept {
    if (this != &other) {
        if (gz_ != nullptr) {
            gzclose(static_cast<gzFile>(gz_));
        }
        gz_ = std::exchange(other.gz_, nullptr);
        buffer_ = std::move(other.buffer_);
        start_ = other.start_;
        eof_ = other.eof_;
        error_ = std::move(other.error_);
    }
    return *this;
}

line_reader::~line_reader() {
    if (gz_ != nullptr) {
        gzclose(static_cast<gzFile>(gz_));
    }
}

bool line_reader::next(std::string& line) {
    constexpr std::size_t chunk = 64 * 1024;
    for (;;) {
        const auto newline = buffer_.find('\n', start_);
        if (newline != std::string::npos) {
            line.assign(buffer_, start_, newline - start_);
            start_ = newline + 1;
            return true;
        }
        if (eof_) {
            if (start_ < buffer_.size()) {
                line.assign(buffer_, start_);
                start_ = buffer_.size();
                return true;
            }
            return false;
        }
        buffer_.erase(0, start_);
        start_ = 0;
        const std::size_t old = buffer_.size();
        buffer_.resize(old + chunk);
        const int n = gzread(static_cast<gzFile>(gz_), buffer_.data() + old,
                             static_cast<unsigned>(chunk));
        if (n < 0) {
            int code = 0;
            error_ = gzerror(static_cast<gzFile>(gz_), &code);
            buffer_.resize(old);
            eof_ = true;
        } else {
            buffer_.resize(old + static_cast<std::size_t>(n));
            eof_ = n == 0;
            int code = Z_OK;
            const char* message = gzerror(static_cast<gzFile>(gz_), &code);
            if (eof_ && code != Z_OK) {
                // A cut .gz ends without an error from gzread, only here (Z_BUF_ERROR).
                error_ = message;
            }
        }
    }
}

std::vector<fs::path> expand_log_paths(const std::vector<std::string>& paths) {
    std::vector<fs::path> files;
    for (const auto& given : paths) {
        std::error_code ec;
        if (!fs::is_directory(given, ec)) {
            files.emplace_back(given);
            continue;
        }
        std::vector<fs::path> found;
        for (const auto& entry : fs::directory_iterator(given, ec)) {
            const auto name = entry.path().filename().string();
            if (entry.is_regular_file(ec) && name.find(".log") != std::string::npos) {
                found.push_back(entry.path());
            }
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

std::string node_of_file(const fs::path& path) {
    if (auto reader = line_reader::open(path)) {
        std::string line;
        for (int i = 0; i < 200 && reader.value().next(line); ++i) {
            const auto record = parse_line(line);
            if (record && record.value().message == "configuration loaded" &&
                !record.value().field("node").empty()) {
                return std::string{record.value().field("node")};
            }
        }
    }
    const std::string name = path.filename().string();
    return name.substr(0, name.find('.'));
}

struct merged_logs::source {
    std::optional<line_reader> reader;
    std::string line;
};

merged_logs::merged_logs(const std::vector<fs::path>& files) {
    for (const auto& path : files) {
        auto s = std::make_unique<source>();
        file_stats stats;
        stats.path = path.string();
        if (auto reader = line_reader::open(path)) {
            s->reader.emplace(std::move(reader).value());
            stats.node = node_of_file(path);
        } else {
            stats.error = reader.error();
        }
        sources_.push_back(std::move(s));
        stats_.push_back(std::move(stats));
    }
    heads_.resize(sources_.size());
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        heads_[i] = read_from(i);
        if (heads_[i]) {
            heap_.emplace_back(heads_[i]->unix_ms, i);
        }
    }
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>{});
}

merged_logs::~merged_logs() = default;

std::optional<log_record> merged_logs::read_from(std::size_t index) {
    auto& s = *sources_[index];
    auto& stats = stats_[index];
    if (!s.reader) {
        return std::nullopt;
    }
    while (s.reader->next(s.line)) {
        ++stats.lines;
        auto record = parse_line(s.line);
        if (record) {
            ++stats.parsed;
            record.value().node = stats.node;
            return std::move(record).value();
        }
        if (record.error() == parse_failure::blank) {
            continue;
        }
        ++stats.unparsable;
        if (bad_lines_.size() < 20) {
            bad_lines_.push_back({stats.path, stats.lines, record.error()});
        }
    }
    if (!s.reader->error().empty()) {
        stats.error = s.reader->error();
    }
    s.reader.reset();
    return std::nullopt;
}

std::optional<log_record> merged_logs::next() {
    if (heap_.empty()) {
        return std::nullopt;
    }
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    const std::size_t index = heap_.back().second;
    heap_.pop_back();
    std::optional<log_record> record = std::move(heads_[index]);
    heads_[index] = read_from(index);
    if (heads_[index]) {
        heap_.emplace_back(heads_[index]->unix_ms, index);
        std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
    }
    return record;
}

} // namespace emqx::diag
