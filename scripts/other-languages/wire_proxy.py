"""A recording HTTP proxy in front of `capi serve` (run by other-languages.sh).

Usage: python wire_proxy.py UPSTREAM_BASE_URL

Prints its own base URL as the first line of stdout, then forwards every request to UPSTREAM_BASE_URL
unchanged and hands the answer back unchanged. For each request to the events edge (any path that is
not under /_fake/) it records where the access token travelled, as the generated client put it on the
wire; GET /_wire/last answers that record for the latest such request (404 before the first, and
after a POST /_fake/reset, which also clears it):
  {"method", "path", "query_tokens": [every access_token value in the query string, in order],
   "authorization": the Authorization header or null, "body_tokens": [access_token in the JSON body]}
"""

import http.client
import http.server
import json
import sys
import threading
import urllib.parse

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection",
       "content-length", "host"}
last = {}
lock = threading.Lock()


def body_tokens(raw, content_type):
    if "json" not in (content_type or ""):
        return []
    try:
        doc = json.loads(raw)
    except ValueError:
        return []
    return [doc["access_token"]] if isinstance(doc, dict) and "access_token" in doc else []


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the checkers report
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def answer(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        body = self.read_body()
        target = urllib.parse.urlsplit(self.path)
        if target.path == "/_wire/last":
            with lock:
                rec = dict(last)
            out = json.dumps(rec).encode()
            self.answer(200 if rec else 404, [("Content-Type", "application/json")], out)
            return
        if target.path == "/_fake/reset":  # each send starts with a reset: no record left from the last one
            with lock:
                last.clear()
        elif not target.path.startswith("/_fake/"):
            query = urllib.parse.parse_qs(target.query, keep_blank_values=True)
            rec = {"method": self.command, "path": target.path,
                   "query_tokens": query.get("access_token", []),
                   "authorization": self.headers.get("Authorization"),
                   "body_tokens": body_tokens(body, self.headers.get("Content-Type"))}
            with lock:
                last.clear()
                last.update(rec)
        conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        try:
            conn.request(self.command, self.path, body=body if body or self.command in ("POST", "PUT") else None,
                         headers=headers)
            r = conn.getresponse()
            self.answer(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
