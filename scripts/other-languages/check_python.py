"""Checks of the generated Python code (run by other-languages.sh).

Usage: python check_python.py GENERATOR GEN_DIR CASES.json            the model checks
       python check_python.py GENERATOR GEN_DIR CASES.json BASE_URL TOKEN  the sends only
                                                   (BASE_URL: wire_proxy.py in front of capi serve)

GENERATOR is openapi-python-client (package `opc` in GEN_DIR), openapi-generator-python (package
`capi_oag`) or datamodel-code-generator (module `dmcg_models`). Prints one line per check. With
BASE_URL and TOKEN it sends the `sends` bodies of CASES.json to a running `capi serve` instead.

How each generator's plain models are read and written:
  openapi-python-client     Model.from_dict(d).to_dict()
  openapi-generator python  Model.from_dict(d).to_dict() (what its ApiClient sends; to_dict() uses
                            model_dump(by_alias=True, exclude_none=True)); to_json() is compared too
  datamodel-code-generator  Model.model_validate(d).model_dump(mode="json", exclude_unset=True,
                            by_alias=True): mode="json" writes enums as their values, exclude_unset
                            leaves out the fields the input did not have (rather than writing None),
                            by_alias keeps the wire names of fields renamed in Python
An enum schema round-trips as Enum(value).value.
"""

import copy
import enum
import glob
import importlib
import inspect
import json
import os
import sys
import urllib.error
import urllib.request

from common import INVALID, check_docs, diff, emit, load, read_text, token_findings

H1 = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
H2 = "8e621e3d0368631d263d07a351fa8d34fba0d17c15fbcdec11a5f58008d022a0"
MADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
# Integer positions as digit strings: the form the spec shows (Meta's Java SDK sends it), which the
# earlier spec (string or integer) accepted too.
EXTINFO = ["a2", "com.example.shop", "1.4", "1.4.2 (214)", "14", "Pixel 8", "en_US", "CET", "Vodafone",
           "1080", "2400", "2.75", "8", "128", "64", "Europe/Berlin"]


def is_enum(cls):
    return isinstance(cls, type) and issubclass(cls, enum.Enum)


class Adapter:
    name = ""
    validates = True  # its models reject values of the wrong type

    def model(self, schema):
        return getattr(self.m, schema, None)

    def new(self, schema, **kw):
        return self.model(schema)(**kw)

    def enum(self, schema, value):
        return self.model(schema)(value)

    def roundtrip(self, cls, value):
        if is_enum(cls):
            return cls(value).value
        return self.dump(self.parse(cls, value))


class Opc(Adapter):
    name = "openapi-python-client"
    validates = False  # attrs classes: from_dict() checks no types, by design

    def __init__(self, gen):
        sys.path.insert(0, gen)
        self.pkg = importlib.import_module("opc")
        self.m = importlib.import_module("opc.models")

    def parse(self, cls, value):
        return cls.from_dict(value)

    def dump(self, obj):
        return obj.to_dict()

    def doc(self, schema, prop):
        cls = self.model(schema)
        if cls is None or not cls.__doc__:
            return None
        lines = cls.__doc__.splitlines()
        try:
            start = next(i for i, l in enumerate(lines) if l.strip() == "Attributes:") + 1
        except StopIteration:
            return None
        entries, indent = {}, None
        cur = None
        for l in lines[start:]:
            if not l.strip():
                continue
            ind = len(l) - len(l.lstrip())
            if indent is None:
                indent = ind
            if ind == indent:
                cur = l.strip().split(" ", 1)[0]
                entries[cur] = l.strip().split(":", 1)[-1]
            elif ind > indent and cur:
                entries[cur] += " " + l.strip()
            else:
                break
        # opc renames a property whose name is a Python keyword or builtin (GraphError.type is `type_`)
        return entries.get(prop, entries.get(prop + "_"))

    def send(self, body, base, token, c):
        mods = [f for f in glob.glob(os.path.join(os.path.dirname(self.pkg.__file__), "api", "*", "*.py"))
                if "def sync_detailed" in read_text(f)]
        if len(mods) != 1:
            raise RuntimeError(f"expected one operation module, found {mods}")
        rel = os.path.relpath(mods[0], os.path.dirname(os.path.dirname(self.pkg.__file__)))
        op = importlib.import_module(rel[:-3].replace(os.sep, "."))
        kw = {}
        if "access_token" in inspect.signature(op.sync_detailed).parameters:
            client = self.pkg.Client(base_url=base)
            kw["access_token"] = token
        else:  # only a security scheme: opc's AuthenticatedClient sends `Authorization: Bearer …`
            client = self.pkg.AuthenticatedClient(base_url=base, token=token)
        body_model = self.m.EventRequest.from_dict(copy.deepcopy(body))
        r = op.sync_detailed(api_version=c["api_version"], pixel_id=c["pixel"], client=client, body=body_model, **kw)
        res = {"status": int(r.status_code)}
        p = r.parsed
        if isinstance(p, self.m.EventResponse):
            res["events_received"] = p.events_received
        elif isinstance(p, self.m.GraphErrorEnvelope):
            res["code"] = p.error.code
            unset = self.pkg.types.UNSET
            res["error_subcode"] = None if p.error.error_subcode is unset else p.error.error_subcode
            res["message"] = p.error.message if p.error.error_user_msg is unset else p.error.error_user_msg
            res["model"] = "GraphErrorEnvelope"
        else:
            res["parsed"] = type(p).__name__
        return res


class Oag(Adapter):
    name = "openapi-generator-python"

    def __init__(self, gen):
        sys.path.insert(0, gen)
        self.pkg = importlib.import_module("capi_oag")
        self.m = importlib.import_module("capi_oag.models")

    def parse(self, cls, value):
        return cls.from_dict(value)

    def dump(self, obj):
        d = obj.to_dict()
        j = json.loads(obj.to_json())
        if diff(json.loads(json.dumps(d)), j):
            raise RuntimeError(f"to_json() and to_dict() differ: {diff(d, j)[:3]}")
        return d

    def doc(self, schema, prop):
        cls = self.model(schema)
        if cls is None or not hasattr(cls, "model_fields"):
            return None
        for name, f in cls.model_fields.items():
            if name == prop or f.alias == prop:
                return f.description or ""
        return None

    def send(self, body, base, token, c):
        cfg = self.pkg.Configuration(host=base)
        api_cls = next(v for k, v in vars(self.pkg).items() if k.endswith("Api") and k != "ApiClient"
                       and isinstance(v, type) and hasattr(v, "send_events_with_http_info"))
        api = api_cls(self.pkg.ApiClient(cfg))
        fn = api.send_events_with_http_info
        kw = {"api_version": c["api_version"], "pixel_id": c["pixel"],
              "event_request": self.m.EventRequest.from_dict(copy.deepcopy(body))}
        if "access_token" in inspect.signature(fn).parameters:
            kw["access_token"] = token
        else:  # only a security scheme: the Configuration's api_key, by scheme name
            cfg.api_key[c["auth"]["api_key_scheme"]] = token
        try:
            r = fn(**kw)
            return {"status": r.status_code, "events_received": r.data.events_received}
        except self.pkg.ApiException as e:
            res = {"status": e.status}
            if isinstance(e.data, self.m.GraphErrorEnvelope):
                res.update(code=e.data.error.code, error_subcode=e.data.error.error_subcode, model="GraphErrorEnvelope",
                           message=e.data.error.error_user_msg or e.data.error.message)
            else:
                res["parsed"] = type(e.data).__name__
            return res


class Dmcg(Adapter):
    name = "datamodel-code-generator"

    def __init__(self, gen):
        sys.path.insert(0, gen)
        self.m = importlib.import_module("dmcg_models")

    def parse(self, cls, value):
        return cls.model_validate(value)

    def dump(self, obj):
        return obj.model_dump(mode="json", exclude_unset=True, by_alias=True)

    doc = Oag.doc

    def send(self, body, base, token, c):
        import httpx
        model = self.m.EventRequest.model_validate(copy.deepcopy(body))
        r = httpx.post(f"{base}/{c['api_version']}/{c['pixel']}/events", params={"access_token": token},
                       content=model.model_dump_json(exclude_unset=True, by_alias=True),
                       headers={"Content-Type": "application/json"})
        res = {"status": r.status_code}
        if r.status_code == 200:
            res["events_received"] = self.m.EventResponse.model_validate_json(r.content).events_received
        else:
            env = self.m.GraphErrorEnvelope.model_validate_json(r.content)
            res.update(code=env.error.code, error_subcode=env.error.error_subcode, model="GraphErrorEnvelope",
                       message=env.error.error_user_msg or env.error.message)
        return res


def construct(a):
    """The generated models built in code with plain Python values (no wrapper objects), in the form
    the spec declares (the union types of earlier versions of the spec are where wrappers appear)."""
    ud = a.new("UserData", em=H1, ph=H2, external_id="crm-1", fb_login_id=1234567890123,
               lead_id=9876543210, madid=MADID)
    cd = a.new("CustomData", value=1.5, currency="usd", num_items=2)
    ad = a.new("AppData", extinfo=list(EXTINFO), advertiser_tracking_enabled=True)
    ev = a.new("ServerEvent", event_name="AppInstall", event_time=1763800000, action_source=a.enum("ActionSource", "app"),
               user_data=ud, custom_data=cd, app_data=ad, data_processing_options=[])
    return a.dump(a.new("EventRequest", data=[ev]))


CONSTRUCTED = {"data": [{
    "event_name": "AppInstall", "event_time": 1763800000, "action_source": "app",
    "user_data": {"em": H1, "ph": H2, "external_id": "crm-1", "fb_login_id": 1234567890123,
                  "lead_id": 9876543210, "madid": MADID},
    "custom_data": {"value": 1.5, "currency": "usd", "num_items": 2},
    "app_data": {"extinfo": EXTINFO, "advertiser_tracking_enabled": True},
    "data_processing_options": []}]}


def err(e):
    if hasattr(e, "errors") and callable(e.errors):  # pydantic's ValidationError: one clause per error
        try:
            errs = e.errors()
            parts = [f"{'.'.join(map(str, x['loc']))}: {x['msg']} (input {json.dumps(x.get('input'))[:40]})"
                     for x in errs[:4]]
            more = f" and {len(errs) - 4} more" if len(errs) > 4 else ""
            return f"{type(e).__name__} in {getattr(e, 'title', '?')}: " + "; ".join(parts) + more
        except Exception:  # noqa: BLE001
            pass
    return f"{type(e).__name__}: {e}"


def roundtrip_one(a, schema, value):
    """Differences after parse + write through the schema's model, or a string saying what failed."""
    cls = a.model(schema)
    if cls is None:
        return None
    try:
        out = a.roundtrip(cls, copy.deepcopy(value))
        out = json.loads(json.dumps(out))
    except Exception as e:  # noqa: BLE001 - any failure of generated code is a finding
        return [err(e)]
    return diff(value, out)


def fetch_json(url, data=None):
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def main():
    gen_name, gen_dir, cases_path = sys.argv[1:4]
    base, token = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else (None, None)
    c = load(cases_path)
    a = {"openapi-python-client": Opc, "openapi-generator-python": Oag, "datamodel-code-generator": Dmcg}[gen_name](gen_dir)
    if base:
        sends(a, c, base, token)
    else:
        models(a, c)


def models(a, c):
    g = a.name
    # (a) the spec's examples, each through the model of its schema
    bad, n, skipped = [], 0, []
    for ex in c["examples"]:
        d = roundtrip_one(a, ex["schema"], ex["value"])
        if d is None:
            if ex["object"]:
                bad.append(f"{ex['id']}: no model class {ex['schema']}")
            else:
                skipped.append(ex["schema"])
            continue
        n += 1
        if d:
            bad.append(f"{ex['id']}: " + "; ".join(d[:4]))
    extra = f" (no model for non-object {', '.join(sorted(set(skipped)))})" if skipped else ""
    emit(not bad, g, f"roundtrip spec-examples[{n}]{extra}", " | ".join(bad))

    # (b), (c) and the edge values, through EventRequest
    for f in c["files"]:
        d = roundtrip_one(a, "EventRequest", f["value"])
        emit(d == [], g, f"roundtrip {f['id']}", "no EventRequest model" if d is None else "; ".join(d[:8]))

    try:
        d = diff(CONSTRUCTED, json.loads(json.dumps(construct(a))))
    except Exception as e:  # noqa: BLE001
        d = [err(e)]
    emit(not d, g, "construct-with-plain-values", "; ".join(d[:4]))

    if a.validates:
        accepted = []
        invalid = [x for x in INVALID if "(lax)" not in x[1]]
        for schema, what, value in invalid:
            try:
                a.parse(a.model(schema), copy.deepcopy(value))
                accepted.append(f"{schema} {what}")
            except Exception:  # noqa: BLE001 - rejected, as it should be
                pass
        emit(not accepted, g, f"rejects invalid bodies[{len(invalid)}]", "accepted: " + "; ".join(accepted))

    check_docs(g, c["docs"], a.doc)


def sends(a, c, base, token):
    g = a.name
    for s in c["sends"]:
        check = f"send {s['id']} (expect {s['expect']['status']})"
        try:
            fetch_json(f"{base}/_fake/reset", b"{}")
            res = a.send(s["body"], base, token, c)
        except Exception as e:  # noqa: BLE001
            emit(False, g, check, err(e))
            continue
        want = s["expect"]
        bad = [f"{k} {res.get(k)!r} (want {v!r})" for k, v in want.items() if res.get(k) != v]
        try:
            bad += token_findings(fetch_json(f"{base}/_wire/last"), token)
        except urllib.error.HTTPError:
            bad += token_findings(None, token)
        if want["status"] != 200 and res.get("model") != "GraphErrorEnvelope":
            bad.append(f"error not read through the GraphErrorEnvelope model ({res.get('parsed')})")
        if not bad and want["status"] == 200:
            stored = [e["event"] for e in fetch_json(base + s["stored"])["events"]]
            dd = diff(s["body"]["data"], stored, "$.data")
            if dd:
                bad.append("events on the wire differ from the input: " + "; ".join(dd[:5]))
        why = "; ".join(bad)
        if res.get("status") != 200 and want["status"] == 200:
            why += f"; the fake answered code {res.get('code')} subcode {res.get('error_subcode')}: {res.get('message')}"
        emit(not bad, g, check, why)


if __name__ == "__main__":
    main()
