"""TypeScript side of other-languages.sh: writes the typed example files, judges tsc and node output.

  check_ts.py typed KIND CASES.json OUT_DIR        writes OUT_DIR/examples_KIND.ts (every example typed as
                                                   its schema's type), OUT_DIR/invalid_KIND.ts (bodies that
                                                   must not type-check, each under @ts-expect-error) and
                                                   OUT_DIR/examples_KIND.map.json; KIND is ots or fetch
  check_ts.py tsc GEN KIND OUT_DIR TSC_OUTPUT      judges a `tsc --noEmit` run over those files
  check_ts.py roundtrip GEN CASES.json RESULTS     judges `node fetch_check.js roundtrip`
  check_ts.py send GEN CASES.json RESULTS TOKEN    judges `node fetch_check.js send`
  check_ts.py docs GEN KIND PATH CASES.json        property descriptions in schema.d.ts (ots) or models/ (fetch)
"""

import json
import os
import re
import sys

from common import INVALID, check_docs, diff, emit, load, read_text, token_findings

IMPORTS = {
    "ots": ('import type { components } from "./ots/schema";\ntype S = components["schemas"];\n',
            lambda name: f'S["{name}"]'),
    "fetch": ('import type * as S from "./oag-ts/models/index";\n', lambda name: f"S.{name}"),
}

def model_exists(kind, out_dir, name):
    return kind == "ots" or os.path.exists(os.path.join(out_dir, "oag-ts", "models", f"{name}.ts"))


def typed(kind, cases_path, out_dir):
    c = load(cases_path)
    head, ty = IMPORTS[kind]
    lines, spans, skipped = [head], [], []
    items = [(ex["id"], ex["schema"], ex["value"]) for ex in c["examples"]]
    items += [(f["id"], f["schema"], f["value"]) for f in c["files"]]
    for i, (ident, schema, value) in enumerate(items):
        if not model_exists(kind, out_dir, schema):
            skipped.append(schema)
            continue
        start = sum(s.count("\n") for s in lines) + 1
        text = f"export const example_{i}: {ty(schema)} = {json.dumps(value, indent=1, ensure_ascii=False)};\n"
        lines.append(text)
        spans.append({"id": ident, "from": start, "to": start + text.count("\n") - 1})
    with open(os.path.join(out_dir, f"examples_{kind}.ts"), "w", encoding="utf-8") as f:
        f.write("".join(lines))
    bad = [head]
    for i, (schema, what, value) in enumerate(INVALID):
        bad.append(f"// @ts-expect-error {schema} {what}\n"
                   f"export const invalid_{i}: {ty(schema)} = {json.dumps(value, ensure_ascii=False)};\n")
    with open(os.path.join(out_dir, f"invalid_{kind}.ts"), "w", encoding="utf-8") as f:
        f.write("".join(bad))
    with open(os.path.join(out_dir, f"examples_{kind}.map.json"), "w", encoding="utf-8") as f:
        json.dump({"spans": spans, "skipped": sorted(set(skipped)), "count": len(spans)}, f)


def tsc(gen, kind, out_dir, tsc_output):
    m = load(os.path.join(out_dir, f"examples_{kind}.map.json"))
    text = read_text(tsc_output)
    errors = re.findall(r"^(\S+?)\((\d+),\d+\): error (TS\d+: .*(?:\n(?!\S+\(\d+,\d+\)).*)*)", text, re.MULTILINE)
    ex_file, bad_file = f"examples_{kind}.ts", f"invalid_{kind}.ts"
    other = [e for e in errors if os.path.basename(e[0]) not in (ex_file, bad_file)]
    failed = {}
    for path, line, msg in errors:
        if os.path.basename(path) == ex_file:
            span = next((s for s in m["spans"] if s["from"] <= int(line) <= s["to"]), {"id": f"line {line}"})
            failed.setdefault(span["id"], " ".join(msg.split())[:300])
    extra = f" (no type for {', '.join(m['skipped'])})" if m["skipped"] else ""
    why = "; ".join(f"{k}: {v}" for k, v in failed.items())
    if other:
        why = f"the generated code does not compile: {other[0][0]}({other[0][1]}): {' '.join(other[0][2].split())[:200]}; " + why
    emit(not failed and not other, gen, f"typecheck examples[{m['count']}]{extra}", why)
    unused = []
    bad_lines = read_text(os.path.join(out_dir, bad_file)).splitlines()
    for path, line, msg in errors:
        if os.path.basename(path) == bad_file and "Unused '@ts-expect-error'" in msg:
            unused.append(bad_lines[int(line) - 1].split("@ts-expect-error", 1)[1].strip())
    emit(not unused, gen, f"typecheck rejects invalid bodies[{len(INVALID)}]", "accepted: " + "; ".join(unused))


def roundtrip(gen, cases_path, results_path):
    c, r = load(cases_path), load(results_path)
    bad, n, skipped = [], 0, []
    for ex in c["examples"]:
        res = r[ex["id"]]
        if res.get("missing"):
            (bad.append(f"{ex['id']}: no {ex['schema']}FromJSON/ToJSON") if ex["object"] else skipped.append(ex["schema"]))
            continue
        n += 1
        d = [res["error"]] if "error" in res else diff(ex["value"], res.get("out"))
        if d:
            bad.append(f"{ex['id']}: " + "; ".join(d[:4]))
    extra = f" (no model for non-object {', '.join(sorted(set(skipped)))})" if skipped else ""
    emit(not bad, gen, f"roundtrip spec-examples[{n}]{extra}", " | ".join(bad))
    for f in c["files"]:
        res = r["file:" + f["id"]]
        d = ["no EventRequest model"] if res.get("missing") else [res["error"]] if "error" in res else diff(f["value"], res.get("out"))
        emit(not d, gen, f"roundtrip {f['id']}", "; ".join(d[:8]))


def send(gen, cases_path, results_path, token):
    c, r = load(cases_path), load(results_path)
    for s in c["sends"]:
        res, want = r[s["id"]], s["expect"]
        check = f"send {s['id']} (expect {want['status']})"
        if "error" in res:
            emit(False, gen, check, res["error"])
            continue
        bad = [f"{k} {res.get(k)!r} (want {v!r})" for k, v in want.items() if res.get(k) != v]
        bad += token_findings(res.get("wire"), token)
        if res.get("status") != 200 and want["status"] == 200:
            bad.append(f"the fake answered code {res.get('code')} subcode {res.get('error_subcode')}: {res.get('message')}")
        if not bad and want["status"] == 200:
            dd = diff(s["body"]["data"], res.get("stored"), "$.data")
            if dd:
                bad.append("events on the wire differ from the input: " + "; ".join(dd[:5]))
        emit(not bad, gen, check, "; ".join(bad))


def ts_blocks(lines, start, indent):
    """{property: jsdoc text} of the object type whose properties start after line `start` at `indent`."""
    props, comment, in_comment = {}, [], False
    prop_re = re.compile(r"^" + " " * indent + r"'?([A-Za-z_][A-Za-z0-9_]*)'?\??:")
    for line in lines[start + 1:]:
        s = line.strip()
        if line.startswith(" " * (indent - 4) + "}") and not line.startswith(" " * indent):
            break
        if s.startswith("/**"):
            in_comment, comment = True, []
        if in_comment:
            comment.append(s.lstrip("/*").rstrip("*/"))
            if s.endswith("*/"):
                in_comment = False
            continue
        mm = prop_re.match(line)
        if mm:
            props[mm.group(1)] = " ".join(comment)
            comment = []
    return props


def docs(gen, kind, path, cases_path):
    c = load(cases_path)
    cache = {}
    if kind == "ots":
        lines = read_text(path).splitlines()
        top = next(i for i, l in enumerate(lines) if l.startswith("export interface components"))
        for i in range(top, len(lines)):
            mm = re.match(r"^        ([A-Za-z0-9_]+): \{$", lines[i])
            if mm:
                cache[mm.group(1)] = ts_blocks(lines, i, 12)

    def lookup(schema, prop):
        if kind == "fetch" and schema not in cache:
            f = os.path.join(path, "models", f"{schema}.ts")
            cache[schema] = {}
            if os.path.exists(f):
                lines = read_text(f).splitlines()
                i = next((i for i, l in enumerate(lines) if l.startswith(f"export interface {schema} ")), None)
                if i is not None:
                    cache[schema] = ts_blocks(lines, i, 4)
        return cache.get(schema, {}).get(prop)

    check_docs(gen, c["docs"], lookup)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"typed": typed, "tsc": tsc, "roundtrip": roundtrip, "send": send, "docs": docs}[cmd](*args)
