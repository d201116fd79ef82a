#!/usr/bin/env python3
"""Dev check: do the detectors depend on the simulator's own phrasing?

Replaces part of the prompts of a simulated run with real public prompts from
../shared/corpora (never copied into the repository), re-runs analyze and
eval, and prints how much each figure moves against the unmixed run.

  benign accounts: --benign-share of their prompts become human-written
                   prompts (gsm8k, humaneval, mt_bench, vicuna, self-instruct,
                   awesome-chatgpt-prompts, bfcl);
  attack accounts: --attack-share of their prompts have their task replaced by
                   a distillation-style task (alpaca, gpteacher, gorilla),
                   keeping the simulated frame sentence in front when there
                   is one (real attack traffic wraps raw tasks in frames).

usage: scripts/corpora_mix.py [--scenario small] [--scale 1] [--benign-share 0.5]
                              [--attack-share 0.3] [--work build/corpora-mix]
Skips (exit 0) when ../shared/corpora is absent.
"""
import argparse
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = os.path.join(ROOT, "..", "shared", "corpora")
HUMAN = ["gsm8k_test", "humaneval", "mt_bench_questions", "vicuna_bench_questions",
         "self-instruct_seed_tasks", "awesome-chatgpt-prompts", "bfcl_live_simple"]
DISTILL = ["alpaca_5000", "gpteacher_roleplay", "gorilla_apibench_torchhub_train"]
BIN = os.path.join(ROOT, "build", "release", "src", "cli", "hydrawatch")


def load(names):
    out = []
    for n in names:
        with open(os.path.join(CORPORA, n + ".jsonl")) as f:
            out += [json.loads(line)["text"] for line in f if line.strip()]
    return [t for t in out if t.strip()]


def run(*args):
    subprocess.run([BIN, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def figures(result):
    with open(os.path.join(result, "eval.json")) as f:
        e = json.load(f)["views"]["attack"]
    acc = e["accounts"]
    out = {"precision": acc.get("precision"), "recall": acc.get("recall")}
    for c in e.get("campaigns", []):
        out["recall " + c["id"]] = c.get("recall")
        out["completeness " + c["id"]] = c.get("completeness")
        out["purity " + c["id"]] = c.get("purity")
    for p in e.get("personas", []):
        out["fpr " + p["name"]] = p.get("fpr")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="small")
    ap.add_argument("--scale", default="1")
    ap.add_argument("--benign-share", type=float, default=0.5)
    ap.add_argument("--attack-share", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "corpora-mix"))
    a = ap.parse_args()
    if not os.path.isdir(CORPORA):
        print("corpora_mix: ../shared/corpora is absent; skipped")
        return 0
    if not os.path.exists(BIN):
        print("corpora_mix: build first (./hw build)", file=sys.stderr)
        return 1
    human, distill = load(HUMAN), load(DISTILL)
    rng = random.Random(a.seed)
    sim = os.path.join(a.work, "sim")
    run("simulate", "--scenario", a.scenario, "--scale", a.scale, "--out", sim)
    labels = {}
    with open(os.path.join(sim, "labels.jsonl")) as f:
        for line in f:
            o = json.loads(line)
            labels[o["user.id"]] = o["label"]
    mixed = os.path.join(a.work, "mixed.jsonl")
    swapped = {"benign": 0, "attack": 0}
    with open(os.path.join(sim, "events.jsonl")) as src, open(mixed, "w") as dst:
        for line in src:
            ev = json.loads(line)
            who = labels.get(ev.get("user.id"), "benign")
            share = a.attack_share if who == "attack" else a.benign_share
            msgs = ev.get("gen_ai.input.messages") or []
            last = next((m for m in reversed(msgs) if m.get("role") == "user"), None)
            part = next((p for p in (last or {}).get("parts", []) if p.get("type") == "text"), None)
            if part is not None and rng.random() < share:
                if who == "attack":
                    text = part["content"]
                    frame = text.split("\n")[0] if "\n" in text else ""
                    part["content"] = (frame + "\n\n" if frame else "") + rng.choice(distill)
                else:
                    part["content"] = rng.choice(human)
                swapped[who] += 1
            dst.write(json.dumps(ev, ensure_ascii=False, separators=(",", ":")) + "\n")
    base, mix = os.path.join(a.work, "base"), os.path.join(a.work, "mixed-result")
    acc = os.path.join(sim, "accounts.jsonl")
    lab = os.path.join(sim, "labels.jsonl")
    run("analyze", os.path.join(sim, "events.jsonl"), "--accounts", acc, "--out", base)
    run("eval", "--labels", lab, "--result", base, "--quiet")
    run("analyze", mixed, "--accounts", acc, "--out", mix)
    run("eval", "--labels", lab, "--result", mix, "--quiet")
    fb, fm = figures(base), figures(mix)
    print(f"scenario {a.scenario} scale {a.scale}: replaced {swapped['benign']} benign and "
          f"{swapped['attack']} attack prompts with real public prompts")
    print(f"{'figure':42} {'simulated':>10} {'mixed':>10} {'moved':>10}")
    for k in fb:
        b, m = fb[k], fm.get(k)
        moved = "" if b is None or m is None else f"{m - b:+.4f}"
        fmt = lambda v: "n/a" if v is None else f"{v:.4f}"
        print(f"{k:42} {fmt(b):>10} {fmt(m):>10} {moved:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
