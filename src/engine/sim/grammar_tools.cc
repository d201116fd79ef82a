// Tool kits, tool calls, tool results and earlier assistant turns. Every
// phrase was written for this project.
#include <algorithm>

#include "engine/common/json_writer.h"
#include "engine/sim/grammar_core.h"

namespace hw::sim {

namespace gram {
namespace {

enum class V : uint8_t {
  kPath,
  kDir,
  kCommand,
  kQuery,
  kUrl,
  kInt,
  kBool,
  kText,
  kSql,
  kPatch,
  kGlob,
  kTitle,
  kEmail,
  kEmails,  // array of strings
  kDate,
  kDateTime,
  kCity,
  kEnum,
  kChannel,
  kSelector,
  kPython,
  kCommit,
  kService,
};

struct Param {
  Sv name;
  Sv desc;
  V kind;
  bool required;
  Sv opts[6];  // enum values (kEnum)
};

struct Tool {
  Sv names[3];
  Sv descs[2];
  Param params[5];
};

constexpr Tool kTools[] = {
    {{"read_file", "view_file", "open_file"},
     {"Read the contents of a file in the workspace.",
      "Return the text of a file, optionally a line range."},
     {{"path", "Path of the file, relative to the repository root.", V::kPath, true, {}},
      {"start_line", "First line to return (1-based).", V::kInt, false, {}},
      {"end_line", "Last line to return, inclusive.", V::kInt, false, {}}}},
    {{"write_file", "create_file", "save_file"},
     {"Create or overwrite a file with the given content.",
      "Write text to a file, creating directories as needed."},
     {{"path", "Destination path.", V::kPath, true, {}},
      {"content", "Full text to write.", V::kText, true, {}}}},
    {{"apply_patch", "edit_file", "patch_file"},
     {"Apply a unified diff to files in the workspace.",
      "Edit files by applying a patch in unified diff format."},
     {{"patch", "The patch, in unified diff format.", V::kPatch, true, {}}}},
    {{"list_directory", "list_files", "ls"},
     {"List the entries of a directory.", "Show files and folders under a path."},
     {{"path", "Directory to list.", V::kDir, true, {}},
      {"recursive", "Whether to descend into subdirectories.", V::kBool, false, {}}}},
    {{"search_code", "grep", "find_in_files"},
     {"Search the repository for a text pattern.",
      "Find lines matching a regular expression in the codebase."},
     {{"query", "Text or regular expression to look for.", V::kQuery, true, {}},
      {"glob", "Only search files matching this glob.", V::kGlob, false, {}},
      {"case_sensitive", "Match case exactly.", V::kBool, false, {}}}},
    {{"run_shell", "bash", "exec_command"},
     {"Run a shell command in the sandbox and return its output.",
      "Execute a command and capture stdout, stderr and the exit code."},
     {{"command", "The command line to run.", V::kCommand, true, {}},
      {"timeout_seconds", "Kill the command after this many seconds.", V::kInt, false, {}},
      {"cwd", "Working directory.", V::kDir, false, {}}}},
    {{"run_tests", "execute_tests", "test"},
     {"Run the project's test suite or a subset of it.", "Execute tests and report failures."},
     {{"target", "Test file or directory; empty for all.", V::kPath, false, {}},
      {"filter", "Only run tests whose name contains this string.", V::kQuery, false, {}}}},
    {{"web_search", "search_web", "internet_search"},
     {"Search the web and return the top results.", "Look something up on the internet."},
     {{"query", "Search terms.", V::kQuery, true, {}},
      {"max_results", "How many results to return.", V::kInt, false, {}}}},
    {{"open_url", "fetch_url", "browse"},
     {"Fetch a web page and return its readable text.", "Open a URL and extract the main content."},
     {{"url", "Absolute URL to open.", V::kUrl, true, {}}}},
    {{"query_database", "run_sql", "sql_query"},
     {"Run a read-only SQL query against a database.",
      "Execute SQL and return the rows as a table."},
     {{"sql", "The SQL statement.", V::kSql, true, {}},
      {"database",
       "Which database to query.",
       V::kEnum,
       false,
       {"analytics", "warehouse", "replica"}}}},
    {{"create_ticket", "open_issue", "file_issue"},
     {"Create a ticket in the issue tracker.", "Open a new issue with a title and description."},
     {{"title", "Short summary.", V::kTitle, true, {}},
      {"description", "Details, steps to reproduce, expected behaviour.", V::kText, false, {}},
      {"priority", "Ticket priority.", V::kEnum, false, {"low", "normal", "high", "urgent"}}}},
    {{"send_email", "compose_email", "email"},
     {"Send an email on behalf of the user.", "Draft and send an email."},
     {{"to", "Recipient addresses.", V::kEmails, true, {}},
      {"subject", "Subject line.", V::kTitle, true, {}},
      {"body", "Plain-text body.", V::kText, true, {}}}},
    {{"send_message", "post_message", "chat_post"},
     {"Post a message to a team chat channel.", "Send a chat message to a channel or person."},
     {{"channel", "Channel name or user handle.", V::kChannel, true, {}},
      {"text", "Message text.", V::kText, true, {}}}},
    {{"calendar_lookup", "list_events", "get_events"},
     {"List calendar events on a given day.", "Look up the user's calendar."},
     {{"date", "Day to look up (YYYY-MM-DD).", V::kDate, true, {}}}},
    {{"schedule_meeting", "create_event", "add_event"},
     {"Create a calendar event and invite attendees.", "Schedule a meeting."},
     {{"title", "Event title.", V::kTitle, true, {}},
      {"start", "Start time in ISO 8601.", V::kDateTime, true, {}},
      {"duration_minutes", "Length of the event.", V::kInt, false, {}},
      {"attendees", "Email addresses of attendees.", V::kEmails, false, {}}}},
    {{"git_diff", "show_diff", "diff"},
     {"Show uncommitted changes.", "Print the diff of the working tree."},
     {{"path", "Limit the diff to this path.", V::kPath, false, {}},
      {"staged", "Show staged changes instead.", V::kBool, false, {}}}},
    {{"git_log", "commit_history", "log"},
     {"Show recent commits.", "List the commit history."},
     {{"max_count", "Number of commits.", V::kInt, false, {}},
      {"path", "Only commits touching this path.", V::kPath, false, {}}}},
    {{"git_commit", "commit_changes", "commit"},
     {"Commit staged changes.", "Record the current changes in version control."},
     {{"message", "Commit message.", V::kCommit, true, {}}}},
    {{"open_pull_request", "create_pr", "submit_pr"},
     {"Open a pull request from the current branch.", "Create a pull request for review."},
     {{"title", "Pull request title.", V::kTitle, true, {}},
      {"body", "Description of the change.", V::kText, false, {}},
      {"base", "Target branch.", V::kEnum, false, {"main", "develop", "release"}}}},
    {{"run_python", "python", "execute_python"},
     {"Run Python code in a sandboxed interpreter.",
      "Execute a Python snippet and return what it prints."},
     {{"code", "Python source to run.", V::kPython, true, {}}}},
    {{"create_chart", "make_chart", "plot"},
     {"Render a chart from a table.", "Draw a chart and return an image reference."},
     {{"chart_type", "Kind of chart.", V::kEnum, true, {"bar", "line", "scatter", "histogram"}},
      {"title", "Chart title.", V::kTitle, false, {}}}},
    {{"get_weather", "weather", "forecast"},
     {"Get the weather forecast for a city.", "Return current conditions and a short forecast."},
     {{"city", "City name.", V::kCity, true, {}},
      {"units", "Unit system.", V::kEnum, false, {"metric", "imperial"}}}},
    {{"search_flights", "book_flight", "find_flights"},
     {"Search for flights between two cities.", "Find and book flights."},
     {{"origin", "Departure city.", V::kCity, true, {}},
      {"destination", "Arrival city.", V::kCity, true, {}},
      {"date", "Departure date.", V::kDate, true, {}}}},
    {{"search_hotels", "book_hotel", "find_hotels"},
     {"Search hotels in a city.", "Find and reserve a hotel room."},
     {{"city", "City name.", V::kCity, true, {}},
      {"check_in", "Check-in date.", V::kDate, true, {}},
      {"nights", "Number of nights.", V::kInt, false, {}}}},
    {{"take_notes", "save_note", "remember"},
     {"Save a note for later steps.", "Store a piece of text in the scratchpad."},
     {{"text", "The note.", V::kText, true, {}}}},
    {{"search_tickets", "find_tickets", "ticket_search"},
     {"Search the ticket tracker.", "Find tickets matching a query."},
     {{"query", "Search terms.", V::kQuery, true, {}},
      {"status", "Ticket status.", V::kEnum, false, {"open", "closed", "all"}}}},
    {{"browser_click", "click", "click_element"},
     {"Click an element on the current page.", "Click the element matching a CSS selector."},
     {{"selector", "CSS selector of the element.", V::kSelector, true, {}}}},
    {{"browser_type", "type_text", "fill_input"},
     {"Type text into an input on the current page.", "Fill a form field."},
     {{"selector", "CSS selector of the input.", V::kSelector, true, {}},
      {"text", "Text to type.", V::kQuery, true, {}}}},
    {{"translate_text", "translate", "localize"},
     {"Translate text into another language.", "Return a translation of the given text."},
     {{"text", "Text to translate.", V::kText, true, {}},
      {"target_language", "Language code.", V::kEnum, true, {"es", "de", "fr", "zh", "pt", "ja"}}}},
    {{"delete_file", "remove_file", "rm"},
     {"Delete a file from the workspace.", "Remove a file."},
     {{"path", "File to delete.", V::kPath, true, {}}}},
    {{"get_logs", "fetch_logs", "tail_logs"},
     {"Fetch recent log lines of a service.", "Read the logs of a deployed service."},
     {{"service", "Service name.", V::kService, true, {}},
      {"since_minutes", "How far back to read.", V::kInt, false, {}}}},
};
constexpr uint32_t kToolCount = static_cast<uint32_t>(std::size(kTools));
static_assert(kToolCount <= 32);

// Themes: tools that tend to appear together.
constexpr uint8_t kThemeCoding[] = {0, 1, 2, 3, 4, 5, 6, 15, 16, 17, 18, 29};
constexpr uint8_t kThemeResearch[] = {7, 8, 24, 19, 20, 26, 27};
constexpr uint8_t kThemeData[] = {9, 19, 20, 24, 0, 7};
constexpr uint8_t kThemeOffice[] = {10, 11, 12, 13, 14, 25, 28, 24};
constexpr uint8_t kThemeTravel[] = {22, 23, 21, 13, 11, 7};
constexpr uint8_t kThemeOps[] = {30, 5, 10, 12, 9, 0, 4};
struct Theme {
  const uint8_t* p;
  uint32_t n;
};
template <size_t N>
constexpr Theme Th(const uint8_t (&a)[N]) {
  return {a, static_cast<uint32_t>(N)};
}
constexpr Theme kThemes[] = {Th(kThemeCoding),   Th(kThemeCoding), Th(kThemeCoding),
                             Th(kThemeResearch), Th(kThemeData),   Th(kThemeOffice),
                             Th(kThemeTravel),   Th(kThemeOps)};

struct Kit {
  uint8_t tool[12] = {};
  uint8_t name_var[12] = {};
  uint8_t desc_var[12] = {};
  uint32_t n = 0;
};

Kit MakeKit(uint64_t kit_seed) {
  Rng r(MixSeed(kit_seed, 0x7001u));
  Kit k;
  const Theme& th = kThemes[r.Below(std::size(kThemes))];
  const uint32_t want = 3 + static_cast<uint32_t>(r.Below(10));
  bool used[32] = {};
  uint8_t pool[32];
  for (uint32_t i = 0; i < th.n; ++i) pool[i] = th.p[i];
  // Theme tools first (shuffled), then anything else.
  for (uint32_t i = 0; i < th.n && k.n < want; ++i) {
    const uint32_t j = i + static_cast<uint32_t>(r.Below(th.n - i));
    std::swap(pool[i], pool[j]);
    if (!used[pool[i]]) {
      used[pool[i]] = true;
      k.tool[k.n++] = pool[i];
    }
  }
  while (k.n < want) {
    const uint32_t t = static_cast<uint32_t>(r.Below(kToolCount));
    if (used[t]) continue;
    used[t] = true;
    k.tool[k.n++] = static_cast<uint8_t>(t);
  }
  const uint32_t naming = static_cast<uint32_t>(r.Below(4));  // kit-wide habit
  for (uint32_t i = 0; i < k.n; ++i) {
    k.name_var[i] = static_cast<uint8_t>(naming < 3 ? (naming + r.Below(4) / 3) % 3 : r.Below(3));
    k.desc_var[i] = static_cast<uint8_t>(r.Below(2));
  }
  return k;
}

constexpr Sv kPaths[] = {"src/api/orders.ts",
                         "src/main.py",
                         "internal/store/cache.go",
                         "lib/billing/invoice.rb",
                         "app/models/user.py",
                         "src/utils/retry.ts",
                         "cmd/server/main.go",
                         "tests/test_export.py",
                         "config/settings.yaml",
                         "src/components/Checkout.tsx",
                         "README.md",
                         "Makefile",
                         "services/worker/resize.py",
                         "pkg/auth/token.go",
                         "docs/setup.md"};
constexpr Sv kDirs[] = {"src",        ".",        "tests", "internal/store",
                        "app/models", "services", "docs",  "config"};
constexpr Sv kCommands[] = {"pytest -q",
                            "npm test -- --watch=false",
                            "go test ./...",
                            "make build",
                            "ls -la",
                            "git status",
                            "cargo check",
                            "grep -rn \"TODO\" src",
                            "python scripts/migrate.py --dry-run",
                            "npm run lint",
                            "docker compose ps",
                            "cat package.json",
                            "pip list --outdated"};
constexpr Sv kQueries[] = {"userId",
                           "retry policy",
                           "def parse_config",
                           "supplier price list",
                           "connection pool timeout",
                           "TODO(",
                           "deprecated",
                           "checkout flow test",
                           "how to rotate TLS certificate nginx",
                           "invoice_total",
                           "feature flag cleanup",
                           "memory leak image resize"};
constexpr Sv kUrls[] = {"https://docs.example.com/api/v2/pagination",
                        "https://status.example.net/incidents/latest",
                        "https://supplier-one.example/catalogue",
                        "https://wiki.example.org/runbooks/certificates",
                        "https://news.example.com/tech/2026/03/release-notes",
                        "https://registry.example.dev/packages/left-pad"};
constexpr Sv kTexts[] = {"Build is red since the last merge; investigating.",
                         "Here is the summary of open pull requests for the freeze.",
                         "The export times out for accounts with more than 10k invoices.",
                         "Reminder: staging will be down for maintenance tonight.",
                         "Prices collected from three suppliers, see the attached sheet.",
                         "Steps to reproduce: open settings, switch language, reload.",
                         "Thanks, the fix is deployed to staging.",
                         "Please review the migration plan before Friday."};
constexpr Sv kSqls[] = {
    "SELECT count(*) FROM invoices WHERE filed = false",
    "SELECT region, SUM(amount) FROM orders GROUP BY region",
    "SELECT id, email FROM users WHERE created_at > now() - interval '7 days' LIMIT 50",
    "SELECT endpoint, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM requests GROUP BY 1"};
constexpr Sv kPatches[] = {
    "--- a/src/utils/retry.ts\n+++ b/src/utils/retry.ts\n@@ -12,7 +12,7 @@\n-  for (let i = 0; i "
    "<= "
    "retries; i++) {\n+  for (let i = 0; i < retries; i++) {\n",
    "--- a/src/main.py\n+++ b/src/main.py\n@@ -40,3 +40,4 @@\n     total = 0\n+    if not rows:\n+ "
    "       "
    "return 0\n",
    "--- a/internal/store/cache.go\n+++ b/internal/store/cache.go\n@@ -8,6 +8,7 @@\n func (s "
    "*Store) "
    "Incr(key string) int {\n+\ts.mu.Lock()\n+\tdefer s.mu.Unlock()\n"};
constexpr Sv kGlobs[] = {"*.py", "src/**/*.ts", "*.go", "**/*.yaml", "tests/**"};
constexpr Sv kTitles[] = {"Fix flaky checkout test",          "Export times out for large accounts",
                          "Rotate expired TLS certificate",   "Weekly status update",
                          "Add pagination to list endpoints", "Team offsite planning",
                          "Bump vulnerable dependency",       "Memory leak in resize worker"};
constexpr Sv kEmails[] = {"dana@example.com", "ops@example.org", "kofi.osei@example.net",
                          "team-leads@example.com", "billing@example.io"};
constexpr Sv kCities[] = {"Lisbon",  "Denver",  "Osaka",  "Berlin",
                          "Nairobi", "Toronto", "Madrid", "Seoul"};
constexpr Sv kChannels[] = {"#eng-alerts", "#release", "@dana", "#support-escalations",
                            "#offsite-2026"};
constexpr Sv kSelectors[] = {"#submit", "button.primary", "input[name=q]", "a.next-page",
                             "#search-box"};
constexpr Sv kPython[] = {
    "import pandas as pd\ndf = pd.read_csv('sales.csv')\nprint(df.describe())",
    "print(sum(range(1, 101)))",
    "import json\nwith open('report.json') as f:\n    data = "
    "json.load(f)\nprint(len(data['items']))"};
constexpr Sv kCommits[] = {"Fix off-by-one in retry loop", "Add pagination to orders endpoint",
                           "Guard against empty input in totals",
                           "Rename userId to accountId in API"};
constexpr Sv kServices[] = {"checkout-api", "resize-worker", "billing", "auth", "export-service"};

void AppendDate(std::string& out, Rng& r) {
  out.append("2026-0");
  AppendUint(out, 1 + r.Below(9));
  out.append("-1");
  AppendUint(out, r.Below(10));
}

void WriteValue(std::string& out, const Param& p, Rng& r) {
  switch (p.kind) {
    case V::kPath:
      AppendJsonString(out, Pick(r, Of(kPaths)));
      break;
    case V::kDir:
      AppendJsonString(out, Pick(r, Of(kDirs)));
      break;
    case V::kCommand:
      AppendJsonString(out, Pick(r, Of(kCommands)));
      break;
    case V::kQuery:
      AppendJsonString(out, Pick(r, Of(kQueries)));
      break;
    case V::kUrl:
      AppendJsonString(out, Pick(r, Of(kUrls)));
      break;
    case V::kInt:
      AppendJsonInt(out, static_cast<int64_t>(1 + r.Below(200)));
      break;
    case V::kBool:
      out.append(r.Chance(0.5) ? "true" : "false");
      break;
    case V::kText:
      AppendJsonString(out, Pick(r, Of(kTexts)));
      break;
    case V::kSql:
      AppendJsonString(out, Pick(r, Of(kSqls)));
      break;
    case V::kPatch:
      AppendJsonString(out, Pick(r, Of(kPatches)));
      break;
    case V::kGlob:
      AppendJsonString(out, Pick(r, Of(kGlobs)));
      break;
    case V::kTitle:
      AppendJsonString(out, Pick(r, Of(kTitles)));
      break;
    case V::kEmail:
      AppendJsonString(out, Pick(r, Of(kEmails)));
      break;
    case V::kEmails: {
      out.push_back('[');
      const uint32_t n = 1 + static_cast<uint32_t>(r.Below(3));
      for (uint32_t i = 0; i < n; ++i) {
        if (i > 0) out.push_back(',');
        AppendJsonString(out, Pick(r, Of(kEmails)));
      }
      out.push_back(']');
      break;
    }
    case V::kDate: {
      out.push_back('"');
      AppendDate(out, r);
      out.push_back('"');
      break;
    }
    case V::kDateTime: {
      out.push_back('"');
      AppendDate(out, r);
      out.append("T1");
      AppendUint(out, r.Below(8));
      out.append(":00:00Z\"");
      break;
    }
    case V::kCity:
      AppendJsonString(out, Pick(r, Of(kCities)));
      break;
    case V::kEnum: {
      uint32_t n = 0;
      while (n < 6 && !p.opts[n].empty()) ++n;
      AppendJsonString(out, n ? p.opts[r.Below(n)] : Sv("default"));
      break;
    }
    case V::kChannel:
      AppendJsonString(out, Pick(r, Of(kChannels)));
      break;
    case V::kSelector:
      AppendJsonString(out, Pick(r, Of(kSelectors)));
      break;
    case V::kPython:
      AppendJsonString(out, Pick(r, Of(kPython)));
      break;
    case V::kCommit:
      AppendJsonString(out, Pick(r, Of(kCommits)));
      break;
    case V::kService:
      AppendJsonString(out, Pick(r, Of(kServices)));
      break;
  }
}

Sv SchemaType(V kind) {
  switch (kind) {
    case V::kInt:
      return "integer";
    case V::kBool:
      return "boolean";
    case V::kEmails:
      return "array";
    default:
      return "string";
  }
}

// --- Tool results -------------------------------------------------------------
constexpr Sv kHitLines[] = {"  const userId = req.params.id;",
                            "    retries = config.get(\"retries\", 3)",
                            "\tif err != nil { return nil, err }",
                            "  // TODO: handle empty input",
                            "    total += row[\"amount\"]",
                            "  timeout: 30",
                            "def parse_config(path):",
                            "  export function fetchOrders(page: number) {"};
constexpr Sv kPageText[] = {
    "Pagination: list endpoints accept `page` and `per_page` (max 100). The response includes a "
    "`next` link when more results exist.",
    "Incident resolved: elevated error rates on the checkout API between 09:12 and 09:47 UTC. Root "
    "cause was an expired certificate on an internal load balancer.",
    "Catalogue 2026: prices exclude VAT. Minimum order quantity applies per line. Contact sales "
    "for "
    "volume discounts.",
    "Runbook: to rotate the certificate, request a new one, update the secret, then restart the "
    "ingress pods one at a time.",
};
constexpr Sv kCmdOut[] = {
    "On branch main\nYour branch is up to date with 'origin/main'.\n\nnothing to commit, working "
    "tree clean",
    "Compiling app v0.3.1\n    Finished dev [unoptimized + debuginfo] target(s) in 4.21s",
    "npm ERR! code ERESOLVE\nnpm ERR! Could not resolve dependency: peer react@\"^17\"",
    "Error: ENOENT: no such file or directory, open 'config/local.json'",
    "NAME         STATUS    PORTS\napi          running   0.0.0.0:8080->8080/tcp\ndb           "
    "running   5432/tcp",
    "Permission denied (publickey).\nfatal: Could not read from remote repository.",
};

}  // namespace
}  // namespace gram

namespace gram {
namespace {

// MakeKit memoized per thread: a run calls tools of a handful of kits
// millions of times.
const Kit& CachedKit(uint64_t kit_seed) noexcept {
  struct Entry {
    uint64_t seed = 0;
    bool valid = false;
    Kit kit;
  };
  thread_local Entry cache[16];
  Entry& e = cache[MixSeed(kit_seed, 0xc4c7u) & 15];
  if (!e.valid || e.seed != kit_seed) {
    e.kit = MakeKit(kit_seed);
    e.seed = kit_seed;
    e.valid = true;
  }
  return e.kit;
}

}  // namespace
}  // namespace gram

void WriteToolDefinitionsJson(uint64_t kit_seed, std::string& out, ToolSchema schema) {
  const gram::Kit k = gram::MakeKit(kit_seed);
  out.push_back('[');
  for (uint32_t i = 0; i < k.n; ++i) {
    const gram::Tool& t = gram::kTools[k.tool[i]];
    if (i > 0) out.push_back(',');
    out.append("{\"type\":\"function\",\"name\":");
    AppendJsonString(out, t.names[k.name_var[i]]);
    out.append(",\"description\":");
    AppendJsonString(out, t.descs[k.desc_var[i]]);
    if (schema == ToolSchema::kNone) {
      out.push_back('}');
      continue;
    }
    out.append(",\"parameters\":{\"type\":\"object\",\"properties\":{");
    bool first = true;
    for (const gram::Param& p : t.params) {
      if (p.name.empty()) break;
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(out, p.name);
      out.append(":{\"type\":");
      AppendJsonString(out, gram::SchemaType(p.kind));
      if (p.kind == gram::V::kEmails) out.append(",\"items\":{\"type\":\"string\"}");
      if (p.kind == gram::V::kEnum) {
        out.append(",\"enum\":[");
        for (size_t e = 0; e < 6 && !p.opts[e].empty(); ++e) {
          if (e > 0) out.push_back(',');
          AppendJsonString(out, p.opts[e]);
        }
        out.push_back(']');
      }
      if (schema == ToolSchema::kFull) {
        out.append(",\"description\":");
        AppendJsonString(out, p.desc);
      }
      out.push_back('}');
    }
    out.append("},\"required\":[");
    first = true;
    for (const gram::Param& p : t.params) {
      if (p.name.empty()) break;
      if (!p.required) continue;
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(out, p.name);
    }
    out.append("]}}");
  }
  out.push_back(']');
}

void WriteToolCall(uint64_t kit_seed, Rng& rng, std::string& name_out, std::string& args_json_out) {
  const gram::Kit& k = gram::CachedKit(kit_seed);
  const uint32_t i = static_cast<uint32_t>(rng.Below(k.n));
  const gram::Tool& t = gram::kTools[k.tool[i]];
  name_out.append(t.names[k.name_var[i]]);
  args_json_out.push_back('{');
  bool first = true;
  for (const gram::Param& p : t.params) {
    if (p.name.empty()) break;
    if (!p.required && !rng.Chance(0.35)) continue;
    if (!first) args_json_out.push_back(',');
    first = false;
    AppendJsonString(args_json_out, p.name);
    args_json_out.push_back(':');
    gram::WriteValue(args_json_out, p, rng);
  }
  args_json_out.push_back('}');
}

size_t WriteToolResult(Rng& rng, std::string& out, double body_scale) {
  const size_t start = out.size();
  size_t left_out = 0;
  // Bodies go through `c` (flushed at the end), the other results straight
  // to `out`.
  gram::Text& text = gram::ThreadText();
  gram::Ctx c(rng, text);
  c.cap = Capability::kSoftwareEngineering;
  const double scale = std::clamp(body_scale, 0.0, 1.0);
  auto scaled = [scale, &left_out](uint64_t budget) {
    const size_t b = static_cast<size_t>(static_cast<double>(budget) * scale);
    left_out += budget - b;
    return b;
  };
  switch (rng.Below(7)) {
    case 0:  // file contents
      gram::CodeBare(c, scaled(150 + rng.Below(500)));
      break;
    case 1: {  // test run
      const uint64_t passed = 5 + rng.Below(400), failed = rng.Below(4);
      out.append("collected ");
      gram::AppendUint(out, passed + failed);
      out.append(" items\n\n");
      if (failed > 0) {
        out.append("FAILED tests/test_export.py::test_large_account - TimeoutError\n");
      }
      out.append("==== ");
      gram::AppendUint(out, passed);
      out.append(" passed");
      if (failed > 0) {
        out.append(", ");
        gram::AppendUint(out, failed);
        out.append(" failed");
      }
      out.append(" in ");
      gram::AppendUint(out, 1 + rng.Below(90));
      out.append(".");
      gram::AppendUint(out, rng.Below(100));
      out.append("s ====");
      break;
    }
    case 2: {  // search hits
      const uint32_t n = 1 + static_cast<uint32_t>(rng.Below(6));
      for (uint32_t i = 0; i < n; ++i) {
        if (i > 0) out.push_back('\n');
        out.append(gram::Pick(rng, gram::Of(gram::kPaths)));
        out.push_back(':');
        gram::AppendUint(out, 1 + rng.Below(400));
        out.push_back(':');
        out.append(gram::Pick(rng, gram::Of(gram::kHitLines)));
      }
      break;
    }
    case 3:
      out.append(gram::Pick(rng, gram::Of(gram::kPageText)));
      break;
    case 4:
      c.cap = Capability::kDataAnalysis;
      gram::Csv(c, scaled(100 + rng.Below(300)));
      break;
    case 5:
      out.append(gram::Pick(rng, gram::Of(gram::kCmdOut)));
      break;
    default:
      gram::Observation(c, 80);
      break;
  }
  out.append(text.data(), text.size());
  return out.size() - start + left_out;
}

size_t WriteAssistantTurn(const PromptSpec& spec, Rng& rng, std::string& out) {
  gram::Text& text = gram::ThreadText();
  gram::Ctx c(rng, text);
  c.cap = static_cast<size_t>(spec.capability) < static_cast<size_t>(Capability::kCount)
              ? spec.capability
              : Capability::kGeneralChat;
  c.lang = static_cast<size_t>(spec.language) < static_cast<size_t>(Language::kCount)
               ? spec.language
               : Language::kEnglish;
  const double scale = std::clamp(spec.body_scale, 0.0, 1.0);
  const double full = std::clamp(rng.LogNormal(220, 0.6), 40.0, 1500.0);
  const size_t budget = static_cast<size_t>(full * scale);
  if (c.lang != Language::kEnglish) {
    gram::LocalAnswer(c, budget);
  } else {
    gram::Answer(c, budget);
  }
  out.append(text.data(), text.size());
  return text.size() + (static_cast<size_t>(full) - budget);
}

}  // namespace hw::sim
