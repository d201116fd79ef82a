// Small chart primitives for case files: inline SVG drawn by the project, no
// script, no external reference. Deterministic: the same data gives the same
// bytes (coordinates with one decimal, fixed colours). Every string from the
// data is escaped. The SVG has no xmlns (inline SVG in HTML needs none) and
// is well-formed XML.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hw::casefile {

// Text for HTML or XML content and attribute values: & < > " ' escaped, and
// "://" written as ":&#47;&#47;" so that a URL in the data (a user agent's
// "+http://...") is shown but never a link or a reference.
std::string EscapeHtml(std::string_view s);

// 1234 -> "1,234".
std::string Thousands(int64_t v);
// Axis labels: 950, 1.2k, 3.4M.
std::string Compact(double v);

struct Series {
  std::string name;
  std::vector<double> values;  // one per category
  std::string color;           // CSS colour, e.g. "#1f4e79"
};

struct Chart {
  std::string title;                    // the SVG's accessible name
  std::vector<std::string> categories;  // x labels (bars, lines) or row labels (hbars)
  std::string y_label;
  bool percent = false;  // values are shares in [0,1], axis in %
  int width = 720;
  int height = 260;
};

// Grouped vertical bars, one bar per series and category.
std::string BarChart(const Chart& chart, const std::vector<Series>& series);
// One polyline per series over the categories.
std::string LineChart(const Chart& chart, const std::vector<Series>& series);
// Horizontal bars: a row per category, one bar per series (legend on top).
std::string HBarChart(const Chart& chart, const std::vector<Series>& series);

// A bipartite diagram: left nodes (account groups), right nodes (indicators),
// edges with a width by weight; an indicator tied to several groups is what
// joined them.
struct Node {
  std::string label;
  std::string detail;  // second line, e.g. "412 accounts"
};
struct Edge {
  size_t left = 0, right = 0;
  double weight = 0;  // e.g. accounts
};
std::string Bipartite(const std::string& title, const std::vector<Node>& left,
                      const std::vector<Node>& right, const std::vector<Edge>& edges,
                      int width = 720);

}  // namespace hw::casefile
