"""A real SMTP server for Convene's integration tests (Debian's python3-aiosmtpd).

Run with /usr/bin/python3 (the system Python that has aiosmtpd):

    smtp_sink.py --dir DIR [--port PORT] [--delay-ms MS] [--tls CERT KEY [--implicit-tls]]
                 [--login USER:PASSWORD]

Listens on 127.0.0.1 (PORT 0: any free port) and prints `listening on PORT` once ready.
Each accepted message becomes DIR/NNNN.json, written atomically, with the envelope and the
message as Python's email package reads it: an independent check of Convene's MIME.
A recipient listed (one per line) in DIR/refuse is refused with a permanent 550.
--delay-ms makes each message take that long to accept (a slow server).
--tls offers STARTTLS with that certificate and requires it before MAIL, or with
--implicit-tls speaks TLS from the first byte (smtps://); --login requires
AUTH (PLAIN or LOGIN) with that user and password.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

import icalendar
from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.count = 0

    def refused(self):
        try:
            with open(os.path.join(self.folder, "refuse"), encoding="utf-8") as f:
                return {line.strip().lower() for line in f if line.strip()}
        except FileNotFoundError:
            return set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused():
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_type()] = part.get_content()
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "raw_subject": str(email.message_from_bytes(
                envelope.original_content, policy=email.policy.compat32)["Subject"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "text": parts.get("text/plain", ""),
            "html": parts.get("text/html", ""),
            "defects": [str(d) for d in message.defects],
            "calendar": calendar(parts.get("text/calendar"), message),
        }
        name = os.path.join(self.folder, "%04d.json" % self.count)
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 OK queued as %04d" % self.count


def calendar(text, message):
    """The .ics part as a calendar program reads it (Debian's python3-icalendar), or None."""
    if text is None:
        return None
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    parsed = icalendar.Calendar.from_ical(text)
    events = parsed.walk("VEVENT")
    event = events[0]
    return {
        "content_method": part.get_param("method"),
        "filename": part.get_filename(),
        "method": str(parsed["METHOD"]),
        "events": len(events),
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "start": event.decoded("DTSTART").isoformat(),
        "end": event.decoded("DTEND").isoformat(),
        "summary": str(event["SUMMARY"]),
        "description": str(event["DESCRIPTION"]),
        "url": str(event["URL"]),
        "status": str(event["STATUS"]),
        "attendee": str(event["ATTENDEE"]),
    }


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--login")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    sink = Sink(args.dir, args.delay_ms / 1000)
    options = {"hostname": "sink.test", "decode_data": False}
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        if not args.implicit_tls:
            options.update(tls_context=context, require_starttls=True)
    if args.login:
        user, password = args.login.split(":", 1)

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
            return AuthResult(success=ok, handled=False)

        # Over implicit TLS aiosmtpd cannot tell the transport is encrypted already.
        options.update(authenticator=authenticate, auth_required=True,
                       auth_require_tls=bool(args.tls) and not args.implicit_tls)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, **options), host="127.0.0.1", port=args.port, reuse_address=True,
        ssl=context if args.implicit_tls else None)
    print("listening on %d" % server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
