// Encoding and decoding of cluster link frames: big-endian integers, strings with a 4-byte
// length, and a flags byte for what is optional.
#include "cluster/frame.hpp"

#include <memory>

namespace emqx::broker::cluster {

namespace {

void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }

void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((v >> shift) & 0xFFu));
    }
}

void put_str(std::string& out, std::string_view s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out.append(s);
}

/// Starts a frame; finish_frame() writes its length once the body is known.
std::size_t begin_frame(std::string& out, frame_type type) {
    const std::size_t start = out.size();
    put_u32(out, 0);
    put_u8(out, static_cast<std::uint8_t>(type));
    return start;
}

void finish_frame(std::string& out, std::size_t start) {
    const auto length = static_cast<std::uint32_t>(out.size() - start - frame_header_size);
    for (std::size_t i = 0; i < 4; ++i) {
        out[start + i] = static_cast<char>((length >> (24 - 8 * i)) & 0xFFu);
    }
}

std::uint32_t read_be32(std::string_view in) noexcept {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        v = (v << 8) | static_cast<unsigned char>(in[i]);
    }
    return v;
}

/// Reads fields in order; any read past the end sets `ok` false and returns empty values.
class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}

    std::uint8_t u8() {
        if (!need(1)) {
            return 0;
        }
        const auto v = static_cast<std::uint8_t>(in_[0]);
        in_.remove_prefix(1);
        return v;
    }
    std::uint32_t u32() {
        if (!need(4)) {
            return 0;
        }
        const std::uint32_t v = read_be32(in_);
        in_.remove_prefix(4);
        return v;
    }
    std::string str() {
        const std::uint32_t n = u32();
        if (!need(n)) {
            return {};
        }
        std::string s{in_.substr(0, n)};
        in_.remove_prefix(n);
        return s;
    }
    /// A count of items that each take at least `min_item` bytes: bounded by what is left, so
    /// that a hostile count cannot make the decoder reserve gigabytes.
    std::uint32_t count(std::size_t min_item) {
        const std::uint32_t n = u32();
        if (ok_ && n > in_.size() / min_item) {
            ok_ = false;
            return 0;
        }
        return n;
    }
    [[nodiscard]] bool done() const noexcept { return ok_ && in_.empty(); }
    [[nodiscard]] bool ok() const noexcept { return ok_; }

private:
    bool need(std::size_t n) {
        if (!ok_ || in_.size() < n) {
            ok_ = false;
            return false;
        }
        return true;
    }
    std::string_view in_;
    bool ok_ = true;
};

// Bits of a publish frame's flags byte (the low two bits are the QoS).
constexpr std::uint8_t retain_bit = 0x04;
constexpr std::uint8_t normal_bit = 0x08;
constexpr std::uint8_t store_bit = 0x10;
// Bits of its properties byte: which optional v5 properties follow, in this order.
constexpr std::uint8_t has_format = 0x01;
constexpr std::uint8_t has_expiry = 0x02;
constexpr std::uint8_t has_content_type = 0x04;
constexpr std::uint8_t has_response_topic = 0x08;
constexpr std::uint8_t has_correlation = 0x10;

bool decode_publish(reader& r, time_point now, forward& f) {
    const std::uint8_t flags = r.u8();
    const std::uint8_t present = r.u8();
    auto m = std::make_shared<message>();
    const auto qos = static_cast<std::uint8_t>(flags & 0x03u);
    if (qos > 2) {
        return false;
    }
    m->qos = static_cast<mqtt::qos>(qos);
    m->retain = (flags & retain_bit) != 0;
    f.normal = (flags & normal_bit) != 0;
    f.store_retained = (flags & store_bit) != 0;
    m->topic = r.str();
    m->payload = r.str();
    m->received_at = now;
    if ((present & has_format) != 0) {
        m->payload_format_indicator = r.u8();
    }
    if ((present & has_expiry) != 0) {
        m->message_expiry_interval = r.u32();
    }
    if ((present & has_content_type) != 0) {
        m->content_type = r.str();
    }
    if ((present & has_response_topic) != 0) {
        m->response_topic = r.str();
    }
    if ((present & has_correlation) != 0) {
        m->correlation_data = r.str();
    }
    const std::uint32_t users = r.count(8);
    for (std::uint32_t i = 0; i < users && r.ok(); ++i) {
        auto key = r.str();
        m->user_properties.emplace_back(std::move(key), r.str());
    }
    const std::uint32_t groups = r.count(4);
    for (std::uint32_t i = 0; i < groups && r.ok(); ++i) {
        f.groups.push_back(r.str());
    }
    if (m->topic.empty()) {
        return false;
    }
    f.msg = std::move(m);
    return true;
}

} // namespace

void encode_hello(const hello& h, std::string& out) {
    const std::size_t start = begin_frame(out, frame_type::hello);
    put_u8(out, h.version);
    put_str(out, h.node_id);
    put_str(out, h.cluster_id);
    put_str(out, h.nonce);
    put_str(out, h.cluster);
    put_str(out, h.mqtt);
    put_str(out, h.http);
    finish_frame(out, start);
}

void encode_text(frame_type type, std::string_view text, std::string& out) {
    const std::size_t start = begin_frame(out, type);
    put_str(out, text);
    finish_frame(out, start);
}

void encode_list(frame_type type, const std::vector<std::string>& items, std::string& out) {
    const std::size_t start = begin_frame(out, type);
    put_u32(out, static_cast<std::uint32_t>(items.size()));
    for (const auto& item : items) {
        put_str(out, item);
    }
    finish_frame(out, start);
}

void encode_claim(std::string_view client_id, std::uint64_t opened_at_us, std::string& out) {
    const std::size_t start = begin_frame(out, frame_type::claim);
    put_str(out, client_id);
    put_u32(out, static_cast<std::uint32_t>(opened_at_us >> 32));
    put_u32(out, static_cast<std::uint32_t>(opened_at_us & 0xFFFFFFFFu));
    finish_frame(out, start);
}

void encode_heartbeat(std::string& out) {
    finish_frame(out, begin_frame(out, frame_type::heartbeat));
}

void encode_publish(const forward& f, time_point now, std::string& out) {
    const message& m = *f.msg;
    const std::size_t start = begin_frame(out, frame_type::publish);
    const auto bit = [](bool on, std::uint8_t b) { return on ? b : std::uint8_t{0}; };
    const auto flags = static_cast<std::uint8_t>(
        static_cast<std::uint8_t>(m.qos) | bit(m.retain, retain_bit) |
        bit(f.normal, normal_bit) | bit(f.store_retained, store_bit));
    const auto present = static_cast<std::uint8_t>(
        bit(m.payload_format_indicator.has_value(), has_format) |
        bit(m.message_expiry_interval.has_value(), has_expiry) |
        bit(m.content_type.has_value(), has_content_type) |
        bit(m.response_topic.has_value(), has_response_topic) |
        bit(m.correlation_data.has_value(), has_correlation));
    put_u8(out, flags);
    put_u8(out, present);
    put_str(out, m.topic);
    put_str(out, m.payload);
    if (m.payload_format_indicator) {
        put_u8(out, *m.payload_format_indicator);
    }
    if (m.message_expiry_interval) {
        put_u32(out, m.remaining_expiry(now));
    }
    if (m.content_type) {
        put_str(out, *m.content_type);
    }
    if (m.response_topic) {
        put_str(out, *m.response_topic);
    }
    if (m.correlation_data) {
        put_str(out, *m.correlation_data);
    }
    put_u32(out, static_cast<std::uint32_t>(m.user_properties.size()));
    for (const auto& [key, value] : m.user_properties) {
        put_str(out, key);
        put_str(out, value);
    }
    put_u32(out, static_cast<std::uint32_t>(f.groups.size()));
    for (const auto& g : f.groups) {
        put_str(out, g);
    }
    finish_frame(out, start);
}

std::optional<std::size_t> frame_size(std::string_view buffer) noexcept {
    if (buffer.size() < frame_header_size) {
        return 0;
    }
    const std::uint32_t length = read_be32(buffer);
    if (length == 0 || length > max_frame_size) {
        return std::nullopt;
    }
    const std::size_t total = frame_header_size + length;
    return buffer.size() >= total ? total : 0;
}

std::optional<frame> decode(std::string_view bytes, time_point now) {
    if (bytes.size() <= frame_header_size) {
        return std::nullopt;
    }
    reader r{bytes.substr(frame_header_size)};
    frame f;
    const std::uint8_t type = r.u8();
    switch (static_cast<frame_type>(type)) {
    case frame_type::hello:
        f.hello.version = r.u8();
        f.hello.node_id = r.str();
        f.hello.cluster_id = r.str();
        f.hello.nonce = r.str();
        f.hello.cluster = r.str();
        f.hello.mqtt = r.str();
        f.hello.http = r.str();
        break;
    case frame_type::proof:
    case frame_type::refuse:
        f.text = r.str();
        break;
    case frame_type::claim: {
        f.text = r.str();
        const std::uint64_t high = r.u32();
        f.claimed_at_us = (high << 32) | r.u32();
        break;
    }
    case frame_type::heartbeat:
        break;
    case frame_type::routes_full:
    case frame_type::routes_add:
    case frame_type::routes_remove:
    case frame_type::peers: {
        const std::uint32_t n = r.count(4);
        f.items.reserve(n);
        for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
            f.items.push_back(r.str());
        }
        break;
    }
    case frame_type::publish:
        if (!decode_publish(r, now, f.fwd)) {
            return std::nullopt;
        }
        break;
    default:
        return std::nullopt;
    }
    if (!r.done()) {
        return std::nullopt;
    }
    f.type = static_cast<frame_type>(type);
    return f;
}

} // namespace emqx::broker::cluster
