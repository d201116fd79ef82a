// The serve configuration (`hydrawatch serve --config FILE`): listeners,
// threads, limits, how a check finds its account, the secrets of bouncers
// and admins (kept as SHA-256), the fail mode and the enforcement policy.
// YAML validated at load with `file:line: code: message` errors (the codes
// of docs/POLICY.md) into an immutable ServeConfig; the built-in default is
// src/engine/serve/serve.yaml. docs/SERVE.md is the reference.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/sha256.h"

namespace hw::serve {

enum class AccountLookup : uint8_t { kAccountId, kApiKey };
enum class FailMode : uint8_t { kOpen, kClosed };
enum class WatermarkSource : uint8_t { kEvent, kWall };

// The secrets of bouncers (read the decisions API) and admins (write it),
// as SHA-256. Never changed once published (PublishedAuth).
struct AuthSecrets {
  std::vector<Sha256> bouncer_keys;
  std::vector<Sha256> admin_tokens;
};

// The auth secrets a SIGHUP reload put in force, read by requests on every
// event loop while the reload thread publishes: one load per credential
// check, no lock, and a reader sees a whole list, the old or the new, never
// a mix. The publisher keeps a list alive while a reader may hold it: a
// replaced one until the server's grace period has passed
// (HttpServer::AwaitGracePeriod, hence seq_cst). A copy or an assigned
// config starts unpublished: a list belongs to the config object it was
// published on.
class PublishedAuth {
 public:
  PublishedAuth() = default;
  PublishedAuth(const PublishedAuth&) noexcept {}
  PublishedAuth& operator=(const PublishedAuth&) noexcept {
    p_.store(nullptr, std::memory_order_seq_cst);
    return *this;
  }
  // Null until the first Publish.
  const AuthSecrets* Load() const noexcept { return p_.load(std::memory_order_seq_cst); }
  void Publish(const AuthSecrets* secrets) noexcept {
    p_.store(secrets, std::memory_order_seq_cst);
  }

 private:
  std::atomic<const AuthSecrets*> p_{nullptr};
};

struct ServeConfig {
  std::string check_address = "127.0.0.1:8080";
  std::string admin_address = "127.0.0.1:8081";
  int threads = 0;  // 0: one per core
  size_t max_connections = 10000;
  size_t max_header_bytes = 16384;
  size_t max_body_bytes = 1 << 20;
  int64_t header_timeout_ms = 10'000;
  int64_t idle_timeout_ms = 60'000;
  int64_t drain_timeout_ms = 10'000;

  std::string envoy_prefix = "/envoy/check";
  std::string nginx_path = "/nginx/check";
  std::string traefik_path = "/traefik/check";
  std::vector<std::string> exempt_paths;

  std::string account_header = "x-account-id";  // lower-cased
  AccountLookup lookup = AccountLookup::kAccountId;
  std::string api_keys_path;  // resolved against the config's folder; empty: none
  bool unknown_allow = true;
  FailMode fail_mode = FailMode::kOpen;
  size_t throttle_slots = 65536;
  // As the file said at load; a reload may have replaced them since: check
  // credentials with IsBouncerKey / IsAdminToken, which read the ones in force.
  std::vector<Sha256> bouncer_keys;
  std::vector<Sha256> admin_tokens;
  // Set by ServeApp::Reload; unpublished, bouncer_keys and admin_tokens are
  // in force.
  PublishedAuth published_auth;
  std::string enforcement_path;  // resolved; empty: the built-in policy
  WatermarkSource watermark = WatermarkSource::kEvent;
  // The online engine behind POST /v1/events (docs/SERVE.md, "Ingest").
  bool engine_enabled = true;
  std::string engine_accounts_path;  // resolved; empty: no registry
  std::string engine_rules_path;     // resolved; empty: the built-in rule pack
  std::string engine_policy_path;    // resolved; empty: the built-in policy
  // Partner STIX bundles (docs/SHARING.md, "Partner intelligence in") and
  // the file holding the salt their shared accounts are hashed with (empty:
  // the public default salt); resolved.
  std::vector<std::string> engine_intel_paths;
  std::string engine_intel_salt_path;
  int64_t detect_period_us = 60'000'000;
  // Threads folding each ingest batch (OnlineOptions::fold_threads).
  int engine_fold_threads = 2;

  // Local ingest sources (docs/SERVE.md, "Ingest from files and stdin").
  std::vector<std::string> follow_paths;  // resolved
  bool follow_stdin = false;
  int64_t follow_poll_ms = 200;

  // Crash-safe state (docs/SERVE.md, "State"); empty dir: in memory only.
  std::string state_dir;  // resolved
  bool state_sync = false;
  uint64_t state_checkpoint_bytes = uint64_t{256} << 20;

  // Whether `hash` (of a presented secret) is one of the bouncer keys (admin
  // tokens) in force. Safe while a reload publishes; every entry is compared
  // in constant time, so the time does not tell which (or whether one)
  // matched.
  bool IsBouncerKey(const Sha256& hash) const noexcept;
  bool IsAdminToken(const Sha256& hash) const noexcept;
};

// `base_dir` resolves relative paths (api_keys, enforcement); `source_name`
// names the text in errors.
Result<ServeConfig> ParseServeConfig(std::string_view yaml, const std::string& source_name,
                                     const std::string& base_dir);
Result<ServeConfig> LoadServeConfig(const std::string& path);
Result<ServeConfig> DefaultServeConfig();
std::string_view DefaultServeYaml() noexcept;

}  // namespace hw::serve
