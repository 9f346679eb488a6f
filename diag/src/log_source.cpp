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
    reader.lines_ = std::make_unique<line_splitter>();
    return reader;
}

line_reader::line_reader(line_reader&& other) noexcept
    : gz_(std::exchange(other.gz_, nullptr)), lines_(std::move(other.lines_)), eof_(other.eof_),
      error_(std::move(other.error_)) {}

line_reader& line_reader::operator=(line_reader&& other) noexcept {
    if (this != &other) {
        if (gz_ != nullptr) {
            gzclose(static_cast<gzFile>(gz_));
        }
        gz_ = std::exchange(other.gz_, nullptr);
        lines_ = std::move(other.lines_);
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
    std::string_view view;
    if (!next(view)) {
        return false;
    }
    line.assign(view);
    return true;
}

bool line_reader::next(std::string_view& line) {
    for (;;) {
        if (lines_->next(line)) {
            return true;
        }
        if (eof_) {
            return false;
        }
        const auto room = lines_->space();
        // zlib reads a plain file straight into `room` when the request is at least its buffer.
        const int n = gzread(static_cast<gzFile>(gz_), room.data(),
                             static_cast<unsigned>(std::min<std::size_t>(room.size(), 1U << 30)));
        if (n > 0) {
            lines_->commit(static_cast<std::size_t>(n));
            continue;
        }
        eof_ = true;
        lines_->finish();
        int code = Z_OK;
        const char* message = gzerror(static_cast<gzFile>(gz_), &code);
        // A cut .gz ends without an error from gzread, only here (Z_BUF_ERROR).
        if (n < 0 || code != Z_OK) {
            error_ = message;
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

struct merged_views::source {
    std::optional<line_reader> reader;
    log_view head;
};

merged_views::merged_views(const std::vector<fs::path>& files) {
    for (const auto& path : files) {
        auto s = std::make_unique<source>();
        file_stats stats;
        stats.path = path.string();
        if (auto reader = line_reader::open(path)) {
            s->reader.emplace(std::move(reader).value());
            s->head.shapes = make_line_shapes();
            stats.node = node_of_file(path);
        } else {
            stats.error = reader.error();
        }
        sources_.push_back(std::move(s));
        stats_.push_back(std::move(stats));
    }
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        if (read_from(i)) {
            heap_.emplace_back(sources_[i]->head.unix_ms, i);
        }
    }
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>{});
}

merged_views::~merged_views() = default;

bool merged_views::read_from(std::size_t index) {
    auto& s = *sources_[index];
    auto& stats = stats_[index];
    if (!s.reader) {
        return false;
    }
    std::string_view line;
    while (s.reader->next(line)) {
        ++stats.lines;
        const auto& lines = s.reader->lines();
        const bool fast =
            lines.terminated() && parse_text_fast(line, lines.classes(), lines.position(line), s.head);
        const auto failure = fast ? std::nullopt : parse_line_view(line, s.head);
        if (!failure) {
            ++stats.parsed;
            s.head.node = stats.node;
            return true;
        }
        if (*failure == parse_failure::blank) {
            continue;
        }
        ++stats.unparsable;
        if (bad_lines_.size() < 20) {
            bad_lines_.push_back({stats.path, stats.lines, *failure});
        }
    }
    if (!s.reader->error().empty()) {
        stats.error = s.reader->error();
    }
    s.reader.reset();
    return false;
}

const log_view* merged_views::next() {
    if (sources_.size() == 1) {
        // One file: nothing to merge, no heap.
        bool more = false;
        if (started_) {
            more = read_from(0);
        } else {
            more = !heap_.empty(); // the first record, read by the constructor
            heap_.clear();
        }
        started_ = more;
        return more ? &sources_[0]->head : nullptr;
    }
    // The head returned last is used up only now, so that its line stays valid until here.
    if (started_ && read_from(current_)) {
        heap_.emplace_back(sources_[current_]->head.unix_ms, current_);
        std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
    }
    started_ = true;
    if (heap_.empty()) {
        started_ = false;
        return nullptr;
    }
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    current_ = heap_.back().second;
    heap_.pop_back();
    return &sources_[current_]->head;
}

std::optional<log_record> merged_logs::next() {
    const log_view* view = views_.next();
    if (view == nullptr) {
        return std::nullopt;
    }
    return view->to_record();
}

} // namespace emqx::diag
