// Prompt grammars of the simulator: the project's own generators of system
// prompts, user prompts, tool kits and conversation turns. No third-party
// text is copied here; every phrase is written for this project.
//
// Contract: every function is deterministic in its arguments and the state of
// `rng`, appends to `out` without clearing it, and allocates only when `out`
// grows. Output is plain UTF-8 text (not JSON-escaped) unless the name says
// JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/rng.h"

namespace hw::sim {

// What the prompt asks the model to do (ground truth of the simulator; the
// detector has its own rule pack and never sees these values).
enum class Capability : uint8_t {
  kSoftwareEngineering,
  kAgenticToolUse,
  kMathReasoning,
  kDataAnalysis,
  kCreativeWriting,
  kGeneralChat,
  kPolicySensitive,  // rewrites of policy-sensitive questions
  kLongHorizonPlanning,
  kCount,
};

// How the prompt frames the request.
enum class Frame : uint8_t {
  kNone,
  kReasoningExtraction,  // "imagine and articulate the internal reasoning behind this completed
                         // response"
  kStepByStep,           // asks for step-by-step reasoning (researchers do this too)
  kRubricGrading,        // model as reward model: grade a response against a rubric
  kSyntheticData,        // "generate N diverse examples of ..."
  kPersona,              // role-play persona frame
  kCount,
};

enum class Language : uint8_t {
  kEnglish,
  kSpanish,
  kGerman,
  kFrench,
  kChinese,
  kPortuguese,
  kCount
};

const char* CapabilityName(Capability c) noexcept;  // "software_engineering", ...
const char* FrameName(Frame f) noexcept;            // "none", "reasoning_extraction", ...
const char* LanguageName(Language l) noexcept;      // "en", "es", ...
// Inverse lookups for scenario files; return false when the name is unknown.
bool ParseCapability(std::string_view name, Capability* out) noexcept;
bool ParseFrame(std::string_view name, Frame* out) noexcept;
bool ParseLanguage(std::string_view name, Language* out) noexcept;

struct PromptSpec {
  Capability capability = Capability::kGeneralChat;
  Frame frame = Frame::kNone;
  Language language = Language::kEnglish;
  // 0: free-form, a fresh phrasing and structure each call, as people write.
  // Otherwise the template skeleton (wording, order, framing sentences) is a
  // pure function of this seed; only the slots (task topic, numbers, names,
  // code, quoted spans) vary per call. Different seeds give visibly different
  // skeletons for the same capability and frame.
  uint64_t template_seed = 0;
  // 0..1, used only with a template: the probability that each skeleton
  // phrase is replaced by a paraphrase drawn from `rng` (an evasive attacker
  // rotating wording). At 1 two calls share little literal text but keep the
  // same intent and frame.
  double paraphrase = 0;
  // Rough target length of the user prompt in characters (the generator
  // stays within about 0.5x..2x); 0 picks a natural length for the
  // capability.
  uint32_t target_chars = 0;
  // 0..1: share of their budget that bodies (code, logs, tables, context,
  // answers) get. Every other choice (skeleton, compact or not, which bodies)
  // is made on the unscaled target, so a smaller scale gives the same prompt
  // with shorter bodies (a log that abbreviates long pastes).
  double body_scale = 1;
  // If not 0, bodies together get at most this many characters after
  // body_scale (very long pastes are cut short).
  uint32_t body_chars_max = 0;
};

// The new user prompt. Returns its nominal length: the characters written
// plus what body_scale and body_chars_max left out (an estimate), for token
// counts.
size_t WriteUserPrompt(const PromptSpec& spec, Rng& rng, std::string& out);
// The same text without the copy: a view of a per-thread buffer, valid until
// the next call of a function of this header on the same thread. Sets
// `*nominal` as WriteUserPrompt returns it.
std::string_view WriteUserPromptView(const PromptSpec& spec, Rng& rng, size_t* nominal);
// Writes `view`, as WriteUserPromptView returned it on this thread (and still
// valid), as a JSON string literal at `dst`, which has room for
// hw::JsonStringMaxSize(view.size()) + kPromptJsonSlack bytes; returns the
// end. The same bytes as hw::WriteJsonString, in fewer steps where the CPU
// has AVX2: it copies 32 bytes at a time, reading past the end of the text
// (the per-thread buffer keeps room there) and writing scratch bytes past
// the end of the literal.
inline constexpr size_t kPromptJsonSlack = 32;
char* WritePromptJson(char* dst, std::string_view view) noexcept;

enum class SystemKind : uint8_t {
  kNone,
  kGenericAssistant,  // "You are a helpful assistant." style, many variants
  kCompanyProduct,    // a company's product assistant (support bot, legal helper, ...)
  kCodingAgent,       // an agentic coding tool's long system prompt
  kPersona,           // a named persona; looks harmless alone
  kGrader,            // evaluator / judge instructions
  kCount,
};

// A system prompt. With the same (kind, seed) the text is identical on every
// call (a product or a campaign reuses its system prompt verbatim); `rng` is
// not used unless seed == 0, which draws a fresh one.
void WriteSystemPrompt(SystemKind kind, uint64_t seed, Language language, Rng& rng,
                       std::string& out);

// How much of each tool's schema WriteToolDefinitionsJson writes. Every level
// has the same tools, in the same order, with the same names and
// descriptions.
enum class ToolSchema : uint8_t {
  kFull,       // parameters with types, enums and descriptions
  kTypesOnly,  // parameters without their descriptions
  kNone,       // no "parameters" member
};
// A JSON array of tool definitions in log format v1 shape
// ([{"type":"function","name":...,"description":...,"parameters":{JSON Schema}}]),
// a pure function of `kit_seed` (3 to 12 tools: file editing, shell, search,
// browser, database, ... chosen and named by the seed).
void WriteToolDefinitionsJson(uint64_t kit_seed, std::string& out,
                              ToolSchema schema = ToolSchema::kFull);
// A tool name from the kit of `kit_seed`, and JSON arguments for a call to it.
void WriteToolCall(uint64_t kit_seed, Rng& rng, std::string& name_out, std::string& args_json_out);
// A short tool result (file contents, command output, search hits), plain
// text; `body_scale` (0..1) shortens file contents and tables. Returns the
// nominal length (as for WriteUserPrompt).
size_t WriteToolResult(Rng& rng, std::string& out, double body_scale = 1);
// An earlier assistant turn of a conversation (a short answer), plain text;
// its length follows spec.body_scale. Returns the nominal length.
size_t WriteAssistantTurn(const PromptSpec& spec, Rng& rng, std::string& out);

}  // namespace hw::sim
