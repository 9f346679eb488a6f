// Reading and writing a property list (2.2.2): the codec's internal entry points.
#pragma once

#include "reader.hpp"
#include "writer.hpp"

#include <emqx/mqtt/properties.hpp>
#include <emqx/mqtt/reason_code.hpp>

#include <string>

namespace emqx::mqtt::detail {

/// Reads a Property Length and the properties it covers into `props`, checking that each is
/// allowed in `scope`, given once where it may be given once, and within its range. Returns
/// success, or the reason code of the first rule broken (see decode.hpp); a length or value
/// that runs past the packet fails the reader (malformed).
[[nodiscard]] reason_code read_properties(reader& in, property_scope scope, properties& props);

/// The size of the property list without its Property Length prefix.
void add_properties_body(sizer& size, const properties& props) noexcept;

/// Adds Property Length + properties to `size`.
void add_properties(sizer& size, const properties& props) noexcept;

/// Writes Property Length + properties, in ascending identifier order (codec decision, see
/// ARCHITECTURE.md). Precondition: sized by add_properties.
void append_properties(std::string& out, const properties& props);

/// True when no property is set: the acks, DISCONNECT and AUTH may then be shortened.
[[nodiscard]] bool empty(const properties& props) noexcept;

} // namespace emqx::mqtt::detail
