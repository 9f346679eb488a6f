// The log parser's fast path against the full one (issue 8): parse_text_fast against
// parse_line_view on generated emqxd lines and mutations of them, placed inside larger buffers;
// and the line_splitter's classes and positions with input fed in odd pieces. Fixed seeds.
#include "log_fast_support.hpp"
#include "log_view_diff.hpp"
#include "splitter_feed.hpp"

namespace {

using namespace log_fast_support;
using log_view_diff::differences;

std::string describe(const log_view& v) {
    std::string out = "unix_ms=" + std::to_string(v.unix_ms) +
                      " level=" + std::string{level_name(v.level)} + " component=[" +
                      escape(v.component) + "] message=[" + escape(v.message) + "] fields={";
    for (const auto& f : v.fields) {
        out +=
            " [" + escape(f.key) + "]=[" + escape(f.value) + "]" + (f.escaped ? "(escaped)" : "");
    }
    out += " } known=";
    for (const auto slot : v.known) {
        out += std::to_string(unsigned{slot}) + ",";
    }
    return out;
}

// Runs both parsers on lines, keeps the disagreements (the shortest lines first).
class differential {
public:
    struct problem {
        std::string line;
        std::size_t at;
        std::string what;
    };

    differential() {
        shaped_.shapes = make_line_shapes();
        shared_.shapes = make_line_shapes();
    }

    /// Parses `line` (at `at` of the buffer `classes` describe, '\n' after it) with the fast
    /// path and with the full parser, each with its own view (kept across lines, or `fresh`),
    /// with the fast path remembering line shapes (unless `fresh`), and once more as the
    /// reader does (one view with shapes: fast path, full parser when it declines).
    /// Returns whether the fast path (without shapes) accepted the line.
    bool check(std::string_view line, const byte_classes& classes, std::size_t at, bool fresh) {
        ++lines_;
        std::unique_ptr<log_view> fresh_fast;
        std::unique_ptr<log_view> fresh_full;
        if (fresh) {
            fresh_fast = std::make_unique<log_view>();
            fresh_full = std::make_unique<log_view>();
        }
        log_view& fast = fresh ? *fresh_fast : fast_;
        log_view& full = fresh ? *fresh_full : full_;
        const bool accepted = parse_text_fast(line, classes, at, fast);
        const auto failure = parse_line_view(line, full);
        if (accepted) {
            ++accepted_;
            if (failure) {
                note(line,
                     at,
                     "the fast path accepted it, the full parser failed (" +
                         std::string{failure_name(*failure)} + ")\n    fast: " + describe(fast));
            } else if (const auto d = differences(fast, full); !d.empty()) {
                note(line,
                     at,
                     "they differ in " + d + "\n    fast: " + describe(fast) +
                         "\n    full: " + describe(full));
            }
        }
        if (!fresh && parse_text_fast(line, classes, at, shaped_)) {
            shaped_lines_ += shaped_.shape != 0 ? 1U : 0U;
            if (failure) {
                note(line,
                     at,
                     "the shape path accepted it, the full parser failed\n    fast: " +
                         describe(shaped_));
            } else if (const auto d = differences(shaped_, full); !d.empty()) {
                note(line,
                     at,
                     "with shapes they differ in " + d + "\n    fast: " + describe(shaped_) +
                         "\n    full: " + describe(full));
            }
        }
        const bool shared_ok =
            parse_text_fast(line, classes, at, shared_) || !parse_line_view(line, shared_);
        if (shared_ok != !failure) {
            note(line,
                 at,
                 std::string{"one view for both: "} + (shared_ok ? "parsed" : "failed") +
                     ", the full parser alone: " + (failure ? "failed" : "parsed"));
        } else if (shared_ok) {
            if (const auto d = differences(shared_, full); !d.empty()) {
                note(line,
                     at,
                     "one view for both differs from the full parser in " + d +
                         "\n    shared: " + describe(shared_) + "\n    full:   " + describe(full));
            }
        }
        return accepted;
    }

    void note(std::string_view line, std::size_t at, std::string what) {
        ++problems_;
        kept_.push_back({std::string{line}, at, std::move(what)});
        std::stable_sort(kept_.begin(), kept_.end(), [](const problem& x, const problem& y) {
            return x.line.size() < y.line.size();
        });
        if (kept_.size() > 6) {
            kept_.pop_back();
        }
    }

    [[nodiscard]] std::size_t problems() const noexcept { return problems_; }
    [[nodiscard]] std::size_t lines() const noexcept { return lines_; }
    [[nodiscard]] std::size_t accepted() const noexcept { return accepted_; }
    /// Lines the view with shapes parsed as (or learnt as) a known shape.
    [[nodiscard]] std::size_t shaped() const noexcept { return shaped_lines_; }

    [[nodiscard]] std::string report() const {
        std::string out = std::to_string(problems_) + " disagreements in " +
                          std::to_string(lines_) + " lines; the shortest:";
        for (const auto& p : kept_) {
            out += "\n  [" + escape(p.line) + "] (" + std::to_string(p.line.size()) + " bytes at " +
                   std::to_string(p.at) + "): " + p.what;
        }
        return out;
    }

private:
    log_view fast_;
    log_view full_;
    log_view shared_;
    log_view shaped_;
    std::size_t shaped_lines_ = 0;
    std::size_t lines_ = 0;
    std::size_t accepted_ = 0;
    std::size_t problems_ = 0;
    std::vector<problem> kept_;
};

// A buffer holding `content` and then the 64 bytes of junk that the line splitter's buffer has
// after its data: byte_classes::classify reads up to the next multiple of 64, and
// parse_text_fast reads a few bytes past a line's '\n' (8 at the level, 16 at a key). Exactly
// that long, so that AddressSanitizer sees any read further.
enum class expect : std::uint8_t { anything, realistic, cr, escape, control };

struct test_line {
    std::string text;
    expect kind = expect::anything;
};

// Lines that the fast path must decline, made from a realistic one; what the full parser must
// make of them is checked too.
test_line must_decline(rng& r, const line_parts& p) {
    std::string line = p.text();
    switch (r.pick(3)) {
    case 0: return {line + "\r", expect::cr};
    case 1: {
        static constexpr std::array<std::string_view, 5> escaped{R"( detail="say \"hi\"")",
                                                                 R"( reason="a\\b")",
                                                                 R"( reason="two\nlines")",
                                                                 R"( peer="\x41:1")",
                                                                 R"( detail="x\ y")"};
        return {line + std::string{r.of(escaped)}, expect::escape};
    }
    default: {
        static constexpr std::string_view controls = "\x01\x7f\x1b\x08\x0b\x0c\x1f\0"sv;
        line.insert(26 + r.pick(line.size() - 26), 1, r.of(controls));
        return {line, expect::control};
    }
    }
}

} // namespace

TEST_SUITE("diag::log_fast") {
    TEST_CASE("parse_text_fast gives exactly what parse_line_view gives, on generated and mutated "
              "lines") {
        rng r{0x5eed'0003};
        line_generator generator{r};
        std::vector<test_line> lines;
        std::size_t realistic = 0;
        for (std::size_t i = 0; i < 3000; ++i) {
            const line_parts p = generator.next();
            lines.push_back({p.text(), expect::realistic});
            ++realistic;
            for (std::size_t n = r.chance(30) ? 2U : r.chance(70) ? 1U : 0U; n > 0; --n) {
                lines.push_back({mutate(r, p), expect::anything});
            }
            if (r.chance(10)) {
                lines.push_back(must_decline(r, p));
            }
        }
        // Hand-written edges, each next to a realistic line.
        static constexpr auto edges = std::to_array<std::string_view>({
            "2026-11-22T08:15:30.123Z INFO  mqtt a b=c",
            "2026-11-22T08:15:30.123Z INFO  mqtt =x k=v",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k= v",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=a=b",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=v bare",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=v =x",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"a b\"c=d",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"a\"=c",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"a\"\"b\"",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"unterminated",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"",
            "2026-11-22T08:15:30.123Z INFO  mqtt   ",
            "2026-11-22T08:15:30.123Z INFO  mqtt",
            "2026-11-22T08:15:30.123Z INFO  mqtt ",
            "2026-11-22T08:15:30.123Z INFO ",
            "2026-11-22T08:15:30.123Z INFO",
            "2026-11-22T08:15:30.123Z I",
            "2026-11-22T08:15:30.123Z INFO mqtt m",
            "2026-11-22T08:15:30.123Z WARNING mqtt m",
            "2026-11-22T08:15:30.123Z warn mqtt m",
            "2026-11-22T08:15:30.123Z INFO  mqtt m reason=a reason=b peer=x peer=y",
            "2026-11-22T08:15:30.123Z INFO  mqtt msg\tk=v",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=v\t",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"\"",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=   ",
            "2026-11-22T08:15:30.123Z INFO  mqtt m   k=v   ",
            "2026-11-22T08:15:30.123Z INFO  mqtt \"quoted message\" k=v",
            "2026-11-22T08:15:30.123Z INFO  mqtt m \"x=y\" k=v",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=v\"w x\"",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k==v",
            "2026-11-22T08:15:30.123Z INFO  mqtt m k=v  ==",
            "2026-11-22T08:15:30.123Z INFO  mqtt m \xc3\xa9=v",
            "2026-11-22T08:15:60.999Z INFO  mqtt leap second",
            "2026-11-22T08:15:61.000Z INFO  mqtt bad second",
            "2026-11-22 08:15:30.123Z INFO  mqtt space for T",
            "2026-11-22T08:15:30.123+00:00 INFO  mqtt offset",
            "2026-11-22T08:15:30Z INFO  mqtt no fraction",
            " 2026-11-22T08:15:30.123Z INFO  mqtt leading space",
            "2026-11-22T08:15:30.123Z  INFO  mqtt two spaces",
            "2026-11-22T08:15:30.123Z INFO  mqtt m a=b bare c=d",
            "2026-11-22T08:15:30.123Z INFO  mqtt m a=\"b\"bare c=d",
            "2026-11-22T08:15:30.123Z INFO  mqtt m a=\"b\" bare",
            "2026-11-22T08:15:30.123Z INFO  mqtt m a=b  c=d  ",
            "2026-11-22T08:15:30.123Z INFO= mqtt m a=b",
            "2026-11-22T08:15:30.123Z INFO  mq=tt m a=b",
            "2026-11-22T08:15:30.123Z INFO  mqtt=x m a=b",
        });
        for (const auto edge : edges) {
            lines.push_back({std::string{edge}, expect::anything});
            lines.push_back({generator.next().text(), expect::realistic});
            ++realistic;
        }

        differential diff;
        byte_classes classes;
        std::size_t realistic_accepted = 0;
        std::size_t other_accepted = 0; // mutated lines and edges the fast path took
        std::size_t realistic_full_failed = 0;
        std::size_t crossing_three_words = 0;
        std::size_t declined_as_required = 0;
        std::size_t required_declines = 0;
        std::size_t chunks = 0;
        std::vector<std::string> wrong;
        for (std::size_t i = 0; i < lines.size(); ++chunks) {
            // A buffer of 1..40 lines, sometimes after a junk line, sometimes ending at a word's
            // end.
            std::string body;
            std::vector<std::size_t> offsets;
            const std::size_t first = i;
            for (std::size_t n = 1 + r.pick(40); n > 0 && i < lines.size(); --n, ++i) {
                offsets.push_back(body.size());
                body += lines[i].text;
                body += '\n';
            }
            std::string prefix;
            if (r.chance(25)) {
                const std::size_t missing = (64 - body.size() % 64) % 64;
                prefix = missing == 0 ? "" : junk_line(r, missing - 1) + "\n";
            } else if (r.chance(40)) {
                prefix = junk_line(r, r.pick(150)) + "\n";
            }
            const std::vector<char> buffer = with_slack(r, prefix + body);
            const std::size_t size = prefix.size() + body.size();
            if (chunks % 2 == 0) {
                classes.classify(buffer.data(), 0, size);
            } else {
                classes.classify_portable(buffer.data(), 0, size);
            }
            for (std::size_t j = 0; j < offsets.size(); ++j) {
                const test_line& t = lines[first + j];
                const std::size_t at = prefix.size() + offsets[j];
                const std::string_view line{buffer.data() + at, t.text.size()};
                crossing_three_words += (at % 64) + line.size() + 1 > 128 ? 1U : 0U;
                const bool accepted = diff.check(line, classes, at, r.chance(15));
                if (t.kind == expect::realistic) {
                    realistic_accepted += accepted ? 1U : 0U;
                    log_view view;
                    realistic_full_failed += parse_line_view(line, view) ? 1U : 0U;
                }
                if (t.kind == expect::anything) {
                    other_accepted += accepted ? 1U : 0U;
                }
                if (t.kind == expect::anything || t.kind == expect::realistic) {
                    continue;
                }
                ++required_declines;
                declined_as_required += accepted ? 0U : 1U;
                // What the full parser makes of them.
                log_view view;
                const auto failure = parse_line_view(line, view);
                bool right = false;
                if (t.kind == expect::cr) {
                    log_view without;
                    right = !failure &&
                            !parse_line_view(line.substr(0, line.size() - 1), without) &&
                            describe(view) == describe(without);
                } else if (t.kind == expect::escape) {
                    right = !failure && std::any_of(view.fields.begin(),
                                                    view.fields.end(),
                                                    [](const field_view& f) { return f.escaped; });
                } else {
                    right = failure == parse_failure::binary;
                }
                if (!right && wrong.size() < 10) {
                    wrong.push_back(escape(line));
                }
                if (accepted && wrong.size() < 10) {
                    wrong.push_back("fast path accepted: " + escape(line));
                }
            }
        }
        MESSAGE(diff.lines() << " lines in " << chunks << " buffers, " << realistic
                             << " realistic; fast path took " << diff.accepted() << " in all, "
                             << realistic_accepted << " of the realistic ones, " << other_accepted
                             << " mutated or edge ones; " << required_declines
                             << " lines it must decline; " << diff.shaped() << " by a known shape");
        CHECK_MESSAGE(diff.problems() == 0, diff.report());
        // Most realistic lines repeat a shape met before: the shape path must be taken.
        CHECK(diff.shaped() * 2 > realistic);
        CHECK(realistic_full_failed == 0);
        CHECK(realistic_accepted * 100 >= realistic * 95);
        CHECK(other_accepted > 500); // the comparison above is not only of realistic lines
        CHECK(crossing_three_words > 100);
        CHECK(required_declines > 100);
        CHECK(declined_as_required == required_declines);
        std::string all;
        for (const auto& w : wrong) {
            all += w + "\n";
        }
        CHECK_MESSAGE(wrong.empty(), all);
    }

    TEST_CASE("the comparison of two parses notices a difference in any member") {
        const std::string line = "2026-11-22T08:15:30.123Z INFO  mqtt m k=v reason=\"a b\" peer=x";
        log_view a;
        log_view b;
        REQUIRE_FALSE(parse_line_view(line, a));
        REQUIRE_FALSE(parse_line_view(line, b));
        CHECK(differences(a, b).empty());
        const std::string copy{line.begin(), line.end()};
        b.unix_ms += 1;
        CHECK(differences(a, b) == "unix_ms; ");
        b.unix_ms -= 1;
        b.level = log_level::warn;
        CHECK(differences(a, b) == "level; ");
        b.level = a.level;
        b.message = std::string_view{copy}.substr(
            static_cast<std::size_t>(a.message.data() - line.data()), a.message.size());
        CHECK(differences(a, b) == "message; "); // the same text elsewhere
        b.message = a.message;
        b.fields[1].escaped = true;
        CHECK(differences(a, b) == "field 1; ");
        b.fields[1].escaped = false;
        b.known[static_cast<std::size_t>(known_field::peer)] = 0;
        CHECK(differences(a, b) == "known; field(peer); ");
        b.known = a.known;
        b.fields.push_back({"x", "y", false});
        CHECK(differences(a, b) == "number of fields; ");
    }

    TEST_CASE("a key of a known shape that differs only in its middle bytes is not that key") {
        // " session_present=" is 17 bytes: its first and last eight do not cover its ninth.
        // Found by the fuzz target (tests/data/crashes/fuzz_log_parse/long-key-middle-byte):
        // the shaped path took "session[present=" for the key it had learnt.
        rng r{0x5eed'0005};
        differential diff;
        byte_classes classes;
        const std::string learnt = "2026-11-22T08:00:00.123Z INFO  mqtt client connected "
                                   "client_id=c1 peer=10.1.2.3:4567 keepalive=60 "
                                   "session_present=false";
        std::size_t changed = 0;
        for (const char middle : {'[', ':', '/', '"', '=', '\\', '.', '-', 'X'}) {
            for (const std::size_t offset : {std::size_t{8}, std::size_t{9}, std::size_t{16}}) {
                std::string other = learnt;
                const std::size_t key = other.find(" session_present=");
                other[key + offset] = middle; // 16: the '=' itself
                const std::string content = learnt + "\n" + other + "\n";
                const std::vector<char> buffer = with_slack(r, content);
                classes.classify(buffer.data(), 0, content.size());
                diff.check({buffer.data(), learnt.size()}, classes, 0, false);
                diff.check({buffer.data() + learnt.size() + 1, other.size()},
                           classes,
                           learnt.size() + 1,
                           false);
                changed += other != learnt ? 1U : 0U;
            }
        }
        CHECK(changed == 26); // all but "=" put at the "="
        CHECK(diff.shaped() > 0);
        CHECK_MESSAGE(diff.problems() == 0, diff.report());
    }

    TEST_CASE(
        "a short line that ends the data at a word's end: no read past the splitter's slack") {
        // The line's '\n' is the last byte of a 64-byte word and of the data; only the 64 bytes
        // of slack follow (under AddressSanitizer a read past them fails). The level and the
        // keys are read 8 and 16 bytes at a time, so they are put right before the end.
        rng r{0x5eed'0004};
        differential diff;
        byte_classes classes;
        std::size_t accepted = 0;
        for (const std::string_view text : {"2026-11-22T08:15:30.123Z I"sv,
                                            "2026-11-22T08:15:30.123Z INFO"sv,
                                            "2026-11-22T08:15:30.123Z INFO m"sv,
                                            "2026-11-22T08:15:30.123Z WARN m"sv,
                                            "2026-11-22T08:15:30.123Z INFO m x"sv,
                                            "2026-11-22T08:15:30.123Z DEBUG m"sv,
                                            "2026-11-22T08:15:30.123Z ERROR mqtt k=v"sv,
                                            "2026-11-22T08:15:30.123Z WARNING m"sv,
                                            "2026-11-22T08:15:30.123Z INFO  mqtt stopped"sv,
                                            "2026-11-22T08:15:30.123Z INFO m k="sv,
                                            "2026-11-22T08:15:30.123Z INFO m k=v"sv,
                                            "2026-11-22T08:15:30.123Z INFO m peer=1"sv,
                                            "2026-11-22T08:15:30.123Z INFO m a=\"\""sv,
                                            "2026-11-22T08:15:30.123Z INFO m cluster_id=x"sv}) {
            for (const std::size_t size : {std::size_t{64}, std::size_t{128}}) {
                std::string content =
                    junk_line(r, size - text.size() - 2) + "\n" + std::string{text} + "\n";
                REQUIRE(content.size() == size);
                const std::vector<char> buffer = with_slack(r, content);
                classes.classify(buffer.data(), 0, size);
                const std::size_t at = size - text.size() - 1;
                accepted +=
                    diff.check({buffer.data() + at, text.size()}, classes, at, false) ? 1U : 0U;
            }
        }
        CHECK_MESSAGE(diff.problems() == 0, diff.report());
        CHECK(accepted >= 18);
    }

    TEST_CASE("line_splitter: positions, terminators and classes of the lines, and the fast path "
              "on them") {
        rng r{0x5eed'0005};
        line_generator generator{r};
        std::vector<std::string> expected_lines;
        std::size_t bytes = 0;
        while (bytes < 6000) {
            const line_parts p = generator.next();
            std::string line;
            switch (r.pick(10)) {
            case 0: line = mutate(r, p); break;
            case 1: line = p.text() + "\r"; break;
            case 2: line = r.chance(50) ? "" : junk_line(r, r.pick(20)); break;
            case 3:
                line = p.text() + " detail=\"" + std::string(300 + r.pick(400), 'x') + "\"";
                break;
            default: line = p.text(); break;
            }
            bytes += line.size() + 1;
            expected_lines.push_back(std::move(line));
        }
        std::size_t runs = 0;
        std::size_t fast_accepted = 0;
        std::size_t terminated_lines = 0;
        differential diff;
        for (const bool final_newline : {true, false}) {
            std::string input;
            for (std::size_t i = 0; i < expected_lines.size(); ++i) {
                input += expected_lines[i];
                if (i + 1 < expected_lines.size() || final_newline) {
                    input += '\n';
                }
            }
            for (const std::size_t block : {std::size_t{64}, std::size_t{100}, std::size_t{4096}}) {
                for (const std::size_t piece : {std::size_t{1},
                                                std::size_t{3},
                                                std::size_t{17},
                                                std::size_t{64},
                                                std::size_t{100},
                                                std::size_t{777},
                                                std::size_t{5000}}) {
                    CAPTURE(final_newline);
                    CAPTURE(block);
                    CAPTURE(piece);
                    ++runs;
                    line_splitter splitter{block};
                    std::size_t index = 0;
                    std::vector<std::string> errors;
                    const auto take = [&](std::string_view line) {
                        const std::size_t at = splitter.position(line);
                        const bool last = index + 1 == expected_lines.size();
                        if (index >= expected_lines.size() || line != expected_lines[index]) {
                            errors.push_back("line " + std::to_string(index) + " is [" +
                                             escape(line) + "]");
                            ++index;
                            return;
                        }
                        const bool terminated = !last || final_newline;
                        if (splitter.terminated() != terminated) {
                            errors.push_back("line " + std::to_string(index) + ": terminated() " +
                                             std::to_string(splitter.terminated()));
                        }
                        // The classes at position() are those of the line's bytes.
                        const byte_classes& classes = splitter.classes();
                        const auto bits = classes.bits();
                        for (std::size_t j = 0; j < line.size(); ++j) {
                            for (unsigned k = 0; k < byte_classes::kinds; ++k) {
                                if (bits.test(static_cast<kind>(k), at + j) !=
                                    expected_class(k, static_cast<unsigned char>(line[j]))) {
                                    errors.push_back("line " + std::to_string(index) + ": class " +
                                                     std::to_string(k) + " of byte " +
                                                     std::to_string(j) + " at position " +
                                                     std::to_string(at + j));
                                    j = line.size();
                                    break;
                                }
                            }
                        }
                        if (splitter.terminated()) {
                            ++terminated_lines;
                            if (!bits.test(byte_classes::newline, at + line.size())) {
                                errors.push_back("line " + std::to_string(index) +
                                                 ": no newline bit after it");
                            } else {
                                fast_accepted += diff.check(line, classes, at, false) ? 1U : 0U;
                            }
                        }
                        ++index;
                    };
                    feed_splitter(splitter, input, piece, block, take);
                    CHECK(index == expected_lines.size());
                    std::string all;
                    for (std::size_t e = 0; e < std::min<std::size_t>(errors.size(), 10); ++e) {
                        all += errors[e] + "\n";
                    }
                    CHECK_MESSAGE(errors.empty(), all);
                }
            }
        }
        CHECK(runs == 42);
        CHECK_MESSAGE(diff.problems() == 0, diff.report());
        CHECK(fast_accepted * 2 > terminated_lines);
    }
}
