#!/usr/bin/python3
"""tokenserver.py - a registry token server for gotc's tests (the bearer-token
flow of the distribution registry's `auth: token:`), over HTTPS on 127.0.0.1.

GET /token?service=S&scope=SCOPE[&scope=SCOPE...] with HTTP basic credentials
answers {"token": JWT, "access_token": JWT, "expires_in": N} when the user and
password match a --user entry, else 401.  Each scope is
repository:NAME:ACTIONS; the token grants the requested actions the user is
allowed (--user NAME:PASSWORD:pull[,push]), nothing else, as token servers do
(the registry then refuses what was not granted).  A scope parameter holding
several space-separated scopes is refused with 400: the token spec passes
each as its own scope parameter.

The JWT is RS256, signed with --sign-key; its header carries the signing
certificate (x5c), which the registry's rootcertbundle must hold.  Claims:
iss (--issuer), aud (the service asked for, which must be --service), sub,
iat, nbf, exp (now + --expires), jti, access.

--log FILE appends one line per request: "USER STATUS SCOPE..." (USER - when
none was given).  The chosen port is written to --port-file.  Exits on
SIGTERM/SIGINT or after --lifetime seconds (httpd.serve).
"""
import argparse
import base64
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse

import jwt  # python3-jwt
from cryptography import x509  # python3-cryptography
from cryptography.hazmat.primitives import serialization

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httpd import serve  # noqa: E402 (tests/lib)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "gotc-test-tokenserver"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, user, scopes, extra=()):
        srv = self.server
        if srv.logfile:
            with srv.lock:
                with open(srv.logfile, "a") as f:
                    f.write("%s %d %s\n" % (user or "-", status, " ".join(scopes) or "-"))
        data = (json.dumps(body) + "\n").encode()
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def credentials(self):
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            return None, None
        try:
            user, _, pw = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, None
        return user, pw

    def do_GET(self):
        srv = self.server
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        scopes = q.get("scope", [])
        user, pw = self.credentials()
        if url.path != "/token":
            return self.answer(404, {"error": "not found"}, user, scopes)
        if user is None or srv.users.get(user, (None,))[0] != pw:
            return self.answer(401, {"error": "bad credentials"}, user, scopes,
                               [("WWW-Authenticate", 'Basic realm="gotc-test-token"')])
        if q.get("service", [""])[0] != srv.service:
            return self.answer(400, {"error": "unknown service"}, user, scopes)
        access = []
        for s in scopes:
            if not s:
                continue
            parts = s.split(":")
            if " " in s or len(parts) != 3 or parts[0] != "repository":
                return self.answer(400, {"error": "bad scope %r" % s}, user, scopes)
            allowed = srv.users[user][1]
            granted = [a for a in parts[2].split(",") if a in allowed]
            access.append({"type": "repository", "name": parts[1], "actions": granted})
        now = int(time.time())
        claims = {"iss": srv.issuer, "sub": user, "aud": srv.service, "iat": now, "nbf": now - 5,
                  "exp": now + srv.expires, "jti": secrets.token_hex(16), "access": access}
        token = jwt.encode(claims, srv.sign_key, algorithm="RS256", headers={"x5c": [srv.x5c]})
        self.answer(200, {"token": token, "access_token": token, "expires_in": srv.expires},
                    user, scopes)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description="gotc test registry token server")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), required=True)
    ap.add_argument("--sign-key", required=True)
    ap.add_argument("--sign-cert", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--user", action="append", default=[], help="NAME:PASSWORD:ACTIONS")
    ap.add_argument("--expires", type=int, default=300)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=600)
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    srv.lock = threading.Lock()
    srv.logfile = args.log
    srv.issuer, srv.service, srv.expires = args.issuer, args.service, args.expires
    srv.users = {}
    for u in args.user:
        name, pw, actions = u.split(":", 2)
        srv.users[name] = (pw, actions.split(","))
    with open(args.sign_key, "rb") as f:
        srv.sign_key = serialization.load_pem_private_key(f.read(), password=None)
    with open(args.sign_cert, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    srv.x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    serve(srv, args.tls, args.port_file, args.lifetime)


if __name__ == "__main__":
    main()
