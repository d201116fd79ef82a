#!/usr/bin/env python3
"""Writes the data-driven cases under tests/cases/ (inputs and expected
verdicts). Deterministic; rerun after changing it and review the diff."""
import json
import os
import random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cases")
START = 1776816000  # 2026-04-22T00:00:00Z


def ts(sec):
    import datetime
    return datetime.datetime.fromtimestamp(sec, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def event(t, user, rid, prompt, ip, system=None, ua="sdk-python/1.40.2", max_tokens=None, temperature=None,
          out_tokens=300, status=200, model="frontier-1"):
    e = {"time": ts(t), "user.id": user, "gen_ai.response.id": rid, "client.address": ip,
         "user_agent.original": ua, "gen_ai.operation.name": "chat", "gen_ai.request.model": model}
    if max_tokens is not None:
        e["gen_ai.request.max_tokens"] = max_tokens
    if temperature is not None:
        e["gen_ai.request.temperature"] = temperature
    if system:
        e["gen_ai.system_instructions"] = [{"type": "text", "content": system}]
    e["gen_ai.input.messages"] = [{"role": "user", "parts": [{"type": "text", "content": prompt}]}]
    e["gen_ai.usage.input_tokens"] = len(prompt) // 4 + 10
    e["gen_ai.usage.output_tokens"] = 0 if status == 429 else out_tokens
    e["http.response.status_code"] = status
    return e


TOPICS = ["a rate limiter", "an LRU cache", "a JSON tokenizer", "a thread pool", "a trie", "a B-tree",
          "an interval tree", "a bloom filter", "a ring buffer", "a priority queue", "a skip list",
          "a union-find", "a consistent hash ring", "a token bucket", "a segment tree"]
LANGS = ["Rust", "Go", "C++", "Python", "TypeScript", "Java"]

FREE = ["can you help me plan a birthday party for my daughter who turns {n}",
        "what's a good way to learn piano as an adult with {n} minutes a day",
        "my sourdough starter smells odd after {n} days, is that normal?",
        "write a short poem about the sea in winter, {n} lines",
        "how do I politely decline a meeting invite from my manager",
        "explain the difference between TCP and UDP like I'm {n}",
        "give me {n} ideas for a rainy weekend with kids",
        "what should I pack for a {n}-day hiking trip in the alps",
        "why does my python script say 'list index out of range' on line {n}",
        "suggest a name for a cat that is {n} weeks old and very loud"]


def write_case(name, events, accounts, expected, extra_lines=None):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    events.sort(key=lambda e: (e["time"], e["gen_ai.response.id"]))
    with open(os.path.join(d, "events.jsonl"), "w") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")
        for line in extra_lines or []:
            f.write(line + "\n")
    if accounts:
        with open(os.path.join(d, "accounts.jsonl"), "w") as f:
            for a in accounts:
                f.write(json.dumps(a, separators=(",", ":")) + "\n")
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def campaign_and_bystanders():
    """Eight accounts on two cards, signed up the same day, sent reasoning-
    extraction prompts from three templates in synchronized waves; twelve
    ordinary users alongside."""
    r = random.Random(1)
    events, accounts = [], []
    camp = ["acct_c%02d" % i for i in range(8)]
    for i, a in enumerate(camp):
        accounts.append({"user.id": a, "created": ts(START - 3600 * (i + 1)), "payment.fingerprint": "pm_%d" % (i % 2),
                         "email.domain": "edu-mail%d.example" % (i % 2), "verification": "email",
                         "tier": "education", "country": "US"})
    templates = [
        "Here is a completed solution to a programming task. Imagine and articulate the internal reasoning "
        "that led to this completed response, step by step, as if you were thinking it through for the first "
        "time. Task: implement {t} in {l}. Completed response: ```{l} code omitted for length {n}```",
        "You will be shown a final answer. Reconstruct the full chain of thought behind the completed response "
        "and write out every step of the reasoning in detail. Problem: design {t} in {l} handling {n} requests. "
        "Final answer: use a lock-free structure.",
        "Grade the following response to the task 'implement {t} in {l}' using the rubric below. Rubric: "
        "correctness (0-5), efficiency (0-3), clarity (0-2). Give a score for each criterion and a total "
        "score out of 10 with a justification. Response: a {l} implementation with {n} lines.",
    ]
    rid = 0
    for wave in range(300):
        t = START + r.randrange(3 * 86400)
        for k in range(4):
            a = camp[(wave * 4 + k) % 8]
            p = r.choice(templates).format(t=r.choice(TOPICS), l=r.choice(LANGS), n=r.randrange(10, 999))
            rid += 1
            events.append(event(t + r.randrange(3), a, "r%06d" % rid, p, "198.51.100.%d" % r.randrange(2, 60),
                                system="You are Atlas, a meticulous senior engineer who explains everything.",
                                max_tokens=16000, temperature=1.0, out_tokens=r.randrange(2500, 6000),
                                status=429 if r.random() < 0.05 else 200))
    bystanders = ["acct_b%02d" % i for i in range(12)]
    for i, a in enumerate(bystanders):
        accounts.append({"user.id": a, "created": ts(START - 86400 * (100 + i * 7)), "payment.fingerprint": "pm_b%d" % i,
                         "email.domain": "gmail.com", "verification": "card", "tier": "build", "country": "DE"})
        for k in range(25):
            t = START + r.randrange(3 * 86400)
            rid += 1
            events.append(event(t, a, "r%06d" % rid, r.choice(FREE).format(n=r.randrange(2, 30)),
                                "203.0.113.%d" % (10 + i), out_tokens=r.randrange(100, 600)))
    expected = {"events": len(events), "rejected": 0,
                "verdicts": dict([(a, "attack") for a in camp] + [(a, "benign") for a in bystanders])}
    write_case("campaign_and_bystanders", events, accounts, expected)


def declared_fleet_in_campaign():
    """Thirty undeclared education-tier accounts run a synchronized
    reasoning-extraction campaign; two accounts of a declared, enterprise-
    verified organisation send the same kind of traffic at the same times and
    get linked in. The campaign is an attack; the small declared fleet inside
    it is held for review (policy fleet_review_share), not blocked."""
    r = random.Random(5)
    events, accounts = [], []
    camp = ["acct_f%02d" % i for i in range(30)]
    fleet = ["acct_org0", "acct_org1"]
    for i, a in enumerate(camp):
        accounts.append({"user.id": a, "created": ts(START - 3600 * (i + 1)), "payment.fingerprint": "pm_%d" % (i % 3),
                         "email.domain": "edu-mail%d.example" % (i % 3), "verification": "email",
                         "tier": "education", "country": "US"})
    for a in fleet:
        accounts.append({"user.id": a, "created": ts(START - 86400 * 400), "organization.id": "org_acme",
                         "payment.fingerprint": "pm_acme", "email.domain": "acme.example",
                         "verification": "enterprise", "tier": "enterprise", "country": "US"})
    template = ("Here is a completed solution to a programming task. Imagine and articulate the internal "
                "reasoning that led to this completed response, step by step, as if you were thinking it "
                "through for the first time. Task: implement {t} in {l}. Completed response: "
                "```{l} code omitted for length {n}```")
    rid = 0
    members = camp + fleet
    for wave in range(400):
        t = START + r.randrange(3 * 86400)
        for k in range(5):
            a = members[(wave * 5 + k) % len(members)]
            rid += 1
            events.append(event(t + r.randrange(3), a, "r%06d" % rid,
                                template.format(t=r.choice(TOPICS), l=r.choice(LANGS), n=r.randrange(10, 999)),
                                "198.51.100.%d" % r.randrange(2, 60),
                                system="You are Atlas, a meticulous senior engineer who explains everything.",
                                max_tokens=16000, temperature=1.0, out_tokens=r.randrange(2500, 6000)))
    events.sort(key=lambda e: e["time"])
    expected = {"events": len(events), "rejected": 0,
                "verdicts": dict([(a, "attack") for a in camp] + [(a, "suspicious") for a in fleet])}
    write_case("declared_fleet_in_campaign", events, accounts, expected)


def campus_nat_class():
    """Forty students behind one NAT address, one .edu domain, signed up in the
    same week, working on the same three assignments at human pace: linked
    context, but no distillation."""
    r = random.Random(2)
    events, accounts = [], []
    students = ["acct_s%02d" % i for i in range(40)]
    assignments = ["For my algorithms homework I need to implement {t} in {l}. Can you explain how it works "
                   "step by step and what the time complexity is? Our deadline is in {n} days.",
                   "I'm stuck on assignment 3: prove that the sum of the first {n} odd numbers is a square. "
                   "Can you show the proof step by step?",
                   "Explain step by step how to compute the expected value of rolling {n} dice for my stats class."]
    rid = 0
    for i, a in enumerate(students):
        accounts.append({"user.id": a, "created": ts(START - 86400 * 2 + 3600 * i), "email.domain": "uni-example.edu",
                         "verification": "email", "tier": "education", "country": "GB"})
        for k in range(r.randrange(8, 20)):
            day = r.randrange(3)
            t = START + day * 86400 + 3600 * r.choice([9, 10, 11, 14, 15, 20, 21]) + r.randrange(3600)
            rid += 1
            p = r.choice(assignments + FREE).format(t=r.choice(TOPICS), l=r.choice(LANGS), n=r.randrange(2, 40))
            events.append(event(t, a, "r%06d" % rid, p, "192.0.2.44", ua="Mozilla/5.0 ChatDesk/2.3.1",
                                out_tokens=r.randrange(200, 900)))
    expected = {"events": len(events), "rejected": 0, "verdicts": {a: "benign" for a in students}}
    write_case("campus_nat_class", events, accounts, expected)


def enterprise_batch():
    """A verified company's nightly job: one fixed template at high volume from
    three accounts on the company card and office network."""
    r = random.Random(3)
    events, accounts = [], []
    accts = ["acct_e%d" % i for i in range(3)]
    for a in accts:
        accounts.append({"user.id": a, "created": ts(START - 86400 * 400), "organization.id": "org_acme",
                         "payment.fingerprint": "pm_acme", "email.domain": "acme-example.com",
                         "verification": "enterprise", "tier": "enterprise", "country": "US"})
    system = "You are the ticket triage assistant of Acme Support. Answer only with JSON."
    rid = 0
    for day in range(3):
        for i, a in enumerate(accts):
            t0 = START + day * 86400 + 2 * 3600 + i * 600
            for k in range(150):
                rid += 1
                p = ('Classify the following support ticket into one of [billing, outage, login, feature_request, '
                     'other] and return {"label": ..., "urgency": 1-5}. Ticket #%d: "%s"' %
                     (r.randrange(10**6), r.choice(FREE).format(n=r.randrange(2, 30))))
                events.append(event(t0 + 2 * k, a, "r%06d" % rid, p, "203.0.113.200", system=system,
                                    ua="batch-worker/1.0 java/17", max_tokens=256, temperature=0,
                                    out_tokens=r.randrange(15, 40)))
    expected = {"events": len(events), "rejected": 0, "verdicts": {a: "benign" for a in accts}}
    write_case("enterprise_batch", events, accounts, expected)


def malformed_lines():
    """Good lines around every kind of bad line: each bad line is rejected with
    its line number and reason, the rest is processed."""
    r = random.Random(4)
    good = [event(START + i * 60, "acct_ok", "r%03d" % i, "how do I sort a list in python, example %d" % i,
                  "203.0.113.9") for i in range(6)]
    lines = [json.dumps(e, separators=(",", ":")) for e in good]
    bad = [
        ("not json at all", "invalid_json"),
        ('["an", "array"]', "not_object"),
        ('{"user.id": "acct_x"}', "missing_time"),
        ('{"time": "2026-04-22T00:00:00Z"}', "missing_user_id"),
        ('{"time": "yesterday", "user.id": "acct_x"}', "bad_time"),
        ('{"time": "2026-04-22T00:00:00Z", "user.id": "acct_x", "gen_ai.request.max_tokens": "many"}', "wrong_type"),
        ('{"time": "2026-04-22T00:00:00Z", "user.id": "acct_x", "client.address": "999.1.1.1"}', "bad_address"),
        ('{"time": "2026-04-22T00:00:00Z", "user.id": 42}', "wrong_type"),
    ]
    out, reasons = [], {}
    for i, line in enumerate(lines):
        out.append(line)
        if i < len(bad):
            out.append(bad[i][0])
            reasons[str(len(out))] = bad[i][1]
    for b in bad[len(lines):]:
        out.append(b[0])
        reasons[str(len(out))] = b[1]
    out.append(lines[0])  # a duplicate delivery: counted once
    d = os.path.join(ROOT, "malformed_lines")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "events.jsonl"), "w") as f:
        f.write("\n".join(out) + "\n")
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"events": len(good), "rejected": len(bad), "duplicates": 1, "rejected_reasons": reasons,
                   "verdicts": {"acct_ok": "benign"}}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    campaign_and_bystanders()
    declared_fleet_in_campaign()
    campus_nat_class()
    enterprise_batch()
    malformed_lines()
