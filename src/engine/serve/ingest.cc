#include "engine/serve/ingest.h"

#include <strings.h>
#include <zlib.h>

#include <string_view>
#include <vector>

#include "engine/common/json_writer.h"
#include "engine/common/sha256.h"

namespace hw::serve {

namespace {

// Inflates a gzip body into `out`, at most `limit` bytes. False when the body
// is not gzip or inflates past the limit.
bool Gunzip(std::string_view in, size_t limit, std::string* out, std::string* why) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    *why = "cannot start gzip decoding";
    return false;
  }
  out->clear();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  char buf[1 << 16];
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      *why = "body is not valid gzip";
      break;
    }
    out->append(buf, sizeof buf - z.avail_out);
    if (out->size() > limit) {
      *why = "inflated body exceeds " + std::to_string(limit) + " bytes";
      rc = Z_DATA_ERROR;
      break;
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      *why = "gzip body is truncated";
      rc = Z_DATA_ERROR;
      break;
    }
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END;
}

}  // namespace

IngestService::IngestService(const ServeConfig& config, const pipeline::EngineSpec& spec,
                             const decide::EnforcementPolicy& enforcement,
                             const decode::Registry* registry, DecisionService* decisions,
                             pipeline::OnlineOptions options)
    : config_(config), decisions_(decisions) {
  options.detect_inline = false;
  options.on_tokens = [decisions](std::string_view account, uint64_t tokens) {
    decisions->ChargeTokens(account, tokens);
  };
  engine_ = std::make_unique<pipeline::OnlineEngine>(
      spec, enforcement, registry, options,
      [decisions](const std::function<void(decide::DecisionStore&)>& fn) {
        decisions->Write([&](decide::DecisionStore& s) {
          fn(s);
          return 0;
        });
      });
  detector_ = std::thread([this] { DetectLoop(); });
}

IngestService::~IngestService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  due_cv_.notify_all();
  if (detector_.joinable()) detector_.join();
}

void IngestService::DetectLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    due_cv_.wait(lock, [&] { return stop_ || engine_->due_detection() != 0; });
    if (stop_) return;
    if (engine_->RunDueDetection()) ++totals_.detections;
  }
}

void IngestService::RunDueDetection() {
  std::lock_guard lock(mu_);
  if (engine_->RunDueDetection()) ++totals_.detections;
}

void IngestService::Register(Router* admin) {
  admin->Add("ingest", Method::kPost, "/v1/events",
             [this](const Request& req, Response& resp) { Post(req, resp); });
}

IngestTotals IngestService::totals() const {
  std::lock_guard lock(mu_);
  IngestTotals t = totals_;
  t.busy = busy_.load(std::memory_order_relaxed);
  return t;
}

bool IngestService::Authorized(const Request& req) const {
  std::string_view auth = req.Header("authorization");
  if (auth.size() <= 7 || strncasecmp(auth.data(), "bearer ", 7) != 0) return false;
  auth.remove_prefix(7);
  const Sha256 h = Sha256Of(auth);
  bool ok = false;
  for (const Sha256& t : config_.admin_tokens) ok |= SameHash(t, h);
  return ok;
}

void IngestService::Post(const Request& req, Response& resp) {
  if (!Authorized(req)) {
    if (req.HasHeader("authorization")) {
      resp.Error(403, "not an admin token");
    } else {
      resp.Error(401, "an admin token is required (Authorization: Bearer)");
      resp.AddHeader("WWW-Authenticate", "Bearer");
    }
    return;
  }
  std::unique_lock lock(mu_, std::defer_lock);
  if (!lock.try_lock()) {
    busy_.fetch_add(1, std::memory_order_relaxed);
    resp.Error(429, "the engine is busy (another batch or a detection run); retry");
    resp.AddHeader("Retry-After", int64_t{1});
    return;
  }
  ++totals_.batches;
  std::string_view body = req.body();
  const std::string_view encoding = req.Header("content-encoding");
  if (!encoding.empty() && encoding != "identity") {
    if (strncasecmp(encoding.data(), "gzip", encoding.size()) != 0 || encoding.size() != 4) {
      resp.Error(415, "Content-Encoding must be gzip or identity");
      return;
    }
    std::string why;
    if (!Gunzip(body, config_.max_body_bytes * 16, &inflated_, &why)) {
      resp.Error(why.find("exceeds") != std::string::npos ? 413 : 400, why);
      return;
    }
    body = inflated_;
  }
  std::vector<pipeline::LineReject> rejects;
  const pipeline::IngestStats st = engine_->Ingest(body, 1, &rejects);
  decisions_->AdvanceWatermark(engine_->watermark());
  totals_.lines += st.lines;
  totals_.events += st.events;
  totals_.rejected += st.rejected;
  totals_.duplicates += st.duplicates;
  if (engine_->due_detection() != 0) due_cv_.notify_one();

  std::string& out = resp.body();
  out.clear();
  JsonWriter w(out);
  w.BeginObject();
  w.Key("lines").Int(static_cast<int64_t>(st.lines));
  w.Key("accepted").Int(static_cast<int64_t>(st.events));
  w.Key("duplicates").Int(static_cast<int64_t>(st.duplicates));
  w.Key("rejected").Int(static_cast<int64_t>(st.rejected));
  w.Key("watermark").String(engine_->watermark() ? FormatRfc3339(engine_->watermark()) : "");
  w.Key("errors").BeginArray();
  for (size_t i = 0; i < rejects.size() && i < kMaxErrorsListed; ++i) {
    const auto& r = rejects[i];
    w.BeginObject().Key("line").Int(static_cast<int64_t>(r.line));
    w.Key("reason").String(decode::RejectReasonCode(r.reason));
    w.Key("message").String(r.message);
    w.EndObject();
  }
  w.EndArray();
  if (rejects.size() > kMaxErrorsListed) {
    w.Key("errors_not_listed").Int(static_cast<int64_t>(rejects.size() - kMaxErrorsListed));
  }
  w.EndObject();
  out.push_back('\n');
  resp.SetStatus(200);
  resp.SetContentType("application/json");
}

}  // namespace hw::serve
