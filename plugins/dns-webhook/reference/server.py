#!/usr/bin/env python3
"""Reference server of Portico's DNS webhook protocol, version 1 (docs/plugins/webhook-protocol.md).

Zones live in memory, optionally loaded from a JSON file. Python 3 standard library only. It listens on
127.0.0.1, port 0 (any free port) unless told otherwise, and prints `listening HOST:PORT` as the first line
of stdout once it accepts connections.

    python3 server.py --zone example.com --token-file ./token
    python3 server.py --zones zones.json --port 8888

The bearer token comes from --token-file or the PORTICO_WEBHOOK_TOKEN environment variable, never from the
command line (other users can read a process's arguments). It is never logged. `--plain` answers as a plain
external-dns webhook: no `portico` block in the negotiation, labels not kept, query filters ignored.
"""

import argparse
import hmac
import ipaddress
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MEDIA_TYPE = "application/external.dns.webhook+json;version=1"
PROTOCOL_VERSION = 1
PORTICO_VERSION = 1
COMMENT_LABEL = "portico/comment"
RECORD_TYPES = ("A", "AAAA", "CNAME", "TXT")
DEFAULT_TTL = 300
MAX_BODY_BYTES = 1024 * 1024
MAX_TXT_BYTES = 4096
MAX_LABEL_TEXT = 1024

# Every error this server answers: code -> HTTP status. The protocol's table (docs/plugins/webhook-protocol.md)
# and the plugin's (src/errors.ts) list the same codes; a test keeps the three in step.
ERRORS = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "zone_not_found": 404,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "record_exists": 409,
    "cname_conflict": 409,
    "stale_update": 409,
    "length_required": 411,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "invalid_record": 422,
    "outside_zones": 422,
    "duplicate_record": 422,
    "rate_limited": 429,
    "internal": 500,
    "unsupported_record_type": 501,
    "unavailable": 503,
}

LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")


class ProtocolError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.status = ERRORS[code]
        self.message = message


def normal_name(name):
    return name.strip().lower().rstrip(".")


def check_name(name, what="dnsName"):
    """A record name: absolute, lower case, no trailing dot; `*` only as the first label."""
    if not isinstance(name, str) or not name.strip():
        raise ProtocolError("invalid_record", f"{what} must be a non-empty string")
    name = normal_name(name)
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2:
        raise ProtocolError("invalid_record", f"{what} {name!r} is not an absolute name")
    for i, label in enumerate(labels):
        if label == "*" and i == 0:
            continue
        if not LABEL.match(label):
            raise ProtocolError("invalid_record", f"{what} {name!r} has an invalid label {label!r}")
    return name


def in_zone(name, zone):
    return name == zone or name.endswith("." + zone)


def canonical_target(rtype, target):
    if not isinstance(target, str):
        raise ProtocolError("invalid_record", f"{rtype} targets must be strings")
    if rtype == "A":
        try:
            return str(ipaddress.IPv4Address(target.strip()))
        except ValueError:
            raise ProtocolError("invalid_record", f"{target!r} is not an IPv4 address") from None
    if rtype == "AAAA":
        try:
            return str(ipaddress.IPv6Address(target.strip()))
        except ValueError:
            raise ProtocolError("invalid_record", f"{target!r} is not an IPv6 address") from None
    if rtype == "CNAME":
        return check_name(target, "CNAME target")
    if len(target.encode("utf-8")) > MAX_TXT_BYTES:
        raise ProtocolError("invalid_record", f"a TXT target is longer than {MAX_TXT_BYTES} bytes")
    return target


def same_targets(rtype, a, b):
    if rtype == "TXT":
        return sorted(a) == sorted(b)
    return sorted(canonical_target(rtype, t) for t in a) == sorted(canonical_target(rtype, t) for t in b)


def parse_endpoint(raw, plain, need_targets=True):
    """A wire endpoint -> (name, type, ttl, targets, labels), canonical; raises ProtocolError."""
    if not isinstance(raw, dict):
        raise ProtocolError("bad_request", "an endpoint must be a JSON object")
    name = check_name(raw.get("dnsName"))
    rtype = raw.get("recordType")
    if not isinstance(rtype, str) or not rtype:
        raise ProtocolError("invalid_record", f"{name}: recordType must be a non-empty string")
    rtype = rtype.upper()
    if rtype not in RECORD_TYPES:
        raise ProtocolError("unsupported_record_type", f"{name}: record type {rtype} is not supported (A, AAAA, CNAME, TXT)")
    if raw.get("setIdentifier"):
        raise ProtocolError("invalid_record", f"{name} {rtype}: setIdentifier is not supported")
    ttl = raw.get("recordTTL", 0)
    if ttl is None:
        ttl = 0
    if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0 or ttl > 2147483647:
        raise ProtocolError("invalid_record", f"{name} {rtype}: recordTTL must be a whole number of seconds")
    targets = raw.get("targets", [])
    if not isinstance(targets, list):
        raise ProtocolError("bad_request", f"{name} {rtype}: targets must be an array")
    targets = [canonical_target(rtype, t) for t in targets]
    if len(set(targets)) != len(targets):
        raise ProtocolError("invalid_record", f"{name} {rtype}: a target appears twice")
    if need_targets and not targets:
        raise ProtocolError("invalid_record", f"{name} {rtype}: targets must not be empty")
    if rtype == "CNAME" and len(targets) > 1:
        raise ProtocolError("invalid_record", f"{name}: a CNAME has one target")
    labels = raw.get("labels") or {}
    if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        raise ProtocolError("bad_request", f"{name} {rtype}: labels must be an object of strings")
    if any(len(v) > MAX_LABEL_TEXT for v in labels.values()):
        raise ProtocolError("invalid_record", f"{name} {rtype}: a label is longer than {MAX_LABEL_TEXT} characters")
    return name, rtype, ttl or DEFAULT_TTL, targets, ({} if plain else dict(labels))


class Store:
    """Zones and their record sets, keyed by (name, type). One lock: every change is all or nothing."""

    def __init__(self, zones):
        self.lock = threading.Lock()
        self.zones = {}  # zone name -> nameservers
        self.sets = {}  # (name, type) -> {"ttl", "targets", "labels"}
        for zone in zones:
            name = normal_name(zone["name"])
            if not name or not all(LABEL.match(label) for label in name.split(".")):
                raise ProtocolError("invalid_record", f"zone name {zone['name']!r} is not a domain name")
            self.zones[name] = [normal_name(ns) for ns in zone.get("nameservers", [])]
        for zone in zones:
            for raw in zone.get("records", []):
                rname, rtype, ttl, targets, labels = parse_endpoint(raw, plain=False)
                self.zone_of(rname)
                self.sets[(rname, rtype)] = {"ttl": ttl, "targets": targets, "labels": labels}

    def zone_of(self, name):
        """The longest zone served that holds `name`."""
        best = None
        for zone in self.zones:
            if in_zone(name, zone) and (best is None or len(zone) > len(best)):
                best = zone
        if best is None:
            raise ProtocolError("outside_zones", f"{name} is in no zone this server serves")
        return best

    def records(self, zone=None, names=None):
        with self.lock:
            if zone is not None and zone not in self.zones:
                raise ProtocolError("zone_not_found", f"this server does not serve zone {zone}")
            wanted = set(names) if names else None
            out = []
            for (name, rtype), rrset in sorted(self.sets.items()):
                if zone is not None and self.zone_of(name) != zone:
                    continue
                if wanted is not None and name not in wanted:
                    continue
                endpoint = {"dnsName": name, "recordType": rtype, "targets": list(rrset["targets"]), "recordTTL": rrset["ttl"]}
                if rrset["labels"]:
                    endpoint["labels"] = dict(rrset["labels"])
                out.append(endpoint)
            return out

    def apply(self, changes, plain):
        """Validate every change against the state, then apply them all, or raise and apply none."""
        lists = {}
        for key in ("create", "updateOld", "updateNew", "delete"):
            value = changes.get(key)
            value = [] if value is None else value
            if not isinstance(value, list):
                raise ProtocolError("bad_request", f"{key} must be an array of endpoints")
            lists[key] = value
        if len(lists["updateOld"]) != len(lists["updateNew"]):
            raise ProtocolError("bad_request", "updateOld and updateNew must have the same length (paired by index)")
        creates = [parse_endpoint(e, plain) for e in lists["create"]]
        olds = [parse_endpoint(e, plain, need_targets=False) for e in lists["updateOld"]]
        news = [parse_endpoint(e, plain) for e in lists["updateNew"]]
        deletes = [parse_endpoint(e, plain, need_targets=False) for e in lists["delete"]]
        touched = set()

        def claim(name, rtype):
            self.zone_of(name)
            if (name, rtype) in touched:
                raise ProtocolError("duplicate_record", f"{name} {rtype} appears more than once in one change")
            touched.add((name, rtype))

        for old, new in zip(olds, news):
            if old[:2] != new[:2]:
                raise ProtocolError("bad_request", f"updateOld {old[0]} {old[1]} is paired with updateNew {new[0]} {new[1]}")
        with self.lock:
            sets = dict(self.sets)
            for name, rtype, _ttl, targets, _labels in deletes:
                claim(name, rtype)
                current = sets.get((name, rtype))
                if current is None:
                    continue  # deleting what is not there changes nothing
                if targets and not same_targets(rtype, targets, current["targets"]):
                    raise ProtocolError("stale_update", f"{name} {rtype} is not what the delete expected (changed since it was read)")
                del sets[(name, rtype)]
            for (name, rtype, _t, old_targets, _l), (_n, _r, ttl, targets, labels) in zip(olds, news):
                claim(name, rtype)
                current = sets.get((name, rtype))
                if current is None or (old_targets and not same_targets(rtype, old_targets, current["targets"])):
                    raise ProtocolError("stale_update", f"{name} {rtype} is not what the update expected (changed since it was read)")
                sets[(name, rtype)] = {"ttl": ttl, "targets": targets, "labels": labels}
            for name, rtype, ttl, targets, labels in creates:
                claim(name, rtype)
                if (name, rtype) in sets:
                    raise ProtocolError("record_exists", f"{name} {rtype} already exists")
                sets[(name, rtype)] = {"ttl": ttl, "targets": targets, "labels": labels}
            for name, rtype in touched:
                if (name, rtype) not in sets:
                    continue
                others = [t for (n, t) in sets if n == name and t != rtype]
                if others and (rtype == "CNAME" or "CNAME" in others):
                    raise ProtocolError("cname_conflict", f"{name}: a CNAME cannot share its name with other records ({', '.join(sorted(others + [rtype]))})")
            self.sets = sets


def parse_media_type(value):
    """'type/sub; a=b' -> ('type/sub', {'a': 'b'})."""
    parts = [p.strip() for p in value.split(";")]
    params = {}
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            params[k.strip().lower()] = v.strip().strip('"')
    return parts[0].lower(), params


def accepts_v1(header):
    if not header:
        return True
    for item in header.split(","):
        mtype, params = parse_media_type(item)
        if mtype in ("*/*", "application/*", "application/json"):
            return True
        if mtype == "application/external.dns.webhook+json" and params.get("version", str(PROTOCOL_VERSION)) == str(PROTOCOL_VERSION):
            return True
    return False


def make_handler(store, token, plain):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "portico-webhook-reference/1"
        # A client that stops sending in the middle of a request does not hold a thread for ever.
        timeout = 30
        # Headers and body go out as separate writes: without this, Nagle's algorithm holds the body back until
        # the client's delayed ACK (some 40 ms per answer on Linux).
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):
            # The request line and status only: never headers, so never the token.
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

        def send_json(self, status, body, extra_headers=()):
            data = json.dumps(body, separators=(",", ":")).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", MEDIA_TYPE)
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra_headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def send_error_body(self, error):
            headers = [("WWW-Authenticate", 'Bearer realm="portico-webhook"')] if error.code == "unauthorized" else []
            self.send_json(error.status, {"error": {"code": error.code, "message": error.message}}, headers)

        def authorised(self):
            if token is None:
                return True
            header = self.headers.get("Authorization", "")
            scheme, _, presented = header.partition(" ")
            return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode("utf-8"), token.encode("utf-8"))

        def read_json(self):
            ctype = self.headers.get("Content-Type")
            if ctype:
                mtype, params = parse_media_type(ctype)
                v1 = mtype == "application/external.dns.webhook+json" and params.get("version", "1") == str(PROTOCOL_VERSION)
                if not (v1 or mtype == "application/json"):
                    raise ProtocolError("unsupported_media_type", f"Content-Type {mtype} is not {MEDIA_TYPE}")
            length = self.headers.get("Content-Length")
            if length is None:
                raise ProtocolError("length_required", "a request body needs a Content-Length")
            if not length.strip().isdigit():
                raise ProtocolError("bad_request", "Content-Length is not a number")
            size = int(length)
            if size > MAX_BODY_BYTES:
                raise ProtocolError("payload_too_large", f"the body is larger than {MAX_BODY_BYTES} bytes")
            self.body_read = True
            raw = self.rfile.read(size)
            try:
                return json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ProtocolError("bad_request", "the body is not JSON") from None

        def handle_request(self, method):
            url = urlsplit(self.path)
            path = url.path.rstrip("/") or "/"
            if path == "/healthz" and method == "GET":
                data = b"ok"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            routes = {"/": ("GET",), "/records": ("GET", "POST"), "/adjustendpoints": ("POST",)}
            if path not in routes:
                raise ProtocolError("not_found", f"no such endpoint: {path}")
            if not self.authorised():
                raise ProtocolError("unauthorized", "a valid bearer token is required")
            if method not in routes[path]:
                raise ProtocolError("method_not_allowed", f"{method} is not allowed on {path}")
            if not accepts_v1(self.headers.get("Accept")):
                raise ProtocolError("not_acceptable", f"this server speaks {MEDIA_TYPE} only")
            query = parse_qs(url.query)
            if path == "/":
                self.negotiate()
            elif path == "/records" and method == "GET":
                zone = None if plain or "zone" not in query else normal_name(query["zone"][-1])
                names = None if plain else [normal_name(n) for n in query.get("name", [])]
                self.send_json(200, store.records(zone, names))
            elif path == "/records":
                body = self.read_json()
                if not isinstance(body, dict):
                    raise ProtocolError("bad_request", "the body must be an object with create, updateOld, updateNew, delete")
                store.apply(body, plain)
                self.send_response(204)
                self.end_headers()
            else:
                body = self.read_json()
                if not isinstance(body, list):
                    raise ProtocolError("bad_request", "the body must be an array of endpoints")
                adjusted = []
                for raw in body:
                    name, rtype, ttl, targets, labels = parse_endpoint(raw, plain, need_targets=False)
                    endpoint = {"dnsName": name, "recordType": rtype, "targets": targets, "recordTTL": ttl}
                    if labels:
                        endpoint["labels"] = labels
                    adjusted.append(endpoint)
                self.send_json(200, adjusted)

        def negotiate(self):
            zones = sorted(store.zones)
            body = {"include": zones}
            if not plain:
                body["portico"] = {
                    "version": PORTICO_VERSION,
                    "comments": True,
                    "zones": [{"name": z, "nameservers": store.zones[z]} for z in zones],
                }
            self.send_json(200, body, [("Vary", "Content-Type")])

        def dispatch(self, method):
            self.body_read = False
            try:
                self.handle_request(method)
            except ProtocolError as error:
                self.discard_body()
                self.send_error_body(error)
            except Exception as error:  # noqa: BLE001 - any bug answers 500 in the protocol's shape
                sys.stderr.write(f"internal error: {type(error).__name__}\n")
                self.discard_body()
                self.send_error_body(ProtocolError("internal", "the server failed; see its log"))

        def discard_body(self):
            # An error answered before the body was read: read a small body so the connection stays usable;
            # close the connection after a large one.
            length = self.headers.get("Content-Length")
            if self.body_read or not length:
                return
            if length.isdigit() and int(length) <= MAX_BODY_BYTES:
                try:
                    self.rfile.read(int(length))
                    return
                except OSError:
                    pass
            self.close_connection = True

        def do_GET(self):
            self.dispatch("GET")

        def do_POST(self):
            self.dispatch("POST")

        def do_PUT(self):
            self.dispatch("PUT")

        def do_DELETE(self):
            self.dispatch("DELETE")

        def do_PATCH(self):
            self.dispatch("PATCH")

    return Handler


def load_zones(args):
    zones = []
    if args.zones:
        with open(args.zones, encoding="utf-8") as f:
            data = json.load(f)
        zones.extend(data["zones"] if isinstance(data, dict) else data)
    zones.extend({"name": name} for name in args.zone)
    return zones


def load_token(args):
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.read().strip()
    else:
        token = os.environ.get("PORTICO_WEBHOOK_TOKEN", "").strip()
    return token or None


def main():
    parser = argparse.ArgumentParser(description="Reference server of Portico's DNS webhook protocol (version 1).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: any free port)")
    parser.add_argument("--zones", help='JSON file: {"zones": [{"name", "nameservers"?, "records"?: [endpoint]}]}')
    parser.add_argument("--zone", action="append", default=[], help="serve this (empty) zone; repeatable")
    parser.add_argument("--token-file", help="file holding the bearer token (else $PORTICO_WEBHOOK_TOKEN; none: no auth)")
    parser.add_argument("--plain", action="store_true", help="answer as a plain external-dns webhook (no Portico extensions)")
    args = parser.parse_args()
    try:
        store = Store(load_zones(args))
        token = load_token(args)
    except (OSError, ValueError, KeyError, TypeError, ProtocolError) as error:
        sys.stderr.write(f"cannot start: {getattr(error, 'message', error)}\n")
        return 2
    server = ThreadingHTTPServer((args.host, args.port), make_handler(store, token, args.plain))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    print(f"listening {host}:{port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
