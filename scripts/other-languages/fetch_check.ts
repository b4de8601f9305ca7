// Runs the typescript-fetch client that other-languages.sh generated into ./oag-ts (this file is
// copied next to it and compiled with tsc). Prints one JSON document of raw results on stdout;
// check_ts.py judges them.
//   node fetch_check.js roundtrip CASES.json             XFromJSON(value) then XToJSON(...), through
//                                                        JSON.stringify as the client's fetch sends it
//   node fetch_check.js send CASES.json BASE_URL TOKEN    sends each body with EventsApi.sendEventsRaw
//                                                        (BASE_URL: wire_proxy.py in front of capi serve,
//                                                        whose record of the request is kept as `wire`)
import * as M from "./oag-ts/models/index";
import * as R from "./oag-ts/runtime";
import * as A from "./oag-ts/apis/index";

declare const require: (name: string) => any;
declare const process: { argv: string[]; exitCode?: number };
const fs = require("fs");

const [mode, casesPath, base, token] = process.argv.slice(2);
const cases = JSON.parse(fs.readFileSync(casesPath, "utf8"));
const models = M as unknown as Record<string, ((x: unknown) => unknown) | undefined>;

function roundtrip(schema: string, value: unknown): { out?: unknown; error?: string; missing?: boolean } {
  const from = models[schema + "FromJSON"];
  const to = models[schema + "ToJSON"];
  if (!from || !to) return { missing: true };
  try {
    const text = JSON.stringify(to(from(JSON.parse(JSON.stringify(value)))));
    return { out: text === undefined ? undefined : JSON.parse(text) };
  } catch (e) {
    return { error: String(e) };
  }
}

async function send(body: unknown): Promise<Record<string, unknown>> {
  const explicit: boolean = cases.auth.explicit_param;
  // With only a security scheme, the token goes in the Configuration's apiKey.
  const api = new A.EventsApi(new R.Configuration({ basePath: base, apiKey: explicit ? undefined : token }));
  const params: Record<string, unknown> = {
    apiVersion: cases.api_version,
    pixelId: cases.pixel,
    eventRequest: M.EventRequestFromJSON(body),
  };
  if (explicit) params.accessToken = token;
  try {
    const raw = await api.sendEventsRaw(params as unknown as A.SendEventsRequest);
    const v = await raw.value();
    return { status: raw.raw.status, events_received: v.events_received };
  } catch (e) {
    if (e instanceof R.ResponseError) {
      // typescript-fetch throws on 4XX/5XX without reading the body: read it with the generated model.
      const env = M.GraphErrorEnvelopeFromJSON(await e.response.json());
      return { status: e.response.status, code: env.error.code, error_subcode: env.error.error_subcode,
               message: env.error.error_user_msg ?? env.error.message, model: "GraphErrorEnvelope" };
    }
    return { error: String(e) };
  }
}

async function main() {
  const out: Record<string, unknown> = {};
  if (mode === "roundtrip") {
    for (const ex of cases.examples) out[ex.id] = roundtrip(ex.schema, ex.value);
    for (const f of cases.files) out["file:" + f.id] = roundtrip("EventRequest", f.value);
  } else {
    for (const s of cases.sends) {
      await fetch(base + "/_fake/reset", { method: "POST", body: "{}" });
      const res = await send(s.body);
      const wire = await fetch(base + "/_wire/last");
      res.wire = wire.ok ? await wire.json() : null;
      if (res.status === 200) {
        const stored = await (await fetch(base + s.stored)).json();
        res.stored = stored.events.map((e: { event: unknown }) => e.event);
      }
      out[s.id] = res;
    }
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
