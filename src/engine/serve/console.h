// The analyst console on the admin listener (docs/CONSOLE.md): the page,
// script and style sheet built into the binary under /console/, and the JSON
// API the page reads under /v1/console/ (admin token only).
//
// The data is the online engine's latest detection run, turned into the same
// campaigns.json / accounts.jsonl / case files that `analyze` and `hydrawatch
// report` write. That view is built on demand and kept until a newer run
// exists, rebuilt at most once per kRefreshNs of wall time: building it holds
// the engine's detection lock for as long as writing the report takes. Ingest
// goes on meanwhile unless a detection falls due: the detector thread then
// waits for the lock holding the ingest lock, and batches are answered 429
// until the build ends. Requests share a built view without copying it.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/casefile/casefile.h"
#include "engine/common/time.h"
#include "engine/pipeline/engine_spec.h"
#include "engine/serve/admin.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/ingest.h"
#include "engine/serve/router.h"
#include "engine/share/result_reader.h"

namespace hw::serve {

// The built-in assets (src/engine/serve/console/, embedded by CMake).
extern const char* const kConsoleIndexHtml;
extern const char* const kConsoleAppJs;
extern const char* const kConsoleAppCss;

class ConsoleService {
 public:
  // `ingest` may be null (engine disabled): the API then shows decisions
  // only. Everything passed must outlive the service.
  ConsoleService(const pipeline::EngineSpec* spec, DecisionService* decisions,
                 IngestService* ingest, const AdminService* admin);

  void Register(Router* admin);

  // Wall time between two rebuilds of the view (a newer run waits this long).
  static constexpr int64_t kRefreshNs = int64_t{5'000'000'000};

  // The Content-Security-Policy of the console's page.
  const std::string& content_security_policy() const noexcept { return csp_; }

 private:
  // One edge of links.jsonl, by table index of the latest run.
  struct LinkEdge {
    uint32_t a = 0, b = 0;
    double weight = 0;
    std::string json;  // the whole links.jsonl object
  };
  // The latest run as the console shows it; immutable once built.
  struct View {
    uint64_t runs = 0;
    TimeUs run_at = 0;
    std::string policy;
    size_t attack_accounts = 0;
    share::ResultSet result;
    std::vector<std::string> account_lines;  // accounts.jsonl, parallel to result.accounts
    casefile::CaseFiles cases;
    absl::flat_hash_map<std::string, size_t> page_of;  // campaign id -> cases.pages index
    std::vector<std::string> table_ids;                // user.id by table index
    absl::flat_hash_map<std::string, std::vector<uint32_t>> edges_of;  // user.id -> edges
    std::vector<LinkEdge> edges;
  };
  // The current view, rebuilt first when a newer run exists and the last
  // build is older than kRefreshNs; null before the first detection run.
  std::shared_ptr<const View> Current();
  std::shared_ptr<const View> Build();

  void Asset(const Request& req, Response& resp) const;
  void Api(const Request& req, Response& resp);
  void Summary(const View* view, Response& resp) const;
  void Campaigns(const View* view, Response& resp) const;
  void CasePage(const View* view, std::string_view id, Response& resp) const;
  void Members(const View* view, std::string_view id, const Request& req, Response& resp) const;
  void Account(const View* view, const std::string& user_id, Response& resp) const;

  const pipeline::EngineSpec* spec_;
  DecisionService* decisions_;
  IngestService* ingest_;
  const AdminService* admin_;
  std::string csp_;
  std::mutex build_mu_;  // one build at a time; guards view_ and built_ns_
  // Shared so that a request keeps the view it started with while a newer
  // one replaces it.
  std::shared_ptr<const View> view_;
  int64_t built_ns_ = 0;
};

}  // namespace hw::serve
