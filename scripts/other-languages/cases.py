"""Collects the inputs of the checks into one JSON file (run by other-languages.sh).

Usage: python cases.py SPEC REPO_ROOT OUT.json

OUT.json holds:
  examples  every `example` of components.schemas (object schemas, and the other schemas reachable
            from a request or response body) and the operation's request and response body examples,
            each {id, schema, object, value}
  files     the request bodies examples/requests/seed-two-purchases.json and every-field.json, and
            two bodies of this script ("edge-values", falsy and empty values that must survive)
  sends     the bodies sent to `capi serve`, each {id, body, expect, stored}: the operation's request
            example (the documentation's example request; examples/requests/seed-two-purchases.json, Meta's
            own example, is rejected by design: its second website event has no event_source_url), an app
            event with 16 extinfo values and an 8-day-old event; `stored` is the inspection path that lists
            the events the fake kept (test events are listed under their test_event_code)
  docs      the description every object property has in the spec, {schema: {property: text}}
  auth      how the spec says to send the access token (explicit query parameter, security schemes)
  now       the fake's clock (Unix seconds): the request example's latest event_time plus 60 s
"""

import json
import pathlib
import sys

import yaml

spec_path, root, out_path = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
spec = yaml.safe_load(pathlib.Path(spec_path).read_text(encoding="utf-8"))
schemas = spec.get("components", {}).get("schemas", {})


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def refs_in(node, acc):
    """Names of the component schemas that node refers to, transitively."""
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"].startswith("#/components/schemas/"):
            name = ref_name(node["$ref"])
            if name not in acc:
                acc.add(name)
                refs_in(schemas.get(name, {}), acc)
        for v in node.values():
            refs_in(v, acc)
    elif isinstance(node, list):
        for v in node:
            refs_in(v, acc)
    return acc


def is_object(schema):
    return schema.get("type") == "object" or "properties" in schema


# The operation: the first POST whose path ends in /events.
op = None
for path, item in spec.get("paths", {}).items():
    if path.endswith("/events") and "post" in item:
        op = item["post"]
        break
if op is None:
    sys.exit("cases.py: no POST .../events operation in the spec")

body_schemas = set()
refs_in(op.get("requestBody", {}), body_schemas)
refs_in(op.get("responses", {}), body_schemas)

examples = []
for name, schema in schemas.items():
    if "example" not in schema:
        continue
    if not is_object(schema) and name not in body_schemas:
        continue  # e.g. AccessToken: a parameter's schema, not part of any body
    examples.append({"id": f"components.schemas.{name}.example", "schema": name,
                     "object": is_object(schema), "value": schema["example"]})


def media_examples(where, content):
    for media, mt in (content or {}).items():
        if "example" in mt and "$ref" in mt.get("schema", {}):
            examples.append({"id": f"{where}.{media}.example", "schema": ref_name(mt["schema"]["$ref"]),
                             "object": True, "value": mt["example"]})


media_examples("operation.requestBody", op.get("requestBody", {}).get("content"))
for status, resp in op.get("responses", {}).items():
    media_examples(f"operation.responses.{status}", resp.get("content"))

seed = json.loads((root / "examples/requests/seed-two-purchases.json").read_text(encoding="utf-8"))
every = json.loads((root / "examples/requests/every-field.json").read_text(encoding="utf-8"))
doc_example = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("example")
if not doc_example:
    sys.exit("cases.py: the operation has no application/json request body example")
now = max(e["event_time"] for e in doc_example["data"]) + 60
PIXEL = "1234567890"

H1 = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
H2 = "8e621e3d0368631d263d07a351fa8d34fba0d17c15fbcdec11a5f58008d022a0"
# Integer positions as digit strings: the form the spec shows (Meta's Java SDK sends it), which the
# earlier spec (string or integer) accepted too.
EXTINFO = ["a2", "com.example.shop", "1.4", "1.4.2 (214)", "14", "Pixel 8", "en_US", "CET", "Vodafone",
           "1080", "2400", "2.75", "8", "128", "64", "Europe/Berlin"]

# Values that a generated model must not drop, default or coerce: explicit empty lists ([] for
# data_processing_options means "not LDU", not "absent") and maps, false and 0, digit strings where
# a string is declared, the empty extinfo placeholder. This script's own bodies use only the form
# the spec declares (one hash, not a list; integers for IntegerOrString), not x-capi-also-accepted.
edge = {"data": [{
    "event_name": "Lead", "event_time": 1763800000, "action_source": "app", "opt_out": False,
    "data_processing_options": [],
    "user_data": {"em": H1, "external_id": "crm-1", "madid": "38400000-8cf0-11bd-b23e-10b96e40000d",
                  "fb_login_id": 1234567890123, "lead_id": 9876543210},
    "custom_data": {"value": 0, "num_items": 3, "content_ids": [], "contents": [], "loyalty_tier": "gold"},
    "app_data": {"advertiser_tracking_enabled": False,
                 "extinfo": ["i2", "", "", "", "17.1", "", "", "", "", "1179", "2556", "", "6", "", "", ""]},
}], "trace": 0, "platforms": [], "progress": {}}

app_event = {"data": [{
    "event_name": "AppInstall", "event_time": now - 30, "action_source": "app", "event_id": "install-1",
    "user_data": {"em": H1, "madid": "38400000-8cf0-11bd-b23e-10b96e40000d", "anon_id": "XZ3c1e2d4f"},
    "app_data": {"advertiser_tracking_enabled": True, "application_tracking_enabled": True, "extinfo": EXTINFO},
}]}
old_event = {"data": [{
    "event_name": "Purchase", "event_time": now - 8 * 86400, "action_source": "website", "event_id": "old-1",
    "event_source_url": "https://shop.example.com/checkout/complete",
    "user_data": {"em": H1, "ph": H2, "client_user_agent": "Mozilla/5.0 (X11; Linux x86_64)"},
    "custom_data": {"value": 10.5, "currency": "EUR"},
}]}

files = [{"id": "seed-two-purchases", "schema": "EventRequest", "value": seed},
         {"id": "every-field", "schema": "EventRequest", "value": every},
         {"id": "edge-values", "schema": "EventRequest", "value": edge}]
sends = [{"id": "spec-request-example", "body": doc_example,
          "expect": {"status": 200, "events_received": len(doc_example["data"])}},
         {"id": "app-event-16-extinfo", "body": app_event, "expect": {"status": 200, "events_received": 1}},
         {"id": "event-8-days-old", "body": old_event,
          "expect": {"status": 400, "code": 100, "error_subcode": 2804003}}]
for s in sends:
    code = s["body"].get("test_event_code")
    s["stored"] = f"/_fake/test_events/{code}" if code else f"/_fake/pixels/{PIXEL}/events"


def own_description(prop):
    if "description" in prop:
        return prop["description"]
    return None


docs = {}
for name, schema in schemas.items():
    props = schema.get("properties") or {}
    d = {p: own_description(v) for p, v in props.items() if own_description(v)}
    if d:
        docs[name] = d

params = {p.get("name"): p for p in op.get("parameters", []) if p.get("in") == "query"}
sec_schemes = spec.get("components", {}).get("securitySchemes", {}) or {}
api_keys = {n: s for n, s in sec_schemes.items() if s.get("type") == "apiKey"}
auth = {"explicit_param": "access_token" in params,
        "security_schemes": sec_schemes,
        "security": op.get("security", spec.get("security")),
        "api_key_scheme": next(iter(api_keys), None)}

path_params = {p.get("name"): p for p in op.get("parameters", []) if p.get("in") == "path"}
api_version = path_params.get("api_version", {}).get("example", "v26.0")
with open(out_path, "w", encoding="utf-8") as out:
    json.dump({"examples": examples, "files": files, "sends": sends, "docs": docs, "auth": auth, "now": now,
               "pixel": PIXEL, "api_version": api_version}, out, indent=1)
