#include "engine/serve/http.h"

#include <strings.h>
#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>

#include "engine/serve/router.h"

namespace hw::serve {

namespace {

HttpSession* Self(http_parser* p) { return static_cast<HttpSession*>(p->data); }

Method MethodOf(unsigned m) noexcept {
  switch (m) {
    case HTTP_GET:
      return Method::kGet;
    case HTTP_HEAD:
      return Method::kHead;
    case HTTP_POST:
      return Method::kPost;
    case HTTP_PUT:
      return Method::kPut;
    case HTTP_DELETE:
      return Method::kDelete;
    case HTTP_OPTIONS:
      return Method::kOptions;
    case HTTP_PATCH:
      return Method::kPatch;
    default:
      return Method::kOther;
  }
}

int HexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

std::string_view Request::Header(std::string_view lower_name) const noexcept {
  for (size_t i = 0; i < header_count_; ++i) {
    if (header_name(i) == lower_name) return header_value(i);
  }
  return {};
}

bool Request::HasHeader(std::string_view lower_name) const noexcept {
  for (size_t i = 0; i < header_count_; ++i) {
    if (header_name(i) == lower_name) return true;
  }
  return false;
}

std::string_view Request::header_name(size_t i) const noexcept {
  return std::string_view(*head_).substr(headers_[i].name_off, headers_[i].name_len);
}

std::string_view Request::header_value(size_t i) const noexcept {
  std::string_view v =
      std::string_view(*head_).substr(headers_[i].value_off, headers_[i].value_len);
  // http_parser keeps trailing blanks of a value (RFC 9110 drops them).
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool Request::QueryParam(std::string_view name, std::string* out) const {
  std::string_view q = query_;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key != name) continue;
    return PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                         out);
  }
  return false;
}

void Response::Reset() {
  status_ = 200;
  close_ = false;
  content_type_ = {};
  headers_.clear();
  body_.clear();
}

void Response::AddHeader(std::string_view name, std::string_view value) {
  headers_.append(name);
  headers_.append(": ");
  headers_.append(value);
  headers_.append("\r\n");
}

void Response::AddHeader(std::string_view name, int64_t value) {
  headers_.append(name);
  headers_.append(": ");
  AppendInt(headers_, value);
  headers_.append("\r\n");
}

void Response::Error(int status, std::string_view message) {
  status_ = status;
  content_type_ = "application/json";
  body_.clear();
  body_.append("{\"error\":\"");
  for (char c : message) {
    // Messages are ours (ASCII); quotes and controls are dropped, not escaped.
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) body_.push_back(c);
  }
  body_.append("\"}");
}

const char* StatusReason(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

const http_parser_settings HttpSession::kSettings = [] {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_message_begin = &HttpSession::OnMessageBegin;
  s.on_url = &HttpSession::OnUrl;
  s.on_header_field = &HttpSession::OnHeaderField;
  s.on_header_value = &HttpSession::OnHeaderValue;
  s.on_headers_complete = &HttpSession::OnHeadersComplete;
  s.on_body = &HttpSession::OnBody;
  s.on_message_complete = &HttpSession::OnMessageComplete;
  return s;
}();

HttpSession::HttpSession(const Router* router, const HttpLimits* limits, int worker)
    : router_(router), limits_(limits), worker_(worker) {
  Reset();
}

void HttpSession::Reset() {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  in_message_ = headers_done_ = closing_ = draining_ = last_was_value_ = false;
  error_status_ = 0;
  error_message_ = nullptr;
  head_bytes_ = 0;
  header_count_ = 0;
  head_.clear();
  body_.clear();
  out_.clear();
}

bool HttpSession::AddHeadBytes(size_t n) {
  head_bytes_ += n;
  if (head_bytes_ > limits_->max_header_bytes) {
    error_status_ = 431;
    error_message_ = "request header too large";
    return false;
  }
  return true;
}

int HttpSession::OnMessageBegin(http_parser* p) {
  HttpSession* s = Self(p);
  s->in_message_ = true;
  s->headers_done_ = false;
  s->last_was_value_ = false;
  s->head_bytes_ = 0;
  s->header_count_ = 0;
  s->url_len_ = 0;
  s->head_.clear();
  s->body_.clear();
  return 0;
}

int HttpSession::OnUrl(http_parser* p, const char* at, size_t n) {
  HttpSession* s = Self(p);
  if (!s->AddHeadBytes(n)) return 1;
  s->head_.append(at, n);
  s->url_len_ += static_cast<uint32_t>(n);
  return 0;
}

int HttpSession::OnHeaderField(http_parser* p, const char* at, size_t n) {
  HttpSession* s = Self(p);
  if (!s->AddHeadBytes(n)) return 1;
  if (s->header_count_ == 0 || s->last_was_value_) {
    const size_t cap = std::min(s->limits_->max_headers, std::size(s->headers_));
    if (s->header_count_ >= cap) {
      s->error_status_ = 431;
      s->error_message_ = "too many request headers";
      return 1;
    }
    HeaderRef& h = s->headers_[s->header_count_++];
    h.name_off = static_cast<uint32_t>(s->head_.size());
    h.name_len = 0;
    h.value_off = 0;
    h.value_len = 0;
    s->last_was_value_ = false;
  }
  HeaderRef& h = s->headers_[s->header_count_ - 1];
  for (size_t i = 0; i < n; ++i) {
    const char c = at[i];
    s->head_.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  h.name_len += static_cast<uint32_t>(n);
  return 0;
}

int HttpSession::OnHeaderValue(http_parser* p, const char* at, size_t n) {
  HttpSession* s = Self(p);
  if (!s->AddHeadBytes(n)) return 1;
  HeaderRef& h = s->headers_[s->header_count_ - 1];
  if (!s->last_was_value_) {
    h.value_off = static_cast<uint32_t>(s->head_.size());
    h.value_len = 0;
    s->last_was_value_ = true;
  }
  s->head_.append(at, n);
  h.value_len += static_cast<uint32_t>(n);
  return 0;
}

int HttpSession::OnHeadersComplete(http_parser* p) {
  HttpSession* s = Self(p);
  s->headers_done_ = true;
  if (p->http_major != 1) {
    s->error_status_ = 505;
    s->error_message_ = "HTTP version not supported";
    return 3;
  }
  // ULLONG_MAX: no Content-Length (chunked, or no body).
  if (p->content_length != ULLONG_MAX && p->content_length > s->limits_->max_body_bytes) {
    s->error_status_ = 413;
    s->error_message_ = "request body too large";
    return 3;  // any value but 0, 1 and 2 is an error for http_parser
  }
  for (size_t i = 0; i < s->header_count_; ++i) {
    const HeaderRef& h = s->headers_[i];
    if (std::string_view(s->head_).substr(h.name_off, h.name_len) == "expect") {
      std::string_view v = std::string_view(s->head_).substr(h.value_off, h.value_len);
      if (v.size() >= 12 && strncasecmp(v.data(), "100-continue", 12) == 0)
        s->out_.append("HTTP/1.1 100 Continue\r\n\r\n");
    }
  }
  return 0;
}

int HttpSession::OnBody(http_parser* p, const char* at, size_t n) {
  HttpSession* s = Self(p);
  if (s->body_.size() + n > s->limits_->max_body_bytes) {
    s->error_status_ = 413;
    s->error_message_ = "request body too large";
    return 1;
  }
  s->body_.append(at, n);
  return 0;
}

int HttpSession::OnMessageComplete(http_parser* p) {
  // Stop here: Feed() answers this request before parsing the next one.
  http_parser_pause(p, 1);
  return 0;
}

size_t HttpSession::Feed(const char* data, size_t n, int64_t now_ns) {
  now_ns_ = now_ns;
  size_t off = 0;
  while (off < n && !closing_) {
    if (out_.size() > limits_->max_pending_output) break;
    off += http_parser_execute(&parser_, &kSettings, data + off, n - off);
    const auto err = static_cast<http_errno>(parser_.http_errno);
    if (err == HPE_PAUSED) {
      http_parser_pause(&parser_, 0);
      Dispatch();
      continue;
    }
    if (err != HPE_OK) {
      if (error_status_ != 0) {
        Fail(error_status_, error_message_);
      } else if (err == HPE_HEADER_OVERFLOW) {
        Fail(431, "request header too large");
      } else {
        Fail(400, http_errno_description(err));
      }
      break;
    }
  }
  return closing_ ? n : off;
}

void HttpSession::Eof() {
  if (!closing_) closing_ = true;
}

void HttpSession::Drain() {
  draining_ = true;
  if (!in_message_) closing_ = true;
}

void HttpSession::Abort(int status, std::string_view message) {
  if (closing_) return;
  if (router_) router_->CountError(worker_, status);
  response_.Reset();
  response_.Error(status, message);
  Write(response_, false, false, false);
  closing_ = true;
}

void HttpSession::Fail(int status, std::string_view message) {
  if (router_) router_->CountError(worker_, status);
  response_.Reset();
  response_.Error(status, message);
  Write(response_, false, false, false);
  closing_ = true;
  in_message_ = false;
}

void HttpSession::Dispatch() {
  in_message_ = false;
  Request& r = request_;
  r.method_ = MethodOf(parser_.method);
  r.method_name_ = http_method_str(static_cast<http_method>(parser_.method));
  r.target_ = std::string_view(head_).substr(0, url_len_);
  const size_t q = r.target_.find('?');
  r.path_ = r.target_.substr(0, q);
  r.query_ = q == std::string_view::npos ? std::string_view() : r.target_.substr(q + 1);
  r.head_ = &head_;
  r.headers_ = headers_;
  r.header_count_ = header_count_;
  r.body_ = body_;
  r.worker_ = worker_;
  r.received_ns_ = now_ns_;
  response_.Reset();
  if (router_) {
    router_->Handle(r, response_);
  } else {
    response_.Error(404, "no routes");
  }
  const bool keep_alive = http_should_keep_alive(&parser_) && !draining_ && !response_.close();
  const bool http10 = parser_.http_major == 1 && parser_.http_minor == 0;
  Write(response_, r.method_ == Method::kHead, keep_alive, http10);
  if (!keep_alive) closing_ = true;
}

void HttpSession::Write(const Response& r, bool head_only, bool keep_alive, bool http10) {
  out_.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendInt(out_, r.status());
  out_.push_back(' ');
  out_.append(StatusReason(r.status()));
  out_.append("\r\n");
  if (!r.content_type().empty()) {
    out_.append("Content-Type: ");
    out_.append(r.content_type());
    out_.append("\r\n");
  }
  out_.append(r.headers());
  out_.append("Content-Length: ");
  AppendInt(out_, static_cast<int64_t>(r.body().size()));
  out_.append("\r\n");
  if (!keep_alive) {
    out_.append("Connection: close\r\n");
  } else if (http10) {
    out_.append("Connection: keep-alive\r\n");
  }
  out_.append("\r\n");
  if (!head_only) out_.append(r.body());
}

bool DecodeUrlComponent(std::string_view in, std::string* out) { return PercentDecode(in, out); }

}  // namespace hw::serve
