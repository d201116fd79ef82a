#include "engine/serve/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "engine/common/yaml_spec.h"
#include "engine/decide/enforcement.h"
#include "engine/serve/server.h"

namespace hw::serve {

extern const char* const kDefaultServeYaml;

namespace {

using spec::CheckKeys;
using spec::Fail;
using spec::Num;

std::string Text(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected a string");
  return n.Scalar();
}

std::string Address(const YAML::Node& n, const std::string& what) {
  std::string a = Text(n, what);
  std::string host;
  uint16_t port = 0;
  if (!SplitAddress(a, &host, &port))
    Fail(n, "bad-type", what + ": '" + a + "' is not an address like 127.0.0.1:8080 or [::1]:8080");
  return a;
}

int64_t Millis(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected a duration like 10s or 1m");
  const TimeUs d = decide::ParseDuration(n.Scalar());
  if (d < 0) Fail(n, "bad-type", what + ": '" + n.Scalar() + "' is not a duration like 10s or 1m");
  if (d == 0 || d > 24 * kUsPerHour) Fail(n, "out-of-range", what + ": must be within 1s..24h");
  return d / 1000;
}

std::string Path(const YAML::Node& n, const std::string& what) {
  std::string p = Text(n, what);
  if (p.empty() || p[0] != '/') Fail(n, "bad-type", what + ": '" + p + "' must start with '/'");
  if (p.find_first_of("?# \t\r\n") != std::string::npos)
    Fail(n, "bad-type", what + ": '" + p + "' must be a plain path");
  return p;
}

std::vector<std::string> Paths(const YAML::Node& n, const std::string& what) {
  std::vector<std::string> out;
  if (!n.IsSequence()) Fail(n, "bad-type", what + ": expected a list");
  for (const auto& x : n) out.push_back(Path(x, what));
  return out;
}

std::vector<Sha256> Hashes(const YAML::Node& n, const std::string& what) {
  std::vector<Sha256> out;
  if (!n.IsSequence()) Fail(n, "bad-type", what + ": expected a list of SHA-256 hex digests");
  for (const auto& x : n) {
    Sha256 h;
    if (!x.IsScalar() || !ParseSha256Hex(x.Scalar(), &h))
      Fail(x, "bad-type",
           what + ": expected a SHA-256 hex digest (64 hex digits; `printf %s KEY | sha256sum`)");
    out.push_back(h);
  }
  return out;
}

template <typename E>
E Choice(const YAML::Node& n, const std::string& what,
         std::initializer_list<std::pair<const char*, E>> names) {
  const std::string v = Text(n, what);
  std::string list;
  for (const auto& [name, e] : names) {
    if (v == name) return e;
    list += std::string(list.empty() ? "" : " or ") + name;
  }
  Fail(n, "unknown-name", what + ": '" + v + "' (expected " + list + ")");
}

std::string Resolve(const std::string& base_dir, const std::string& p) {
  if (p.empty() || p[0] == '/' || base_dir.empty()) return p;
  return (std::filesystem::path(base_dir) / p).string();
}

ServeConfig Collect(const YAML::Node& root, const std::string& base_dir) {
  CheckKeys(root,
            {"version", "listen", "threads", "limits", "checks", "account", "fail_mode",
             "throttle_slots", "auth", "enforcement", "watermark", "engine", "state", "ingest"},
            "serve");
  if (!root["version"]) Fail(root, "missing-key", "serve: missing 'version'");
  if (Num(root["version"], "version", 0, 1e9) != 1)
    Fail(root["version"], "bad-version", "serve: 'version' must be 1");
  ServeConfig c;
  if (const YAML::Node l = root["listen"]) {
    CheckKeys(l, {"check", "admin"}, "listen");
    if (l["check"]) c.check_address = Address(l["check"], "listen.check");
    if (l["admin"]) c.admin_address = Address(l["admin"], "listen.admin");
  }
  if (root["threads"]) c.threads = static_cast<int>(Num(root["threads"], "threads", 0, 64));
  if (const YAML::Node l = root["limits"]) {
    CheckKeys(l,
              {"max_connections", "max_header_bytes", "max_body_bytes", "header_timeout",
               "idle_timeout", "drain_timeout"},
              "limits");
    if (l["max_connections"])
      c.max_connections =
          static_cast<size_t>(Num(l["max_connections"], "limits.max_connections", 1, 1e6));
    if (l["max_header_bytes"])
      c.max_header_bytes =
          static_cast<size_t>(Num(l["max_header_bytes"], "limits.max_header_bytes", 256, 1 << 20));
    if (l["max_body_bytes"])
      c.max_body_bytes =
          static_cast<size_t>(Num(l["max_body_bytes"], "limits.max_body_bytes", 0, 1 << 30));
    if (l["header_timeout"])
      c.header_timeout_ms = Millis(l["header_timeout"], "limits.header_timeout");
    if (l["idle_timeout"]) c.idle_timeout_ms = Millis(l["idle_timeout"], "limits.idle_timeout");
    if (l["drain_timeout"]) c.drain_timeout_ms = Millis(l["drain_timeout"], "limits.drain_timeout");
  }
  if (const YAML::Node k = root["checks"]) {
    CheckKeys(k, {"envoy_prefix", "nginx_path", "traefik_path", "exempt_paths"}, "checks");
    if (k["envoy_prefix"]) c.envoy_prefix = Path(k["envoy_prefix"], "checks.envoy_prefix");
    if (k["nginx_path"]) c.nginx_path = Path(k["nginx_path"], "checks.nginx_path");
    if (k["traefik_path"]) c.traefik_path = Path(k["traefik_path"], "checks.traefik_path");
    if (k["exempt_paths"]) c.exempt_paths = Paths(k["exempt_paths"], "checks.exempt_paths");
    const std::string* paths[] = {&c.envoy_prefix, &c.nginx_path, &c.traefik_path};
    for (const std::string* p : paths) {
      for (const char* reserved : {"/healthz", "/readyz"}) {
        if (*p == reserved) Fail(k, "out-of-range", "checks: '" + *p + "' is reserved");
      }
    }
    if (c.nginx_path == c.traefik_path || c.nginx_path.rfind(c.envoy_prefix, 0) == 0 ||
        c.traefik_path.rfind(c.envoy_prefix, 0) == 0)
      Fail(k, "out-of-range",
           "checks: nginx_path and traefik_path must differ and lie outside envoy_prefix");
  }
  if (const YAML::Node a = root["account"]) {
    CheckKeys(a, {"header", "lookup", "api_keys", "unknown"}, "account");
    if (a["header"]) {
      c.account_header = Text(a["header"], "account.header");
      if (c.account_header.empty() ||
          c.account_header.find_first_of(" \t\r\n:") != std::string::npos)
        Fail(a["header"], "bad-type",
             "account.header: '" + c.account_header + "' is not a header name");
      std::transform(c.account_header.begin(), c.account_header.end(), c.account_header.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    }
    if (a["lookup"])
      c.lookup = Choice<AccountLookup>(
          a["lookup"], "account.lookup",
          {{"account_id", AccountLookup::kAccountId}, {"api_key", AccountLookup::kApiKey}});
    if (a["api_keys"]) c.api_keys_path = Resolve(base_dir, Text(a["api_keys"], "account.api_keys"));
    if (a["unknown"])
      c.unknown_allow =
          Choice<bool>(a["unknown"], "account.unknown", {{"allow", true}, {"deny", false}});
    if (c.lookup == AccountLookup::kApiKey && c.api_keys_path.empty())
      Fail(a, "missing-key", "account: lookup api_key needs 'api_keys' (a JSON Lines file)");
  }
  if (root["fail_mode"])
    c.fail_mode = Choice<FailMode>(root["fail_mode"], "fail_mode",
                                   {{"open", FailMode::kOpen}, {"closed", FailMode::kClosed}});
  if (root["throttle_slots"])
    c.throttle_slots =
        static_cast<size_t>(Num(root["throttle_slots"], "throttle_slots", 64, 1 << 26));
  if (const YAML::Node a = root["auth"]) {
    CheckKeys(a, {"bouncer_keys", "admin_tokens"}, "auth");
    if (a["bouncer_keys"]) c.bouncer_keys = Hashes(a["bouncer_keys"], "auth.bouncer_keys");
    if (a["admin_tokens"]) c.admin_tokens = Hashes(a["admin_tokens"], "auth.admin_tokens");
  }
  if (root["enforcement"]) {
    const std::string e = Text(root["enforcement"], "enforcement");
    if (e.empty()) Fail(root["enforcement"], "bad-type", "enforcement: a file, or default");
    c.enforcement_path = e == "default" ? "" : Resolve(base_dir, e);
  }
  if (root["watermark"])
    c.watermark = Choice<WatermarkSource>(
        root["watermark"], "watermark",
        {{"event", WatermarkSource::kEvent}, {"wall", WatermarkSource::kWall}});
  if (const YAML::Node e = root["engine"]) {
    CheckKeys(e,
              {"enabled", "accounts", "rules", "policy", "detect_period", "fold_threads", "intel",
               "intel_salt_file"},
              "engine");
    if (e["enabled"]) {
      c.engine_enabled =
          Choice<bool>(e["enabled"], "engine.enabled", {{"true", true}, {"false", false}});
    }
    auto file = [&](const char* key, std::string* out) {
      if (!e[key]) return;
      const std::string v = Text(e[key], std::string("engine.") + key);
      *out = v.empty() || v == "default" ? "" : Resolve(base_dir, v);
    };
    file("accounts", &c.engine_accounts_path);
    file("rules", &c.engine_rules_path);
    file("policy", &c.engine_policy_path);
    file("intel_salt_file", &c.engine_intel_salt_path);
    if (const YAML::Node in = e["intel"]) {
      if (!in.IsSequence()) Fail(in, "bad-type", "engine.intel: expected a list of files");
      for (const auto& x : in) {
        const std::string v = Text(x, "engine.intel");
        if (v.empty()) Fail(x, "bad-type", "engine.intel: expected a file name");
        c.engine_intel_paths.push_back(Resolve(base_dir, v));
      }
    }
    if (e["detect_period"]) {
      const int64_t ms = Millis(e["detect_period"], "engine.detect_period");
      if (ms > 60'000) {
        Fail(e["detect_period"], "out-of-range", "engine.detect_period: at most 60s");
      }
      c.detect_period_us = ms * 1000;
    }
    if (e["fold_threads"]) {
      c.engine_fold_threads =
          static_cast<int>(Num(e["fold_threads"], "engine.fold_threads", 1, 16));
    }
  }
  if (const YAML::Node in = root["ingest"]) {
    CheckKeys(in, {"follow", "stdin", "poll"}, "ingest");
    if (const YAML::Node f = in["follow"]) {
      if (!f.IsSequence()) Fail(f, "bad-type", "ingest.follow: expected a list of files");
      for (const YAML::Node& x : f) {
        const std::string v = Text(x, "ingest.follow");
        if (v.empty()) Fail(x, "bad-type", "ingest.follow: expected a file name");
        c.follow_paths.push_back(Resolve(base_dir, v));
      }
    }
    if (in["stdin"])
      c.follow_stdin =
          Choice<bool>(in["stdin"], "ingest.stdin", {{"true", true}, {"false", false}});
    if (const YAML::Node pn = in["poll"]) {
      const std::string v = pn.IsScalar() ? pn.Scalar() : "";
      if (v.size() > 2 && v.compare(v.size() - 2, 2, "ms") == 0 &&
          v.find_first_not_of("0123456789") == v.size() - 2 && v.size() < 8) {
        c.follow_poll_ms = std::stoll(v.substr(0, v.size() - 2));
      } else {
        c.follow_poll_ms = Millis(pn, "ingest.poll");
      }
      if (c.follow_poll_ms < 1 || c.follow_poll_ms > 60'000)
        Fail(in["poll"], "out-of-range", "ingest.poll: between 1ms and 60s");
    }
    if ((!c.follow_paths.empty() || c.follow_stdin) && !c.engine_enabled)
      Fail(in, "out-of-range", "ingest: needs engine.enabled true");
  }
  if (const YAML::Node st = root["state"]) {
    CheckKeys(st, {"dir", "sync", "checkpoint_bytes"}, "state");
    if (st["dir"]) {
      const std::string v = Text(st["dir"], "state.dir");
      c.state_dir = v.empty() ? "" : Resolve(base_dir, v);
    }
    if (st["sync"])
      c.state_sync = Choice<bool>(st["sync"], "state.sync", {{"true", true}, {"false", false}});
    if (st["checkpoint_bytes"])
      c.state_checkpoint_bytes = static_cast<uint64_t>(
          Num(st["checkpoint_bytes"], "state.checkpoint_bytes", 1 << 16, 1e12));
    if (!c.state_dir.empty() && !c.engine_enabled)
      Fail(st["dir"], "out-of-range", "state.dir: needs engine.enabled true");
  }
  return c;
}

}  // namespace

Result<ServeConfig> ParseServeConfig(std::string_view yaml, const std::string& source_name,
                                     const std::string& base_dir) {
  try {
    return Collect(YAML::Load(std::string(yaml)), base_dir);
  } catch (const spec::SpecError& e) {
    return spec::FormatSpecError(source_name, e);
  } catch (const YAML::Exception& e) {
    return spec::FormatYamlError(yaml, source_name, e);
  }
}

Result<ServeConfig> LoadServeConfig(const std::string& path) {
  auto text = spec::ReadSpecFile(path, "serve configuration");
  if (!text.ok()) return text.status();
  return ParseServeConfig(*text, path, std::filesystem::path(path).parent_path().string());
}

Result<ServeConfig> DefaultServeConfig() {
  return ParseServeConfig(DefaultServeYaml(), "builtin:src/engine/serve/serve.yaml", "");
}

std::string_view DefaultServeYaml() noexcept { return kDefaultServeYaml; }

bool ServeConfig::IsBouncerKey(const Sha256& hash) const noexcept {
  // One load: the whole list of one publication.
  const AuthSecrets* a = published_auth.Load();
  return MatchesAnyHash(a ? a->bouncer_keys : bouncer_keys, hash);
}

bool ServeConfig::IsAdminToken(const Sha256& hash) const noexcept {
  const AuthSecrets* a = published_auth.Load();
  return MatchesAnyHash(a ? a->admin_tokens : admin_tokens, hash);
}

}  // namespace hw::serve
