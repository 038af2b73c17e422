#!/usr/bin/env python3
"""A local Web Push service for the tests: plays the browser's push service and the browser.

It hands out subscriptions (a fresh P-256 key pair and auth secret each, as a browser makes),
and for every push to one of them checks what a real push service and browser check, written
from the RFCs with Python's `cryptography`, independently of the portal's Rust code:

* RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<key>`; the JWT is ES256, signed by `k`,
  its `aud` is this service's origin, `exp` lies in the future and at most 24 hours ahead, `sub`
  is a `mailto:` or `https:` contact;
* RFC 8291 / RFC 8188: `Content-Encoding: aes128gcm`, one record, decrypted with the
  subscription's private key and auth secret; `TTL` present.

Routes: `POST /subscriptions` -> {id, endpoint, p256dh, auth}; `POST /push/<id>` (the push);
`GET /subscriptions/<id>/messages` -> {messages: [{payload, ttl, urgency, vapid_key}],
failures: [reason]}; `DELETE /subscriptions/<id>` (later pushes answer 410 Gone).

Usage: push_service.py --port N   (prints "listening on http://127.0.0.1:N" when ready)
"""

import argparse
import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


class Subscription:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.messages: list = []
        self.failures: list = []
        self.gone = False

    def decrypt(self, body: bytes) -> bytes:
        salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        keyid, sealed = body[21 : 21 + idlen], body[21 + idlen :]
        if len(sealed) > rs:
            raise ValueError("more than one record")
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), keyid)
        shared = self.key.exchange(ec.ECDH(), sender)
        ikm = hkdf(self.auth, shared, b"WebPush: info\x00" + self.public + keyid, 32)
        cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plain = AESGCM(cek).decrypt(nonce, sealed, None)
        plain = plain.rstrip(b"\x00")
        if not plain.endswith(b"\x02"):
            raise ValueError("the last record lacks its 0x02 delimiter")
        return plain[:-1]


def check_vapid(header: str, origin: str) -> str:
    """Returns the VAPID public key when the header is valid, else raises ValueError."""
    if not header.startswith("vapid "):
        raise ValueError("Authorization is not the vapid scheme")
    params = dict(p.strip().split("=", 1) for p in header[len("vapid ") :].split(","))
    token, key = params.get("t", ""), params.get("k", "")
    head_b64, claims_b64, sig_b64 = token.split(".")
    head = json.loads(b64d(head_b64))
    if head.get("alg") != "ES256":
        raise ValueError(f"JWT alg is {head.get('alg')}, not ES256")
    raw = b64d(sig_b64)
    if len(raw) != 64:
        raise ValueError("the signature is not 64 bytes (r || s)")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(key))
    try:
        public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("the JWT signature does not verify with k")
    claims = json.loads(b64d(claims_b64))
    if claims.get("aud") != origin:
        raise ValueError(f"aud is {claims.get('aud')}, not {origin}")
    now = time.time()
    if not (now < claims.get("exp", 0) <= now + 24 * 3600):
        raise ValueError("exp is not within the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError("sub is not a mailto: or https: contact")
    return key


class Service:
    def __init__(self, port: int) -> None:
        self.origin = f"http://127.0.0.1:{port}"
        self.subs: dict = {}
        self.lock = threading.Lock()


def handler(service: Service):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):  # quiet
            pass

        def reply(self, status: int, body=None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.path == "/subscriptions":
                sub = Subscription()
                sid = b64e(os.urandom(9))
                with service.lock:
                    service.subs[sid] = sub
                return self.reply(
                    201,
                    {
                        "id": sid,
                        "endpoint": f"{service.origin}/push/{sid}",
                        "p256dh": b64e(sub.public),
                        "auth": b64e(sub.auth),
                    },
                )
            if self.path.startswith("/push/"):
                sub = service.subs.get(self.path[len("/push/") :])
                if sub is None or sub.gone:
                    return self.reply(410, {"error": "gone"})
                try:
                    if self.headers.get("Content-Encoding") != "aes128gcm":
                        raise ValueError("Content-Encoding is not aes128gcm")
                    if self.headers.get("TTL") is None:
                        raise ValueError("TTL is missing")
                    key = check_vapid(self.headers.get("Authorization", ""), service.origin)
                    payload = sub.decrypt(body)
                except Exception as e:  # every failure is recorded for the test to read
                    sub.failures.append(str(e))
                    return self.reply(400, {"error": str(e)})
                sub.messages.append(
                    {
                        "payload": payload.decode("utf-8"),
                        "ttl": int(self.headers["TTL"]),
                        "urgency": self.headers.get("Urgency"),
                        "vapid_key": key,
                    }
                )
                return self.reply(201)
            self.reply(404, {"error": "no such route"})

        def do_GET(self):
            parts = self.path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "subscriptions" and parts[2] == "messages":
                sub = service.subs.get(parts[1])
                if sub is None:
                    return self.reply(404, {"error": "no such subscription"})
                return self.reply(200, {"messages": sub.messages, "failures": sub.failures})
            self.reply(404, {"error": "no such route"})

        def do_DELETE(self):
            parts = self.path.strip("/").split("/")
            sub = service.subs.get(parts[1]) if len(parts) == 2 else None
            if sub is None:
                return self.reply(404, {"error": "no such subscription"})
            sub.gone = True
            self.reply(204)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    service = Service(args.port)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(service))
    print(f"listening on {service.origin}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
