// Which property may appear where (MQTT 5.0 table 2-4), and reading and writing property lists.
#include "properties_codec.hpp"

#include <emqx/mqtt/topic.hpp>

#include <cstdint>

namespace emqx::mqtt {

namespace {

constexpr std::uint32_t bit(property_scope scope) noexcept {
    return 1U << static_cast<unsigned>(scope);
}

constexpr std::uint32_t allowed_scopes(property_id id) noexcept {
    using enum property_scope;
    using enum property_id;
    constexpr std::uint32_t message = bit(publish) | bit(will);
    constexpr std::uint32_t everywhere = bit(connect) | bit(connack) | bit(publish) |
                                         bit(puback) | bit(pubrec) | bit(pubrel) | bit(pubcomp) |
                                         bit(subscribe) | bit(suback) | bit(unsubscribe) |
                                         bit(unsuback) | bit(disconnect) | bit(auth) | bit(will);
    switch (id) {
    case payload_format_indicator:
    case message_expiry_interval:
    case content_type:
    case response_topic:
    case correlation_data: return message;
    case subscription_identifier: return bit(publish) | bit(subscribe);
    case session_expiry_interval: return bit(connect) | bit(connack) | bit(disconnect);
    case assigned_client_identifier:
    case server_keep_alive:
    case response_information:
    case maximum_qos:
    case retain_available:
    case wildcard_subscription_available:
    case subscription_identifier_available:
    case shared_subscription_available: return bit(connack);
    case authentication_method:
    case authentication_data: return bit(connect) | bit(connack) | bit(auth);
    case request_problem_information:
    case request_response_information: return bit(connect);
    case will_delay_interval: return bit(will);
    case server_reference: return bit(connack) | bit(disconnect);
    case reason_string: return everywhere & ~(bit(connect) | bit(publish) | bit(subscribe) |
                                              bit(unsubscribe) | bit(will));
    case receive_maximum:
    case topic_alias_maximum:
    case maximum_packet_size: return bit(connect) | bit(connack);
    case topic_alias: return bit(publish);
    case user_property: return everywhere;
    }
    return 0;
}

} // namespace

bool is_allowed_in(property_id id, property_scope scope) noexcept {
    return (allowed_scopes(id) & bit(scope)) != 0;
}

} // namespace emqx::mqtt

namespace emqx::mqtt::detail {

namespace {

// Stores a property that may appear only once; a second one is a protocol error (2.2.2.2:
// "It is a Protocol Error to include the <X> more than once").
template <typename T, typename U>
reason_code set_once(std::optional<T>& field, U value) {
    if (field.has_value()) {
        return reason_code::protocol_error;
    }
    field = static_cast<T>(value);
    return reason_code::success;
}

// A byte property whose only values are 0 and 1; anything else is a protocol error.
reason_code set_flag(std::optional<std::uint8_t>& field, std::uint8_t value) {
    if (value > 1) {
        return reason_code::protocol_error;
    }
    return set_once(field, value);
}

// A two- or four-byte property for which 0 is a protocol error (Receive Maximum 3.1.2.11.3,
// Maximum Packet Size 3.1.2.11.4).
template <typename T>
reason_code set_nonzero(std::optional<T>& field, T value) {
    if (value == 0) {
        return reason_code::protocol_error;
    }
    return set_once(field, value);
}

reason_code read_subscription_identifier(reader& in, property_scope scope, properties& props) {
    const std::uint32_t value = in.vbi();
    if (!in.ok()) {
        return reason_code::malformed_packet;
    }
    // 3.8.2.1.2: 0 is a protocol error; only PUBLISH may carry several [MQTT-3.3.4-4].
    if (value == 0 || (scope == property_scope::subscribe && !props.subscription_identifiers.empty())) {
        return reason_code::protocol_error;
    }
    props.subscription_identifiers.push_back(value);
    return reason_code::success;
}

reason_code read_response_topic(reader& in, properties& props) {
    const auto topic = in.utf8();
    if (!in.ok()) {
        return reason_code::malformed_packet;
    }
    // [MQTT-3.3.2-14] the Response Topic is a topic name: no wildcards.
    if (!is_valid_topic_name(topic)) {
        return reason_code::protocol_error;
    }
    return set_once(props.response_topic, topic);
}

reason_code read_topic_alias(reader& in, properties& props) {
    const std::uint16_t alias = in.u16();
    if (in.ok() && alias == 0) {
        return reason_code::topic_alias_invalid; // [MQTT-3.3.2-8]
    }
    return set_once(props.topic_alias, alias);
}

// Reads the value of one property into `props`. The reader's failure (a value running past
// the list) is checked by the caller.
reason_code read_property(reader& in, property_id id, property_scope scope, properties& props) {
    using enum property_id;
    switch (id) {
    case payload_format_indicator: return set_flag(props.payload_format_indicator, in.u8());
    case message_expiry_interval: return set_once(props.message_expiry_interval, in.u32());
    case content_type: return set_once(props.content_type, in.utf8());
    case response_topic: return read_response_topic(in, props);
    case correlation_data: return set_once(props.correlation_data, in.binary());
    case subscription_identifier: return read_subscription_identifier(in, scope, props);
    case session_expiry_interval: return set_once(props.session_expiry_interval, in.u32());
    case assigned_client_identifier: return set_once(props.assigned_client_identifier, in.utf8());
    case server_keep_alive: return set_once(props.server_keep_alive, in.u16());
    case authentication_method: return set_once(props.authentication_method, in.utf8());
    case authentication_data: return set_once(props.authentication_data, in.binary());
    case request_problem_information: return set_flag(props.request_problem_information, in.u8());
    case will_delay_interval: return set_once(props.will_delay_interval, in.u32());
    case request_response_information: return set_flag(props.request_response_information, in.u8());
    case response_information: return set_once(props.response_information, in.utf8());
    case server_reference: return set_once(props.server_reference, in.utf8());
    case reason_string: return set_once(props.reason_string, in.utf8());
    case receive_maximum: return set_nonzero(props.receive_maximum, in.u16());
    case topic_alias_maximum: return set_once(props.topic_alias_maximum, in.u16());
    case topic_alias: return read_topic_alias(in, props);
    case maximum_qos: return set_flag(props.maximum_qos, in.u8());
    case retain_available: return set_flag(props.retain_available, in.u8());
    case user_property: {
        const auto name = in.utf8();
        const auto value = in.utf8();
        props.user_properties.emplace_back(name, value);
        return reason_code::success;
    }
    case maximum_packet_size: return set_nonzero(props.maximum_packet_size, in.u32());
    case wildcard_subscription_available:
        return set_flag(props.wildcard_subscription_available, in.u8());
    case subscription_identifier_available:
        return set_flag(props.subscription_identifier_available, in.u8());
    case shared_subscription_available:
        return set_flag(props.shared_subscription_available, in.u8());
    }
    return reason_code::malformed_packet;
}

} // namespace

reason_code read_properties(reader& in, property_scope scope, properties& props) {
    const std::uint32_t length = in.vbi();
    reader list{in.take(length)};
    if (!in.ok()) {
        return reason_code::malformed_packet;
    }
    while (!list.at_end()) {
        // The identifier is a Variable Byte Integer (2.2.2.2); every defined one is one byte.
        const std::uint32_t raw_id = list.vbi();
        const auto id = static_cast<property_id>(raw_id);
        if (!list.ok() || raw_id > 0x7F || !is_allowed_in(id, scope)) {
            return reason_code::malformed_packet;
        }
        const reason_code result = read_property(list, id, scope, props);
        if (!list.ok()) {
            return reason_code::malformed_packet;
        }
        if (result != reason_code::success) {
            return result;
        }
    }
    // 3.1.2.11.10, 3.2.2.3.18, 3.15.2.2.3: Authentication Data needs an Authentication Method.
    if (props.authentication_data && !props.authentication_method) {
        return reason_code::protocol_error;
    }
    return reason_code::success;
}

bool empty(const properties& p) noexcept {
    // Field by field rather than `p == properties{}`: this runs for every acknowledgement.
    return !p.payload_format_indicator && !p.message_expiry_interval && !p.content_type &&
           !p.response_topic && !p.correlation_data && p.subscription_identifiers.empty() &&
           !p.session_expiry_interval && !p.assigned_client_identifier && !p.server_keep_alive &&
           !p.authentication_method && !p.authentication_data &&
           !p.request_problem_information && !p.will_delay_interval &&
           !p.request_response_information && !p.response_information && !p.server_reference &&
           !p.reason_string && !p.receive_maximum && !p.topic_alias_maximum && !p.topic_alias &&
           !p.maximum_qos && !p.retain_available && p.user_properties.empty() &&
           !p.maximum_packet_size && !p.wildcard_subscription_available &&
           !p.subscription_identifier_available && !p.shared_subscription_available;
}

namespace {

// Visits every set property in ascending identifier order: f(id, value) for single values,
// once per element for the repeated ones. Shared by sizing and writing so they cannot disagree.
template <typename Visitor>
void for_each_property(const properties& p, Visitor&& f) {
    using enum property_id;
    auto one = [&f](property_id id, const auto& field) {
        if (field) {
            f(id, *field);
        }
    };
    one(payload_format_indicator, p.payload_format_indicator);
    one(message_expiry_interval, p.message_expiry_interval);
    one(content_type, p.content_type);
    one(response_topic, p.response_topic);
    one(correlation_data, p.correlation_data);
    for (const std::uint32_t id : p.subscription_identifiers) {
        f(subscription_identifier, id);
    }
    one(session_expiry_interval, p.session_expiry_interval);
    one(assigned_client_identifier, p.assigned_client_identifier);
    one(server_keep_alive, p.server_keep_alive);
    one(authentication_method, p.authentication_method);
    one(authentication_data, p.authentication_data);
    one(request_problem_information, p.request_problem_information);
    one(will_delay_interval, p.will_delay_interval);
    one(request_response_information, p.request_response_information);
    one(response_information, p.response_information);
    one(server_reference, p.server_reference);
    one(reason_string, p.reason_string);
    one(receive_maximum, p.receive_maximum);
    one(topic_alias_maximum, p.topic_alias_maximum);
    one(topic_alias, p.topic_alias);
    one(maximum_qos, p.maximum_qos);
    one(retain_available, p.retain_available);
    for (const mqtt::user_property& up : p.user_properties) {
        f(user_property, up);
    }
    one(maximum_packet_size, p.maximum_packet_size);
    one(wildcard_subscription_available, p.wildcard_subscription_available);
    one(subscription_identifier_available, p.subscription_identifier_available);
    one(shared_subscription_available, p.shared_subscription_available);
}

struct property_sizer {
    sizer& size;

    void operator()(property_id, std::uint8_t) const noexcept { size.add(2); }
    void operator()(property_id, std::uint16_t) const noexcept { size.add(3); }
    void operator()(property_id id, std::uint32_t value) const noexcept {
        size.add(1);
        if (id == property_id::subscription_identifier) {
            size.add_vbi(value);
        } else {
            size.add(4);
        }
    }
    void operator()(property_id, std::string_view value) const noexcept {
        size.add(1);
        size.add_field(value);
    }
    void operator()(property_id, const user_property& value) const noexcept {
        size.add(1);
        size.add_field(value.first);
        size.add_field(value.second);
    }
};

struct property_writer {
    std::string& out;

    void id(property_id value) const { append_u8(out, static_cast<std::uint8_t>(value)); }
    void operator()(property_id pid, std::uint8_t value) const {
        id(pid);
        append_u8(out, value);
    }
    void operator()(property_id pid, std::uint16_t value) const {
        id(pid);
        append_u16(out, value);
    }
    void operator()(property_id pid, std::uint32_t value) const {
        id(pid);
        if (pid == property_id::subscription_identifier) {
            append_vbi(out, value);
        } else {
            append_u32(out, value);
        }
    }
    void operator()(property_id pid, std::string_view value) const {
        id(pid);
        append_field(out, value);
    }
    void operator()(property_id pid, const user_property& value) const {
        id(pid);
        append_field(out, value.first);
        append_field(out, value.second);
    }
};

} // namespace

void add_properties_body(sizer& size, const properties& props) noexcept {
    for_each_property(props, property_sizer{size});
}

void add_properties(sizer& size, const properties& props) noexcept {
    if (empty(props)) {
        size.add(1); // Property Length 0: the common case on the message path
        return;
    }
    sizer body;
    add_properties_body(body, props);
    size.fits = size.fits && body.fits;
    size.too_large = size.too_large || body.too_large;
    size.add_vbi(body.total);
    size.add(body.total);
}

void append_properties(std::string& out, const properties& props) {
    if (empty(props)) {
        append_u8(out, 0);
        return;
    }
    sizer body;
    add_properties_body(body, props);
    append_vbi(out, static_cast<std::uint32_t>(body.total));
    for_each_property(props, property_writer{out});
}

} // namespace emqx::mqtt::detail
