#!/usr/bin/env python3
"""httpd.py - loopback HTTP(S) server for gotc's tests (stdlib only).

Serves --root over HTTP/1.1 on 127.0.0.1 with Range support.  The chosen port is
printed as the first line of stdout (and written to --port-file).  Faults are
selected by a path prefix, counted per path:

  /fault/503-then-ok/F   first request 503, then F
  /fault/429-then-ok/F   first request 429 (Retry-After: 0), then F
  /fault/reset/F         first request: half the body, then a TCP reset; later
                         requests (with Range: 206) are served normally
  /fault/reset-norange/F the same, but later requests ignore Range (200, whole file)
  /fault/stall/F         a few KiB of the body, then silence until the client leaves
  /fault/wrong/F         bytes of the same length that are not F
  /fault/404/F           always 404
  /fault/long/F          F plus 4 KiB of junk, with the longer Content-Length

--log FILE appends "METHOD PATH RANGE STATUS" per request.  --rate caps each
connection's bandwidth.  Exits on SIGTERM/SIGINT or after --lifetime seconds.
"""
import argparse
import http.server
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time

STALL_BYTES = 8192
LONG_EXTRA = 4096


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "gotc-test-httpd"

    def log_message(self, fmt, *args):
        pass

    def log(self, status, rng):
        srv = self.server
        if srv.logfile:
            with srv.lock:
                with open(srv.logfile, "a") as f:
                    f.write("%s %s %s %d\n" % (self.command, self.path, rng or "-", status))

    def count(self):
        with self.server.lock:
            n = self.server.counts.get(self.path, 0)
            self.server.counts[self.path] = n + 1
            return n

    def send_plain(self, status, extra=()):
        body = ("%d\n" % status).encode()
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_body(self, data):
        rate = self.server.rate
        step = 65536 if not rate else max(1024, rate // 20)
        for off in range(0, len(data), step):
            t0 = time.monotonic()
            self.wfile.write(data[off:off + step])
            if rate:
                want = len(data[off:off + step]) / rate
                spent = time.monotonic() - t0
                if want > spent:
                    time.sleep(want - spent)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        fault = None
        if path.startswith("/fault/"):
            parts = path.split("/", 3)
            if len(parts) < 4:
                self.log(404, None)
                return self.send_plain(404)
            fault, path = parts[2], "/" + parts[3]
        rng = self.headers.get("Range")
        full = os.path.realpath(os.path.join(self.server.root, path.lstrip("/")))
        if not full.startswith(self.server.root + os.sep) or not os.path.isfile(full):
            self.log(404, rng)
            return self.send_plain(404)
        n = self.count()
        if fault == "404":
            self.log(404, rng)
            return self.send_plain(404)
        if fault in ("503-then-ok", "429-then-ok") and n == 0:
            status = int(fault[:3])
            self.log(status, rng)
            return self.send_plain(status, [("Retry-After", "0")] if status == 429 else [])
        with open(full, "rb") as f:
            data = f.read()
        if fault == "wrong":
            data = bytes(b ^ 0x5A for b in data)
        elif fault == "long":
            data += b"X" * LONG_EXTRA
        size = len(data)
        start, end, status = 0, size - 1, 200
        rng_used = None if fault == "reset-norange" else rng
        if rng_used and rng_used.startswith("bytes=") and "," not in rng_used:
            a, _, b = rng_used[6:].partition("-")
            try:
                if a:
                    start, end = int(a), int(b) if b else size - 1
                else:
                    start, end = max(0, size - int(b)), size - 1
            except ValueError:
                start, end = 0, size - 1
            else:
                if start >= size or start > end:
                    self.log(416, rng)
                    return self.send_plain(416, [("Content-Range", "bytes */%d" % size)])
                end = min(end, size - 1)
                status = 206
        body = data[start:end + 1]
        self.log(status, rng)
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body)))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if self.command == "HEAD":
            return
        if fault in ("reset", "reset-norange") and n == 0:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault == "stall":
            self.wfile.write(body[:STALL_BYTES])
            self.wfile.flush()
            self.stall()
            self.close_connection = True
            return
        self.send_body(body)

    def stall(self):
        """Send nothing until the client hangs up (or the server's lifetime ends)."""
        sock = self.connection
        sock.settimeout(0.1)
        while True:
            try:
                if not sock.recv(1, socket.MSG_PEEK):
                    return
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            except OSError:
                return
            time.sleep(0.1)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up or refuse our certificate are expected here


def main():
    ap = argparse.ArgumentParser(description="gotc test HTTP server")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--rate", type=int, default=0, help="bytes per second per connection")
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()

    srv = Server(("127.0.0.1", args.port), Handler)
    srv.root = os.path.realpath(args.root)
    srv.rate = args.rate
    srv.logfile = args.log
    srv.lock = threading.Lock()
    srv.counts = {}
    serve(srv, args.tls, args.port_file, args.lifetime)


def serve(srv, tls, port_file, lifetime):
    """Serve srv (over TLS with tls = (CERT, KEY) when given) until SIGTERM,
    SIGINT or lifetime seconds; its port goes to stdout and port_file."""
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[0], tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    port = srv.server_address[1]
    if port_file:
        tmp = port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, port_file)
    print(port, flush=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    stop.wait(lifetime)
    sys.exit(0)  # daemon threads, stalled ones included, die with us


if __name__ == "__main__":
    main()
