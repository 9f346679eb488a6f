// A small expected<T, E>: a value or an error, for code that reports failure by returning it.
// C++20 has no std::expected (GCC 12 offers it only in C++23 mode); this keeps its spelling so
// that moving to std::expected later is a search and replace.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace emqx {

/// Wraps an error so that expected<T, E> can be built from it unambiguously.
template <typename E>
class unexpected {
public:
    constexpr explicit unexpected(E error) : error_(std::move(error)) {}
    [[nodiscard]] constexpr const E& error() const& noexcept { return error_; }
    [[nodiscard]] constexpr E&& error() && noexcept { return std::move(error_); }

private:
    E error_;
};

template <typename E>
unexpected(E) -> unexpected<E>;

/// Holds either a T (success) or an E (failure). Accessing the wrong one is a bug, checked
/// by assert in debug builds.
template <typename T, typename E>
class [[nodiscard]] expected {
public:
    using value_type = T;
    using error_type = E;

    template <typename U = T>
        requires std::is_constructible_v<T, U&&>
    constexpr expected(U&& value) : storage_(std::in_place_index<0>, std::forward<U>(value)) {}

    template <typename G>
    constexpr expected(unexpected<G> error)
        : storage_(std::in_place_index<1>, std::move(error).error()) {}

    [[nodiscard]] constexpr bool has_value() const noexcept { return storage_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }

    [[nodiscard]] constexpr T& value() & {
        assert(has_value());
        return *std::get_if<0>(&storage_);
    }
    [[nodiscard]] constexpr const T& value() const& {
        assert(has_value());
        return *std::get_if<0>(&storage_);
    }
    [[nodiscard]] constexpr T&& value() && {
        assert(has_value());
        return std::move(*std::get_if<0>(&storage_));
    }
    [[nodiscard]] constexpr const E& error() const& {
        assert(!has_value());
        return *std::get_if<1>(&storage_);
    }

    constexpr T& operator*() & { return value(); }
    constexpr const T& operator*() const& { return value(); }
    constexpr T* operator->() { return &value(); }
    constexpr const T* operator->() const { return &value(); }

private:
    std::variant<T, E> storage_;
};

} // namespace emqx
