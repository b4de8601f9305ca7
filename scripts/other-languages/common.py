"""Shared by check_python.py and check_ts.py: result lines, exact JSON comparison, description matching."""

import json
import re
import sys

H1 = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
EV = {"event_name": "Purchase", "event_time": 1763800000, "action_source": "website",
      "event_source_url": "https://shop.example.com/", "user_data": {"em": H1}}

# Each must be rejected by the type checker, or by a model that validates (a type that accepts them is
# too loose). The one marked "lax" is left out for pydantic models, which convert a digit string to an
# integer by design (lax mode) and then send the integer.
INVALID = [
    ("ServerEvent", "without user_data", {k: v for k, v in EV.items() if k != "user_data"}),
    ("ServerEvent", "with a camelCase key", {**EV, "eventName": "Purchase"}),
    ("ServerEvent", "with action_source 'web'", {**EV, "action_source": "web"}),
    ("ServerEvent", "with event_time as a string (lax)", {**EV, "event_time": "1763800000"}),
    ("UserData", "with em as a number", {"em": 5}),
    ("AppData", "with a boolean in extinfo", {"extinfo": ["a2", "", "", "", "14", "", "", "", "", True, "", "", "", "", "", ""]}),
    ("EventRequest", "with data as an object", {"data": EV}),
]


def emit(ok, gen, check, why=""):
    """One result line: `ok   GEN CHECK` or `FAIL GEN CHECK: WHY` (WHY on one line)."""
    if ok:
        print(f"ok   {gen} {check}", flush=True)
    else:
        why = " ".join(str(why).split())
        if len(why) > 900:
            why = why[:900] + " …"
        print(f"FAIL {gen} {check}: {why}", flush=True)


def short(v, n=70):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[: n - 1] + "…"


def _scalar_equal(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b  # 1.0 and 1 are the same JSON number
    return type(a) is type(b) and a == b


def diff(want, got, path="$"):
    """Differences between two JSON values, as `path: what` strings (empty when equal)."""
    out = []
    if isinstance(want, dict) and isinstance(got, dict):
        for k, v in want.items():
            if k not in got:
                out.append(f"{path}.{k}: dropped")
            else:
                out += diff(v, got[k], f"{path}.{k}")
        for k, v in got.items():
            if k not in want:
                out.append(f"{path}.{k}: added {short(v)}")
    elif isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            out.append(f"{path}: {len(want)} items became {len(got)}")
        for i, (a, b) in enumerate(zip(want, got)):
            out += diff(a, b, f"{path}[{i}]")
    elif not _scalar_equal(want, got):
        out.append(f"{path}: {short(want)} became {short(got)}")
    return out


def words(text):
    return re.findall(r"[a-z0-9]+", (text or "").lower())


def describes(expected, doc):
    """True when doc carries the expected description (its first 12 words, in order)."""
    want = words(expected)[:12]
    have = words(doc)
    if not want:
        return True
    n = len(want)
    return any(have[i : i + n] == want for i in range(len(have) - n + 1))


def check_docs(gen, docs, lookup):
    """docs: {schema: {prop: description}}; lookup(schema, prop) -> the generated doc text or None."""
    bad, total = [], 0
    for schema, props in docs.items():
        for prop, text in props.items():
            total += 1
            got = lookup(schema, prop)
            if got is None:
                bad.append(f"{schema}.{prop}: no doc")
            elif not describes(text, got):
                shown = " ".join(got.split())
                bad.append(f"{schema}.{prop}: {short(shown[:80])}")
    emit(not bad, gen, "descriptions",
         f"{len(bad)} of {total} property descriptions missing or replaced by the referenced schema's; "
         + "; ".join(bad[:6]) + ("; …" if len(bad) > 6 else ""))


def token_findings(wire, token):
    """What is wrong with how one request carried the access token (empty when it went once, in the
    query string, as the spec describes). wire is wire_proxy.py's record of the request."""
    if not wire:
        return ["the request did not reach the events edge (no wire record)"]
    q, auth, body = wire.get("query_tokens", []), wire.get("authorization"), wire.get("body_tokens", [])
    where = [f"query x{len(q)}"] * bool(q) + ["Authorization header"] * bool(auth) + [f"body x{len(body)}"] * bool(body)
    bad = []
    if len(q) + bool(auth) + len(body) != 1:
        bad.append(f"the token went {len(q) + bool(auth) + len(body)} times ({', '.join(where) or 'nowhere'})")
    elif not q:
        bad.append(f"the token went in the {where[0]}, not the query string")
    elif q != [token]:
        bad.append("the query string's access_token is not the token given to the client")
    return bad


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)
