// Decoding DISCONNECT (3.14) and AUTH (3.15): a reason code and properties, both optional.
#include "decoders.hpp"
#include "properties_codec.hpp"

namespace emqx::mqtt::detail {

namespace {

// v5 3.14.2.1, 3.15.2.1: an empty body means reason 0x00 and no properties; a body of one
// byte, a reason code and no properties.
template <typename Packet>
decode_result read_reason_and_properties(reader& in, packet_type type, property_scope scope) {
    Packet result;
    if (!in.at_end()) {
        result.reason = static_cast<reason_code>(in.u8());
        if (!in.at_end()) {
            if (const auto rc = read_properties(in, scope, result.props);
                rc != reason_code::success) {
                return failure(rc);
            }
        }
        if (!in.ok() || !in.at_end()) {
            return failure(reason_code::malformed_packet);
        }
        if (!is_valid_reason_for(type, result.reason)) {
            return failure(reason_code::protocol_error);
        }
    }
    return result;
}

} // namespace

decode_result decode_disconnect(reader& in, protocol_version version) {
    if (!has_properties(version)) {
        if (!in.at_end()) {
            return failure(reason_code::malformed_packet);
        }
        return disconnect{};
    }
    return read_reason_and_properties<disconnect>(in, packet_type::disconnect,
                                                  property_scope::disconnect);
}

decode_result decode_auth(reader& in) {
    return read_reason_and_properties<auth>(in, packet_type::auth, property_scope::auth);
}

} // namespace emqx::mqtt::detail
