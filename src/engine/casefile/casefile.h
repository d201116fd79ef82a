// Case files for analysts (`hydrawatch report`, written by `analyze` unless
// --no-cases): per campaign of a result directory one self-contained HTML
// page (inline CSS and SVG, a few lines of inline script to sort the accounts
// table, no external reference, printable) and its Markdown twin, plus an
// index of all campaigns by score. Drawn from the result files alone
// (campaigns.json, accounts.jsonl; docs/FORMAT.md). Deterministic: the same
// result gives the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/share/result_reader.h"

namespace hw::casefile {

struct CasePage {
  std::string id;    // the campaign id
  std::string file;  // base name of its files: the id when it is a safe file name
  std::string html;
  std::string markdown;
};

struct CaseFiles {
  std::vector<CasePage> pages;  // campaigns.json order (descending score)
  std::string index_html;
  std::string index_markdown;
};

// The disclosure-style paragraph of one campaign, as plain text (escape it
// for the output format): exchanges, accounts, first and last day, targets
// with shares, how the accounts were linked, confidence.
std::string ExecutiveSummary(const share::CampaignRecord& c);

CaseFiles Build(const share::ResultSet& result);

// The one inline script of a case page (sorting the accounts table): a page
// served under a Content-Security-Policy allows it by its hash (serve's
// console).
std::string_view SortScript() noexcept;

struct WriteOutcome {
  size_t pages = 0;
  size_t bytes = 0;          // all files written
  size_t largest_bytes = 0;  // the largest HTML page
  std::string largest_page;  // its path
};

// Reads result_dir, writes out_dir/<id>.html, <id>.md, index.html and
// index.md (out_dir created if needed). Errors name file:line (a bad result)
// or the file that could not be written.
Result<WriteOutcome> WriteCaseFiles(const std::string& result_dir, const std::string& out_dir);

}  // namespace hw::casefile
