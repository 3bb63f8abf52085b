"""A webhook receiver for smmpanel events (Python 3, standard library only).

Run:  SMMPANEL_WEBHOOK_SECRET=whsec_... python3 receiver.py [PORT]
or serve `application` with any WSGI server (gunicorn receiver:application).
"""

import hashlib
import hmac
import json
import os
import sys
from wsgiref.simple_server import make_server

SECRET = os.environ["SMMPANEL_WEBHOOK_SECRET"].encode()
seen = set()  # event ids already handled; keep them in your database in real life


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)  # the raw body: sign what was sent
    expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    given = environ.get("HTTP_X_SMMPANEL_SIGNATURE", "")
    if not hmac.compare_digest(expected, given):  # constant-time comparison
        start_response("401 Unauthorized", [("Content-Type", "text/plain")])
        return [b"bad signature"]
    event = json.loads(body)
    if event["id"] not in seen:  # an event may come twice: handle it once
        seen.add(event["id"])
        if event["type"] == "order.updated":
            print(f"order {event['order']}: {event['status']}, remains {event['remains']}")
        else:
            print(f"{event['type']}: {event}")
        sys.stdout.flush()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    make_server("", port, application).serve_forever()
