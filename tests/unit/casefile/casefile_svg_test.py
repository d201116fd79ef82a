#!/usr/bin/env python3
"""Case files of a real result are well-formed and self-contained.

Simulates the `small` scenario, runs `hydrawatch analyze` (which writes the
case files) and `hydrawatch report --out` again, then checks every page:
each inline <svg> parses as XML (xml.etree), the HTML's elements are
balanced (html.parser), there is no external reference (http://, https://,
<link>, src=, url(), @import) and one inline script at most; the Markdown
twins carry no URL either; and `report` writes the same bytes as `analyze`.
"""

import argparse
import html.parser
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source",
        "track", "wbr"}
# SVG elements written self-closing ("<rect/>") are reported by html.parser
# as start+end; the others must balance.


class Balance(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append("unexpected </%s> at %s (open: %s)" % (
                tag, self.getpos(), self.stack[-1] if self.stack else None))
            return
        self.stack.pop()


def check_page(path, failures):
    text = open(path, encoding="utf-8").read()
    name = os.path.basename(path)
    for bad in ("http://", "https://", "<link", "url(", "@import"):
        if bad in text:
            failures.append("%s: contains %r" % (name, bad))
    if re.search(r"<[a-zA-Z][^>]*\ssrc=", text):
        failures.append("%s: an element with src=" % name)
    if text.count("<script") > 1:
        failures.append("%s: more than one script" % name)
    svgs = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    if name != "index.html" and not svgs:
        failures.append("%s: no chart" % name)
    for i, svg in enumerate(svgs):
        try:
            ET.fromstring(svg)
        except ET.ParseError as e:
            failures.append("%s: svg %d is not well-formed XML: %s" % (name, i, e))
    b = Balance()
    b.feed(text)
    b.close()
    failures.extend("%s: %s" % (name, e) for e in b.errors[:5])
    if b.stack:
        failures.append("%s: unclosed elements %s" % (name, b.stack[:5]))
    return len(svgs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hydrawatch", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    sim, res, again = (os.path.join(a.work, d) for d in ("sim", "result", "again"))
    subprocess.run([a.hydrawatch, "simulate", "--scenario", "small", "--out", sim], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([a.hydrawatch, "analyze", os.path.join(sim, "events.jsonl"), "--accounts",
                    os.path.join(sim, "accounts.jsonl"), "--out", res], check=True)
    subprocess.run([a.hydrawatch, "report", "--result", res, "--out", again], check=True)
    cases = os.path.join(res, "cases")
    failures = []
    pages = sorted(os.listdir(cases))
    if "index.html" not in pages:
        failures.append("no index.html")
    charts = 0
    for p in pages:
        path = os.path.join(cases, p)
        if p.endswith(".html"):
            charts += check_page(path, failures)
        elif p.endswith(".md"):
            text = open(path, encoding="utf-8").read()
            for bad in ("http://", "https://"):
                if bad in text:
                    failures.append("%s: contains %r" % (p, bad))
            if re.search(r"(^|[^\\])<(script|img|a |iframe)", text):
                failures.append("%s: unescaped markup" % p)
        if open(path, "rb").read() != open(os.path.join(again, p), "rb").read():
            failures.append("%s: report wrote different bytes than analyze" % p)
    if sorted(os.listdir(again)) != pages:
        failures.append("report wrote other files than analyze")
    for f in failures:
        print("FAIL", f)
    print("%d files, %d charts checked" % (len(pages), charts))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
