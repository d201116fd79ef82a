#!/usr/bin/env python3
"""Dev aid: how analyze's campaigns and verdicts line up with simulator labels.

usage: scripts/diagnose.py LABELS RESULT_DIR [--reasons N]
Prints each predicted campaign's make-up by label (campaign or persona), its
score and what linked it, then the flagged benign accounts with their reasons.
"""
import collections
import json
import sys


def main():
    labels_path, result = sys.argv[1], sys.argv[2]
    show = int(sys.argv[sys.argv.index("--reasons") + 1]) if "--reasons" in sys.argv else 8
    lab = {}
    for line in open(labels_path):
        o = json.loads(line)
        lab[o["user.id"]] = o.get("campaign") or o.get("persona")
    camps = json.load(open(result + "/campaigns.json"))["campaigns"]
    for c in camps:
        mix = collections.Counter(lab.get(a, "?") for a in c.get("account_ids", []))
        print(f'{c["id"]} n={c["accounts"]} score={c["score"]:.3f} attack={c.get("attack")} '
              f'{dict(mix.most_common(6))}')
        ind = c.get("indicators", {})
        print(f'     linked_by={ind.get("linked_by")} tsim={ind.get("template_similarity")} '
              f'sync={ind.get("synchrony")}')
    flagged = collections.defaultdict(list)
    missed = collections.defaultdict(list)
    for line in open(result + "/accounts.jsonl"):
        o = json.loads(line)
        who = lab.get(o["user.id"], "?")
        is_attack = who is not None and not any(
            who == p for p in ("chat_user",)) and who in {c for c in lab.values()} and "-" in (who or "")
        if o["verdict"] != "benign" and "-" not in (who or ""):
            flagged[who].append(o)
        if o["verdict"] != "attack" and "-" in (who or ""):
            missed[who].append(o)
    for who, rows in sorted(flagged.items()):
        print(f"\nflagged benign {who}: {len(rows)}")
        for o in rows[:show]:
            print(f'  {o["user.id"]} {o["verdict"]} {o["score"]:.3f} camp={o.get("campaign")} {o["reasons"][:3]}')
    for who, rows in sorted(missed.items()):
        print(f"\nmissed attackers {who}: {len(rows)}")
        for o in rows[:show]:
            print(f'  {o["user.id"]} {o["verdict"]} {o["score"]:.3f} camp={o.get("campaign")} {o["reasons"][:3]}')


if __name__ == "__main__":
    main()
