#!/usr/bin/env python3
"""Dev aid: the joining edges of links.jsonl whose two accounts carry different
simulator labels (campaign or persona), with the evidence of each.

usage: scripts/cross_edges.py LABELS RESULT_DIR [N]
"""
import collections
import json
import sys

lab = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    lab[o["user.id"]] = o.get("campaign") or o.get("persona")
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 30
kinds = collections.Counter()
shown = 0
for line in open(sys.argv[2] + "/links.jsonl"):
    e = json.loads(line)
    la, lb = lab.get(e["a"]), lab.get(e["b"])
    if la == lb:
        continue
    kinds[tuple(sorted((la, lb)))] += 1
    if shown < limit:
        shown += 1
        print(f'{la:>16} {lb:>16} w={e["weight"]:.2f} sync={e["synchrony"]:.2f} '
              f'tsim={e["template_similarity"]:.2f} {e["channels"]}')
print(sum(kinds.values()), "cross-label edges:", dict(kinds.most_common(12)))
