#!/usr/bin/env python3
"""Validates `hydrawatch export stix` bundles against the official STIX 2.1
JSON schemas (oasis-open/cti-stix2-json-schemas, kept in ../shared).

Two bundles are checked: one exported from a real result (simulate the
`small` scenario, analyze it, export) and one from a hand-written result that
also carries client addresses, template fingerprints and per-indicator
request counts, so that every kind of object the exporter can write is seen.
Each object is validated against the schema of its type, the bundle against
bundle.json, and the references between objects are resolved inside the
bundle. Negative checks make sure the validator rejects broken objects.

The schemas' $refs are resolved from the local files only; any attempt to
fetch one over the network fails the test. Exit 77 (skipped) when the schema
folder is absent.
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys

SKIP = 77

# Object type -> schema file (relative to schemas/). Types not listed are
# custom objects, validated against the core of their kind.
SCHEMA_OF_TYPE = {
    "attack-pattern": "sdos/attack-pattern.json",
    "campaign": "sdos/campaign.json",
    "identity": "sdos/identity.json",
    "indicator": "sdos/indicator.json",
    "infrastructure": "sdos/infrastructure.json",
    "relationship": "sros/relationship.json",
    "sighting": "sros/sighting.json",
    "user-account": "observables/user-account.json",
    "marking-definition": "common/marking-definition.json",
    "extension-definition": "common/extension-definition.json",
}
SCO_CORE = "common/cyber-observable-core.json"
SDO_CORE = "common/core.json"
REF_KEYS = ("created_by_ref", "source_ref", "target_ref", "sighting_of_ref")
REFS_KEYS = ("object_marking_refs", "where_sighted_refs")


class Failure(Exception):
    pass


def load_schemas(root):
    """$id -> schema, and path relative to root -> schema."""
    by_id, by_path = {}, {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".json"):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            by_path[rel] = schema
            if "$id" in schema:
                by_id[schema["$id"]] = schema
    return by_id, by_path


def patched_bundle_schema(bundle):
    """bundle.json with extension-definition among the known object types.

    The published bundle.json does not list extension-definition, so such an
    object falls into its "custom object" branch, which matches both core and
    cyber-observable-core and so fails its oneOf: no bundle that defines an
    extension (as STIX 2.1 section 7.3 asks) can pass. The copy lists
    extension-definition.json beside the other common objects, as other
    validators built on these schemas do; every object is still checked
    against its own unmodified schema as well.
    """
    patched = copy.deepcopy(bundle)
    items = patched["properties"]["objects"]["items"]["anyOf"]
    items[0]["oneOf"].append({"$ref": "../common/extension-definition.json"})
    items[1]["allOf"][1]["properties"]["type"]["not"]["enum"].append("extension-definition")
    return patched


def make_validator_factory(by_id):
    """Returns f(schema) -> validator whose $refs resolve from by_id only."""
    import inspect

    import jsonschema

    if "registry" in inspect.signature(jsonschema.Draft202012Validator).parameters:
        # jsonschema >= 4.18
        from referencing import Registry, Resource
        from referencing.exceptions import NoSuchResource
        from referencing.jsonschema import DRAFT202012

        def refuse(uri):
            raise NoSuchResource(ref=uri)

        registry = Registry(retrieve=refuse).with_resources(
            (sid, Resource.from_contents(s, default_specification=DRAFT202012))
            for sid, s in by_id.items())

        def factory(schema):
            cls = jsonschema.validators.validator_for(schema)
            return cls(schema, registry=registry)

        return factory
    else:  # Debian bookworm: jsonschema 4.10
        def refuse(uri):
            raise Failure("schema $ref outside the local schemas: " + uri)

        def factory(schema):
            cls = jsonschema.validators.validator_for(schema)
            resolver = jsonschema.RefResolver(
                base_uri=schema.get("$id", ""), referrer=schema, store=dict(by_id),
                handlers={"http": refuse, "https": refuse})
            return cls(schema, resolver=resolver)

        return factory


class BundleChecker:
    def __init__(self, schema_root):
        by_id, self.by_path = load_schemas(schema_root)
        factory = make_validator_factory(by_id)
        self.validators = {rel: factory(s) for rel, s in self.by_path.items()}
        self.bundle_validator = factory(patched_bundle_schema(self.by_path["common/bundle.json"]))

    def object_errors(self, obj, new_scos=()):
        kind = obj.get("type")
        rel = SCHEMA_OF_TYPE.get(kind)
        if rel is None:
            rel = SCO_CORE if kind in new_scos else SDO_CORE
        errors = [e.message for e in self.validators[rel].iter_errors(obj)]
        return rel, errors

    def bundle_errors(self, bundle):
        return [e.message for e in self.bundle_validator.iter_errors(bundle)]

    def check(self, bundle, label):
        """Raises Failure naming every problem; returns counts by type."""
        problems = []
        errs = self.bundle_errors(bundle)
        if errs:
            problems.append(f"bundle.json: {errs[:3]}")
        objects = bundle.get("objects", [])
        ids = {}
        new_scos = set()
        for o in objects:
            if o.get("type") == "extension-definition" and "new-sco" in o.get("extension_types", []):
                new_scos.add(o["name"])
        counts = {}
        for i, o in enumerate(objects):
            counts[o.get("type")] = counts.get(o.get("type"), 0) + 1
            rel, errs = self.object_errors(o, new_scos)
            if errs:
                problems.append(f"object {i} ({o.get('id')}) against {rel}: {errs[:3]}")
            if o.get("id") in ids:
                problems.append(f"object {i}: duplicate id {o.get('id')}")
            ids[o.get("id")] = o
            if "created" in o and "modified" in o and o["modified"] < o["created"]:
                problems.append(f"object {i}: modified before created")
            if "first_seen" in o and "last_seen" in o and o["last_seen"] < o["first_seen"]:
                problems.append(f"object {i}: last_seen before first_seen")
            if o.get("type") in new_scos:
                ext = [k for k, v in o.get("extensions", {}).items()
                       if v.get("extension_type") == "new-sco"]
                if not ext:
                    problems.append(f"object {i}: a {o['type']} without its new-sco extension")
        marking = [o["id"] for o in objects if o.get("type") == "marking-definition"]
        if len(marking) != 1:
            problems.append(f"expected one TLP marking, found {len(marking)}")
        project = project_identity(objects)
        for i, o in enumerate(objects):
            refs = [o[k] for k in REF_KEYS if k in o]
            for k in REFS_KEYS:
                refs.extend(o.get(k, []))
            for ext in o.get("extensions", {}):
                if ext.startswith("extension-definition--") and ext != TLP2_EXTENSION:
                    refs.append(ext)
            for r in refs:
                if r not in ids:
                    problems.append(f"object {i} ({o.get('id')}): reference {r} not in the bundle")
            # Everything the reporter says is marked; the TLP marking, the
            # project's identity and extension definition are public.
            if "created_by_ref" in o and o["created_by_ref"] != project:
                if o.get("object_marking_refs") != marking:
                    problems.append(f"object {i} ({o.get('id')}): not marked {marking}")
            if o.get("type") in ("user-account",) + tuple(new_scos):
                if o.get("object_marking_refs") != marking:
                    problems.append(f"object {i} ({o.get('id')}): not marked {marking}")
        if problems:
            raise Failure(f"{label}: {len(problems)} problem(s):\n  " + "\n  ".join(problems[:20]))
        return counts


TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


def project_identity(objects):
    for o in objects:
        if o.get("type") == "identity" and o.get("name") == "hydrawatch project":
            return o["id"]
    return None


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}")
    return p


def write_synthetic_result(d):
    """A result with every indicator kind the exporter reads."""
    os.makedirs(d, exist_ok=True)
    campaigns = {
        "policy": "test",
        "campaigns": [
            {
                "id": "C001", "verdict": "attack", "score": 0.93, "accounts": 3,
                "interactions": 1200, "first_seen": "2026-04-22T00:00:00Z",
                "last_seen": "2026-04-23T12:00:00.5Z",
                "capabilities": {"software_engineering": 0.6, "math_reasoning": 0.3},
                "elicitation_frames": {"reasoning_extraction": 0.5},
                "indicators": {
                    "networks": [{"cidr": "203.0.113.0/24", "accounts": 3},
                                 {"cidr": "2001:db8:1::/48", "accounts": 2}],
                    "addresses": [{"value": "203.0.113.7", "accounts": 2, "requests": 700,
                                   "first_seen": "2026-04-22T01:00:00Z",
                                   "last_seen": "2026-04-23T01:00:00Z"}],
                    "template_fingerprints": [{"value": "tpl_9f2c4e1a0b7d3366", "accounts": 3,
                                               "requests": 900}],
                    "linked_by": ["shared prompt templates (2 of 2 links)"],
                },
                "account_ids": ["acct_a1", "acct_a2", "acct_a3"],
            },
            {
                "id": "C002", "verdict": "attack", "score": 0.71, "accounts": 2,
                "interactions": 300, "first_seen": "2026-04-21T00:00:00Z",
                "last_seen": "2026-04-22T00:00:00Z",
                "indicators": {"networks": [{"cidr": "203.0.113.0/24", "accounts": 1}]},
                "account_ids": ["acct_b1", "acct_b2"],
            },
            {
                "id": "C003", "verdict": "benign", "score": 0.2, "accounts": 2,
                "interactions": 50, "first_seen": "2026-04-21T00:00:00Z",
                "last_seen": "2026-04-22T00:00:00Z",
                "indicators": {"networks": [{"cidr": "198.51.100.0/24", "accounts": 2}]},
                "account_ids": ["acct_c1", "acct_c2"],
            },
        ],
    }
    with open(os.path.join(d, "campaigns.json"), "w", encoding="utf-8") as f:
        json.dump(campaigns, f, indent=1)
    rows = []
    for c in campaigns["campaigns"]:
        for a in c["account_ids"]:
            rows.append({"user.id": a, "score": 0.9, "verdict": c["verdict"], "campaign": c["id"],
                         "reasons": [], "requests": 10, "first_seen": c["first_seen"],
                         "last_seen": c["last_seen"]})
    rows.append({"user.id": "acct_z", "score": 0.1, "verdict": "benign", "campaign": None,
                 "reasons": [], "requests": 1, "first_seen": "2026-04-21T00:00:00Z",
                 "last_seen": "2026-04-21T00:00:00Z"})
    with open(os.path.join(d, "accounts.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


def negative_checks(checker, bundle):
    """The validator must reject deliberately broken objects."""
    objects = bundle["objects"]
    first = {}
    for o in objects:
        first.setdefault(o["type"], o)
    cases = []
    c = copy.deepcopy(first["campaign"]); del c["name"]
    cases.append(("campaign without name", c))
    c = copy.deepcopy(first["campaign"]); c["id"] = "campaign--not-a-uuid"
    cases.append(("campaign with a malformed id", c))
    c = copy.deepcopy(first["campaign"]); c["created"] = "2026-04-22T00:00:00Z"
    cases.append(("campaign created without milliseconds", c))
    c = copy.deepcopy(first["indicator"]); del c["valid_from"]
    cases.append(("indicator without valid_from", c))
    c = copy.deepcopy(first["sighting"]); c["count"] = -1
    cases.append(("sighting with a negative count", c))
    c = copy.deepcopy(first["relationship"]); c["source_ref"] = "relationship--" + c["id"][14:]
    cases.append(("relationship from a relationship", c))
    c = copy.deepcopy(first["user-account"]); c["id"] = "user-account--" + "0" * 36
    cases.append(("user-account with a malformed id", c))
    c = copy.deepcopy(first["marking-definition"]); del c["created"]
    cases.append(("marking without created", c))
    c = copy.deepcopy(first["attack-pattern"])
    c["external_references"] = [{"source_name": "mitre-atlas"}]
    cases.append(("external reference with only a source name", c))
    for label, obj in cases:
        _, errs = checker.object_errors(obj)
        if not errs:
            raise Failure(f"negative check: {label} was accepted")
        broken = copy.deepcopy(bundle)
        broken["objects"] = [obj if o["id"] == first[obj["type"]]["id"] else o
                             for o in broken["objects"]]
        try:
            checker.check(broken, label)
        except Failure:
            pass
        else:
            raise Failure(f"negative check: a bundle holding a {label} passed")
    dangling = copy.deepcopy(bundle)
    dangling["objects"] = [o for o in dangling["objects"] if o["type"] != "identity"]
    try:
        checker.check(dangling, "dangling")
    except Failure:
        pass
    else:
        raise Failure("negative check: a bundle without its identity passed")
    return len(cases) + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hydrawatch", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()

    schema_root = os.path.join(args.schemas, "schemas")
    if not os.path.isdir(schema_root):
        print(f"SKIP: the STIX 2.1 JSON schemas are not at {args.schemas} "
              "(oasis-open/cti-stix2-json-schemas, expected in ../shared/stix2.1-schemas)")
        return SKIP
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        print("FAIL: python3 module jsonschema missing (Debian package python3-jsonschema, "
              "installed by ./hw setup)")
        return 1

    checker = BundleChecker(schema_root)
    hw = args.hydrawatch
    work = args.work
    os.makedirs(work, exist_ok=True)
    sim, res = os.path.join(work, "sim"), os.path.join(work, "result")
    run([hw, "simulate", "--scenario", "small", "--out", sim])
    run([hw, "analyze", os.path.join(sim, "events.jsonl"), "--accounts",
         os.path.join(sim, "accounts.jsonl"), "--out", res])
    real = os.path.join(work, "real.stix.json")
    run([hw, "export", "stix", "--result", res, "--out", real, "--salt", "schema-test"])
    synth_dir = os.path.join(work, "synthetic")
    write_synthetic_result(synth_dir)
    synth = os.path.join(work, "synthetic.stix.json")
    run([hw, "export", "stix", "--result", synth_dir, "--out", synth, "--tlp", "green"])

    passed = 0
    for label, path in (("real small result", real), ("synthetic result", synth)):
        with open(path, encoding="utf-8") as f:
            bundle = json.load(f)
        counts = checker.check(bundle, label)
        n = sum(counts.values())
        print(f"ok: {label}: {n} objects valid ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
        passed += n
        if label == "real small result":
            for needed in ("campaign", "indicator", "user-account", "sighting", "relationship",
                           "attack-pattern", "identity", "marking-definition",
                           "extension-definition", "infrastructure"):
                if needed not in counts:
                    raise Failure(f"{label}: no {needed} in the bundle")
        else:
            for needed in ("llm-prompt-template",):
                if needed not in counts:
                    raise Failure(f"{label}: no {needed} in the bundle")
            if counts.get("sighting", 0) < 4:  # 2 campaigns, 1 address, 1 template
                raise Failure(f"{label}: expected 4 sightings, got {counts.get('sighting')}")
            text = json.dumps(bundle)
            for raw in ("acct_a1", "acct_b2", "acct_c1", "198.51.100.0/24"):
                if raw in text:
                    raise Failure(f"{label}: {raw} leaked into the bundle")
            if '"tlp_2_0":"green"' not in json.dumps(bundle, separators=(",", ":")):
                raise Failure(f"{label}: --tlp green not applied")
    rejected = negative_checks(checker, bundle)
    print(f"ok: {rejected} deliberately broken objects and bundles rejected")
    print(f"{passed + rejected} passed, 0 failed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"FAIL: {e}")
        sys.exit(1)
