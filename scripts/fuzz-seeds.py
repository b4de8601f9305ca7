#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs into fuzz/corpus/<target>/ from what the repository already
holds: the request examples (examples/requests), every request body and raw body of the conformance
cases (their `$time` templates made concrete), the case files themselves, and the normalization
vectors. Run it before a first `cargo fuzz run`; `cargo fuzz cmin` then keeps what adds coverage.

Usage: scripts/fuzz-seeds.py   (from anywhere; standard library only)
"""
import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
NOW = 1_763_800_000
CONTENT_TYPES = 6  # fake_decode's selector picks one of six content types
# The pii target's selector picks `Field::ALL[selector % 17]`, in this order.
FIELD_KEYS = ["em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country", "external_id",
              "f5first", "f5last", "fi", "dobd", "dobm", "doby"]


def write(target, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    (directory / name).write_bytes(data)


def concrete(value):
    """A case body with each {"$time": …} template replaced by a time near NOW."""
    if isinstance(value, dict):
        if set(value) == {"$time"}:
            return NOW - 60
        return {key: concrete(item) for key, item in value.items()}
    if isinstance(value, list):
        return [concrete(item) for item in value]
    return value


def bodies():
    for path in sorted((ROOT / "examples" / "requests").glob("*.json")):
        yield path.read_bytes()
    for path in sorted((ROOT / "conformance" / "cases").glob("*.json")):
        for case in json.loads(path.read_text())["cases"]:
            for step in case.get("steps", []):
                request = step.get("send", {}).get("request", {})
                if "body" in request:
                    yield json.dumps(concrete(request["body"])).encode()
                for key in ("raw", "raw_body", "text"):
                    if isinstance(request.get(key), str):
                        yield request[key].encode()


def main():
    count = 0
    for body in bodies():
        write("rules", body)
        for selector in range(CONTENT_TYPES):
            write("fake_decode", bytes([selector]) + body)
        lines = b""
        try:
            for event in json.loads(body).get("data", []):
                lines += json.dumps(event).encode() + b"\n"
        except (ValueError, AttributeError):
            pass
        write("ndjson_reader", body)
        if lines:
            write("ndjson_reader", lines)
        count += 1
    for path in sorted((ROOT / "conformance" / "cases").glob("*.json")):
        write("case_file", path.read_bytes())
    vectors = json.loads((ROOT / "conformance" / "vectors" / "normalization.json").read_text())
    for case in vectors["cases"]:
        key = case.get("field")
        selector = FIELD_KEYS.index(key) if key in FIELD_KEYS else 0
        value = case.get("input", "")
        if isinstance(value, str):
            write("pii", bytes([selector]) + value.encode())
    print(f"seeded from {count} bodies, {len(vectors['cases'])} vectors")


if __name__ == "__main__":
    main()
