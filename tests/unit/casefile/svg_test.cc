// Chart primitives: escaping, no URL in the bytes, deterministic output.
#include "engine/casefile/svg.h"

#include <gtest/gtest.h>

namespace hw::casefile {
namespace {

TEST(EscapeHtml, EscapesMarkupQuotesAndUrls) {
  EXPECT_EQ(EscapeHtml("<b>\"a\" & 'b'</b>"), "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;");
  EXPECT_EQ(EscapeHtml("bot (+http://evil.example/x)"), "bot (+http:&#47;&#47;evil.example/x)");
  EXPECT_EQ(EscapeHtml("a/b"), "a/b");
  EXPECT_EQ(EscapeHtml(std::string("a\x01z", 3)), "a z");
}

TEST(Numbers, ThousandsAndCompact) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(-1000), "-1,000");
  EXPECT_EQ(Compact(950), "950");
  EXPECT_EQ(Compact(1200), "1.2k");
  EXPECT_EQ(Compact(3000000), "3M");
}

Chart Hostile() {
  Chart c;
  c.title = "t <script>alert(1)</script> https://x.example";
  c.categories = {"<a href='https://evil'>x</a>", "b&c", "2026-06-01"};
  c.y_label = "requests";
  return c;
}

TEST(Charts, EscapeEveryDataString) {
  const std::vector<Series> s{{"camp\"aign", {1, 2000, 3}, "#b8322e"},
                              {"base<line>", {0.5, 10, 0}, "#6b7b8c"}};
  for (const std::string& svg :
       {BarChart(Hostile(), s), LineChart(Hostile(), s), HBarChart(Hostile(), s)}) {
    EXPECT_EQ(svg.find("<script"), std::string::npos) << svg;
    EXPECT_EQ(svg.find("<a "), std::string::npos) << svg;
    EXPECT_EQ(svg.find("http://"), std::string::npos);
    EXPECT_EQ(svg.find("https://"), std::string::npos);
    EXPECT_EQ(svg.find("camp\"aign"), std::string::npos);
    EXPECT_NE(svg.find("camp&quot;aign"), std::string::npos);
    EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
    EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  }
}

TEST(Charts, Deterministic) {
  const std::vector<Series> s{{"a", {1, 2, 3}, "#000"}};
  EXPECT_EQ(BarChart(Hostile(), s), BarChart(Hostile(), s));
  EXPECT_EQ(LineChart(Hostile(), s), LineChart(Hostile(), s));
  const std::vector<Node> left{{"payment <pm_1>", "3 accounts"}};
  const std::vector<Node> right{{"network: 203.0.113.0/24", "3"}, {"ua: x", "2"}};
  const std::vector<Edge> edges{{0, 0, 3}, {0, 1, 2}, {5, 9, 1}};  // the last is out of range
  const std::string b = Bipartite("links", left, right, edges);
  EXPECT_EQ(b, Bipartite("links", left, right, edges));
  EXPECT_NE(b.find("payment &lt;pm_1&gt;"), std::string::npos);
  size_t paths = 0;
  for (size_t p = b.find("<path"); p != std::string::npos; p = b.find("<path", p + 1)) ++paths;
  EXPECT_EQ(paths, 2u);
}

TEST(Charts, BarsScaleToTheLargestValue) {
  Chart c;
  c.title = "bars";
  c.categories = {"a", "b"};
  c.height = 260;
  const std::string svg = BarChart(c, {{"s", {50, 100}, "#000"}});
  // Plot height 260 - 30 - 44 = 186; the axis tops at 100, so b is 186 high.
  EXPECT_NE(svg.find("height=\"186.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("height=\"93.0\""), std::string::npos) << svg;
}

TEST(Charts, EmptyDataStillGivesAChart) {
  Chart c;
  c.title = "empty";
  EXPECT_NE(BarChart(c, {}).find("</svg>"), std::string::npos);
  EXPECT_NE(LineChart(c, {}).find("</svg>"), std::string::npos);
  EXPECT_NE(HBarChart(c, {}).find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace hw::casefile
