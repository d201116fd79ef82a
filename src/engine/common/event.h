// One decoded request of log format v1 (docs/FORMAT.md).
//
// Contract: every std::string_view points into memory owned by the decoder
// (its input buffer or its parser's string buffer) and is valid only until
// the decoder decodes the next line. A stage that must keep text copies it
// or, better, keeps a hash of it.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/common/time.h"

namespace hw {

enum class FinishReason : uint8_t {
  kStop = 1 << 0,
  kLength = 1 << 1,
  kToolCalls = 1 << 2,
  kContentFilter = 1 << 3,
  kError = 1 << 4,
  kOther = 1 << 5,
};

struct Event {
  TimeUs time = 0;
  std::string_view user_id;
  std::string_view response_id;     // empty when absent
  std::string_view client_address;  // empty when absent; validated IPv4/IPv6 text
  std::string_view user_agent;
  std::string_view operation;
  std::string_view model;
  std::string_view conversation_id;

  int64_t max_tokens = -1;  // -1: absent
  double temperature = -1;  // -1: absent
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  int32_t status_code = 0;     // 0: absent
  uint8_t finish_reasons = 0;  // FinishReason bits

  // Text of the system instructions: the first text part; `system_parts` counts
  // all text parts.
  std::string_view system_text;
  uint16_t system_parts = 0;

  // The new prompt: the first text part of the last user message.
  std::string_view prompt_text;
  uint16_t messages = 0;  // entries in gen_ai.input.messages
  uint16_t user_messages = 0;
  uint16_t assistant_messages = 0;
  uint16_t tool_calls = 0;      // tool_call parts across all messages
  uint16_t tool_responses = 0;  // tool_call_response parts across all messages

  uint16_t tool_definitions = 0;
  // Order-independent hash of the tool definitions' names (0 when none), so
  // that the same tool kit is recognised whatever order it is listed in.
  uint64_t tool_names_hash = 0;
};

}  // namespace hw
