#!/usr/bin/env python3
"""Checks fork proofs offline, from Protocol/ alone, with nothing of the Swift code.

    civic verify --evidence --format json > evidence.json
    python3 Tools/check-fork-proof.py evidence.json      # or - for stdin

A fork proof (Protocol/PROTOCOL.md, "Fork proofs") is two checkpoints an office signed, the smaller
size first, the root the second's tree had at the first's size, and a consistency proof (RFC 9162
§2.1.4.2) from there to the second's root. It proves a fork when both signatures verify under the
office's key (C2SP signed note, Ed25519), the proof verifies, and that root differs from the first's.
Exit 0 when every proof in the file proves a fork, 1 otherwise. Needs Python's `cryptography`.
"""
import base64
import hashlib
import json
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError as error:
    sys.exit(f"check-fork-proof: needs the cryptography package ({error})")


def verifier(vkey):
    """A C2SP verifier key `name+hex(key ID)+base64(0x01 || public key)`: (name, key ID, public key)."""
    name, key_id, blob = vkey.split("+", 2)
    raw = base64.b64decode(blob)
    if len(raw) != 33 or raw[0] != 0x01:
        raise ValueError("not an Ed25519 verifier key")
    key = raw[1:]
    if hashlib.sha256(name.encode() + b"\n\x01" + key).digest()[:4] != bytes.fromhex(key_id):
        raise ValueError("the key ID does not match the key")
    return name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(key)


def checkpoint(note, key):
    """Verifies a signed checkpoint note under `key`; returns (origin, size, root)."""
    name, key_id, public = key
    text, _, signatures = note.partition("\n\n")
    text += "\n"
    lines = text.split("\n")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2])
    if origin != name:
        raise ValueError(f"the checkpoint is of {origin}, the key of {name}")
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            continue
        signer, blob = line[2:].split(" ", 1)
        raw = base64.b64decode(blob)
        if signer == name and raw[:4] == key_id:
            try:
                public.verify(raw[4:], text.encode())
            except InvalidSignature:
                raise ValueError(f"the signature by {name} does not verify")
            return origin, size, root
    raise ValueError(f"the note carries no signature by {name}")


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 §2.1.4.2."""
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0 or size1 > size2 or not proof:
        return False
    if size1 & (size1 - 1) == 0:  # a power of two: the first root starts the path
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def check(entry):
    key = verifier(entry["key"])
    proof = entry["proof"]
    origin1, size1, root1 = checkpoint(proof["first"], key)
    origin2, size2, root2 = checkpoint(proof["second"], key)
    at_first = base64.b64decode(proof["second_root_at_first_size"])
    path = [base64.b64decode(h) for h in proof["proof"]]
    if origin1 != origin2 or not 1 <= size1 <= size2:
        raise ValueError("the two checkpoints are not of one log, the smaller first")
    if not verify_consistency(size1, size2, at_first, root2, path):
        raise ValueError("the consistency proof does not lead to the second checkpoint's root")
    if at_first == root1:
        raise ValueError("the two checkpoints agree: no fork")
    return f"{entry['office']}: fork proven (sizes {size1} and {size2}, both signed by {key[0]})"


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    document = json.load(sys.stdin if argv[1] == "-" else open(argv[1], encoding="utf-8"))
    failed = 0
    for entry in document.get("forks", []):
        try:
            print(check(entry))
        except (ValueError, KeyError) as error:
            failed += 1
            print(f"{entry.get('office', '?')}: NOT a fork proof: {error}")
    if not document.get("forks"):
        print("no fork proofs in the file")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
