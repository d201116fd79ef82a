// HTTP/1.1 messages as the server's handlers see them, and the per-connection
// request parser (Node's http_parser 2.9 from Debian) that turns a byte
// stream into requests and appends their responses to an output buffer.
//
// HttpSession owns no socket: the event loop (server.h) feeds it what it
// reads and writes what it produces, and fuzz/fuzz_http.cc feeds it
// arbitrary bytes. Its buffers are kept across requests (clear() keeps
// capacity), so a keep-alive connection allocates nothing per request once
// they have grown.
#pragma once

#include <http_parser.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/time.h"

namespace hw::serve {

class Router;

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kDelete, kOptions, kPatch, kOther };

// Limits of one connection's requests (0 never means "no limit").
struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;  // request line + header names and values
  size_t max_headers = 64;
  size_t max_body_bytes = 1 << 20;
  // Responses waiting to be written beyond which the session stops parsing
  // (pipelining clients that do not read).
  size_t max_pending_output = 1 << 20;
};

struct HeaderRef {
  uint32_t name_off, name_len;  // the name is stored lower-cased
  uint32_t value_off, value_len;
};

class Request {
 public:
  Method method() const noexcept { return method_; }
  std::string_view method_name() const noexcept { return method_name_; }
  // The raw request-target, its path (before '?') and query (after it).
  std::string_view target() const noexcept { return target_; }
  std::string_view path() const noexcept { return path_; }
  std::string_view query() const noexcept { return query_; }
  // The first header named `lower_name` (give it lower-cased), or "".
  std::string_view Header(std::string_view lower_name) const noexcept;
  bool HasHeader(std::string_view lower_name) const noexcept;
  size_t header_count() const noexcept { return header_count_; }
  std::string_view header_name(size_t i) const noexcept;
  std::string_view header_value(size_t i) const noexcept;
  std::string_view body() const noexcept { return body_; }
  // The percent-decoded value of query parameter `name` into *out; false
  // when absent or badly encoded.
  bool QueryParam(std::string_view name, std::string* out) const;
  // The event loop serving the request (0..threads-1): handlers keep
  // per-thread state (metrics shards) by it.
  int worker() const noexcept { return worker_; }
  // When the request's last byte was parsed (steady clock, ns): latency.
  int64_t received_ns() const noexcept { return received_ns_; }

 private:
  friend class HttpSession;
  Method method_ = Method::kOther;
  std::string_view method_name_;
  std::string_view target_, path_, query_;
  std::string_view body_;
  const std::string* head_ = nullptr;
  const HeaderRef* headers_ = nullptr;
  size_t header_count_ = 0;
  int worker_ = 0;
  int64_t received_ns_ = 0;
};

class Response {
 public:
  void Reset();
  void SetStatus(int code) noexcept { status_ = code; }
  int status() const noexcept { return status_; }
  // `name: value` verbatim; the caller gives valid header text.
  void AddHeader(std::string_view name, std::string_view value);
  void AddHeader(std::string_view name, int64_t value);
  void SetContentType(std::string_view type) { content_type_ = type; }
  std::string& body() noexcept { return body_; }
  const std::string& body() const noexcept { return body_; }
  // Close the connection once this response is written.
  void SetClose() noexcept { close_ = true; }
  bool close() const noexcept { return close_; }
  // A JSON body {"error": message} with `status`.
  void Error(int status, std::string_view message);
  std::string_view headers() const noexcept { return headers_; }
  std::string_view content_type() const noexcept { return content_type_; }

 private:
  int status_ = 200;
  bool close_ = false;
  std::string_view content_type_;
  std::string headers_;
  std::string body_;
};

const char* StatusReason(int status) noexcept;

class HttpSession {
 public:
  // `router` and `limits` must outlive the session.
  HttpSession(const Router* router, const HttpLimits* limits, int worker);
  ~HttpSession() = default;
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Forgets any state, for a new connection.
  void Reset();
  // Parses `data`, runs the handler of each complete request and appends the
  // responses to output(). Returns how many bytes were consumed: fewer than
  // `n` when output() holds more than max_pending_output (call again with
  // the rest once it is written) or when the connection is closing (the
  // rest is to be discarded).
  size_t Feed(const char* data, size_t n, int64_t now_ns);
  // The peer closed its side: a request cut short is answered with nothing.
  void Eof();

  std::string& output() noexcept { return out_; }
  // The connection is to be closed once output() is written.
  bool closing() const noexcept { return closing_; }
  // No request is partly received.
  bool idle() const noexcept { return !in_message_; }
  // A request's headers are partly received (the header timeout runs).
  bool in_headers() const noexcept { return in_message_ && !headers_done_; }
  // Graceful stop: the next response says "Connection: close" and ends the
  // connection; an idle session closes at once.
  void Drain();
  // Answers `status` (408, 503) with Connection: close, unless a request
  // is being answered; the connection closes.
  void Abort(int status, std::string_view message);
  int worker() const noexcept { return worker_; }

 private:
  static int OnMessageBegin(http_parser* p);
  static int OnUrl(http_parser* p, const char* at, size_t n);
  static int OnHeaderField(http_parser* p, const char* at, size_t n);
  static int OnHeaderValue(http_parser* p, const char* at, size_t n);
  static int OnHeadersComplete(http_parser* p);
  static int OnBody(http_parser* p, const char* at, size_t n);
  static int OnMessageComplete(http_parser* p);
  static const http_parser_settings kSettings;

  bool AddHeadBytes(size_t n);
  void Dispatch();
  void Write(const Response& r, bool head_only, bool keep_alive, bool http10);
  void Fail(int status, std::string_view message);

  const Router* router_;
  const HttpLimits* limits_;
  int worker_;
  http_parser parser_;
  bool in_message_ = false;
  bool headers_done_ = false;
  bool closing_ = false;
  bool draining_ = false;
  bool last_was_value_ = false;
  int error_status_ = 0;
  const char* error_message_ = nullptr;
  size_t head_bytes_ = 0;
  uint32_t url_len_ = 0;
  std::string head_;  // url, then header names (lower-cased) and values
  HeaderRef headers_[128];
  size_t header_count_ = 0;
  std::string body_;
  std::string out_;
  Request request_;
  Response response_;
  int64_t now_ns_ = 0;
};

// Decodes %XX escapes (and '+' as a space, as in a query) of one URL
// component; false on a bad escape.
bool DecodeUrlComponent(std::string_view in, std::string* out);

}  // namespace hw::serve
