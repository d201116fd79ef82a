#include "engine/casefile/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace hw::casefile {

namespace {

constexpr double kLeft = 60, kRight = 16, kTop = 30, kBottom = 44;

// One decimal, no "-0.0": coordinates are the same bytes on every run.
std::string F(double v) {
  const double r = std::round(v * 10) / 10;
  return fmt::format("{:.1f}", r == 0 ? 0.0 : r);
}

// At most `n` bytes of text, cut at a UTF-8 boundary, "..." when cut.
std::string Cut(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  size_t cut = n - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

struct Axis {
  double top = 1, step = 0.25;
};

// 0..top in 3 to 6 steps of 1, 2 or 5 times a power of ten.
Axis NiceAxis(double max, bool percent) {
  if (!(max > 0)) return percent ? Axis{1, 0.25} : Axis{4, 1};
  const double raw = max / 4;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  if (!percent && step < 1) step = 1;
  return {std::ceil(max / step - 1e-9) * step, step};
}

std::string TickLabel(double v, bool percent) {
  if (percent) {
    const double p = v * 100;
    return std::abs(p - std::round(p)) < 1e-9 ? fmt::format("{:.0f}%", p)
                                              : fmt::format("{:.1f}%", p);
  }
  return Compact(v);
}

double MaxOf(const std::vector<Series>& series) {
  double m = 0;
  for (const auto& s : series) {
    for (double v : s.values) m = std::max(m, v);
  }
  return m;
}

std::string Open(const Chart& c) {
  return fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\"><title>{}</title>",
      c.width, c.height, c.width, c.height, EscapeHtml(c.title), EscapeHtml(c.title));
}

std::string Legend(const std::vector<Series>& series, double x) {
  std::string out;
  for (const auto& s : series) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"8\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"17\" "
        "class=\"legend\">{}</text>",
        F(x), EscapeHtml(s.color), F(x + 14), EscapeHtml(Cut(s.name, 60)));
    x += 24 + 6.5 * static_cast<double>(std::min<size_t>(s.name.size(), 60));
  }
  return out;
}

// Y grid with labels and the x labels of `n` categories (every k-th).
std::string Frame(const Chart& c, const Axis& axis, double plot_w, double plot_h) {
  std::string out;
  for (double v = 0; v <= axis.top + axis.step / 2; v += axis.step) {
    const double y = kTop + plot_h - plot_h * v / axis.top;
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"grid\"/><text x=\"{}\" y=\"{}\" "
        "class=\"tick\" text-anchor=\"end\">{}</text>",
        F(kLeft), F(y), F(kLeft + plot_w), F(y), F(kLeft - 4), F(y + 3.5),
        EscapeHtml(TickLabel(v, c.percent)));
  }
  const size_t n = c.categories.size();
  if (n > 0) {
    const double band = plot_w / static_cast<double>(n);
    // As many labels as fit at about 6 px per character.
    size_t longest = 1;
    for (const auto& l : c.categories) longest = std::max(longest, std::min<size_t>(l.size(), 16));
    const auto fit = std::max<size_t>(
        1, static_cast<size_t>(plot_w / (6.0 * static_cast<double>(longest) + 12)));
    const size_t every = std::max<size_t>(1, (n + fit - 1) / fit);
    for (size_t i = 0; i < n; i += every) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                         F(kLeft + band * (static_cast<double>(i) + 0.5)), F(kTop + plot_h + 14),
                         EscapeHtml(Cut(c.categories[i], 16)));
    }
  }
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"axis\"/>", F(kLeft),
                     F(kTop + plot_h), F(kLeft + plot_w), F(kTop + plot_h));
  if (!c.y_label.empty()) {
    out += fmt::format(
        "<text x=\"12\" y=\"{}\" class=\"tick\" transform=\"rotate(-90 12 {})\" "
        "text-anchor=\"middle\">{}</text>",
        F(kTop + plot_h / 2), F(kTop + plot_h / 2), EscapeHtml(c.y_label));
  }
  return out;
}

}  // namespace

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '/':
        // "://" -> ":&#47;&#47;": the text reads the same, no URL in the bytes.
        if (i > 0 && s[i - 1] == ':' && i + 1 < s.size() && s[i + 1] == '/') {
          out += "&#47;&#47;";
          ++i;
        } else {
          out.push_back(ch);
        }
        break;
      default:
        // Control characters are not allowed in XML 1.0; show them as spaces.
        out.push_back(static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch);
    }
  }
  return out;
}

std::string Thousands(int64_t v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return v < 0 ? "-" + s : s;
}

std::string Compact(double v) {
  const double a = std::abs(v);
  auto trim = [](double x, const char* unit) {
    return std::abs(x - std::round(x)) < 0.05 ? fmt::format("{:.0f}{}", x, unit)
                                              : fmt::format("{:.1f}{}", x, unit);
  };
  if (a >= 1e9) return trim(v / 1e9, "G");
  if (a >= 1e6) return trim(v / 1e6, "M");
  if (a >= 1e3) return trim(v / 1e3, "k");
  return trim(v, "");
}

std::string BarChart(const Chart& c, const std::vector<Series>& series) {
  const double plot_w = c.width - kLeft - kRight, plot_h = c.height - kTop - kBottom;
  const Axis axis = NiceAxis(MaxOf(series), c.percent);
  std::string out = Open(c) + Frame(c, axis, plot_w, plot_h) + Legend(series, kLeft);
  const size_t n = c.categories.size();
  if (n == 0 || series.empty()) return out + "</svg>";
  const double band = plot_w / static_cast<double>(n);
  const double bar = band * 0.8 / static_cast<double>(series.size());
  for (size_t s = 0; s < series.size(); ++s) {
    out += fmt::format("<g fill=\"{}\">", EscapeHtml(series[s].color));
    for (size_t i = 0; i < n && i < series[s].values.size(); ++i) {
      const double v = series[s].values[i];
      if (!(v > 0)) continue;
      const double h = plot_h * v / axis.top;
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title></rect>",
          F(kLeft + band * static_cast<double>(i) + band * 0.1 + bar * static_cast<double>(s)),
          F(kTop + plot_h - h), F(std::max(bar, 0.6)), F(h), EscapeHtml(c.categories[i]),
          EscapeHtml(c.percent ? TickLabel(v, true) : Thousands(std::llround(v))));
    }
    out += "</g>";
  }
  return out + "</svg>";
}

std::string LineChart(const Chart& c, const std::vector<Series>& series) {
  const double plot_w = c.width - kLeft - kRight, plot_h = c.height - kTop - kBottom;
  const Axis axis = NiceAxis(MaxOf(series), c.percent);
  std::string out = Open(c) + Frame(c, axis, plot_w, plot_h) + Legend(series, kLeft);
  const size_t n = c.categories.size();
  if (n == 0) return out + "</svg>";
  const double band = plot_w / static_cast<double>(n);
  for (const auto& s : series) {
    std::string points;
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      if (!points.empty()) points.push_back(' ');
      points += F(kLeft + band * (static_cast<double>(i) + 0.5)) + "," +
                F(kTop + plot_h - plot_h * std::max(0.0, s.values[i]) / axis.top);
    }
    out += fmt::format(
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"><title>{}</title>"
        "</polyline>",
        EscapeHtml(s.color), points, EscapeHtml(s.name));
  }
  return out + "</svg>";
}

std::string HBarChart(const Chart& c, const std::vector<Series>& series) {
  constexpr double kLabel = 190, kRow = 22;
  const size_t n = c.categories.size();
  const double plot_w = c.width - kLabel - 70;
  const int height = static_cast<int>(kTop + kRow * static_cast<double>(n) + 10);
  const Axis axis = NiceAxis(MaxOf(series), c.percent);
  Chart sized = c;
  sized.height = height;
  std::string out = Open(sized) + Legend(series, kLabel);
  const double bar = (kRow - 6) / static_cast<double>(std::max<size_t>(1, series.size()));
  for (size_t i = 0; i < n; ++i) {
    const double y = kTop + kRow * static_cast<double>(i);
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"tick\" text-anchor=\"end\">{}</text>",
                       F(kLabel - 6), F(y + kRow / 2 + 3), EscapeHtml(Cut(c.categories[i], 30)));
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = i < series[s].values.size() ? series[s].values[i] : 0;
      const double w = plot_w * std::max(0.0, v) / axis.top;
      const double by = y + 2 + bar * static_cast<double>(s);
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title>"
          "</rect><text x=\"{}\" y=\"{}\" class=\"value\">{}</text>",
          F(kLabel), F(by), F(w), F(std::max(1.0, bar - 1)), EscapeHtml(series[s].color),
          EscapeHtml(series[s].name), EscapeHtml(TickLabel(v, c.percent)), F(kLabel + w + 4),
          F(by + bar - 2), EscapeHtml(c.percent ? TickLabel(v, true) : Compact(v)));
    }
  }
  return out + "</svg>";
}

std::string Bipartite(const std::string& title, const std::vector<Node>& left,
                      const std::vector<Node>& right, const std::vector<Edge>& edges, int width) {
  constexpr double kRowH = 36, kBoxW = 230, kPad = 10;
  const size_t rows = std::max(left.size(), right.size());
  const int height = static_cast<int>(kTop + kRowH * static_cast<double>(rows) + 10);
  Chart c;
  c.title = title;
  c.width = width;
  c.height = height;
  std::string out = Open(c);
  out += fmt::format(
      "<text x=\"{}\" y=\"18\" class=\"legend\">account groups</text><text x=\"{}\" y=\"18\" "
      "class=\"legend\">shared indicators</text>",
      F(kPad), F(width - kBoxW - kPad));
  auto y_of = [&](size_t i, size_t n) {
    const double offset = (static_cast<double>(rows) - static_cast<double>(n)) * kRowH / 2;
    return kTop + offset + kRowH * static_cast<double>(i) + kRowH / 2;
  };
  double max_w = 0;
  for (const auto& e : edges) max_w = std::max(max_w, e.weight);
  const double x1 = kPad + kBoxW, x2 = width - kBoxW - kPad, mid = (x1 + x2) / 2;
  for (const auto& e : edges) {
    if (e.left >= left.size() || e.right >= right.size()) continue;
    const double ya = y_of(e.left, left.size()), yb = y_of(e.right, right.size());
    out += fmt::format(
        "<path d=\"M{},{} C{},{} {},{} {},{}\" class=\"edge\" stroke-width=\"{}\"><title>{} - {}: "
        "{}</title></path>",
        F(x1), F(ya), F(mid), F(ya), F(mid), F(yb), F(x2), F(yb),
        F(1 + 7 * (max_w > 0 ? e.weight / max_w : 0)), EscapeHtml(left[e.left].label),
        EscapeHtml(right[e.right].label), EscapeHtml(Compact(e.weight)));
  }
  auto node = [&](const Node& n, double x, double y, const char* cls) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" class=\"{}\"/><text x=\"{}\" "
        "y=\"{}\" class=\"node\">{}</text><text x=\"{}\" y=\"{}\" class=\"tick\">{}</text>",
        F(x), F(y - kRowH / 2 + 3), F(kBoxW), F(kRowH - 6), cls, F(x + 6), F(y - 2),
        EscapeHtml(Cut(n.label, 34)), F(x + 6), F(y + 10), EscapeHtml(Cut(n.detail, 40)));
  };
  for (size_t i = 0; i < left.size(); ++i) node(left[i], kPad, y_of(i, left.size()), "group");
  for (size_t i = 0; i < right.size(); ++i) node(right[i], x2, y_of(i, right.size()), "indicator");
  return out + "</svg>";
}

}  // namespace hw::casefile
