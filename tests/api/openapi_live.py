#!/usr/bin/env python3
"""Every operation of docs/openapi.json, called on the real server, each answer checked.

Starts the convene binary on a fresh database (email as .eml files beside it), walks what
people do with the API (accounts, sessions, slides, co-facilitators, joining, the live socket,
events, registration, team and speakers, admin, health, pages), and checks each answer against
the OpenAPI document: the operation exists for that method and path, the status is one it
lists, the content type is one it lists for that status, and a JSON body validates against the
schema (JSON Schema 2020-12, with Debian's python3-jsonschema). Fails when any answer does not,
when a step gets another status than the one it expects, or when an operation of the document
was never called.

Usage: openapi_live.py --binary build/convene --spec docs/openapi.json
"""
import argparse
import base64
import copy
import datetime
import email
import email.policy
import http.client
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

import jsonschema

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class Spec:
    """The OpenAPI document: its operations by method and path template, and their schemas."""

    def __init__(self, path):
        self.doc = json.loads(pathlib.Path(path).read_text())
        self.operations = {}
        for template, item in self.doc["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)) + "$"
            literal = len([s for s in template.split("/") if s and not s.startswith("{")])
            for method in METHODS:
                if method in item:
                    self.operations[(method.upper(), template)] = (re.compile(pattern), literal,
                                                                   item[method])
        self.called = set()

    def inline(self, schema):
        """The schema with every local $ref replaced by what it points to."""
        if isinstance(schema, list):
            return [self.inline(s) for s in schema]
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            target = self.doc
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target[part]
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return self.inline({**copy.deepcopy(target), **rest})
        return {k: self.inline(v) for k, v in schema.items()}

    def find(self, method, path):
        """The template and operation for a request, the most literal segments winning."""
        found = [(literal, template, op) for (m, template), (rx, literal, op)
                 in self.operations.items() if m == method and rx.match(path)]
        if not found:
            return None, None
        _, template, op = max(found, key=lambda f: f[0])
        return template, op

    def check(self, method, path, status, content_type, body):
        """Problems of one answer against the document (empty when it conforms)."""
        template, op = self.find(method, path.split("?")[0])
        if op is None:
            return ["%s %s: no such operation in the document" % (method, path)]
        self.called.add((method, template))
        where = "%s %s -> %d" % (method, template, status)
        responses = op.get("responses", {})
        response = responses.get(str(status)) or responses.get("%dXX" % (status // 100)) or \
            responses.get("default")
        if response is None:
            return ["%s: status not in the document (it lists %s)" % (where, sorted(responses))]
        response = self.inline(response)
        content = response.get("content")
        if not content:
            return [] if not body else ["%s: a body where the document has none" % where]
        media = (content_type or "").split(";")[0].strip().lower()
        # The document's keys may carry parameters (`text/plain; version=0.0.4`).
        keys = [k for k in content if k.split(";")[0].strip().lower() == media]
        if not keys:
            return ["%s: content type %r not in %s" % (where, content_type, sorted(content))]
        schema = content[keys[0]].get("schema")
        if schema is None or media != "application/json":
            return []
        try:
            value = json.loads(body)
        except ValueError as error:
            return ["%s: body is not JSON: %s" % (where, error)]
        validator = jsonschema.Draft202012Validator(schema)
        return ["%s: %s at %s" % (where, e.message, "/".join(map(str, e.absolute_path)) or "/")
                for e in validator.iter_errors(value)]


class Server:
    """The convene binary on a fresh database, its output read by a thread."""

    def __init__(self, binary, directory):
        self.db = os.path.join(directory, "convene.db")
        self.mail = self.db + "-mail"
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--db", self.db, "--log-level", "info"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = []
        self.port = None
        self.listening = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        self.listening.wait(timeout=60)
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("convene did not start:\n" + "".join(self.output))
        self.base = "http://127.0.0.1:%d" % self.port

    def _read(self):
        """Keeps its output (so that the pipe never fills) and notes the port it listens on."""
        for line in self.proc.stdout:
            self.output.append(line)
            match = self.port is None and re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if match:
                self.port = int(match.group(1))
                self.listening.set()
        self.listening.set()  # it ended without listening

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(timeout=30)

    def email_to(self, address, pattern, timeout=10):
        """The first match of `pattern` in an email to `address` (written by the outbox)."""
        deadline = time.monotonic() + timeout
        while True:
            for name in sorted(os.listdir(self.mail)) if os.path.isdir(self.mail) else []:
                message = email.message_from_bytes(pathlib.Path(self.mail, name).read_bytes(),
                                                   policy=email.policy.default)
                if address not in str(message["To"]).lower():
                    continue
                for part in message.walk():
                    if part.get_content_maintype() == "text":
                        match = re.search(pattern, part.get_content())
                        if match:
                            return match
            if time.monotonic() > deadline:
                raise AssertionError("no email to %s matching %s" % (address, pattern))
            time.sleep(0.05)  # polling interval for a file written by another process


class Tour:
    """Calls the server as a person would and checks every answer."""

    def __init__(self, spec, server):
        self.spec, self.server = spec, server
        self.problems = []
        self.answers = 0

    def call(self, method, path, body=None, expect=200, person=None, headers=None, raw=None):
        sent = {"Origin": self.server.base}
        if person and person.get("cookie"):
            sent["Cookie"] = person["cookie"]
        if person and person.get("bearer"):
            sent["Authorization"] = "Bearer " + person["bearer"]
        payload = raw
        if body is not None:
            payload = json.dumps(body)
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        self.answers += 1
        cookie = response.getheader("Set-Cookie")
        if person is not None and cookie and cookie.startswith("convene_session="):
            person["cookie"] = cookie.split(";")[0]
        content_type = response.getheader("Content-Type")
        text = data.decode("utf-8", "replace") if data else ""
        self.problems += self.spec.check(method, path, response.status, content_type,
                                         text if "json" in (content_type or "") else data)
        if response.status != expect:
            self.problems.append("%s %s: expected %d, got %d: %s" % (
                method, path, expect, response.status, text[:300]))
        if "json" in (content_type or "") and text:
            return json.loads(text)
        return data

    def upgrade(self, path, expect=101):
        """A WebSocket handshake by hand; a refusal is an HTTP answer, checked as the rest."""
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as sock:
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n" % (path, key)).encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            headers = {k.lower(): v for k, v in headers.items()}
            # After a 101 the bytes are WebSocket frames (the first state message may come in
            # the same read), not an HTTP body: only Content-Length says what the body is.
            length = int(headers.get("content-length", "0"))
            while len(body) < length:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                body += chunk
            body = body[:length]
        status = int(lines[0].split(" ", 2)[1]) if lines[0].startswith("HTTP/1.1 ") else 0
        self.answers += 1
        self.problems += self.spec.check("GET", path, status, headers.get("content-type"),
                                         body.decode("utf-8", "replace"))
        if status != expect:
            self.problems.append("GET %s: expected %d, got %d" % (path, expect, status))


def walk(tour, server):
    call = tour.call
    ann, bo, nobody = {}, {}, {}

    # Health and accounts.
    call("GET", "/healthz")
    call("GET", "/readyz")
    call("GET", "/api/auth/options")
    call("GET", "/api/me", expect=401, person=nobody)
    call("POST", "/api/auth/signup", {"email": "ann@example.org", "password": "long enough",
                                      "name": "Ann"}, expect=201, person=ann)
    call("POST", "/api/auth/signup", {"email": "ann@example.org", "password": "long enough",
                                      "name": "Ann"}, expect=409)
    call("POST", "/api/auth/signup", {"email": "bo@example.org", "password": "long enough",
                                      "name": "Bo"}, expect=201, person=bo)
    call("POST", "/api/auth/login", {"email": "ann@example.org", "password": "wrong one"},
         expect=401)
    call("POST", "/api/auth/login", {"email": "ann@example.org", "password": "long enough"},
         person=ann)
    call("GET", "/api/me", person=ann)
    call("PATCH", "/api/me", {"name": "Ann Lee", "default_session_days": 10}, person=ann)
    call("PATCH", "/api/me", {"default_session_days": 0}, expect=422, person=ann)
    call("POST", "/api/me/password", {"current_password": "long enough",
                                      "new_password": "longer still"}, expect=204, person=ann)
    token = call("POST", "/api/tokens", {"name": "scripts"}, expect=201, person=ann)
    admin = {"bearer": token["token"]}
    spare = call("POST", "/api/tokens", {"name": "spare"}, expect=201, person=ann)
    call("GET", "/api/tokens", person=ann)
    call("DELETE", "/api/tokens/" + spare["id"], expect=204, person=ann)
    call("DELETE", "/api/tokens/" + spare["id"], expect=404, person=ann)

    # Sessions, slides, sharing.
    session = call("POST", "/api/sessions", {"title": "Weekly sync"}, expect=201, person=ann)
    sid = session["id"]
    call("POST", "/api/sessions", {"title": ""}, expect=422, person=ann)
    call("GET", "/api/sessions?status=open", person=ann)
    call("GET", "/api/sessions/" + sid, person=ann)
    call("GET", "/api/sessions/nothing-here", expect=404, person=ann)
    call("PATCH", "/api/sessions/" + sid, {"title": "Weekly sync (Q4)"}, person=ann)
    slide = call("POST", "/api/sessions/%s/slides" % sid, {"title": "Agenda", "body": "Two points"},
                 expect=201, person=ann)
    call("GET", "/api/sessions/%s/slides" % sid, person=ann)
    call("PATCH", "/api/sessions/%s/slides/%s" % (sid, slide["id"]), {"title": "Today"},
         person=ann)
    call("POST", "/api/sessions/%s/slides/%s/activate" % (sid, slide["id"]), person=ann)
    extra = call("POST", "/api/sessions/%s/slides" % sid, {"title": "Spare"}, expect=201,
                 person=ann)
    call("DELETE", "/api/sessions/%s/slides/%s" % (sid, extra["id"]), expect=204, person=ann)
    added = call("POST", "/api/sessions/%s/facilitators" % sid, {"email": "bo@example.org"},
                 expect=201, person=ann)
    invited = call("POST", "/api/sessions/%s/facilitators" % sid, {"email": "cy@example.org"},
                   expect=201, person=ann)
    call("GET", "/api/sessions/%s/facilitators" % sid, person=bo)
    call("POST", "/api/sessions/%s/close" % sid, expect=403, person=bo)
    call("DELETE", "/api/sessions/%s/facilitators/invitations/%s" % (
        sid, invited["invitation"]["id"]), expect=204, person=ann)
    call("DELETE", "/api/sessions/%s/facilitators/%s" % (
        sid, added["facilitator"]["user_id"]), expect=204, person=ann)
    call("POST", "/api/sessions/%s/invitations" % sid, {"emails": "dee@example.org, nope"},
         expect=202, person=ann)
    call("GET", "/api/sessions/%s/qr.svg" % sid, person=ann)
    call("GET", "/api/sessions/%s/qr.png?size=128" % sid, person=ann)
    call("GET", "/api/sessions/%s/qr.png?size=huge" % sid, expect=422, person=ann)
    session = call("POST", "/api/sessions/%s/code" % sid, person=ann)
    call("POST", "/api/sessions/%s/close" % sid, person=ann)
    call("POST", "/api/join", {"code": session["code"]}, expect=423)
    call("POST", "/api/sessions/%s/open" % sid, {}, person=ann)
    call("GET", "/api/sessions/%s/audit" % sid, person=ann)
    copy_ = call("POST", "/api/sessions/%s/duplicate" % sid, expect=201, person=ann)

    # Participants: by code, by link, the live socket, the pages.
    joined = call("POST", "/api/join", {"code": session["code"]})
    call("POST", "/api/join", {"code": "12345"}, expect=422)
    link_token = session["join_url"].rsplit("/", 1)[1]
    call("POST", "/api/join", {"link": link_token})
    tour.upgrade("/ws/sessions/%s?participant_token=%s" % (sid, joined["participant_token"]))
    tour.upgrade("/ws/sessions/%s" % sid, expect=401)
    call("GET", "/j/" + link_token)
    call("GET", "/j/no-such-link", expect=404)
    call("GET", "/sessions/" + sid)
    call("GET", "/sessions/%s/present" % sid)

    # Trash.
    call("DELETE", "/api/sessions/" + copy_["id"], expect=204, person=ann)
    call("GET", "/api/trash", person=ann)
    call("POST", "/api/trash/%s/restore" % copy_["id"], person=ann)

    # Events.
    event = call("POST", "/api/events", {"title": "Open house", "description": "Come by"},
                 expect=201, person=ann)
    eid = event["id"]
    call("POST", "/api/events", {"title": ""}, expect=422, person=ann)
    call("GET", "/api/events", person=ann)
    call("GET", "/api/events/" + eid, person=ann)
    call("GET", "/api/events/" + eid, expect=404, person=bo)
    call("PATCH", "/api/events/" + eid, {"description": "Come by, all welcome"}, person=ann)
    start = (datetime.date.today() + datetime.timedelta(days=30)).isoformat() + "T10:00"
    made = call("POST", "/api/events/%s/sessions" % eid, {
        "start": start, "timezone": "Europe/Paris", "duration_minutes": 90, "count": 3},
        expect=201, person=ann)
    first, second, third = (s["id"] for s in made["sessions"])
    call("POST", "/api/events/%s/sessions" % eid, {"start": "tomorrow"}, expect=422, person=ann)
    call("GET", "/api/events/%s/sessions" % eid, person=ann)
    call("PATCH", "/api/events/%s/sessions/%s" % (eid, first), {"name": "First visit"},
         person=ann)
    call("DELETE", "/api/events/%s/sessions/%s" % (eid, second), expect=400, person=ann)
    call("DELETE", "/api/events/%s/sessions/%s?confirm=true" % (eid, second), expect=204,
         person=ann)
    call("POST", "/api/events/%s/sessions/%s/cancel?confirm=true" % (eid, third), person=ann)
    call("POST", "/api/events/%s/sessions/%s/room" % (eid, first), person=ann)
    registrant = call("POST", "/api/events/%s/sessions/%s/registrants" % (eid, first),
                      {"name": "Eve", "email": "eve@example.org"}, expect=201, person=ann)
    call("DELETE", "/api/events/%s/registrants/%s" % (eid, registrant["id"]), expect=204,
         person=ann)
    call("GET", "/api/events/%s/participants" % eid, person=ann)
    call("GET", "/api/events/%s/participants?session=%s&format=csv" % (eid, first), person=ann)
    call("POST", "/api/events/%s/invitations" % eid, {"emails": ["fay@example.org"]},
         expect=202, person=ann)
    call("GET", "/api/events/%s/sessions/%s/replay" % (eid, first), person=ann)

    # Team and speakers.
    call("POST", "/api/events/%s/team" % eid, {"email": "bo@example.org"}, expect=201, person=ann)
    call("POST", "/api/events/%s/team" % eid, {"email": "nobody@example.org"}, expect=404,
         person=ann)
    call("GET", "/api/events/%s/team" % eid, person=ann)
    call("GET", "/api/events/%s/sessions/%s/team" % (eid, first), person=ann)
    call("DELETE", "/api/events/%s/sessions/%s/team/%s" % (eid, first, account_id(tour, bo)),
         person=ann)
    call("POST", "/api/events/%s/sessions/%s/team" % (eid, first), {"email": "bo@example.org"},
         person=ann)
    call("DELETE", "/api/events/%s/team/%s" % (eid, account_id(tour, bo)), expect=204, person=ann)
    speaker = call("POST", "/api/events/%s/sessions/%s/speakers" % (eid, first),
                   {"name": "Gil", "email": "gil@example.org"}, expect=201, person=ann)
    speaker_token = server.email_to("gil@example.org", r"/s/([A-Za-z0-9_-]{20,})").group(1)
    call("GET", "/s/" + speaker_token)
    call("POST", "/api/public/speakers/%s/enter" % speaker_token, {}, person={})
    call("POST", "/api/public/speakers/no-such-token/enter", {}, expect=404)
    call("DELETE", "/api/events/%s/sessions/%s/speakers/%s" % (eid, first, speaker["id"]),
         expect=204, person=ann)

    # Public registration.
    slug = call("GET", "/api/events/" + eid, person=ann)["slug"]
    call("GET", "/api/public/events/%s?visitor=v-1234567890" % slug)
    call("GET", "/api/public/events/no-such-event", expect=404)
    mine = call("POST", "/api/public/events/%s/registrations" % slug, {
        "session_id": first, "name": "Hal", "email": "hal@example.org",
        "timezone": "America/New_York"}, expect=201)
    call("POST", "/api/public/events/%s/registrations" % slug, {
        "session_id": first, "name": "Hal", "email": "hal@example.org",
        "timezone": "America/New_York"}, expect=409)
    personal = mine["link"].rsplit("/", 1)[1]
    call("GET", "/api/public/registrations/" + personal)
    call("POST", "/api/public/registrations/%s/enter" % personal, {}, expect=409)
    call("GET", "/e/" + slug)
    call("GET", "/r/" + personal)
    call("GET", "/events/" + eid)
    call("GET", "/events/%s/sessions/%s/replay" % (eid, first))
    call("PATCH", "/api/events/%s/sessions/%s" % (eid, first),
         {"recording_url": "https://video.example.org/1"}, person=ann)

    # Admin.
    call("GET", "/api/admin/outbox?limit=5", person=admin)
    call("GET", "/api/admin/outbox", expect=403, person=bo)
    # The speaker's email was written above; its row may be marked sent a moment later.
    deadline = time.monotonic() + 10
    while not (sent := call("GET", "/api/admin/outbox?status=sent", person=admin)["messages"]):
        if time.monotonic() > deadline:
            raise AssertionError("no message of the outbox was ever marked sent")
        time.sleep(0.05)  # polling interval for the relay's thread
    call("POST", "/api/admin/outbox/%s/retry" % sent[0]["id"], expect=409, person=admin)
    call("POST", "/api/admin/outbox/no-such-message/retry", expect=404, person=admin)
    call("GET", "/metrics", person=admin)
    call("GET", "/metrics", expect=403, person=bo)

    # The end of things.
    call("DELETE", "/api/events/" + eid, expect=204, person=ann)
    call("DELETE", "/api/sessions/" + sid, expect=204, person=ann)
    call("POST", "/api/auth/logout", expect=204, person=ann)
    call("GET", "/api/me", expect=401, person=ann)


def account_id(tour, person):
    """The account id of a signed-in person."""
    return tour.call("GET", "/api/me", person=person)["id"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--spec", required=True)
    args = parser.parse_args()
    spec = Spec(args.spec)
    for (method, template), (_, _, op) in spec.operations.items():
        for status, response in op.get("responses", {}).items():
            for media in spec.inline(response).get("content", {}).values():
                if "schema" in media:
                    jsonschema.Draft202012Validator.check_schema(media["schema"])
    with tempfile.TemporaryDirectory() as directory:
        server = Server(args.binary, directory)
        tour = Tour(spec, server)
        try:
            walk(tour, server)
        finally:
            code = server.stop()
        if code != 0:
            tour.problems.append("convene exited with %d:\n%s" % (code, "".join(server.output)))
    missed = sorted(set(spec.operations) - spec.called)
    for method, template in missed:
        tour.problems.append("%s %s: never called" % (method, template))
    for problem in tour.problems:
        print("FAIL " + problem)
    print("%d operations in the document, %d called, %d answers checked" % (
        len(spec.operations), len(spec.called), tour.answers))
    return 1 if tour.problems else 0


if __name__ == "__main__":
    sys.exit(main())
