#include "engine/casefile/casefile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/casefile/svg.h"
#include "engine/common/output_file.h"
#include "engine/common/time.h"

namespace hw::casefile {

namespace {

constexpr const char* kCampaignColor = "#b8322e";
constexpr const char* kBaselineColor = "#6b7b8c";
constexpr size_t kMaxCapabilities = 8;
constexpr size_t kMaxSignupBars = 120;
constexpr int64_t kAdoptionDays = 30;

// Markdown text (inline: paragraphs, list items, table cells): characters
// that start inline markup (backslash ` * _ [ ] < > | ~ &) are escaped, a
// line that would start a block (#, +, -, =, "1.") gets its first character
// escaped, line breaks become spaces, and "://" and "www." are written
// with a backslash before the slashes and the dot (they render the same, but
// no URL or autolink is in the bytes).
std::string EscapeMd(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    bool escape = false;
    switch (ch) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '&':
        escape = true;
        break;
      case '#':
      case '+':
      case '-':
      case '=':
        escape = i == 0;
        break;
      case '.':
      case ')':
        escape = (digits > 0 && i == digits) || (i >= 3 && s.substr(i - 3, 3) == "www");
        break;
      case '/':
        escape = (i > 0 && s[i - 1] == ':') || (i > 1 && s[i - 1] == '/' && s[i - 2] == ':');
        break;
      default:
        break;
    }
    if (escape) out.push_back('\\');
    out.push_back(static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch);
  }
  return out;
}

// Text for file names and element ids: the id itself when it is made of
// [A-Za-z0-9_-] (what analyze writes), else a neutral name.
std::string SafeName(const std::string& id, size_t index) {
  const bool safe = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '-';
  });
  return safe ? id : fmt::format("campaign-{:04d}", index + 1);
}

std::string Area(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string Percent(double share) { return fmt::format("{:.0f}%", 100 * share); }

const char* Confidence(double score) {
  return score >= 0.8 ? "high" : score >= 0.6 ? "moderate" : "low";
}

std::string FeatureValue(double v) {
  return std::abs(v) >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v);
}

// A two-format writer: every piece of content goes to the HTML page and to
// its Markdown twin, so that the two never disagree.
struct Page {
  std::string html, md;

  void Heading(int level, std::string_view text, std::string_view anchor) {
    html += fmt::format("<h{} id=\"{}\">{}</h{}>\n", level, anchor, EscapeHtml(text), level);
    md += std::string(static_cast<size_t>(level), '#') + " " + EscapeMd(text) + "\n\n";
  }
  void Paragraph(std::string_view text, const char* cls = nullptr) {
    html += cls ? fmt::format("<p class=\"{}\">{}</p>\n", cls, EscapeHtml(text))
                : "<p>" + EscapeHtml(text) + "</p>\n";
    md += EscapeMd(text) + "\n\n";
  }
  void List(const std::vector<std::string>& items) {
    if (items.empty()) return;
    html += "<ul>\n";
    for (const auto& i : items) {
      html += "<li>" + EscapeHtml(i) + "</li>\n";
      md += "- " + EscapeMd(i) + "\n";
    }
    html += "</ul>\n";
    md += "\n";
  }
  // A figure: SVG in the page; in Markdown the caption and the data table.
  void Figure(const std::string& svg, std::string_view caption) {
    html += "<figure>" + svg + "<figcaption>" + EscapeHtml(caption) + "</figcaption></figure>\n";
    md += "*" + EscapeMd(caption) + "*\n\n";
  }
  // `numeric`: columns right-aligned and sorted as numbers.
  void Table(const std::vector<std::string>& head, const std::vector<bool>& numeric,
             const std::vector<std::vector<std::string>>& rows, const char* cls = nullptr) {
    html += cls ? fmt::format("<table class=\"{}\">", cls) : std::string("<table>");
    html += "<thead><tr>";
    for (size_t i = 0; i < head.size(); ++i) {
      const bool num = i < numeric.size() && numeric[i];
      html += fmt::format("<th{}>{}</th>", num ? " class=\"num\" data-type=\"num\"" : "",
                          EscapeHtml(head[i]));
    }
    html += "</tr></thead>\n<tbody>\n";
    md += "|";
    for (const auto& h : head) md += " " + EscapeMd(h) + " |";
    md += "\n|";
    for (size_t i = 0; i < head.size(); ++i)
      md += i < numeric.size() && numeric[i] ? "---:|" : "---|";
    md += "\n";
    for (const auto& r : rows) {
      html += "<tr>";
      md += "|";
      for (size_t i = 0; i < r.size(); ++i) {
        const bool num = i < numeric.size() && numeric[i];
        html += num ? "<td class=\"num\">" : "<td>";
        html += EscapeHtml(r[i]);
        html += "</td>";
        md += " " + EscapeMd(r[i]) + " |";
      }
      html += "</tr>\n";
      md += "\n";
    }
    html += "</tbody></table>\n";
    md += "\n";
  }
};

constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232a;max-width:1000px;margin:0 auto;padding:16px 24px;background:#fff}
h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #d8dde3;padding-bottom:4px}h3{font-size:16px}
.summary{font-size:16px;background:#f5f7f9;border-left:4px solid #b8322e;padding:10px 14px}
.verdict{font-size:13px;padding:2px 8px;border-radius:10px;vertical-align:middle;color:#fff;background:#6b7b8c}
.verdict.attack{background:#b8322e}
dl.figures{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dl.figures dt{color:#59636e}dl.figures dd{margin:0}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border-bottom:1px solid #e3e7eb;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f5f7f9}.num{text-align:right;font-variant-numeric:tabular-nums}table.templates td:last-child{max-width:520px;overflow-wrap:anywhere;color:#3b444d}
table.sortable th{cursor:pointer;user-select:none}table.sortable th[aria-sort=ascending]::after{content:" \25B2"}table.sortable th[aria-sort=descending]::after{content:" \25BC"}
table.accounts{table-layout:fixed;width:100%}table.accounts td{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
figure{margin:12px 0 20px}figcaption{color:#59636e;font-size:13px}
svg.chart{max-width:100%;height:auto;font-family:inherit}
svg .grid{stroke:#e3e7eb}svg .axis{stroke:#59636e}svg .tick{font-size:10px;fill:#59636e}svg .legend{font-size:11px;fill:#1d232a}svg .value{font-size:10px;fill:#1d232a}
svg .node{font-size:11px;fill:#1d232a}svg .group{fill:#fbeceb;stroke:#b8322e}svg .indicator{fill:#eaf0f6;stroke:#1f4e79}svg .edge{fill:none;stroke:#1f4e79;stroke-opacity:.45}
.note{color:#59636e;font-size:13px}footer{margin-top:40px;color:#59636e;font-size:12px}
@media print{body{max-width:none;padding:0;font-size:11px}.noprint{display:none}h2{break-after:avoid}figure,tr{break-inside:avoid}a{color:inherit;text-decoration:none}.summary{border-left-color:#000}}
)css";

// Sorts a table.sortable by the clicked column: rows are re-inserted once
// through a fragment, so 25,000 rows sort in a fraction of a second.
constexpr const char* kSortScript = R"js(
(function(){
  function sortBy(table, col, th){
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var num = th.getAttribute('data-type') === 'num';
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var keyed = rows.map(function(r, i){
      var t = r.cells[col].textContent;
      return {k: num ? parseFloat(t.replace(/,/g, '')) : t, i: i, r: r};
    });
    keyed.sort(function(a, b){
      if (a.k < b.k) return -dir;
      if (a.k > b.k) return dir;
      return a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function(x){ frag.appendChild(x.r); });
    body.appendChild(frag);
    Array.prototype.forEach.call(th.parentNode.cells, function(c){ c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function(table){
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, col){
      th.addEventListener('click', function(){ sortBy(table, col, th); });
    });
  });
})();
)js";

std::string HtmlOpen(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>" +
         EscapeHtml(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
}

std::string HtmlClose(bool script) {
  std::string out;
  if (script) out += std::string("<script>") + kSortScript + "</script>\n";
  return out + "</body>\n</html>\n";
}

std::string Footer(const share::ResultSet& r) {
  return "Generated by hydrawatch from a detection result (policy " +
         (r.campaigns.policy.empty() ? std::string("unnamed") : r.campaigns.policy) +
         "). Times are event times (UTC). Daily series cover each account's last 64 days of "
         "activity; counts of user agents and templates are lower bounds.";
}

std::map<TimeUs, const share::DayCount*> ByDay(const std::vector<share::DayCount>& v) {
  std::map<TimeUs, const share::DayCount*> m;
  for (const auto& d : v) m[d.day] = &d;
  return m;
}

void DailyCharts(Page& p, const share::CampaignRecord& c, const share::Baseline& base) {
  const auto& daily = c.activity.daily;
  if (daily.empty()) {
    p.Paragraph("The result has no daily series for this campaign.", "note");
    return;
  }
  std::vector<std::string> days;
  Series req{"campaign requests", {}, kCampaignColor};
  Series rate{"campaign: requests per active account", {}, kCampaignColor};
  Series brate{"benign baseline: requests per active account", {}, kBaselineColor};
  const auto base_days = ByDay(base.activity.daily);
  for (const auto& d : daily) {
    days.push_back(FormatDate(d.day).substr(5));
    req.values.push_back(static_cast<double>(d.requests));
    rate.values.push_back(d.accounts ? static_cast<double>(d.requests) / d.accounts : 0);
    auto it = base_days.find(d.day);
    brate.values.push_back(it != base_days.end() && it->second->accounts
                               ? static_cast<double>(it->second->requests) / it->second->accounts
                               : 0);
  }
  Chart chart;
  chart.title = "Interactions per day, campaign " + c.id;
  chart.categories = days;
  chart.y_label = "requests";
  p.Figure(BarChart(chart, {req}), "Interactions per day (UTC) of the campaign's accounts, " +
                                       FormatDate(daily.front().day) + " to " +
                                       FormatDate(daily.back().day) + ".");
  chart.title = "Requests per active account per day: campaign vs benign baseline";
  chart.y_label = "requests / account";
  std::vector<Series> lines{rate};
  if (base.present) lines.push_back(brate);
  p.Figure(LineChart(chart, lines),
           "Requests per active account and day: the campaign against the benign population "
           "(accounts outside attack campaigns).");
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < daily.size(); ++i) {
    rows.push_back({FormatDate(daily[i].day), std::to_string(daily[i].requests),
                    std::to_string(daily[i].accounts), fmt::format("{:.1f}", rate.values[i]),
                    base.present ? fmt::format("{:.1f}", brate.values[i]) : std::string("-")});
  }
  p.md += "<details>\n\n";  // keeps the long table folded where Markdown renders HTML
  p.html += "<details class=\"noprint\"><summary>Daily figures</summary>\n";
  p.Table(
      {"day", "requests", "active accounts", "requests / account", "baseline requests / account"},
      {false, true, true, true, true}, rows);
  p.html += "</details>\n";
  p.md += "</details>\n\n";
}

void SignupChart(Page& p, const share::CampaignRecord& c) {
  if (c.signups.empty()) {
    p.Paragraph("No sign-up times: the run had no accounts registry or it lacks `created`.",
                "note");
    return;
  }
  const int64_t first = FloorDiv(c.signups.front().day, kUsPerDay);
  const int64_t last = FloorDiv(c.signups.back().day, kUsPerDay);
  const int64_t span = last - first + 1;
  const int64_t bin =
      (span + static_cast<int64_t>(kMaxSignupBars) - 1) / static_cast<int64_t>(kMaxSignupBars);
  const auto bars = static_cast<size_t>((span + bin - 1) / bin);
  Series s{"accounts created", std::vector<double>(bars, 0), kCampaignColor};
  std::vector<std::string> cats(bars);
  for (size_t i = 0; i < bars; ++i)
    cats[i] = FormatDate((first + static_cast<int64_t>(i) * bin) * kUsPerDay);
  int64_t total = 0;
  for (const auto& d : c.signups) {
    s.values[static_cast<size_t>((FloorDiv(d.day, kUsPerDay) - first) / bin)] +=
        static_cast<double>(d.accounts);
    total += d.accounts;
  }
  Chart chart;
  chart.title = "Account sign-ups, campaign " + c.id;
  chart.categories = cats;
  chart.y_label = "accounts";
  p.Figure(
      BarChart(chart, {s}),
      fmt::format("Sign-ups of the campaign's accounts ({} with a registry entry), per {}.",
                  Thousands(total), bin == 1 ? std::string("day") : fmt::format("{} days", bin)));
}

void CapabilityChart(Page& p, const share::CampaignRecord& c, const share::Baseline& base) {
  if (c.capabilities.empty()) {
    p.Paragraph("No capability shares (no request of the campaign was rule-scanned).", "note");
    return;
  }
  std::vector<std::string> cats;
  Series camp{"campaign", {}, kCampaignColor}, bl{"benign baseline", {}, kBaselineColor};
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < c.capabilities.size() && i < kMaxCapabilities; ++i) {
    const auto& cap = c.capabilities[i];
    double b = 0;
    for (const auto& x : base.capabilities) {
      if (x.name == cap.name) b = x.share;
    }
    cats.push_back(Area(cap.name));
    camp.values.push_back(cap.share);
    bl.values.push_back(b);
    rows.push_back({Area(cap.name), Percent(cap.share), base.present ? Percent(b) : "-"});
  }
  Chart chart;
  chart.title = "Capability mix, campaign " + c.id;
  chart.categories = cats;
  chart.percent = true;
  std::vector<Series> series{camp};
  if (!base.capabilities.empty()) series.push_back(bl);
  p.Figure(HBarChart(chart, series),
           "Share of requests per capability area (estimated from rule-scanned requests), "
           "campaign against the benign baseline.");
  p.Table({"capability", "campaign", "baseline"}, {false, true, true}, rows);
}

void HourChart(Page& p, const share::CampaignRecord& c, const share::Baseline& base) {
  if (c.activity.hours.size() != 24) return;
  auto shares = [](const std::vector<int64_t>& h) {
    std::vector<double> v(24, 0);
    double total = 0;
    for (int64_t x : h) total += static_cast<double>(x);
    for (size_t i = 0; i < 24 && i < h.size(); ++i) v[i] = total > 0 ? h[i] / total : 0;
    return v;
  };
  std::vector<std::string> cats;
  cats.reserve(24);
  for (int h = 0; h < 24; ++h) cats.push_back(fmt::format("{:02d}", h));
  Chart chart;
  chart.title = "Hour-of-day profile, campaign " + c.id;
  chart.categories = cats;
  chart.percent = true;
  chart.y_label = "share of requests";
  std::vector<Series> series{{"campaign", shares(c.activity.hours), kCampaignColor}};
  if (base.activity.hours.size() == 24)
    series.push_back({"benign baseline", shares(base.activity.hours), kBaselineColor});
  p.Figure(LineChart(chart, series),
           "Share of requests per hour of the day (UTC): a pipeline runs around the clock, "
           "people do not.");
}

void ModelSection(Page& p, const share::CampaignRecord& c, const share::Baseline& base) {
  if (c.activity.models.empty()) {
    p.Paragraph("The requests name no model.", "note");
    return;
  }
  std::map<std::string, const share::ModelRecord*> base_models;
  for (const auto& m : base.activity.models) base_models[m.name] = &m;
  const TimeUs data_start =
      base.activity.daily.empty() ? INT64_MIN : base.activity.daily.front().day;
  // The newest model released during the data: its first use by anyone.
  const share::ModelRecord* newest = nullptr;
  TimeUs newest_release = INT64_MIN;
  int64_t total = 0;
  for (const auto& m : c.activity.models) total += m.requests;
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : c.activity.models) {
    auto it = base_models.find(m.name);
    TimeUs release = m.first_seen;
    if (it != base_models.end()) release = std::min(release, it->second->first_seen);
    if (FloorDiv(release, kUsPerDay) * kUsPerDay > data_start && release > newest_release) {
      newest = &m;
      newest_release = release;
    }
    rows.push_back({m.name, Thousands(m.requests),
                    total ? Percent(static_cast<double>(m.requests) / total) : "-",
                    Thousands(m.accounts), FormatRfc3339(m.first_seen).substr(0, 16),
                    it != base_models.end() ? FormatRfc3339(it->second->first_seen).substr(0, 16)
                                            : std::string("-")});
  }
  // Days of data after the release (the curve stops where the data does).
  TimeUs data_end = INT64_MIN;
  if (!base.activity.daily.empty()) data_end = base.activity.daily.back().day;
  if (!c.activity.daily.empty()) data_end = std::max(data_end, c.activity.daily.back().day);
  const int64_t window = newest == nullptr
                             ? 0
                             : std::min(kAdoptionDays, FloorDiv(data_end, kUsPerDay) -
                                                           FloorDiv(newest_release, kUsPerDay));
  if (newest != nullptr && window < 2) {
    p.Paragraph(newest->name + " was first used on " + FormatDate(newest_release) +
                    ", too close to the end of the data for an adoption curve; " +
                    Thousands(newest->accounts) + " of the campaign's accounts used it.",
                "note");
  } else if (newest != nullptr) {
    const int64_t release_day = FloorDiv(newest_release, kUsPerDay);
    // Share of `accounts` that had used the model by each day since its
    // release; adopters after the window are not counted in it.
    auto curve_in_window = [&](const std::vector<share::DayCount>& adoption, int64_t accounts) {
      std::vector<double> v(static_cast<size_t>(window + 1), 0);
      for (const auto& d : adoption) {
        const int64_t k = FloorDiv(d.day, kUsPerDay) - release_day;
        if (k >= 0 && k <= window) v[static_cast<size_t>(k)] += static_cast<double>(d.accounts);
      }
      for (size_t k = 1; k < v.size(); ++k) v[k] += v[k - 1];
      for (double& x : v) x = accounts > 0 ? std::min(1.0, x / static_cast<double>(accounts)) : 0;
      return v;
    };
    std::vector<std::string> cats;
    for (int64_t k = 0; k <= window; ++k) cats.push_back(std::to_string(k));
    Chart chart;
    chart.title = "Adoption of " + newest->name + " after its release";
    chart.categories = cats;
    chart.percent = true;
    chart.y_label = "accounts that used it";
    std::vector<Series> series{
        {"campaign", curve_in_window(newest->adoption, static_cast<int64_t>(c.account_ids.size())),
         kCampaignColor}};
    auto it = base_models.find(newest->name);
    if (it != base_models.end())
      series.push_back({"benign baseline", curve_in_window(it->second->adoption, base.accounts),
                        kBaselineColor});
    p.Figure(LineChart(chart, series), "Share of accounts that had used " + newest->name +
                                           " by day since its first use in "
                                           "the data (" +
                                           FormatDate(newest_release) +
                                           "): campaigns move to a new model at once.");
  } else {
    p.Paragraph("No model was released during the data (every model was in use on its first day).",
                "note");
  }
  p.Table({"model", "campaign requests", "share", "accounts", "campaign first use",
           "baseline first use"},
          {false, true, true, true, false, false}, rows);
}

void LinkSection(Page& p, const share::CampaignRecord& c) {
  p.List(c.linked_by);
  if (c.link_groups.empty()) return;
  std::vector<Node> left;
  std::map<std::string, size_t> right_index;
  struct Right {
    std::string kind, value;
    int64_t accounts = 0;
    size_t groups = 0;
  };
  std::vector<Right> rights;
  for (const auto& g : c.link_groups) {
    for (const auto& i : g.indicators) {
      const std::string key = i.kind + "\t" + i.value;
      auto [it, fresh] = right_index.emplace(key, rights.size());
      if (fresh) rights.push_back({i.kind, i.value, 0, 0});
      rights[it->second].accounts += i.accounts;
      rights[it->second].groups++;
    }
  }
  // Indicators that join the most groups first; at most 20.
  std::vector<size_t> order(rights.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return rights[a].groups != rights[b].groups ? rights[a].groups > rights[b].groups
                                                : rights[a].accounts > rights[b].accounts;
  });
  if (order.size() > 20) order.resize(20);
  std::map<size_t, size_t> position;
  std::vector<Node> right;
  for (size_t k = 0; k < order.size(); ++k) {
    position[order[k]] = k;
    const Right& r = rights[order[k]];
    right.push_back({Area(r.kind) + ": " + r.value,
                     fmt::format("{} accounts in {} group{}", Thousands(r.accounts), r.groups,
                                 r.groups == 1 ? "" : "s")});
  }
  std::vector<Edge> edges;
  std::vector<std::vector<std::string>> rows;
  const std::string by = c.link_groups_by.empty() ? std::string("group") : Area(c.link_groups_by);
  for (size_t g = 0; g < c.link_groups.size(); ++g) {
    const auto& grp = c.link_groups[g];
    const std::string label = grp.value.empty() ? "other members" : by + " " + grp.value;
    left.push_back({label, Thousands(grp.accounts) + " accounts"});
    std::string held;
    for (const auto& i : grp.indicators) {
      auto it = right_index.find(i.kind + "\t" + i.value);
      auto pos = position.find(it->second);
      if (pos != position.end()) edges.push_back({g, pos->second, static_cast<double>(i.accounts)});
      held += (held.empty() ? "" : "; ") + Area(i.kind) + " " + i.value + " (" +
              Thousands(i.accounts) + ")";
    }
    rows.push_back({label, Thousands(grp.accounts), held.empty() ? "-" : held});
  }
  p.Figure(Bipartite("Link structure, campaign " + c.id, left, right, edges),
           "Which indicators join which account groups (groups by " + by +
               "; line width: accounts of the group that hold the indicator). An indicator "
               "tied to several groups is what linked them into one campaign.");
  p.Table({"group", "accounts", "indicators held (accounts)"}, {false, true, false}, rows);
}

void IndicatorTables(Page& p, const share::CampaignRecord& c) {
  struct Kind {
    const char* name;
    const std::vector<share::SharedIndicator>* v;
  };
  const Kind kinds[] = {{"payment fingerprint", &c.payment_fingerprints},
                        {"network", &c.networks},
                        {"client address", &c.addresses},
                        {"user agent", &c.user_agents},
                        {"template fingerprint", &c.template_fingerprints},
                        {"e-mail domain", &c.email_domains},
                        {"organization", &c.organizations}};
  std::vector<std::vector<std::string>> rows;
  for (const auto& k : kinds) {
    for (size_t i = 0; i < k.v->size() && i < 10; ++i) {
      const auto& ind = (*k.v)[i];
      rows.push_back({k.name, ind.value, Thousands(ind.accounts),
                      ind.requests ? Thousands(*ind.requests) : std::string("-")});
    }
  }
  if (rows.empty()) {
    p.Paragraph("No indicator is shared by two or more accounts.", "note");
    return;
  }
  p.Table({"kind", "value", "accounts", "requests"}, {false, false, true, true}, rows);
}

void TemplateTable(Page& p, const share::CampaignRecord& c) {
  if (c.template_fingerprints.empty()) {
    p.Paragraph("No prompt template is repeated by two or more accounts.", "note");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : c.template_fingerprints) {
    rows.push_back({t.value, Thousands(t.accounts),
                    t.requests ? Thousands(*t.requests) : std::string("-"),
                    t.example.empty() ? std::string("-") : t.example});
  }
  p.Paragraph(
      "Prompt families: prompts that differ only in their slot fillings share a template. "
      "Examples are the earliest prompt of each template, cut to 200 bytes, with e-mail "
      "addresses, keys and long digit runs masked.");
  p.Table({"template", "accounts", "requests", "example prompt"}, {false, true, true, false}, rows,
          "templates");
}

void AccountTable(Page& p, const share::CampaignRecord& c, const share::ResultSet& r) {
  std::vector<const share::AccountRecord*> rows;
  for (const auto& id : c.account_ids) {
    if (const auto* a = r.FindAccount(id)) rows.push_back(a);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return a->score != b->score ? a->score > b->score : a->user_id < b->user_id;
  });
  p.Paragraph(fmt::format("{} accounts, by score; select a column heading to sort.",
                          Thousands(static_cast<int64_t>(rows.size()))));
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size());
  for (const auto* a : rows) {
    cells.push_back({a->user_id, share::AccountVerdictName(a->verdict),
                     fmt::format("{:.3f}", a->score), std::to_string(a->requests),
                     a->first_seen ? FormatRfc3339(*a->first_seen).substr(0, 19) : "-",
                     a->last_seen ? FormatRfc3339(*a->last_seen).substr(0, 19) : "-"});
  }
  p.Table({"account", "verdict", "score", "requests", "first activity", "last activity"},
          {false, false, true, true, false, false}, cells, "sortable accounts");
}

CasePage BuildPage(const share::ResultSet& r, const share::CampaignRecord& c, size_t index) {
  CasePage page;
  page.id = c.id;
  page.file = SafeName(c.id, index);
  const share::Baseline& base = r.campaigns.baseline;
  Page p;
  const std::string title =
      "Campaign " + c.id +
      (c.attack ? ": distillation campaign" : ": linked group cleared as benign");
  p.html = HtmlOpen(title + " - hydrawatch case file");
  p.html += "<p class=\"noprint\"><a href=\"index.html\">All campaigns</a></p>\n";
  p.html += fmt::format("<h1>{} <span class=\"verdict{}\">{}</span></h1>\n",
                        EscapeHtml("Campaign " + c.id), c.attack ? " attack" : "",
                        c.attack ? "attack" : "benign");
  p.md = "# " + EscapeMd(title) + "\n\n";
  p.Paragraph(ExecutiveSummary(c), "summary");

  p.html += "<dl class=\"figures\">\n";
  p.md += "| figure | value |\n|---|---|\n";
  auto figure = [&](const std::string& k, const std::string& v) {
    p.html += "<dt>" + EscapeHtml(k) + "</dt><dd>" + EscapeHtml(v) + "</dd>\n";
    p.md += "| " + EscapeMd(k) + " | " + EscapeMd(v) + " |\n";
  };
  figure("Exchanges", Thousands(c.interactions));
  figure("Accounts", Thousands(static_cast<int64_t>(c.account_ids.size())));
  figure("First seen", FormatRfc3339(c.first_seen));
  figure("Last seen", FormatRfc3339(c.last_seen));
  figure("Score", fmt::format("{:.2f} ({} confidence)", c.score, Confidence(c.score)));
  figure("Verdict", c.attack ? "attack" : "benign");
  if (!r.campaigns.policy.empty()) figure("Policy", r.campaigns.policy);
  p.html += "</dl>\n";
  p.md += "\n";

  p.Heading(2, "Activity", "activity");
  DailyCharts(p, c, base);
  SignupChart(p, c);
  HourChart(p, c, base);
  p.Heading(2, "Targets", "targets");
  CapabilityChart(p, c, base);
  if (!c.elicitation_frames.empty()) {
    std::vector<std::string> frames;
    for (const auto& f : c.elicitation_frames)
      frames.push_back(Area(f.name) + ": " + Percent(f.share) + " of requests");
    p.Paragraph(
        "Elicitation frames (prompts that ask for training data, e.g. step-by-step reasoning):");
    p.List(frames);
  }
  p.Heading(2, "Models", "models");
  ModelSection(p, c, base);
  p.Heading(2, "How the accounts were linked", "links");
  LinkSection(p, c);
  p.Heading(2, "Shared indicators", "indicators");
  IndicatorTables(p, c);
  p.Heading(2, "Template families", "templates");
  TemplateTable(p, c);
  p.Heading(2, "Why this score", "reasons");
  p.List(c.reasons);
  if (!c.features.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, v] : c.features) rows.push_back({Area(name), FeatureValue(v)});
    p.Table({"campaign feature", "value"}, {false, true}, rows);
  }
  p.Heading(2, "Accounts", "accounts");
  AccountTable(p, c, r);
  p.html += "<footer>" + EscapeHtml(Footer(r)) + "</footer>\n";
  p.md += EscapeMd(Footer(r)) + "\n";
  p.html += HtmlClose(true);
  page.html = std::move(p.html);
  page.markdown = std::move(p.md);
  return page;
}

}  // namespace

std::string ExecutiveSummary(const share::CampaignRecord& c) {
  std::string targets;
  const size_t n = std::min<size_t>(3, c.capabilities.size());
  for (size_t k = 0; k < n; ++k) {
    targets += fmt::format("{}{} ({})", k ? (k + 1 == n ? " and " : ", ") : "",
                           Area(c.capabilities[k].name), Percent(c.capabilities[k].share));
  }
  std::string linked;
  for (size_t k = 0; k < c.linked_by.size() && k < 3; ++k) {
    linked += (k ? "; " : "") + c.linked_by[k];
  }
  std::string s =
      fmt::format("{} exchanges through {} accounts between {} and {}", Thousands(c.interactions),
                  Thousands(static_cast<int64_t>(c.account_ids.size())),
                  FormatLongDate(c.first_seen), FormatLongDate(c.last_seen));
  s += targets.empty() ? "." : ", targeting " + targets + ".";
  if (!linked.empty()) s += " The accounts were linked by " + linked + ".";
  s += fmt::format(" {} (score {:.2f}, {} confidence).",
                   c.attack ? "Scored as a distillation campaign" : "Cleared as benign", c.score,
                   Confidence(c.score));
  return s;
}

CaseFiles Build(const share::ResultSet& r) {
  CaseFiles out;
  for (size_t i = 0; i < r.campaigns.campaigns.size(); ++i)
    out.pages.push_back(BuildPage(r, r.campaigns.campaigns[i], i));
  Page p;
  p.html = HtmlOpen("hydrawatch case files");
  p.html += "<h1>Case files</h1>\n";
  p.md = "# Case files\n\n";
  size_t attacks = 0;
  for (const auto& c : r.campaigns.campaigns) attacks += c.attack;
  p.Paragraph(
      fmt::format("{} linked groups, {} of them scored as distillation campaigns; by score.",
                  r.campaigns.campaigns.size(), attacks));
  std::vector<std::vector<std::string>> rows;
  p.html +=
      "<table class=\"sortable\"><thead><tr><th>campaign</th><th>verdict</th>"
      "<th class=\"num\" data-type=\"num\">score</th><th class=\"num\" data-type=\"num\">"
      "accounts</th><th class=\"num\" data-type=\"num\">exchanges</th><th>first seen</th>"
      "<th>last seen</th><th>top capability</th></tr></thead>\n<tbody>\n";
  p.md +=
      "| campaign | verdict | score | accounts | exchanges | first seen | last seen | top "
      "capability |\n"
      "|---|---|---:|---:|---:|---|---|---|\n";
  for (size_t i = 0; i < r.campaigns.campaigns.size(); ++i) {
    const auto& c = r.campaigns.campaigns[i];
    const std::string& file = out.pages[i].file;
    const std::string top = c.capabilities.empty() ? std::string("-")
                                                   : Area(c.capabilities[0].name) + " (" +
                                                         Percent(c.capabilities[0].share) + ")";
    const std::string cells[] = {c.attack ? "attack" : "benign",
                                 fmt::format("{:.2f}", c.score),
                                 std::to_string(c.account_ids.size()),
                                 std::to_string(c.interactions),
                                 FormatDate(c.first_seen),
                                 FormatDate(c.last_seen),
                                 top};
    p.html += fmt::format("<tr><td><a href=\"{}.html\">{}</a></td>", file, EscapeHtml(c.id));
    p.md += fmt::format("| [{}]({}.html) |", EscapeMd(c.id), file);
    for (size_t k = 0; k < std::size(cells); ++k) {
      const bool num = k >= 1 && k <= 3;
      p.html += (num ? "<td class=\"num\">" : "<td>") + EscapeHtml(cells[k]) + "</td>";
      p.md += " " + EscapeMd(cells[k]) + " |";
    }
    p.html += "</tr>\n";
    p.md += "\n";
  }
  p.html += "</tbody></table>\n";
  p.md += "\n";
  p.html += "<footer>" + EscapeHtml(Footer(r)) + "</footer>\n" + HtmlClose(true);
  p.md += EscapeMd(Footer(r)) + "\n";
  out.index_html = std::move(p.html);
  out.index_markdown = std::move(p.md);
  return out;
}

Result<WriteOutcome> WriteCaseFiles(const std::string& result_dir, const std::string& out_dir) {
  auto result = share::LoadResult(result_dir);
  if (!result.ok()) return result.status();
  const CaseFiles files = Build(*result);
  if (Status s = MakeDirs(out_dir); !s.ok()) return s;
  const std::string base = out_dir.empty() || out_dir.back() == '/' ? out_dir : out_dir + "/";
  WriteOutcome o;
  auto write = [&](const std::string& name, const std::string& text) -> Status {
    o.bytes += text.size();
    return WriteFile(base + name, text);
  };
  for (const auto& p : files.pages) {
    if (Status s = write(p.file + ".html", p.html); !s.ok()) return s;
    if (Status s = write(p.file + ".md", p.markdown); !s.ok()) return s;
    if (p.html.size() > o.largest_bytes) {
      o.largest_bytes = p.html.size();
      o.largest_page = base + p.file + ".html";
    }
    ++o.pages;
  }
  if (Status s = write("index.html", files.index_html); !s.ok()) return s;
  if (Status s = write("index.md", files.index_markdown); !s.ok()) return s;
  return o;
}

std::string_view SortScript() noexcept { return kSortScript; }

}  // namespace hw::casefile
