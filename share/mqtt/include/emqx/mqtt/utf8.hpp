// The UTF-8 rules of MQTT strings (1.5.4).
#pragma once

#include <string_view>

namespace emqx::mqtt {

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates
/// U+D800..U+DFFF, nothing above U+10FFFF) [MQTT-1.5.4-1] and contains no U+0000
/// [MQTT-1.5.4-2]. U+FEFF is allowed and kept [MQTT-1.5.4-3]. Other control characters and
/// non-characters are allowed (the spec says SHOULD NOT, not MUST NOT).
[[nodiscard]] bool is_valid_mqtt_utf8(std::string_view text) noexcept;

} // namespace emqx::mqtt
