# skkd — SPDX-License-Identifier: ISC
# Computes the cosignature/v1 vector of tests/unit/test_cosig.c with Python's
# cryptography package, independently of proto/cosig.c: python3 vector.py
import hashlib, base64, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
sk = Ed25519PrivateKey.from_private_bytes(seed)
pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
name = "witness.skk.example/w1"
kid = hashlib.sha256(name.encode() + b"\n\x04" + pub).digest()[:4]
print("vkey", name + "+" + kid.hex() + "+" + base64.b64encode(b"\x04" + pub).decode())
print("skey", "PRIVATE+KEY+" + name + "+" + kid.hex() + "+" + base64.b64encode(b"\x04" + seed).decode())
text = "skk.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
t = 1767225600
msg = ("cosignature/v1\ntime %d\n" % t + text).encode()
sig = sk.sign(msg)
print("line", "\u2014 " + name + " " + base64.b64encode(kid + struct.pack(">Q", t) + sig).decode())
