#!/usr/bin/env python3
"""Soak: `capi serve` under mixed traffic from several processes, its memory sampled throughout.

Clients send valid batches (some with repeated event_ids), invalid batches, requests that meet
faults (service errors, dropped connections, slow answers), listings they read whole, listings they
stop reading, uploads they abandon halfway, and uploads that stall. The run fails unless:

  * RSS stays under the ceiling the server's options give (README, "Reliability"), and is flat after
    warm-up: the slope of RSS over the run after its first 10 minutes (its second half, for runs
    shorter than 20 minutes) is under 1 MB per 10 minutes;
  * every request got an answer, except those a `drop` fault or the client itself ended: the
    connections the server closed unanswered equal the drops `/_fake/faults` says it injected;
  * every event the server accepted was stored once: the events_received of the clients' accepted
    answers add up to `received` in `/_fake/stats`, and held + evicted = received.

Usage: scripts/soak.py CAPI_BINARY [--minutes 60] [--clients 4] [--csv FILE]
Standard library only; Linux (reads /proc). Prints a summary and exits 1 on failure.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time

PIXEL = "1234567890"
TOKEN = "soak-token"
CONTROL = "soak-control"
EMAIL = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
MIB = 1024 * 1024

# The server's options: small caps, so that the soak reaches them within minutes.
MAX_EVENTS = 50_000
MAX_STORE_BYTES = 64 * MIB
MAX_BODY_BYTES = 10 * MIB
MAX_BODY_MEMORY = 64 * MIB
MAX_CONNECTIONS = 128
BODY_TIMEOUT = 10
WRITE_TIMEOUT = 5
FAULTS = "service-error=0.02,drop=0.01,slow=0.01"


def ceiling_bytes():
    """The README's ceiling for these options: base + 2 x store + 4 x body memory + connections."""
    return 64 * MIB + 2 * MAX_STORE_BYTES + 4 * MAX_BODY_MEMORY + MAX_CONNECTIONS * MIB // 2


def event(rng, i, padding=0):
    return {
        "event_name": rng.choice(["Purchase", "Lead", "AddToCart"]),
        "event_time": int(time.time()) - rng.randint(10, 3600),
        "event_id": f"e-{i}",
        "action_source": "email",
        "user_data": {"em": EMAIL},
        "custom_data": {"value": 1.0, "currency": "USD", "order_id": "x" * padding},
    }


def post(host, port, path, body, timeout=30):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("POST", path, body, {"content-type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def client(number, host, port, stop_at, results):
    rng = random.Random(number)
    counts = {
        "requests": 0, "answered": 0, "unanswered_edge": 0, "unanswered_other": 0,
        "abandoned": 0, "events_accepted": 0, "statuses": {},
    }
    edge = f"/v26.0/{PIXEL}/events?access_token={TOKEN}"
    serial = number * 10_000_000
    while time.time() < stop_at:
        kind = rng.choices(
            ["valid", "repeat", "invalid", "large", "listing", "stop-reading", "abandon", "stall"],
            [50, 10, 15, 3, 5, 3, 8, 2],
        )[0]
        counts["requests"] += 1
        try:
            if kind in ("valid", "repeat", "invalid", "large"):
                n = {"large": 900, "valid": rng.randint(1, 200)}.get(kind, rng.randint(1, 20))
                if kind != "repeat":
                    serial += n
                base = serial - n
                padding = 8_000 if kind == "large" else rng.randint(0, 300)
                events = [event(rng, base + i, padding) for i in range(n)]
                if kind == "invalid":
                    events[rng.randrange(n)]["user_data"]["em"] = "not-a-hash"
                status, body = post(host, port, edge, json.dumps({"data": events}).encode())
                counts["answered"] += 1
                counts["statuses"][str(status)] = counts["statuses"].get(str(status), 0) + 1
                if status == 200:
                    counts["events_accepted"] += json.loads(body)["events_received"]
            elif kind == "listing":
                conn = http.client.HTTPConnection(host, port, timeout=60)
                conn.request("GET", f"/_fake/pixels/{PIXEL}/events?limit=500",
                             headers={"x-capi-control-token": CONTROL})
                response = conn.getresponse()
                response.read()
                conn.close()
                counts["answered"] += 1
            elif kind == "stop-reading":
                sock = socket.create_connection((host, port))
                sock.sendall(f"GET /_fake/pixels/{PIXEL}/events HTTP/1.1\r\nhost: x\r\n"
                             f"x-capi-control-token: {CONTROL}\r\n\r\n".encode())
                sock.recv(1024)
                time.sleep(rng.uniform(0.1, 1.0))
                sock.close()
                counts["abandoned"] += 1
            elif kind == "abandon":
                sock = socket.create_connection((host, port))
                sock.sendall(f"POST {edge} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                             f"content-length: 100000\r\n\r\n{{\"data\": [".encode())
                sock.close()
                counts["abandoned"] += 1
            else:  # stall: announce a body, send nothing, wait for the 408
                sock = socket.create_connection((host, port))
                sock.settimeout(BODY_TIMEOUT + 10)
                sock.sendall(f"POST {edge} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                             f"content-length: 5000000\r\n\r\n".encode())
                answer = sock.recv(64)
                sock.close()
                if answer.startswith(b"HTTP/1.1 408"):
                    counts["answered"] += 1
                else:
                    counts["unanswered_other"] += 1
        except (ConnectionError, http.client.RemoteDisconnected, socket.timeout, OSError):
            if kind in ("valid", "repeat", "invalid", "large"):
                counts["unanswered_edge"] += 1
            else:
                counts["unanswered_other"] += 1
    results.put(counts)


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def slope_mb_per_10_min(samples):
    """Least-squares slope of (seconds, bytes) samples, in MB per 10 minutes."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    num = sum((t - mean_t) * (r - mean_r) for t, r in samples)
    den = sum((t - mean_t) ** 2 for t, _ in samples) or 1.0
    return num / den * 600 / 1e6


def control(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", path, headers={"x-capi-control-token": CONTROL})
    return json.loads(conn.getresponse().read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--csv", default=None)
    args = parser.parse_args()

    env = dict(os.environ, CAPI_CONTROL_TOKEN=CONTROL, SOAK_TOKENS=TOKEN)
    server = subprocess.Popen(
        [args.binary, "serve", "--addr", "127.0.0.1:0", "--log-level", "warn",
         "--token-env", "SOAK_TOKENS", "--pixel", PIXEL, "--faults", FAULTS, "--seed", "7",
         "--slow-ms", "500", "--max-events", str(MAX_EVENTS),
         "--max-store-bytes", str(MAX_STORE_BYTES), "--max-body-bytes", str(MAX_BODY_BYTES),
         "--max-body-memory", str(MAX_BODY_MEMORY), "--max-connections", str(MAX_CONNECTIONS),
         "--body-timeout", str(BODY_TIMEOUT), "--write-timeout", str(WRITE_TIMEOUT)],
        stdout=subprocess.PIPE, env=env,
    )
    url = server.stdout.readline().decode().strip()
    host, port = url.removeprefix("http://").split(":")
    port = int(port)
    started = time.time()
    stop_at = started + args.minutes * 60
    results = multiprocessing.Queue()
    clients = [multiprocessing.Process(target=client, args=(i, host, port, stop_at, results))
               for i in range(args.clients)]
    for process in clients:
        process.start()
    samples = []
    csv = open(args.csv, "w") if args.csv else None
    if csv:
        csv.write("seconds,rss_bytes\n")
    while time.time() < stop_at:
        t, rss = time.time() - started, rss_bytes(server.pid)
        samples.append((t, rss))
        if csv:
            csv.write(f"{t:.0f},{rss}\n")
            csv.flush()
        time.sleep(5)
    counts = [results.get() for _ in clients]
    for process in clients:
        process.join()
    time.sleep(2)
    faults = control(host, port, "/_fake/faults")
    stats = control(host, port, "/_fake/stats")
    server.terminate()
    exit_status = server.wait()

    total = {key: sum(c[key] for c in counts)
             for key in ["requests", "answered", "unanswered_edge", "unanswered_other",
                         "abandoned", "events_accepted"]}
    statuses = {}
    for c in counts:
        for status, n in c["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    drops = faults["injected"].get("drop", 0)
    store = stats
    warm = 600 if args.minutes >= 20 else args.minutes * 30
    after_warmup = [(t, r) for t, r in samples if t >= warm]
    slope = slope_mb_per_10_min(after_warmup)
    peak = max(r for _, r in samples)
    ceiling = ceiling_bytes()
    checks = [
        (f"peak RSS {peak / MIB:.0f} MiB under the ceiling {ceiling / MIB:.0f} MiB", peak < ceiling),
        (f"RSS slope after warm-up {slope:+.2f} MB per 10 min (under 1)", slope < 1.0),
        (f"edge requests unanswered {total['unanswered_edge']} = drops injected {drops}",
         total["unanswered_edge"] == drops),
        (f"other requests unanswered {total['unanswered_other']} = 0", total["unanswered_other"] == 0),
        (f"events accepted {total['events_accepted']} = received {store['received']}",
         total["events_accepted"] == store["received"]),
        (f"held {store['held']} + evicted {store['evicted']} = received {store['received']}",
         store["held"] + store["evicted"] == store["received"]),
        (f"capi serve stopped cleanly (exit {exit_status})", exit_status == 0),
    ]
    print(f"soak: {args.minutes:g} min, {args.clients} clients, {total['requests']} requests "
          f"({total['answered']} answered, {total['abandoned']} abandoned by the client), "
          f"statuses {dict(sorted(statuses.items()))}, faults {faults['injected']}")
    print(f"RSS: first {samples[0][1] / MIB:.0f} MiB, peak {peak / MIB:.0f} MiB, "
          f"last {samples[-1][1] / MIB:.0f} MiB, {len(samples)} samples")
    failed = False
    for text, ok in checks:
        print(("ok    " if ok else "FAIL  ") + text)
        failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
