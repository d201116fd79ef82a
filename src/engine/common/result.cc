#include "engine/common/result.h"

namespace hw {

const char* ErrorCodeName(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kParseError:
      return "parse-error";
    case ErrorCode::kSpecError:
      return "spec-error";
    case ErrorCode::kIoError:
      return "io-error";
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kOutOfRange:
      return "out-of-range";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace hw
