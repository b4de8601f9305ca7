#!/usr/bin/env python3
"""Head-of-line: the latency of one client's small requests to `capi serve`, alone and while
another process uploads batches of about 10 MB in a loop. Prints p50 and p99 of each phase.

Usage: scripts/head-of-line.py CAPI_BINARY [REQUESTS]   (standard library only)
Each phase sends REQUESTS (default 2000) one-event requests on one keep-alive connection.
"""
import http.client
import json
import multiprocessing
import statistics
import subprocess
import sys
import time

PIXEL = "1234567890"
PATH = f"/v26.0/{PIXEL}/events?access_token=T"
EMAIL = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"


def event(i, padding):
    return {
        "event_name": "Purchase",
        "event_time": int(time.time()) - 60,
        "event_id": f"e-{i}",
        "action_source": "email",
        "user_data": {"em": EMAIL},
        "custom_data": {"value": 1.0, "currency": "USD", "order_id": "x" * padding},
    }


def upload_forever(host, port):
    """Posts bodies of ~9.6 MB (1,000 events) in a loop until killed."""
    body = json.dumps({"data": [event(i, 9_500) for i in range(1000)]}).encode()
    conn = http.client.HTTPConnection(host, port)
    while True:
        conn.request("POST", PATH, body, {"content-type": "application/json"})
        conn.getresponse().read()


def latencies(host, port, count):
    conn = http.client.HTTPConnection(host, port)
    body = json.dumps({"data": [event(0, 0)]}).encode()
    headers = {"content-type": "application/json"}
    times = []
    for _ in range(count):
        started = time.perf_counter()
        conn.request("POST", PATH, body, headers)
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.status
    return times


def summary(name, times):
    times = sorted(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"{name}: p50 {statistics.median(times):.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms")
    return p99


def main():
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    server = subprocess.Popen(
        [binary, "serve", "--addr", "127.0.0.1:0", "--log-level", "off", "--max-events", "10000"],
        stdout=subprocess.PIPE,
    )
    try:
        url = server.stdout.readline().decode().strip()
        host, port = url.removeprefix("http://").split(":")
        port = int(port)
        latencies(host, port, 200)  # warm-up
        alone = summary("alone", latencies(host, port, count))
        uploader = multiprocessing.Process(target=upload_forever, args=(host, port), daemon=True)
        uploader.start()
        time.sleep(1.0)
        loaded = summary("beside 10 MB uploads", latencies(host, port, count))
        uploader.terminate()
        print(f"p99 difference: {loaded - alone:.2f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
