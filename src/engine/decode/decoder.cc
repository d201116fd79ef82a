// The decoder uses simdjson's DOM and On Demand APIs through error codes only:
// exceptions are disabled for this translation unit so that a throwing
// accessor cannot creep into the per-line path (it would not compile).
// simdjson.h is included by no header of this stage, so the setting does not
// leak into other translation units.
#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include "engine/decode/decoder.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <iterator>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/common/hash.h"
#include "engine/common/ipv4.h"
#include "engine/common/time.h"
#include "engine/decode/line_source.h"

namespace hw::decode {

static_assert(kPadding >= simdjson::SIMDJSON_PADDING, "line padding must cover simdjson's");

namespace od = simdjson::ondemand;
namespace sdom = simdjson::dom;

const char* RejectReasonCode(RejectReason reason) noexcept {
  switch (reason) {
    case RejectReason::kNone:
      return "ok";
    case RejectReason::kInvalidJson:
      return "invalid_json";
    case RejectReason::kInvalidUtf8:
      return "invalid_utf8";
    case RejectReason::kNotObject:
      return "not_object";
    case RejectReason::kMissingTime:
      return "missing_time";
    case RejectReason::kBadTime:
      return "bad_time";
    case RejectReason::kMissingUserId:
      return "missing_user_id";
    case RejectReason::kWrongType:
      return "wrong_type";
    case RejectReason::kBadValue:
      return "bad_value";
    case RejectReason::kBadAddress:
      return "bad_address";
    case RejectReason::kDuplicateKey:
      return "duplicate_key";
    case RejectReason::kTooLong:
      return "too_long";
    case RejectReason::kCount:
      break;
  }
  return "unknown";
}

bool IsBlankLine(std::string_view line) noexcept {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

namespace {

// Top-level keys of log format v1; the value is the bit in the "seen" mask.
enum Key : uint8_t {
  kTime,
  kUserId,
  kResponseId,
  kClientAddress,
  kUserAgent,
  kOperation,
  kModel,
  kMaxTokens,
  kTemperature,
  kInputTokens,
  kOutputTokens,
  kFinishReasons,
  kConversationId,
  kSystemInstructions,
  kInputMessages,
  kToolDefinitions,
  kStatusCode,
  kKeyCount,
  kUnknownKey = kKeyCount,
};

constexpr std::string_view kKeyNames[kKeyCount] = {
    "time",
    "user.id",
    "gen_ai.response.id",
    "client.address",
    "user_agent.original",
    "gen_ai.operation.name",
    "gen_ai.request.model",
    "gen_ai.request.max_tokens",
    "gen_ai.request.temperature",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.response.finish_reasons",
    "gen_ai.conversation.id",
    "gen_ai.system_instructions",
    "gen_ai.input.messages",
    "gen_ai.tool.definitions",
    "http.response.status_code",
};

// True when k is the literal's bytes. The length is a constant, so the
// compare is inlined instead of a call to memcmp (keys are compared for
// every member of every object).
template <size_t N>
inline bool Is(std::string_view k, const char (&lit)[N]) noexcept {
  return k.size() == N - 1 && std::memcmp(k.data(), lit, N - 1) == 0;
}

// Dispatch on length first: one or two comparisons per known key.
Key LookupKey(std::string_view k) noexcept {
  switch (k.size()) {
    case 4:
      if (Is(k, "time")) return kTime;
      break;
    case 7:
      if (Is(k, "user.id")) return kUserId;
      break;
    case 14:
      if (Is(k, "client.address")) return kClientAddress;
      break;
    case 18:
      if (Is(k, "gen_ai.response.id")) return kResponseId;
      break;
    case 19:
      if (Is(k, "user_agent.original")) return kUserAgent;
      break;
    case 20:
      if (Is(k, "gen_ai.request.model")) return kModel;
      break;
    case 21:
      if (Is(k, "gen_ai.input.messages")) return kInputMessages;
      if (Is(k, "gen_ai.operation.name")) return kOperation;
      break;
    case 22:
      if (Is(k, "gen_ai.conversation.id")) return kConversationId;
      break;
    case 23:
      if (Is(k, "gen_ai.tool.definitions")) return kToolDefinitions;
      break;
    case 25:
      if (Is(k, "gen_ai.usage.input_tokens")) return kInputTokens;
      if (Is(k, "gen_ai.request.max_tokens")) return kMaxTokens;
      if (Is(k, "http.response.status_code")) return kStatusCode;
      break;
    case 26:
      if (Is(k, "gen_ai.usage.output_tokens")) return kOutputTokens;
      if (Is(k, "gen_ai.system_instructions")) return kSystemInstructions;
      if (Is(k, "gen_ai.request.temperature")) return kTemperature;
      break;
    case 30:
      if (Is(k, "gen_ai.response.finish_reasons")) return kFinishReasons;
      break;
    default:
      break;
  }
  return kUnknownKey;
}

const char* TypeName(od::json_type t) noexcept {
  switch (t) {
    case od::json_type::array:
      return "array";
    case od::json_type::object:
      return "object";
    case od::json_type::number:
      return "number";
    case od::json_type::string:
      return "string";
    case od::json_type::boolean:
      return "boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

// Where a value sits, for messages: key[i].member[j].leaf, parts omitted
// when absent (index -1, empty name).
struct Path {
  std::string_view key;
  int i = -1;
  std::string_view member = {};
  int j = -1;
  std::string_view leaf = {};

  Path At(int index) const noexcept {
    Path p = *this;
    if (p.i < 0 && p.member.empty()) {
      p.i = index;
    } else {
      p.j = index;
    }
    return p;
  }
  Path Member(std::string_view name) const noexcept {
    Path p = *this;
    if (p.member.empty() && p.j < 0) {
      p.member = name;
    } else {
      p.leaf = name;
    }
    return p;
  }
};

void AppendPath(std::string& out, const Path& p) {
  out.push_back('"');
  out.append(p.key);
  if (p.i >= 0) fmt::format_to(std::back_inserter(out), "[{}]", p.i);
  if (!p.member.empty()) {
    out.push_back('.');
    out.append(p.member);
  }
  if (p.j >= 0) fmt::format_to(std::back_inserter(out), "[{}]", p.j);
  if (!p.leaf.empty()) {
    out.push_back('.');
    out.append(p.leaf);
  }
  out.push_back('"');
}

inline void Bump(uint16_t& counter) noexcept {
  if (counter != UINT16_MAX) ++counter;  // saturates
}

int HexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four hex digits at p; -1 when invalid.
int Hex4(const char* p) noexcept {
  int v = 0;
  for (int k = 0; k < 4; ++k) {
    const int h = HexValue(p[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

char* AppendUtf8(char* dst, uint32_t cp) noexcept {
  if (cp < 0x80) {
    *dst++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *dst++ = static_cast<char>(0xC0 | (cp >> 6));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *dst++ = static_cast<char>(0xE0 | (cp >> 12));
    *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *dst++ = static_cast<char>(0xF0 | (cp >> 18));
    *dst++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return dst;
}

bool ValidAddress(std::string_view s) noexcept {
  // Most addresses are IPv4: this spares them a copy and a library call.
  if (uint32_t host = 0; ParsePlainIpv4(s, &host)) return true;
  char buf[INET6_ADDRSTRLEN + 1];
  if (s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

uint8_t FinishBit(std::string_view s) noexcept {
  if (s == "stop") return static_cast<uint8_t>(FinishReason::kStop);
  if (s == "length") return static_cast<uint8_t>(FinishReason::kLength);
  if (s == "tool_calls" || s == "tool_call") return static_cast<uint8_t>(FinishReason::kToolCalls);
  if (s == "content_filter") return static_cast<uint8_t>(FinishReason::kContentFilter);
  if (s == "error") return static_cast<uint8_t>(FinishReason::kError);
  return static_cast<uint8_t>(FinishReason::kOther);
}

inline bool IsJsonSpace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Strings longer than this are searched by memchr; shorter ones (most: ids,
// names, roles, part types) by one or a few 16-byte compares inline, which
// is cheaper than a call.
constexpr size_t kInlineSearchBytes = 64;

// The first backslash in [p, p + n), or nullptr. Reads whole 16-byte blocks
// from p, up to 15 bytes past p + n: every string body lies inside a line
// followed by kPadding readable bytes (or inside scratch, which has as much
// slack after its bytes in use).
inline const char* FindBackslash(const char* p, size_t n) noexcept {
#if defined(__SSE2__)
  if (n <= kInlineSearchBytes) {
    const __m128i backslash = _mm_set1_epi8('\\');
    for (size_t i = 0; i < n; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)));
      if (mask != 0) {
        const size_t k = i + static_cast<size_t>(std::countr_zero(mask));
        return k < n ? p + k : nullptr;
      }
    }
    return nullptr;
  }
#endif
  return static_cast<const char*>(std::memchr(p, '\\', n));
}

// Copies [p, end) to *dst up to the first backslash, advances *dst past the
// copy and returns the backslash (end when there is none). Works in 16-byte
// blocks: reads up to 15 bytes past end (see FindBackslash) and stores up to
// 15 bytes past what it keeps, which the caller's buffer must hold.
inline const char* CopyToBackslash(const char* p, const char* end, char** dst) noexcept {
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  char* d = *dst;
  while (p < end) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)));
    const auto left = static_cast<size_t>(end - p);
    if (mask != 0) {
      const auto k = static_cast<size_t>(std::countr_zero(mask));
      if (k < left) {
        *dst = d + k;
        return p + k;
      }
    }
    if (left <= 16) {
      *dst = d + left;
      return end;
    }
    p += 16;
    d += 16;
  }
  *dst = d;
  return end;
#else
  const char* b = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)));
  const char* stop = b ? b : end;
  std::memcpy(*dst, p, static_cast<size_t>(stop - p));
  *dst += stop - p;
  return stop;
#endif
}

// Longer lines skip the fast path: the DOM parser's buffers take about 14
// bytes per byte of the longest line it has parsed (tape, strings, structural
// indexes), and they stay allocated, so this bounds them near 14 MB per
// decoder. Lines this long are rare enough for their speed not to matter.
constexpr size_t kFastPathMaxBytes = size_t{1} << 20;

// A value quoted in a message: at most 64 bytes, so a message stays short.
std::string_view Clip(std::string_view s) noexcept { return s.substr(0, 64); }

}  // namespace

struct Decoder::Impl {
  explicit Impl(const DecoderOptions& options)
      : options_(options),
        parser_(options.max_line_bytes),
        dom_(std::min(options.max_line_bytes, kFastPathMaxBytes)) {
    message_.reserve(512);
    // Typical lines never make the parsers reallocate. On failure a parser
    // allocates again at the first line, which reports the error (the DOM
    // parser's failure only sends lines to the validating walk).
    const size_t initial = std::min<size_t>(options.max_line_bytes, 64 * 1024);
    auto err = parser_.allocate(initial);
    (void)err;
    if (options.fast_path) {
      err = dom_.allocate(initial);
      (void)err;
    }
    EnsureScratch(64 * 1024);
  }

  DecodeResult Decode(std::string_view line, Event* out) noexcept;

  // --- the fast path (DecoderOptions::fast_path): the DOM parser builds its
  // tape for the whole line (strings unescaped, numbers parsed, everything
  // validated), then a walk over the tape fills *out. Each returns false
  // at the first thing it does not accept as the validating walk would;
  // the line then goes to that walk, which rejects it with its reason (or,
  // for the few lines the DOM parser refuses and the walk accepts, such as
  // a number out of range inside a skipped value, accepts it).
  struct FastPart {
    enum Kind : uint8_t { kOther, kText, kToolCall, kToolResponse } kind = kOther;
    std::string_view content;
  };
  bool FastDecode(std::string_view line, Event* out) noexcept;
  static bool FastOptionalString(sdom::element v, std::string_view* out) noexcept;
  static bool FastInt(sdom::element v, int64_t lo, int64_t hi, int64_t* out) noexcept;
  static bool FastPartOf(sdom::element v, bool message_part, FastPart* part) noexcept;
  // Null (absent) or an array: fn(element) -> bool for each element.
  template <typename Fn>
  static bool FastEach(sdom::element v, Fn&& fn) noexcept {
    if (v.is_null()) return true;
    sdom::array arr;
    if (v.get_array().get(arr)) return false;
    for (sdom::element e : arr) {
      if (!fn(e)) return false;
    }
    return true;
  }
  static bool FastSystem(sdom::element v, Event* out) noexcept;
  static bool FastMessages(sdom::element v, Event* out) noexcept;
  static bool FastTools(sdom::element v, Event* out) noexcept;

  // --- failure reporting: each returns false so that callers can
  // `return Fail...(...)`.
  bool Reject(RejectReason r) noexcept {
    reason_ = r;
    return false;
  }
  bool FailJson(simdjson::error_code err) noexcept;
  bool FailType(const Path& path, const char* expected, od::json_type got) noexcept {
    message_.clear();
    AppendPath(message_, path);
    fmt::format_to(std::back_inserter(message_), ": expected {}, got {}", expected, TypeName(got));
    return Reject(RejectReason::kWrongType);
  }
  bool FailMissing(const Path& path, std::string_view member) noexcept {
    message_.clear();
    AppendPath(message_, path);
    fmt::format_to(std::back_inserter(message_), ": missing \"{}\"", member);
    return Reject(RejectReason::kWrongType);
  }
  bool FailDuplicate(const Path& path) noexcept {
    message_.clear();
    AppendPath(message_, path);
    message_.append(": duplicate key");
    return Reject(RejectReason::kDuplicateKey);
  }
  // `"path": problem`, then ` "value"` when `value` is given.
  bool FailValue(RejectReason r, const Path& path, std::string_view problem,
                 const std::string_view* value = nullptr) noexcept {
    message_.clear();
    AppendPath(message_, path);
    fmt::format_to(std::back_inserter(message_), ": {}", problem);
    if (value != nullptr) {
      message_.append(" \"");
      message_.append(Clip(*value));
      message_.push_back('"');
    }
    return Reject(r);
  }
  bool FailEscape(const Path& path) noexcept {
    message_.clear();
    message_.append("invalid escape sequence in string at ");
    AppendPath(message_, path);
    return Reject(RejectReason::kInvalidJson);
  }

  // --- value access
  bool Type(od::value& v, od::json_type* t) noexcept {
    auto err = v.type().get(*t);
    return err ? FailJson(err) : true;
  }
  // The value of a string from its body: a view into the line when it has
  // no escape (the common case), else the unescaped text in scratch.
  bool ViewString(std::string_view body, std::string_view* out) noexcept;
  bool UnescapeInto(std::string_view body, const char* backslash, std::string_view* out) noexcept;
  // The body of the string starting at p (after its opening quote), found
  // by scanning; only for the rare cases where the end is not known.
  std::string_view FindBody(const char* p) const noexcept;
  // A string value; `optional` accepts null as absent (leaves *out empty).
  bool GetString(od::value& v, const Path& path, bool optional, std::string_view* out) noexcept;
  // The body of a string value (between the quotes, escapes not decoded).
  bool GetRawString(od::value& v, const Path& path, std::string_view* body) noexcept;
  // An integer in [lo, hi]; null leaves *out unchanged.
  bool GetInt(od::value& v, const Path& path, int64_t lo, int64_t hi, int64_t* out) noexcept;
  bool GetTemperature(od::value& v, const Path& path, double* out) noexcept;
  bool GetArray(od::value& v, const Path& path, od::array* arr, bool* present) noexcept;
  bool GetObject(od::value& v, const Path& path, od::object* obj) noexcept;
  // Iterates the fields of obj: classify(key) gives a key's id, or -1 for
  // keys to skip; fn(id, key, value) -> bool handles the others.
  template <typename Classify, typename Fn>
  bool ForEachField(od::object& obj, Classify&& classify, Fn&& fn) noexcept;
  bool FailKeyEscape() noexcept {
    message_.assign("invalid escape sequence in an object key");
    return Reject(RejectReason::kInvalidJson);
  }

  // --- the structured keys
  bool DecodeFinishReasons(od::value& v, Event* out) noexcept;
  bool DecodeSystem(od::value& v, Event* out) noexcept;
  bool DecodeMessages(od::value& v, Event* out) noexcept;
  bool DecodeTools(od::value& v, Event* out) noexcept;
  // One part ({"type": ..., ...}) of a message_ or of the system instructions.
  struct Part {
    enum Kind : uint8_t { kOther, kText, kToolCall, kToolResponse } kind = kOther;
    const char* content = nullptr;  // body of "content" when it is a string
    size_t content_size = 0;
  };
  bool DecodePart(od::value& v, const Path& path, bool message_part, Part* part) noexcept;

  void EnsureScratch(size_t bytes) {
    if (scratch_capacity_ < bytes) {
      scratch_capacity_ = std::max(bytes, scratch_capacity_ * 2);
      scratch_.reset(new char[scratch_capacity_ + kPadding]);
    }
    scratch_pos_ = scratch_.get();
  }

  DecoderOptions options_;
  od::parser parser_;
  sdom::parser dom_;
  od::document doc_;
  bool doc_valid_ = false;  // doc_ belongs to the current line
  std::string message_;
  RejectReason reason_ = RejectReason::kNone;
  const char* line_begin_ = nullptr;
  const char* line_end_ = nullptr;
  std::unique_ptr<char[]> scratch_;  // unescaped strings of the current line
  size_t scratch_capacity_ = 0;
  char* scratch_pos_ = nullptr;
  std::string padded_;  // DecodeUnpadded's copy
  uint64_t fallbacks_ = 0;
};

bool Decoder::Impl::FailJson(simdjson::error_code err) noexcept {
  message_.clear();
  switch (err) {
    case simdjson::UTF8_ERROR:
      message_.append("invalid UTF-8");
      return Reject(RejectReason::kInvalidUtf8);
    case simdjson::CAPACITY:
      fmt::format_to(std::back_inserter(message_), "line too long: {} bytes > {}",
                     line_end_ - line_begin_, options_.max_line_bytes);
      return Reject(RejectReason::kTooLong);
    case simdjson::DEPTH_ERROR:
      message_.append("invalid JSON: nesting too deep");
      return Reject(RejectReason::kInvalidJson);
    default: {
      message_.append("invalid JSON: ");
      message_.append(simdjson::error_message(err));
      const char* loc = nullptr;
      if (doc_valid_ && !doc_.current_location().get(loc) && loc >= line_begin_ &&
          loc <= line_end_) {
        fmt::format_to(std::back_inserter(message_), " (near byte {})", loc - line_begin_);
      }
      return Reject(RejectReason::kInvalidJson);
    }
  }
}

std::string_view Decoder::Impl::FindBody(const char* p) const noexcept {
  // Stage 1 has checked that the string is closed inside the line.
  const char* q = p;
  while (q < line_end_ && *q != '"') q += *q == '\\' ? 2 : 1;
  return std::string_view(p, static_cast<size_t>(std::min(q, line_end_) - p));
}

bool Decoder::Impl::ViewString(std::string_view body, std::string_view* out) noexcept {
  const char* backslash = FindBackslash(body.data(), body.size());
  if (backslash == nullptr) {
    *out = body;
    return true;
  }
  return UnescapeInto(body, backslash, out);
}

bool Decoder::Impl::UnescapeInto(std::string_view body, const char* backslash,
                                 std::string_view* out) noexcept {
  // The output never outgrows the input, and each input byte belongs to at
  // most one string, so scratch (sized to the line) cannot overflow; its
  // kPadding slack takes CopyToBackslash's block stores.
  const char* p = body.data();
  const char* const end = p + body.size();
  char* const start = scratch_pos_;
  char* dst = start;
  std::memcpy(dst, p, static_cast<size_t>(backslash - p));
  dst += backslash - p;
  p = backslash;
  while (p != end) {
    // *p == '\\'; the body cannot end with a lone backslash (it would have
    // escaped the closing quote), and reads past `end` stay in the padding.
    switch (p[1]) {
      case '"':
        *dst++ = '"';
        break;
      case '\\':
        *dst++ = '\\';
        break;
      case '/':
        *dst++ = '/';
        break;
      case 'b':
        *dst++ = '\b';
        break;
      case 'f':
        *dst++ = '\f';
        break;
      case 'n':
        *dst++ = '\n';
        break;
      case 'r':
        *dst++ = '\r';
        break;
      case 't':
        *dst++ = '\t';
        break;
      case 'u': {
        if (end - p < 6) return false;
        int cp = Hex4(p + 2);
        if (cp < 0) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // lone low surrogate
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (end - p < 12 || p[6] != '\\' || p[7] != 'u') return false;
          const int lo = Hex4(p + 8);
          if (lo < 0xDC00 || lo > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          p += 6;
        }
        dst = AppendUtf8(dst, static_cast<uint32_t>(cp));
        p += 4;
        break;
      }
      default:
        return false;
    }
    p += 2;
    if (p > end) return false;
    p = CopyToBackslash(p, end, &dst);
  }
  scratch_pos_ = dst;
  *out = std::string_view(start, static_cast<size_t>(dst - start));
  return true;
}

bool Decoder::Impl::GetRawString(od::value& v, const Path& path, std::string_view* body) noexcept {
  // The token runs from the opening quote to the next structural character:
  // the closing quote is its last non-space byte. No scan of the string.
  std::string_view token = v.raw_json_token();
  if (token.empty() || token[0] != '"') {
    od::json_type t = od::json_type::null;
    if (!Type(v, &t)) return false;
    return FailType(path, "string", t);
  }
  od::raw_json_string rs;  // consumes the value
  if (auto err = v.get_raw_json_string().get(rs)) return FailJson(err);
  while (token.size() > 1 && IsJsonSpace(token.back())) token.remove_suffix(1);
  if (token.size() < 2 || token.back() != '"') return FailJson(simdjson::STRING_ERROR);
  *body = token.substr(1, token.size() - 2);
  return true;
}

bool Decoder::Impl::GetString(od::value& v, const Path& path, bool optional,
                              std::string_view* out) noexcept {
  std::string_view body;
  if (optional && v.raw_json_token().substr(0, 1) == "n") {
    od::json_type t = od::json_type::null;
    if (!Type(v, &t)) return false;
    if (t == od::json_type::null) return true;
  }
  if (!GetRawString(v, path, &body)) return false;
  if (!ViewString(body, out)) return FailEscape(path);
  return true;
}

bool Decoder::Impl::GetInt(od::value& v, const Path& path, int64_t lo, int64_t hi,
                           int64_t* out) noexcept {
  od::json_type t = od::json_type::null;
  if (!Type(v, &t)) return false;
  if (t == od::json_type::null) return true;
  if (t != od::json_type::number) return FailType(path, "integer", t);
  std::string_view token = v.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  // A fraction or an exponent makes a floating-point number, even 100.0.
  if (token.find_first_of(".eE") != std::string_view::npos) {
    message_.clear();
    AppendPath(message_, path);
    fmt::format_to(std::back_inserter(message_), ": expected integer, got floating-point number {}",
                   Clip(token));
    return Reject(RejectReason::kWrongType);
  }
  int64_t x;
  auto err = v.get_int64().get(x);
  if (err == simdjson::NUMBER_OUT_OF_RANGE || err == simdjson::INCORRECT_TYPE) {
    return FailValue(RejectReason::kBadValue, path, "integer out of range:", &token);
  }
  if (err) return FailJson(err);
  if (x < lo || x > hi) {
    message_.clear();
    AppendPath(message_, path);
    fmt::format_to(std::back_inserter(message_), ": {} is out of range [{}, {}]", x, lo, hi);
    return Reject(RejectReason::kBadValue);
  }
  *out = x;
  return true;
}

bool Decoder::Impl::GetTemperature(od::value& v, const Path& path, double* out) noexcept {
  od::json_type t = od::json_type::null;
  if (!Type(v, &t)) return false;
  if (t == od::json_type::null) return true;
  if (t != od::json_type::number) return FailType(path, "number", t);
  double x;
  auto err = v.get_double().get(x);
  if (err) return FailJson(err);
  if (!(x >= 0)) {
    message_.clear();
    AppendPath(message_, path);
    fmt::format_to(std::back_inserter(message_), ": {} is negative", x);
    return Reject(RejectReason::kBadValue);
  }
  // -0 is 0: the DOM parser reads the integer -0 as 0, and both paths must
  // give the same bytes.
  *out = x == 0 ? 0.0 : x;
  return true;
}

bool Decoder::Impl::GetArray(od::value& v, const Path& path, od::array* arr,
                             bool* present) noexcept {
  od::json_type t = od::json_type::null;
  if (!Type(v, &t)) return false;
  if (t == od::json_type::null && present != nullptr) {
    *present = false;
    return true;
  }
  if (t != od::json_type::array) return FailType(path, "array", t);
  auto err = v.get_array().get(*arr);
  if (err) return FailJson(err);
  if (present) *present = true;
  return true;
}

bool Decoder::Impl::GetObject(od::value& v, const Path& path, od::object* obj) noexcept {
  od::json_type t = od::json_type::null;
  if (!Type(v, &t)) return false;
  if (t != od::json_type::object) return FailType(path, "object", t);
  auto err = v.get_object().get(*obj);
  return err ? FailJson(err) : true;
}

template <typename Classify, typename Fn>
bool Decoder::Impl::ForEachField(od::object& obj, Classify&& classify, Fn&& fn) noexcept {
  for (auto field_result : obj) {
    od::field field;
    auto err = std::move(field_result).get(field);
    if (err) return FailJson(err);
    od::value& v = field.value();
    const char* raw = reinterpret_cast<const char*>(field.key().raw());
    // The key ends at the last quote before the ':' that precedes the value
    // (On Demand has checked the colon): found in O(1), without scanning
    // the key.
    const char* q = v.raw_json_token().data() - 1;
    while (q > raw && IsJsonSpace(*q)) --q;
    std::string_view key;
    if (q > raw && *q == ':') {
      --q;
      while (q > raw && IsJsonSpace(*q)) --q;
    }
    if (q >= raw && *q == '"') {
      key = std::string_view(raw, static_cast<size_t>(q - raw));
    } else if (!ViewString(FindBody(raw), &key)) {
      return FailKeyEscape();
    }
    int id = classify(key);
    if (id < 0) {
      // A key written with escapes cannot match byte for byte: unescape it
      // and try again. Other unknown keys are skipped.
      if (FindBackslash(raw, key.size()) == nullptr) continue;
      if (!ViewString(key, &key)) return FailKeyEscape();
      id = classify(key);
      if (id < 0) continue;
    }
    if (!fn(id, key, v)) return false;
  }
  return true;
}

bool Decoder::Impl::DecodePart(od::value& v, const Path& path, bool message_part,
                               Part* part) noexcept {
  od::object obj;
  if (!GetObject(v, path, &obj)) return false;
  // Members may come in any order: remember what was seen, check at the end.
  enum : uint8_t { kType = 1, kContent = 2, kId = 4, kName = 8 };
  uint8_t seen = 0;
  std::string_view type;
  od::json_type content_type = od::json_type::null;
  const auto classify = [message_part](std::string_view key) noexcept -> int {
    if (key == "type") return kType;
    if (key == "content") return kContent;
    if (message_part && key == "id") return kId;
    if (message_part && key == "name") return kName;
    return -1;  // arguments, result and unknown members are skipped
  };
  const bool ok =
      ForEachField(obj, classify, [&](int id, std::string_view key, od::value& fv) noexcept {
        const uint8_t bit = static_cast<uint8_t>(id);
        if (seen & bit) return FailDuplicate(path.Member(key));
        seen |= bit;
        switch (bit) {
          case kType:
            return GetString(fv, path.Member("type"), false, &type);
          case kContent:
            if (!Type(fv, &content_type)) return false;
            // Only a text part's content is read; its type is checked below
            // once "type" is known.
            if (content_type == od::json_type::string) {
              std::string_view body;
              if (!GetRawString(fv, path.Member("content"), &body)) return false;
              part->content = body.data();
              part->content_size = body.size();
              return true;
            }
            return true;
          default: {  // id, name: checked, not kept
            std::string_view body;
            return GetRawString(fv, path.Member(key), &body);
          }
        }
      });
  if (!ok) return false;
  if (!(seen & kType)) return FailMissing(path, "type");
  if (type == "text") {
    part->kind = Part::kText;
    if (!(seen & kContent)) return FailMissing(path, "content");
    if (content_type != od::json_type::string) {
      return FailType(path.Member("content"), "string", content_type);
    }
  } else if (message_part && type == "tool_call") {
    part->kind = Part::kToolCall;
    if (!(seen & kName)) return FailMissing(path, "name");
  } else if (message_part && type == "tool_call_response") {
    part->kind = Part::kToolResponse;
  }
  return true;
}

bool Decoder::Impl::DecodeFinishReasons(od::value& v, Event* out) noexcept {
  const Path path{kKeyNames[kFinishReasons]};
  od::array arr;
  bool present;
  if (!GetArray(v, path, &arr, &present)) return false;
  if (!present) return true;
  int i = 0;
  for (auto elem : arr) {
    od::value ev;
    if (auto err = std::move(elem).get(ev)) return FailJson(err);
    std::string_view s;
    if (!GetString(ev, path.At(i), false, &s)) return false;
    out->finish_reasons |= FinishBit(s);
    ++i;
  }
  return true;
}

bool Decoder::Impl::DecodeSystem(od::value& v, Event* out) noexcept {
  const Path path{kKeyNames[kSystemInstructions]};
  od::array arr;
  bool present;
  if (!GetArray(v, path, &arr, &present)) return false;
  if (!present) return true;
  int i = 0;
  for (auto elem : arr) {
    od::value ev;
    if (auto err = std::move(elem).get(ev)) return FailJson(err);
    Part part;
    if (!DecodePart(ev, path.At(i), false, &part)) return false;
    if (part.kind == Part::kText) {
      if (out->system_parts == 0 &&
          !ViewString({part.content, part.content_size}, &out->system_text)) {
        return FailEscape(path.At(i).Member("content"));
      }
      Bump(out->system_parts);
    }
    ++i;
  }
  return true;
}

bool Decoder::Impl::DecodeMessages(od::value& v, Event* out) noexcept {
  const Path path{kKeyNames[kInputMessages]};
  od::array arr;
  bool present;
  if (!GetArray(v, path, &arr, &present)) return false;
  if (!present) return true;
  // The prompt is the last user message_'s first text part; earlier user
  // messages are only remembered as a raw pointer, never unescaped.
  const char* prompt_raw = nullptr;
  size_t prompt_size = 0;
  int prompt_index = -1;
  int i = 0;
  for (auto elem : arr) {
    od::value mv;
    if (auto err = std::move(elem).get(mv)) return FailJson(err);
    const Path mpath = path.At(i);
    od::object obj;
    if (!GetObject(mv, mpath, &obj)) return false;
    enum : uint8_t { kRole = 1, kParts = 2 };
    uint8_t seen = 0;
    std::string_view role;
    const char* first_text = nullptr;
    size_t first_text_size = 0;
    uint16_t tool_calls = 0, tool_responses = 0;
    const auto classify = [](std::string_view key) noexcept -> int {
      return key == "role" ? kRole : key == "parts" ? kParts : -1;
    };
    const bool ok =
        ForEachField(obj, classify, [&](int id, std::string_view key, od::value& fv) noexcept {
          const uint8_t bit = static_cast<uint8_t>(id);
          if (seen & bit) return FailDuplicate(mpath.Member(key));
          seen |= bit;
          if (bit == kRole) return GetString(fv, mpath.Member("role"), false, &role);
          const Path ppath = mpath.Member("parts");
          od::array parts;
          if (!GetArray(fv, ppath, &parts, nullptr)) return false;
          int j = 0;
          for (auto pe : parts) {
            od::value pv;
            if (auto err = std::move(pe).get(pv)) return FailJson(err);
            Part part;
            if (!DecodePart(pv, ppath.At(j), true, &part)) return false;
            switch (part.kind) {
              case Part::kText:
                if (first_text == nullptr) {
                  first_text = part.content;
                  first_text_size = part.content_size;
                }
                break;
              case Part::kToolCall:
                Bump(tool_calls);
                break;
              case Part::kToolResponse:
                Bump(tool_responses);
                break;
              case Part::kOther:
                break;
            }
            ++j;
          }
          return true;
        });
    if (!ok) return false;
    if (!(seen & kRole)) return FailMissing(mpath, "role");
    if (!(seen & kParts)) return FailMissing(mpath, "parts");
    if (role == "user") {
      Bump(out->user_messages);
      prompt_raw = first_text;
      prompt_size = first_text_size;
      prompt_index = i;
    } else if (role == "assistant") {
      Bump(out->assistant_messages);
    } else if (role != "tool" && role != "system") {
      return FailValue(RejectReason::kBadValue, mpath.Member("role"),
                       "expected \"user\", \"assistant\", \"tool\" or \"system\", got", &role);
    }
    Bump(out->messages);
    out->tool_calls = static_cast<uint16_t>(
        std::min<uint32_t>(uint32_t{out->tool_calls} + tool_calls, UINT16_MAX));
    out->tool_responses = static_cast<uint16_t>(
        std::min<uint32_t>(uint32_t{out->tool_responses} + tool_responses, UINT16_MAX));
    ++i;
  }
  if (prompt_raw != nullptr && !ViewString({prompt_raw, prompt_size}, &out->prompt_text)) {
    return FailEscape(path.At(prompt_index).Member("parts"));
  }
  return true;
}

bool Decoder::Impl::DecodeTools(od::value& v, Event* out) noexcept {
  const Path path{kKeyNames[kToolDefinitions]};
  od::array arr;
  bool present;
  if (!GetArray(v, path, &arr, &present)) return false;
  if (!present) return true;
  int i = 0;
  for (auto elem : arr) {
    od::value tv;
    if (auto err = std::move(elem).get(tv)) return FailJson(err);
    const Path tpath = path.At(i);
    od::object obj;
    if (!GetObject(tv, tpath, &obj)) return false;
    enum : uint8_t { kType = 1, kName = 2, kDescription = 4 };
    uint8_t seen = 0;
    std::string_view name;
    // parameters and unknown members are skipped.
    const auto classify = [](std::string_view key) noexcept -> int {
      return key == "name"          ? kName
             : key == "type"        ? kType
             : key == "description" ? kDescription
                                    : -1;
    };
    const bool ok =
        ForEachField(obj, classify, [&](int id, std::string_view key, od::value& fv) noexcept {
          const uint8_t bit = static_cast<uint8_t>(id);
          if (seen & bit) return FailDuplicate(tpath.Member(key));
          seen |= bit;
          if (bit == kName) return GetString(fv, tpath.Member("name"), false, &name);
          // type and description: checked, not kept.
          od::json_type t = od::json_type::null;
          if (!Type(fv, &t)) return false;
          if (t != od::json_type::string) return FailType(tpath.Member(key), "string", t);
          std::string_view body;
          return GetRawString(fv, tpath.Member(key), &body);
        });
    if (!ok) return false;
    if (!(seen & kName)) return FailMissing(tpath, "name");
    // Sum (mod 2^64) of the names' hashes: independent of order, and a name
    // listed twice counts twice.
    out->tool_names_hash += Hash64(name);
    Bump(out->tool_definitions);
    ++i;
  }
  return true;
}

bool Decoder::Impl::FastOptionalString(sdom::element v, std::string_view* out) noexcept {
  if (v.is_null()) return true;
  return !v.get_string().get(*out);
}

bool Decoder::Impl::FastInt(sdom::element v, int64_t lo, int64_t hi, int64_t* out) noexcept {
  if (v.is_null()) return true;
  // A fraction or an exponent parses as a double, and an integer above
  // INT64_MAX as uint64: both refused, as GetInt refuses them.
  if (v.type() != sdom::element_type::INT64) return false;
  const int64_t x = v.get_int64().value_unsafe();
  if (x < lo || x > hi) return false;
  *out = x;
  return true;
}

bool Decoder::Impl::FastPartOf(sdom::element v, bool message_part, FastPart* part) noexcept {
  sdom::object obj;
  if (v.get_object().get(obj)) return false;
  enum : uint8_t { kType = 1, kContent = 2, kId = 4, kName = 8 };
  uint8_t seen = 0;
  std::string_view type;
  sdom::element content;
  for (sdom::key_value_pair kv : obj) {
    uint8_t bit = 0;
    if (Is(kv.key, "type")) {
      bit = kType;
    } else if (Is(kv.key, "content")) {
      bit = kContent;
    } else if (message_part && Is(kv.key, "id")) {
      bit = kId;
    } else if (message_part && Is(kv.key, "name")) {
      bit = kName;
    } else {
      continue;
    }
    if (seen & bit) return false;
    seen |= bit;
    switch (bit) {
      case kType:
        if (kv.value.get_string().get(type)) return false;
        break;
      case kContent:
        content = kv.value;
        break;
      default:  // id, name: checked, not kept
        if (!kv.value.is_string()) return false;
        break;
    }
  }
  if (!(seen & kType)) return false;
  if (Is(type, "text")) {
    if (!(seen & kContent) || content.get_string().get(part->content)) return false;
    part->kind = FastPart::kText;
  } else if (message_part && Is(type, "tool_call")) {
    if (!(seen & kName)) return false;
    part->kind = FastPart::kToolCall;
  } else if (message_part && Is(type, "tool_call_response")) {
    part->kind = FastPart::kToolResponse;
  }
  return true;
}

bool Decoder::Impl::FastSystem(sdom::element v, Event* out) noexcept {
  return FastEach(v, [out](sdom::element e) noexcept {
    FastPart part;
    if (!FastPartOf(e, false, &part)) return false;
    if (part.kind == FastPart::kText) {
      if (out->system_parts == 0) out->system_text = part.content;
      Bump(out->system_parts);
    }
    return true;
  });
}

bool Decoder::Impl::FastMessages(sdom::element v, Event* out) noexcept {
  return FastEach(v, [out](sdom::element m) noexcept {
    sdom::object obj;
    if (m.get_object().get(obj)) return false;
    enum : uint8_t { kRole = 1, kParts = 2 };
    uint8_t seen = 0;
    std::string_view role;
    std::string_view first_text;
    bool has_text = false;
    uint16_t tool_calls = 0, tool_responses = 0;
    for (sdom::key_value_pair kv : obj) {
      const uint8_t bit = Is(kv.key, "role") ? kRole : Is(kv.key, "parts") ? kParts : 0;
      if (bit == 0) continue;
      if (seen & bit) return false;
      seen |= bit;
      if (bit == kRole) {
        if (kv.value.get_string().get(role)) return false;
        continue;
      }
      sdom::array parts;
      if (kv.value.get_array().get(parts)) return false;
      for (sdom::element pe : parts) {
        FastPart part;
        if (!FastPartOf(pe, true, &part)) return false;
        switch (part.kind) {
          case FastPart::kText:
            if (!has_text) {
              first_text = part.content;
              has_text = true;
            }
            break;
          case FastPart::kToolCall:
            Bump(tool_calls);
            break;
          case FastPart::kToolResponse:
            Bump(tool_responses);
            break;
          case FastPart::kOther:
            break;
        }
      }
    }
    if (seen != (kRole | kParts)) return false;
    if (Is(role, "user")) {
      Bump(out->user_messages);
      out->prompt_text = first_text;
    } else if (Is(role, "assistant")) {
      Bump(out->assistant_messages);
    } else if (!Is(role, "tool") && !Is(role, "system")) {
      return false;
    }
    Bump(out->messages);
    out->tool_calls = static_cast<uint16_t>(
        std::min<uint32_t>(uint32_t{out->tool_calls} + tool_calls, UINT16_MAX));
    out->tool_responses = static_cast<uint16_t>(
        std::min<uint32_t>(uint32_t{out->tool_responses} + tool_responses, UINT16_MAX));
    return true;
  });
}

bool Decoder::Impl::FastTools(sdom::element v, Event* out) noexcept {
  return FastEach(v, [out](sdom::element t) noexcept {
    sdom::object obj;
    if (t.get_object().get(obj)) return false;
    enum : uint8_t { kType = 1, kName = 2, kDescription = 4 };
    uint8_t seen = 0;
    std::string_view name;
    for (sdom::key_value_pair kv : obj) {
      const uint8_t bit = Is(kv.key, "name")          ? kName
                          : Is(kv.key, "type")        ? kType
                          : Is(kv.key, "description") ? kDescription
                                                      : 0;
      if (bit == 0) continue;
      if (seen & bit) return false;
      seen |= bit;
      if (bit == kName) {
        if (kv.value.get_string().get(name)) return false;
      } else if (!kv.value.is_string()) {
        return false;
      }
    }
    if (!(seen & kName)) return false;
    out->tool_names_hash += Hash64(name);
    Bump(out->tool_definitions);
    return true;
  });
}

bool Decoder::Impl::FastDecode(std::string_view line, Event* out) noexcept {
  sdom::element root;
  if (dom_.parse(line.data(), line.size(), false).get(root)) return false;
  sdom::object obj;
  if (root.get_object().get(obj)) return false;
  uint32_t seen = 0;
  for (sdom::key_value_pair kv : obj) {
    const Key k = LookupKey(kv.key);
    if (k == kUnknownKey) continue;
    if (seen & (1u << k)) return false;
    seen |= 1u << k;
    const sdom::element v = kv.value;
    switch (k) {
      case kTime: {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        const auto t = ParseRfc3339(s);
        if (!t) return false;
        out->time = *t;
        break;
      }
      case kUserId:
        if (v.get_string().get(out->user_id) || out->user_id.empty()) return false;
        break;
      case kResponseId:
        if (!FastOptionalString(v, &out->response_id)) return false;
        break;
      case kClientAddress:
        if (!FastOptionalString(v, &out->client_address)) return false;
        if (!out->client_address.empty() && !ValidAddress(out->client_address)) return false;
        break;
      case kUserAgent:
        if (!FastOptionalString(v, &out->user_agent)) return false;
        break;
      case kOperation:
        if (!FastOptionalString(v, &out->operation)) return false;
        break;
      case kModel:
        if (!FastOptionalString(v, &out->model)) return false;
        break;
      case kConversationId:
        if (!FastOptionalString(v, &out->conversation_id)) return false;
        break;
      case kMaxTokens:
        if (!FastInt(v, 0, INT64_MAX, &out->max_tokens)) return false;
        break;
      case kInputTokens:
        if (!FastInt(v, 0, INT64_MAX, &out->input_tokens)) return false;
        break;
      case kOutputTokens:
        if (!FastInt(v, 0, INT64_MAX, &out->output_tokens)) return false;
        break;
      case kStatusCode: {
        int64_t code = 0;
        if (!FastInt(v, 100, 599, &code)) return false;
        out->status_code = static_cast<int32_t>(code);
        break;
      }
      case kTemperature: {
        if (v.is_null()) break;
        double x;
        if (v.get_double().get(x) || !(x >= 0)) return false;
        out->temperature = x == 0 ? 0.0 : x;
        break;
      }
      case kFinishReasons: {
        const bool ok = FastEach(v, [out](sdom::element e) noexcept {
          std::string_view s;
          if (e.get_string().get(s)) return false;
          out->finish_reasons |= FinishBit(s);
          return true;
        });
        if (!ok) return false;
        break;
      }
      case kSystemInstructions:
        if (!FastSystem(v, out)) return false;
        break;
      case kInputMessages:
        if (!FastMessages(v, out)) return false;
        break;
      case kToolDefinitions:
        if (!FastTools(v, out)) return false;
        break;
      case kKeyCount:
        break;
    }
  }
  return (seen & (1u << kTime)) && (seen & (1u << kUserId));
}

DecodeResult Decoder::Impl::Decode(std::string_view line, Event* out) noexcept {
  *out = Event{};
  reason_ = RejectReason::kNone;
  message_.clear();
  line_begin_ = line.data();
  line_end_ = line.data() + line.size();
  const auto result = [&]() noexcept { return DecodeResult{reason_, message_}; };
  if (line.size() > options_.max_line_bytes) {
    FailJson(simdjson::CAPACITY);
    return result();
  }
  EnsureScratch(line.size());
  if (options_.fast_path) {
    if (line.size() <= kFastPathMaxBytes && FastDecode(line, out)) return result();
    ++fallbacks_;
    *out = Event{};
  }

  doc_valid_ = false;
  auto err =
      parser_.iterate(line.data(), line.size(), line.size() + simdjson::SIMDJSON_PADDING).get(doc_);
  if (err) {
    // Invalid UTF-8 is reported whatever else the first pass found.
    if (err != simdjson::UTF8_ERROR && !simdjson::validate_utf8(line.data(), line.size())) {
      err = simdjson::UTF8_ERROR;
    }
    FailJson(err);
    return result();
  }
  doc_valid_ = true;
  od::json_type root_type = od::json_type::null;
  if ((err = doc_.type().get(root_type))) {
    FailJson(err);
    return result();
  }
  if (root_type != od::json_type::object) {
    // A scalar is checked so that "not json" is invalid_json rather than a
    // misread null; an array is not_object without being parsed.
    simdjson::error_code scalar_err = simdjson::SUCCESS;
    switch (root_type) {
      case od::json_type::string: {
        std::string_view ignored;
        scalar_err = doc_.get_string().get(ignored);
        break;
      }
      case od::json_type::number: {
        double ignored;
        scalar_err = doc_.get_double().get(ignored);
        break;
      }
      case od::json_type::boolean: {
        bool ignored;
        scalar_err = doc_.get_bool().get(ignored);
        break;
      }
      case od::json_type::null: {
        bool is_null = false;
        scalar_err = doc_.is_null().get(is_null);
        if (!scalar_err && !is_null) scalar_err = simdjson::N_ATOM_ERROR;
        break;
      }
      default:
        break;
    }
    if (scalar_err) {
      FailJson(scalar_err);
      return result();
    }
    message_.clear();
    fmt::format_to(std::back_inserter(message_), "expected a JSON object, got {}",
                   TypeName(root_type));
    Reject(RejectReason::kNotObject);
    return result();
  }
  od::object obj;
  if ((err = doc_.get_object().get(obj))) {
    FailJson(err);
    return result();
  }

  uint32_t seen = 0;
  const auto classify = [](std::string_view key) noexcept -> int {
    const Key k = LookupKey(key);
    return k == kUnknownKey ? -1 : k;
  };
  const bool ok = ForEachField(obj, classify, [&](int id, std::string_view, od::value& v) noexcept {
    const Key k = static_cast<Key>(id);
    const Path path{kKeyNames[k]};
    if (seen & (1u << k)) return FailDuplicate(path);
    seen |= 1u << k;
    switch (k) {
      case kTime: {
        std::string_view s;
        if (!GetString(v, path, false, &s)) return false;
        const auto t = ParseRfc3339(s);
        if (!t) {
          return FailValue(RejectReason::kBadTime, path, "not an RFC 3339 date-time:", &s);
        }
        out->time = *t;
        return true;
      }
      case kUserId:
        if (!GetString(v, path, false, &out->user_id)) return false;
        if (out->user_id.empty()) {
          return FailValue(RejectReason::kBadValue, path, "must not be empty");
        }
        return true;
      case kResponseId:
        return GetString(v, path, true, &out->response_id);
      case kClientAddress:
        if (!GetString(v, path, true, &out->client_address)) return false;
        if (!out->client_address.empty() && !ValidAddress(out->client_address)) {
          return FailValue(RejectReason::kBadAddress, path,
                           "not an IPv4 or IPv6 address:", &out->client_address);
        }
        return true;
      case kUserAgent:
        return GetString(v, path, true, &out->user_agent);
      case kOperation:
        return GetString(v, path, true, &out->operation);
      case kModel:
        return GetString(v, path, true, &out->model);
      case kConversationId:
        return GetString(v, path, true, &out->conversation_id);
      case kMaxTokens:
        return GetInt(v, path, 0, INT64_MAX, &out->max_tokens);
      case kInputTokens:
        return GetInt(v, path, 0, INT64_MAX, &out->input_tokens);
      case kOutputTokens:
        return GetInt(v, path, 0, INT64_MAX, &out->output_tokens);
      case kStatusCode: {
        int64_t code = 0;
        if (!GetInt(v, path, 100, 599, &code)) return false;
        out->status_code = static_cast<int32_t>(code);
        return true;
      }
      case kTemperature:
        return GetTemperature(v, path, &out->temperature);
      case kFinishReasons:
        return DecodeFinishReasons(v, out);
      case kSystemInstructions:
        return DecodeSystem(v, out);
      case kInputMessages:
        return DecodeMessages(v, out);
      case kToolDefinitions:
        return DecodeTools(v, out);
      case kKeyCount:
        break;
    }
    return true;
  });
  if (!ok) return result();

  // The object must be the whole line.
  const char* loc = nullptr;
  err = doc_.current_location().get(loc);
  if (err != simdjson::OUT_OF_BOUNDS) {
    message_.clear();
    if (!err) {
      fmt::format_to(std::back_inserter(message_),
                     "invalid JSON: content after the object (at byte {})", loc - line_begin_);
    } else {
      message_.append("invalid JSON: content after the object");
    }
    Reject(RejectReason::kInvalidJson);
    return result();
  }
  if (!(seen & (1u << kTime))) {
    message_.assign("missing \"time\"");
    Reject(RejectReason::kMissingTime);
  } else if (!(seen & (1u << kUserId))) {
    message_.assign("missing \"user.id\"");
    Reject(RejectReason::kMissingUserId);
  }
  return result();
}

Decoder::Decoder(const DecoderOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Decoder::~Decoder() = default;

DecodeResult Decoder::Decode(std::string_view line, Event* out) noexcept {
  return impl_->Decode(line, out);
}

uint64_t Decoder::fallbacks() const noexcept { return impl_->fallbacks_; }

DecodeResult Decoder::DecodeUnpadded(std::string_view line, Event* out) noexcept {
  std::string& buf = impl_->padded_;
  buf.assign(line);
  buf.resize(line.size() + kPadding, '\0');
  return impl_->Decode(std::string_view(buf.data(), line.size()), out);
}

}  // namespace hw::decode
