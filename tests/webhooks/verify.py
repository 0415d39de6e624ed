"""Verifies webhook deliveries with the official Standard Webhooks library.

Reads {"checks": [{"secret", "headers", "body", "expect"}]} on stdin. `expect` is
"valid" (the delivery verifies with the secret), "tampered" (the same delivery with a
changed body must not verify) or "stale" (the body re-signed with the secret ten minutes
in the past must not verify). Prints one line per check and exits 1 if any went otherwise.
"""

import datetime
import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def verifies(secret, headers, body):
    try:
        Webhook(secret).verify(body, headers)
        return True
    except WebhookVerificationError:
        return False


def main():
    checks = json.load(sys.stdin)["checks"]
    failed = 0
    for number, check in enumerate(checks):
        secret, headers, body = check["secret"], check["headers"], check["body"]
        expect = check["expect"]
        if expect == "valid":
            ok = verifies(secret, headers, body)
        elif expect == "tampered":
            ok = not verifies(secret, headers, body.replace('"type"', '"typ"', 1))
        elif expect == "stale":
            then = datetime.datetime.now(tz=datetime.timezone.utc) - datetime.timedelta(minutes=10)
            stale = dict(headers)
            stale["webhook-timestamp"] = str(int(then.timestamp()))
            stale["webhook-signature"] = Webhook(secret).sign(headers["webhook-id"], then, body)
            ok = not verifies(secret, stale, body)
        else:
            raise SystemExit(f"unknown expectation {expect!r}")
        print(f"check {number} ({expect}, {headers.get('webhook-id')}): {'ok' if ok else 'FAILED'}")
        failed += not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
