// Status values for the hot path: no exceptions cross a stage boundary while
// events flow. Exceptions are used only while loading (specs, files) and are
// turned into a Status before they reach a caller.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace hw {

enum class ErrorCode : uint16_t {
  kOk = 0,
  kInvalidArgument,
  kParseError,  // input text is not what the format says
  kSpecError,   // a YAML spec failed validation
  kIoError,     // a file or stream could not be read or written
  kNotFound,
  kOutOfRange,
  kInternal,
};

const char* ErrorCodeName(ErrorCode code) noexcept;

// An error with a message that names where it happened (file:line) and why.
class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }

  bool ok() const noexcept { return code_ == ErrorCode::kOk; }
  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // "<code name>: <message>", for printing to a user.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  T& operator*() & { return std::get<T>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace hw
