#!/usr/bin/env python3
"""civic-verify: an independent verifier of CivicLedger logs, written from Protocol/ alone.

It reads what a node publishes (PUBLISH.md), what a live node serves (PROTOCOL.md) and what
`civic log --format json` prints, and checks it with its own code: strict canonical JSON, event
envelopes and chains, RFC 6962 Merkle trees over C2SP tiles, signed-note checkpoints, key
histories from the registrar's log, and cosignatures under a witness policy. Python 3.11 and the
`cryptography` package only.

Usage:
    civic-verify.py vectors [--dir Protocol/vectors]
    civic-verify.py published DIR_OR_URL --registrar-key VKEY [--witnesses a,b,c --quorum K]
                              [--state FILE] [--format text|json]
    civic-verify.py inclusion DIR_OR_URL --registrar-key VKEY --office O --seq N [--format text|json]
    civic-verify.py consistency DIR_OR_URL --registrar-key VKEY --office O --from M [--to N]
    civic-verify.py node URL --registrar-key VKEY [--witnesses a,b,c --quorum K] [--format text|json]
    civic-verify.py log FILE|- [--registrar-key VKEY] [--format text|json]

The registrar key is the registrar's FIRST verifier key (what `civic init --registrar` printed),
obtained out of band; every other key is derived from the registrar's log. Exit status: 0 all
verified, 1 a problem was found (each named on its own line), 2 a usage error or an unreachable
source.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import gzip
import hashlib
import json
import os
import re
import signal
import sys
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAX_SAFE = 2**53 - 1
MAX_EVENT_BYTES = 65_535
ED_P = 2**255 - 19
ED_D = -121665 * pow(121666, ED_P - 2, ED_P) % ED_P
ED_L = 2**252 + 27742317777372353535851937790883648493
MAX_DEPTH = 64
TILE_WIDTH = 256
HASH_SIZE = 32
EM_DASH = "\u2014"
OFFICE_RE = re.compile(r"[a-z0-9-]{1,32}")
TYPE_RE = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")
HEX64_RE = re.compile(r"[0-9a-f]{64}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ENVELOPE_V1 = {"v", "office", "seq", "prev", "hlc", "type", "effective", "author", "body"}
LOG_MEMBERS = {"body", "canonical", "effective", "hlc", "id", "office", "seq", "type"}
STATE_FORMAT = "civic-verify-state/1"


class Structural(Exception):
    """A structural error: the checks of this log stop here."""


class MissingCheckpoint(Structural):
    """An office log has no published checkpoint."""


class Unreachable(Exception):
    """The source cannot be read at all (exit 2)."""


# ---------------------------------------------------------------- hashes and Merkle trees

def sha256(data: bytes) -> bytes:
    """SHA-256 of data."""
    return hashlib.sha256(data).digest()


def leaf_hash(entry: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 || entry); its hex is the event id."""
    return sha256(b"\x00" + entry)


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node: SHA-256(0x01 || left || right)."""
    return sha256(b"\x01" + left + right)


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes], lo: int = 0, hi: int | None = None) -> bytes:
    """Merkle Tree Hash of leaves[lo:hi] (RFC 6962 §2.1)."""
    hi = len(leaves) if hi is None else hi
    if hi == lo:
        return sha256(b"")
    if hi - lo == 1:
        return leaves[lo]
    k = split_point(hi - lo)
    return node_hash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi))


def inclusion_path(index: int, lo: int, hi: int, subtree: Callable[[int, int], bytes]) -> list[bytes]:
    """RFC 6962 PATH(index, D[lo:hi]) with subtree(a, b) = MTH(D[a:b])."""
    if hi - lo <= 1:
        return []
    k = split_point(hi - lo)
    if index < lo + k:
        return inclusion_path(index, lo, lo + k, subtree) + [subtree(lo + k, hi)]
    return inclusion_path(index, lo + k, hi, subtree) + [subtree(lo, lo + k)]


def consistency_path(m: int, lo: int, hi: int, complete: bool,
                     subtree: Callable[[int, int], bytes]) -> list[bytes]:
    """RFC 6962 SUBPROOF(m, D[lo:hi], complete)."""
    n = hi - lo
    if m == n:
        return [] if complete else [subtree(lo, hi)]
    k = split_point(n)
    if m <= k:
        return consistency_path(m, lo, lo + k, complete, subtree) + [subtree(lo + k, hi)]
    return consistency_path(m - k, lo + k, hi, False, subtree) + [subtree(lo, lo + k)]


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2; a proof from size 0 is refused (ENCODING.md §4)."""
    if size1 < 1 or size1 > size2 or any(len(p) != HASH_SIZE for p in proof):
        return False
    if size1 == size2:
        return not proof and root1 == root2
    path = ([root1] if size1 & (size1 - 1) == 0 else []) + proof
    if not path:
        return False
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == root1 and sr == root2 and sn == 0


# ---------------------------------------------------------------- base64 and strict JSON

def b64d(text: str) -> bytes:
    """Strict standard base64 with padding (RFC 4648 §4)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"not standard base64 ({error})") from None
    if base64.b64encode(raw).decode() != text:
        raise ValueError("not canonical base64")
    return raw


def b64e(raw: bytes) -> str:
    """Standard base64 with padding."""
    return base64.b64encode(raw).decode()


def _refuse_float(text: str) -> Any:
    raise ValueError(f"a number with a fraction or exponent ({text})")


def _refuse_constant(text: str) -> Any:
    raise ValueError(f"not JSON ({text})")


def _checked_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE:
        raise ValueError(f"an integer outside ±(2^53 − 1) ({text})")
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"duplicate name {json.dumps(name)}")
        result[name] = value
    return result


def _walk_strings(value: Any, depth: int = 1) -> Iterable[str]:
    """Every string and member name in value; refuses nesting deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH and isinstance(value, (dict, list)):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, member in value.items():
            yield name
            yield from _walk_strings(member, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_strings(item, depth + 1)


def parse_strict(data: bytes | str) -> Any:
    """Parse JSON under the strict profile (ENCODING.md §2), without normalizing."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, object_pairs_hook=_object, parse_float=_refuse_float,
                           parse_constant=_refuse_constant, parse_int=_checked_int)
        for text_value in _walk_strings(value):
            text_value.encode("utf-8")
    except UnicodeError:
        raise ValueError("invalid UTF-8 or a lone surrogate") from None
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at {error.pos})") from None
    return value


def nfc(value: Any) -> Any:
    """value with every string and member name in Unicode NFC (as when first recorded)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return _object([(nfc(name), nfc(member)) for name, member in value.items()])
    return value


def _encode_string(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical bytes of a strict-profile value (integers only)."""
    def encode(item: Any) -> str:
        if item is None:
            return "null"
        if item is True:
            return "true"
        if item is False:
            return "false"
        if type(item) is int:
            if abs(item) > MAX_SAFE:
                raise ValueError("an integer outside ±(2^53 − 1)")
            return str(item)
        if isinstance(item, str):
            return _encode_string(item)
        if isinstance(item, list):
            return "[" + ",".join(encode(x) for x in item) + "]"
        if isinstance(item, dict):
            names = sorted(item, key=lambda name: name.encode("utf-16-be"))
            return "{" + ",".join(_encode_string(n) + ":" + encode(item[n]) for n in names) + "}"
        raise ValueError(f"not a strict-profile value ({type(item).__name__})")
    return encode(value).encode("utf-8")


def json_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The first path where a and b differ, comparing JSON types strictly (1 ≠ 1.0 ≠ true)."""
    if type(a) is not type(b):
        return path or "(the value)"
    if isinstance(a, dict):
        for name in sorted(set(a) | set(b)):
            if name not in a or name not in b:
                return f"{path}.{name}".lstrip(".")
            found = json_difference(a[name], b[name], f"{path}.{name}")
            if found:
                return found.lstrip(".")
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return path or "(the list)"
        for i, (x, y) in enumerate(zip(a, b)):
            found = json_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else (path.lstrip(".") or "(the value)")


# ---------------------------------------------------------------- events

@dataclass
class Event:
    """One event: its exact canonical bytes and what they say."""
    raw: bytes
    leaf: bytes
    value: dict[str, Any]

    @property
    def id(self) -> str:
        return self.leaf.hex()

    @property
    def office(self) -> str:
        return self.value["office"]

    @property
    def seq(self) -> int:
        return self.value["seq"]

    @property
    def hlc(self) -> tuple[int, int]:
        return (self.value["hlc"]["wall"], self.value["hlc"]["logical"])


def _is_int(value: Any, low: int = 0) -> bool:
    return type(value) is int and low <= value <= MAX_SAFE


def check_envelope(value: Any) -> None:
    """The envelope rules of ENCODING.md §1 (later versions keep the v1 members)."""
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    version = value.get("v")
    if not _is_int(version, 1):
        raise ValueError('"v" is not an integer of at least 1')
    if version == 1 and set(value) - ENVELOPE_V1:
        raise ValueError(f"unknown member {sorted(set(value) - ENVELOPE_V1)[0]!r}")
    for name in ("office", "seq", "hlc", "type", "effective", "body"):
        if name not in value:
            raise ValueError(f'no "{name}"')
    if not isinstance(value["office"], str) or not OFFICE_RE.fullmatch(value["office"]):
        raise ValueError('"office" is not [a-z0-9-]{1,32}')
    if not _is_int(value["seq"], 1):
        raise ValueError('"seq" is not an integer of at least 1')
    if value["seq"] == 1 and "prev" in value:
        raise ValueError('"prev" is present at seq 1')
    if value["seq"] > 1 and not (isinstance(value.get("prev"), str) and HEX64_RE.fullmatch(value["prev"])):
        raise ValueError('"prev" is not 64 lowercase hex digits')
    hlc = value["hlc"]
    if not (isinstance(hlc, dict) and {"logical", "wall"} <= set(hlc) and (version > 1 or len(hlc) == 2)
            and _is_int(hlc["logical"]) and _is_int(hlc["wall"])):
        raise ValueError('"hlc" is not {"logical", "wall"} of non-negative integers')
    kind = value["type"]
    if not (isinstance(kind, str) and TYPE_RE.fullmatch(kind) and len(kind.encode()) <= 64):
        raise ValueError('"type" is not two or more dot-separated [a-z0-9-] segments of at most 64 bytes')
    effective = value["effective"]
    try:
        if not (isinstance(effective, str) and DATE_RE.fullmatch(effective)):
            raise ValueError
        datetime.date.fromisoformat(effective)
    except ValueError:
        raise ValueError('"effective" is not a real YYYY-MM-DD date') from None
    if "author" in value and not (isinstance(value["author"], str) and 1 <= len(value["author"].encode()) <= 256):
        raise ValueError('"author" is not a string of 1–256 bytes')
    if not isinstance(value["body"], dict):
        raise ValueError('"body" is not an object')


def read_event(raw: bytes) -> Event:
    """Parse received canonical bytes: strict, NFC, canonical, a valid envelope."""
    if len(raw) > MAX_EVENT_BYTES:
        raise ValueError(f"{len(raw)} bytes, over {MAX_EVENT_BYTES}")
    value = parse_strict(raw)
    if any(unicodedata.normalize("NFC", s) != s for s in _walk_strings(value)):
        raise ValueError("text not in Unicode NFC")
    if canonical(value) != raw:
        raise ValueError("not in canonical form")
    check_envelope(value)
    return Event(raw, leaf_hash(raw), value)


@dataclass
class Chain:
    """The running checks along one office's log: seq, prev and a clock that increases. It keeps
    every leaf hash, and the events themselves only when `keep` (the registrar's, for its keys),
    so a log of millions of events costs little memory."""
    office: str
    keep: bool = True
    events: list[Event] = field(default_factory=list)
    leaves: list[bytes] = field(default_factory=list)
    last: Event | None = None

    @property
    def count(self) -> int:
        return len(self.leaves)

    def add(self, event: Event, where: str) -> None:
        """Append event, raising Structural (naming where) if it does not continue the log."""
        seq = self.count + 1
        if event.office != self.office:
            raise Structural(f"{where} is an event of office {event.office!r}, not {self.office!r}")
        if event.seq != seq:
            raise Structural(f"{where} has seq {event.seq}; expected {seq}")
        if self.last is not None:
            last = self.last
            if event.value["prev"] != last.id:
                raise Structural(f"{where}: prev is not the id of seq {seq - 1} ({last.id[:16]}…)")
            if event.hlc <= last.hlc:
                raise Structural(f"{where}: its clock {event.hlc} is not later than seq {seq - 1}'s {last.hlc}")
        self.leaves.append(event.leaf)
        self.last = event
        if self.keep:
            self.events.append(event)


# ---------------------------------------------------------------- keys and signed notes

@dataclass(frozen=True)
class VKey:
    """A C2SP verifier key: name, key ID and Ed25519 public key."""
    text: str
    name: str
    key_id: bytes
    public: bytes

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Ed25519 verification of message (RFC 8032 §5.1.7: S below the group order)."""
        if len(signature) != 64 or int.from_bytes(signature[32:], "little") >= ED_L:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False

    def cosigner_id(self) -> bytes:
        """Key ID of this key as an Ed25519 cosigner (type 0x04, tlog-cosignature)."""
        return sha256(self.name.encode() + b"\n\x04" + self.public)[:4]


def ed25519_point(encoded: bytes) -> tuple[int, int] | None:
    """Decode an Ed25519 point (RFC 8032 §5.1.3), or None when it is not a canonical encoding."""
    y = int.from_bytes(encoded, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= ED_P:
        return None
    x2 = (y * y - 1) * pow(ED_D * y * y + 1, ED_P - 2, ED_P) % ED_P
    x = pow(x2, (ED_P + 3) // 8, ED_P)
    if (x * x - x2) % ED_P:
        x = x * pow(2, (ED_P - 1) // 4, ED_P) % ED_P
    if (x * x - x2) % ED_P or (x == 0 and sign):
        return None
    return (ED_P - x if x & 1 != sign else x), y


def ed25519_key_problem(public: bytes) -> str | None:
    """Why an Ed25519 public key is refused (ENCODING.md §5): not canonical, or of small order."""
    point = ed25519_point(public)
    if point is None:
        return "not a canonical Ed25519 point"
    for _ in range(3):
        (x1, y1), (x2, y2) = point, point
        t = ED_D * x1 * x2 * y1 * y2 % ED_P
        point = ((x1 * y2 + x2 * y1) * pow(1 + t, ED_P - 2, ED_P) % ED_P,
                 (y1 * y2 + x1 * x2) * pow(1 - t, ED_P - 2, ED_P) % ED_P)
    return "a point of small order" if point == (0, 1) else None


def key_id(name: str, public: bytes, kind: int = 1) -> bytes:
    """SHA-256(name || 0x0A || type || public key)[:4]."""
    return sha256(name.encode() + b"\n" + bytes([kind]) + public)[:4]


def parse_vkey(text: str) -> VKey:
    """Parse `<name>+<hex key ID>+<base64(0x01 || key)>`, checking the key ID."""
    parts = text.split("+", 2)
    if len(parts) != 3 or not parts[0] or any(c.isspace() for c in parts[0]):
        raise ValueError(f"not a verifier key: {text!r}")
    name, hex_id, material = parts
    raw = b64d(material)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError(f"not an Ed25519 verifier key: {text!r}")
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id) or bytes.fromhex(hex_id) != key_id(name, raw[1:]):
        raise ValueError(f"the key ID of {text!r} does not match its name and key")
    weak = ed25519_key_problem(raw[1:])
    if weak:
        raise ValueError(f"the key {text!r} is refused: {weak}")
    return VKey(text, name, bytes.fromhex(hex_id), raw[1:])


def origin_of(city: str, office: str) -> str:
    """An office's checkpoint origin and key name."""
    return f"civic/{city}/{office}"


@dataclass
class Note:
    """A signed note: its text (with the final newline) and its signature lines."""
    text: bytes
    signatures: list[tuple[str, bytes]]


@dataclass
class Checkpoint:
    """A parsed checkpoint note."""
    note: Note
    origin: str
    size: int
    root: bytes
    raw: bytes


def parse_note(raw: bytes) -> Note:
    """Parse a C2SP signed note (signed-note.md)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not valid UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise ValueError("contains a control character")
    if not text.endswith("\n"):
        raise ValueError("does not end in a newline")
    split = text.rfind("\n\n")
    if split < 0:
        raise ValueError("has no blank line before its signatures")
    body, lines = text[:split + 1], text[split + 2:-1].split("\n")
    signatures = []
    for line in lines:
        match = re.fullmatch(EM_DASH + r" (\S+) (\S+)", line)
        if not match or "+" in match.group(1):
            raise ValueError(f"a malformed signature line {line[:40]!r}")
        signatures.append((match.group(1), b64d(match.group(2))))
    if not signatures:
        raise ValueError("has no signature")
    return Note(body.encode(), signatures)


def parse_checkpoint(raw: bytes) -> Checkpoint:
    """Parse a checkpoint: `origin\\nsize\\nbase64(root)\\n` (no extension lines) and signatures."""
    note = parse_note(raw)
    lines = note.text.decode().split("\n")[:-1]
    if len(lines) != 3:
        raise ValueError(f"its text has {len(lines)} lines, not 3 (origin, size, root)")
    origin, size, root = lines
    if not re.fullmatch(r"0|[1-9][0-9]*", size):
        raise ValueError(f"size {size!r} is not a decimal without leading zeros")
    digest = b64d(root)
    if len(digest) != HASH_SIZE:
        raise ValueError("its root is not 32 bytes")
    return Checkpoint(note, origin, int(size), digest, raw)


def check_signature(checkpoint: Checkpoint, vkey: VKey) -> str | None:
    """None when a signature line of vkey verifies the note; else what is wrong."""
    matching = [sig for name, sig in checkpoint.note.signatures
                if name == vkey.name and sig[:4] == vkey.key_id]
    if not matching:
        return f"is not signed by {vkey.text} (no signature line of that name and key ID)"
    for sig in matching:
        if len(sig) != 68 or not vkey.verify(sig[4:], checkpoint.note.text):
            return f"has a signature line of {vkey.name} (key ID {vkey.key_id.hex()}) that does not verify"
    return None


# ---------------------------------------------------------------- key histories

@dataclass
class KeyEntry:
    """One key of an office: it signs from from_size on, and nothing beyond revoked_after."""
    vkey: VKey
    from_size: int
    revoked_after: int | None = None
    rotation_seq: int = 0


@dataclass
class Keys:
    """Every office's key history as the registrar's log gives it (PUBLISH.md §4)."""
    city: str
    registrar: str
    offices: dict[str, list[KeyEntry]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_trust_root(cls, registrar_key: VKey) -> "Keys":
        """A history holding only the registrar's first key."""
        parts = registrar_key.name.split("/")
        if len(parts) != 3 or parts[0] != "civic" or not OFFICE_RE.fullmatch(parts[2]):
            raise ValueError(f"the registrar key's name {registrar_key.name!r} is not civic/<city>/<office>")
        return cls(parts[1], parts[2], {parts[2]: [KeyEntry(registrar_key, 1)]})

    def apply(self, event: Event) -> None:
        """Apply one event of the registrar's log (office.* types of version 1)."""
        kind, body, seq = event.value["type"], event.value["body"], event.seq
        if event.value["v"] != 1 or kind not in ("office.registered", "office.key-rotated", "office.key-revoked"):
            return
        office = body.get("office")
        problem = self._apply(kind, body, office, seq)
        if problem:
            self.ignored.append(f"{self.registrar} seq {seq} ({kind} of {office!r}) changes no key: {problem}")

    def _vkey_for(self, office: str, text: Any) -> VKey:
        if not isinstance(text, str):
            raise ValueError("no key")
        vkey = parse_vkey(text)
        if vkey.name != origin_of(self.city, office):
            raise ValueError(f"the key is named {vkey.name!r}, not {origin_of(self.city, office)!r}")
        return vkey

    def _apply(self, kind: str, body: dict[str, Any], office: Any, seq: int) -> str | None:
        if not (isinstance(office, str) and OFFICE_RE.fullmatch(office)):
            return "no valid office"
        history = self.offices.get(office)
        try:
            if kind == "office.registered":
                if history:
                    return "the office is already registered"
                self.offices[office] = [KeyEntry(self._vkey_for(office, body.get("key")), 1)]
            elif kind == "office.key-rotated":
                if not history:
                    return "the office is not registered"
                start = body.get("from_size")
                if not _is_int(start, 1) or start <= history[-1].from_size:
                    return "from_size does not start after the current key"
                history.append(KeyEntry(self._vkey_for(office, body.get("key")), start, None, seq))
            else:
                if not history:
                    return "the office is not registered"
                after = body.get("after")
                if not _is_int(after):
                    return "after is not a non-negative integer"
                matches = [k for k in history if k.vkey.text == body.get("key")]
                if not matches:
                    return "the office never had this key"
                for entry in matches:
                    entry.revoked_after = after if entry.revoked_after is None else min(after, entry.revoked_after)
        except ValueError as error:
            return str(error)
        return None

    def key_at(self, office: str, size: int) -> tuple[KeyEntry | None, str]:
        """The key that signs office's checkpoint of this size, or None and why not."""
        history = self.offices.get(office)
        if not history:
            return None, f"{office} is not registered in the registrar's log"
        valid = [k for k in history if k.from_size <= size]
        if not valid:
            return None, f"no key of {office} signs size {size}"
        entry = max(valid, key=lambda k: k.from_size)
        if entry.revoked_after is not None and entry.revoked_after < size:
            return None, f"the key {entry.vkey.text} valid at size {size} was revoked after size {entry.revoked_after}"
        return entry, ""

    def witness_keys(self, office: str) -> list[VKey]:
        """The keys an office may cosign with: all of its keys never revoked."""
        return [k.vkey for k in self.offices.get(office, []) if k.revoked_after is None]

    def as_json(self) -> list[dict[str, Any]]:
        """The history in keys.json's shape."""
        return [{"office": office, "keys": [{"vkey": k.vkey.text, "from_size": k.from_size,
                                              "revoked_after": k.revoked_after} for k in entries]}
                for office, entries in sorted(self.offices.items())]


def verify_checkpoint_key(keys: Keys, office: str, checkpoint: Checkpoint,
                          verified_sizes: Iterable[int] = ()) -> str | None:
    """None if the checkpoint verifies under the office's key valid at its size; else why not.
    A rotated registrar key is trusted only when a checkpoint signed by the previous key covers its
    rotation event (a size from the event's seq to from_size − 1) was verified before."""
    entry, why = keys.key_at(office, checkpoint.size)
    if entry is None:
        return f"the checkpoint of size {checkpoint.size} cannot be checked: {why}"
    if office == keys.registrar and entry.rotation_seq:
        if not any(entry.rotation_seq <= s < entry.from_size for s in verified_sizes):
            sizes = (f"{entry.rotation_seq}" if entry.rotation_seq == entry.from_size - 1
                     else f"{entry.rotation_seq}…{entry.from_size - 1}")
            return (f"the checkpoint of size {checkpoint.size} is under the registrar's key "
                    f"{entry.vkey.name}+{entry.vkey.key_id.hex()} from its rotation at seq {entry.rotation_seq}, "
                    f"but no checkpoint of size {sizes} signed by the previous key is there to vouch for that "
                    f"rotation, so it cannot be followed from the first key")
    problem = check_signature(checkpoint, entry.vkey)
    return f"the checkpoint of size {checkpoint.size} {problem}" if problem else None


@dataclass
class WitnessResult:
    """The cosignatures that verified, and problems with ones that matched a key but failed."""
    cosigned: list[str]
    eligible: list[str]
    problems: list[str]


def check_cosignatures(checkpoint: Checkpoint, office: str, keys: Keys, witnesses: list[str]) -> WitnessResult:
    """Cosignature lines (PUBLISH.md §3) from the listed witness offices other than office."""
    eligible = [w for w in dict.fromkeys(witnesses) if w != office]
    cosigned: list[str] = []
    problems: list[str] = []
    for witness in eligible:
        name = origin_of(keys.city, witness)
        expected = {k.cosigner_id(): k for k in keys.witness_keys(witness)}
        for line_name, sig in checkpoint.note.signatures:
            vkey = expected.get(sig[:4]) if line_name == name else None
            if vkey is None:
                continue
            if len(sig) != 76:
                problems.append(f"the cosignature of {witness} on the checkpoint of size {checkpoint.size} is {len(sig)} bytes, not 76")
                continue
            stamp = int.from_bytes(sig[4:12], "big")
            if stamp > 2**63 - 1:
                problems.append(f"the cosignature of {witness} on the checkpoint of size {checkpoint.size} has a "
                                f"timestamp beyond 2^63 − 1")
                continue
            message = b"cosignature/v1\ntime %d\n" % stamp + checkpoint.note.text
            if vkey.verify(sig[12:], message):
                if witness not in cosigned:
                    cosigned.append(witness)
            else:
                problems.append(f"the cosignature of {witness} on the checkpoint of size {checkpoint.size} does not verify")
    return WitnessResult(sorted(cosigned), eligible, problems)


# ---------------------------------------------------------------- sources and tiles

class Source:
    """A published folder or an http(s) URL prefix; fetch() answers None when a file is missing."""

    def __init__(self, location: str):
        self.location = location
        self.is_url = location.startswith(("http://", "https://"))
        if not self.is_url and not os.path.isdir(location):
            raise Unreachable(f"{location}: no such folder")

    def fetch(self, path: str) -> bytes | None:
        """The bytes at path under the prefix, or None if there are none."""
        if not self.is_url:
            full = os.path.join(self.location, *path.split("/"))
            try:
                with open(full, "rb") as handle:
                    return handle.read()
            except (FileNotFoundError, NotADirectoryError):
                return None
        status, data = http_get(self.location.rstrip("/") + "/" + path)
        return data if status == 200 else None


def http_get(url: str, timeout: float = 60) -> tuple[int, bytes]:
    """GET url: (status, body); gzip bodies are inflated. Unreachable when it cannot connect."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, identity",
                                                   "User-Agent": "civic-verify/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
            if response.headers.get("Content-Encoding", "").lower() == "gzip":
                data = gzip.decompress(data)
            return response.status, data
    except urllib.error.HTTPError as error:
        if error.code in (404, 410):
            return error.code, b""
        raise Unreachable(f"{url}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise Unreachable(f"{url}: {getattr(error, 'reason', error)}") from None


def tile_index_path(index: int) -> str:
    """`<N>` in 3-digit groups, all but the last prefixed x (1234067 → x001/x234/067)."""
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


class TiledLog:
    """One office's tiled log at a checkpoint's size: reads tiles lazily and computes hashes."""

    def __init__(self, source: Source, office: str, size: int):
        self.source, self.office, self.size = source, office, size
        self.prefix = f"logs/{office}/"
        self.tiles: dict[tuple[str, int], bytes] = {}

    def tile_path(self, level: str, index: int) -> tuple[str, int]:
        """The path of tile `index` at level ("0", "1", … or "entries") and its width."""
        height = 0 if level == "entries" else int(level)
        count = self.size // TILE_WIDTH**height
        path = f"{self.prefix}tile/{level}/{tile_index_path(index)}"
        if index < count // TILE_WIDTH:
            return path, TILE_WIDTH
        width = count % TILE_WIDTH
        if index > count // TILE_WIDTH or width == 0:
            raise Structural(f"tile {level}/{index} lies beyond size {self.size}")
        return f"{path}.p/{width}", width

    def tile(self, level: str, index: int) -> bytes:
        """A hash tile's bytes, checked for length (cached)."""
        key = (level, index)
        if key not in self.tiles:
            path, width = self.tile_path(level, index)
            data = self.source.fetch(path)
            if data is None:
                raise Structural(f"{path} is missing")
            if len(data) != HASH_SIZE * width:
                raise Structural(f"{path} has {len(data)} bytes; a tile of width {width} has {HASH_SIZE * width}")
            self.tiles[key] = data
        return self.tiles[key]

    def hash_at(self, height: int, index: int) -> bytes:
        """Hash `index` at tile level `height`: MTH of leaves index·256^h … (index+1)·256^h."""
        data = self.tile(str(height), index // TILE_WIDTH)
        offset = (index % TILE_WIDTH) * HASH_SIZE
        return data[offset:offset + HASH_SIZE]

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) from the highest tiles that hold it."""
        size = end - start
        if size == 0:
            return sha256(b"")
        if size & (size - 1) == 0 and start % size == 0:
            height = (size.bit_length() - 1) // 8
            unit = TILE_WIDTH**height
            return mth([self.hash_at(height, j) for j in range(start // unit, end // unit)])
        k = split_point(size)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def bundle(self, index: int) -> tuple[str, list[bytes]]:
        """An entry bundle's path and entries (uint16 big-endian length, then bytes)."""
        path, width = self.tile_path("entries", index)
        data = self.source.fetch(path)
        if data is None:
            raise Structural(f"{path} is missing")
        entries, offset = [], 0
        while offset < len(data):
            if offset + 2 > len(data):
                raise Structural(f"{path} ends inside the length of entry {len(entries)}")
            length = int.from_bytes(data[offset:offset + 2], "big")
            if offset + 2 + length > len(data):
                raise Structural(f"{path} ends inside entry {len(entries)}")
            entries.append(data[offset + 2:offset + 2 + length])
            offset += 2 + length
        if len(entries) != width:
            raise Structural(f"{path} holds {len(entries)} entries; expected {width}")
        return path, entries

    def verify_all(self, chain: Chain) -> None:
        """Every bundle against the level-0 tiles, every tile against the one below, and the
        events along the chain; raises Structural at the first error."""
        for index in range((self.size + TILE_WIDTH - 1) // TILE_WIDTH):
            path, entries = self.bundle(index)
            tile = self.tile("0", index)
            for i, entry in enumerate(entries):
                seq = index * TILE_WIDTH + i + 1
                where = f"entry {i} (seq {seq}) in {path}"
                if leaf_hash(entry) != tile[i * HASH_SIZE:(i + 1) * HASH_SIZE]:
                    raise Structural(f"{where} does not hash to the level-0 tile")
                try:
                    event = read_event(entry)
                except ValueError as error:
                    raise Structural(f"{where}: {error}") from None
                chain.add(event, where)
        height = 1
        while self.size // TILE_WIDTH**height:
            count = self.size // TILE_WIDTH**height
            for index in range((count + TILE_WIDTH - 1) // TILE_WIDTH):
                data = self.tile(str(height), index)
                for i in range(len(data) // HASH_SIZE):
                    below = index * TILE_WIDTH + i
                    full = self.tile(str(height - 1), below)
                    hashes = [full[j:j + HASH_SIZE] for j in range(0, len(full), HASH_SIZE)]
                    if mth(hashes) != data[i * HASH_SIZE:(i + 1) * HASH_SIZE]:
                        path, _ = self.tile_path(str(height), index)
                        lower, _ = self.tile_path(str(height - 1), below)
                        raise Structural(f"hash {i} of {path} is not the MTH of {lower}")
            height += 1


# ---------------------------------------------------------------- results

@dataclass
class OfficeResult:
    """What was verified for one office log."""
    office: str
    size: int = 0
    root: bytes = b""
    checkpoint: Checkpoint | None = None
    witnesses: WitnessResult | None = None
    problems: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    verified: bool = False

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.office}: {message}")


@dataclass
class Report:
    """Every office's result, problems not of one office, and the citywide hash."""
    offices: list[OfficeResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    citywide: str | None = None
    policy: int | None = None
    keys: Keys | None = None

    def all_problems(self) -> list[str]:
        return [p for r in self.offices for p in r.problems] + self.problems

    def print(self, form: str) -> int:
        """Print as text or JSON; the exit status."""
        problems = self.all_problems()
        if form == "json":
            print(json.dumps({
                "ok": not problems, "citywide": self.citywide, "problems": problems,
                "offices": [{"office": r.office, "size": r.size, "root": b64e(r.root) if r.root else None,
                             "witnesses": r.witnesses.cosigned if r.witnesses else [],
                             "problems": r.problems} for r in self.offices],
                **({"keys": self.keys.as_json(), "ignored_key_events": self.keys.ignored} if self.keys else {})},
                indent=1))
            return 1 if problems else 0
        if self.keys:
            for office, entries in sorted(self.keys.offices.items()):
                for entry in entries:
                    revoked = "" if entry.revoked_after is None else f", revoked after size {entry.revoked_after}"
                    print(f"key {office}  {entry.vkey.text}  from size {entry.from_size}{revoked}")
            for note in self.keys.ignored:
                print(f"note: {note}")
        width = max([len(r.office) for r in self.offices] + [4])
        for result in self.offices:
            for problem in result.problems:
                print(problem)
            if not result.problems:
                print(f"ok  {result.office:<{width}}  {result.size} events{self._witness_text(result)}")
        for problem in self.problems:
            print(problem)
        if problems:
            print(f"FAILED: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
            return 1
        total = sum(r.size for r in self.offices)
        tail = f"; citywide {self.citywide}" if self.citywide else ""
        print(f"verified: {total} events in {len(self.offices)} office logs{tail}")
        return 0

    def _witness_text(self, result: OfficeResult) -> str:
        witness = result.witnesses
        if witness is None:
            return ""
        if self.policy is None:
            names = ", ".join(witness.cosigned)
            return f", cosigned by {names}" if names else ", no cosignatures"
        return f", {len(witness.cosigned)} of {len(witness.eligible)} witnesses cosigned (policy {self.policy})"


def apply_policy(result: OfficeResult, keys: Keys, witnesses: list[str] | None, quorum: int | None) -> None:
    """Check result's checkpoint against the witness policy (or just list cosigners without one)."""
    if result.checkpoint is None:
        return
    listed = witnesses if witnesses is not None else sorted(keys.offices)
    outcome = check_cosignatures(result.checkpoint, result.office, keys, listed)
    result.witnesses = outcome
    for problem in outcome.problems:
        result.fail(problem)
    if quorum is not None and len(outcome.cosigned) < quorum:
        names = ", ".join(outcome.cosigned) or "none"
        result.fail(f"{len(outcome.cosigned)} of {len(outcome.eligible)} witnesses cosigned the checkpoint of "
                    f"size {result.size}; the policy needs {quorum} ({names})")


def city_checkpoint(city: str, logs: Iterable[tuple[str, int, bytes]]) -> bytes:
    """The citywide checkpoint's bytes (PUBLISH.md §2) from (origin, size, root)."""
    lines = sorted(f"{origin} {size} {b64e(root)}\n".encode() for origin, size, root in logs if size > 0)
    return f"civic-city/{city}\n".encode() + b"".join(lines)


# ---------------------------------------------------------------- published folders

def load_checkpoint(source: Source, result: OfficeResult, keys: Keys) -> Checkpoint:
    """Fetch and parse logs/<office>/checkpoint, checking its origin (raises Structural)."""
    path = f"logs/{result.office}/checkpoint"
    raw = source.fetch(path)
    if raw is None:
        raise MissingCheckpoint(f"{path} is missing")
    try:
        checkpoint = parse_checkpoint(raw)
    except ValueError as error:
        raise Structural(f"{path} {error}") from None
    if checkpoint.origin != origin_of(keys.city, result.office):
        raise Structural(f"{path} names origin {checkpoint.origin!r}, not {origin_of(keys.city, result.office)!r}")
    if checkpoint.size == 0:
        raise Structural(f"{path} is of size 0")
    result.checkpoint, result.size, result.root = checkpoint, checkpoint.size, checkpoint.root
    return checkpoint


def verify_published_log(source: Source, office: str, keys: Keys, required: bool = True) -> OfficeResult | None:
    """One office's log: checkpoint, signature, every tile and entry, chain, root (PUBLISH.md §7).
    None when the log is not required and has no checkpoint (a registered office without events)."""
    result = OfficeResult(office)
    try:
        checkpoint = load_checkpoint(source, result, keys)
        log = TiledLog(source, office, checkpoint.size)
        chain = Chain(office, keep=office == keys.registrar)
        log.verify_all(chain)
        result.events = chain.events
        result.verified = chain.count > 0
        vouched: list[int] = []
        if office == keys.registrar:
            for event in chain.events:
                keys.apply(event)
            vouched = verify_boundaries(source, keys, office, log)
        problem = verify_checkpoint_key(keys, office, checkpoint, vouched)
        if problem:
            result.fail(problem)
        if log.subtree(0, checkpoint.size) != checkpoint.root:
            raise Structural(f"the root computed from the tiles is not the root of the checkpoint of size {checkpoint.size}")
    except MissingCheckpoint as error:
        if not required:
            return None
        result.fail(str(error))
    except Structural as error:
        result.fail(str(error))
    return result


def verify_boundaries(source: Source, keys: Keys, office: str, log: "TiledLog") -> list[int]:
    """The sizes of the office's published boundary checkpoints (logs/<office>/boundary/<size>: the
    last checkpoint a key signed before a rotation, PUBLISH.md §1) that vouch for its rotations, in
    order: each verifies under the key before the rotation — the first key, or one a boundary
    already vouched for — and has the root the tiles give at its size."""
    history = sorted(keys.offices.get(office, []), key=lambda k: k.from_size)
    vouched_keys = {history[0].vkey.text} if history else set()
    sizes: list[int] = []
    for entry in history[1:]:
        size = entry.from_size - 1
        previous, _ = keys.key_at(office, size)
        raw = source.fetch(f"logs/{office}/boundary/{size}")
        if previous is None or previous.vkey.text not in vouched_keys or raw is None or size > log.size:
            continue
        try:
            boundary = parse_checkpoint(raw)
        except ValueError:
            continue
        if boundary.origin != origin_of(keys.city, office) or boundary.size != size:
            continue
        if check_signature(boundary, previous.vkey) or log.subtree(0, size) != boundary.root:
            continue
        vouched_keys.add(entry.vkey.text)
        sizes.append(size)
    return sizes


def offices_named(source: Source, report: Report) -> tuple[dict[str, Any] | None, bytes | None, set[str]]:
    """city.json, city/checkpoint and every office they name (untrusted: only for discovery)."""
    named: set[str] = set()
    city_json = None
    raw_json = source.fetch("city.json")
    if raw_json is None:
        report.problems.append("city.json is missing")
    else:
        try:
            city_json = json.loads(raw_json)
            named |= {entry["office"] for entry in city_json["logs"] if isinstance(entry.get("office"), str)}
        except (ValueError, KeyError, TypeError, AttributeError):
            report.problems.append("city.json is not the JSON object PUBLISH.md §1 describes")
            city_json = None
    city_raw = source.fetch("city/checkpoint")
    if city_raw is None:
        report.problems.append("city/checkpoint is missing")
    else:
        for line in city_raw.decode("utf-8", "replace").split("\n")[1:]:
            origin = line.split(" ")[0]
            if origin.count("/") == 2 and OFFICE_RE.fullmatch(origin.split("/")[2]):
                named.add(origin.split("/")[2])
    return city_json, city_raw, named


def city_lines(raw: bytes) -> dict[str, str]:
    """The lines of a citywide checkpoint by origin (for naming what differs)."""
    lines = raw.decode("utf-8", "replace").split("\n")[1:]
    return {line.split(" ")[0]: line for line in lines if line}


def check_city(report: Report, keys: Keys, city_json: dict[str, Any] | None, city_raw: bytes | None) -> None:
    """city/checkpoint against the checkpoints it should list, and city.json against both (§7 step 4).
    Offices whose checkpoint could not be read (already a problem) are left out of the comparison."""
    logs = [(origin_of(keys.city, r.office), r.size, r.root) for r in report.offices if r.size]
    unread = {origin_of(keys.city, r.office) for r in report.offices if not r.size and r.problems}
    rebuilt = city_checkpoint(keys.city, logs)
    report.citywide = sha256(rebuilt).hex()
    if city_raw is not None and city_raw != rebuilt:
        published, expected_lines = city_lines(city_raw), city_lines(rebuilt)
        differing = sorted(o.split("/")[-1] for o in set(published) | set(expected_lines)
                           if published.get(o) != expected_lines.get(o) and o not in unread)
        if differing or not unread:
            named = f" ({', '.join(differing)})" if differing else " (its first line or framing)"
            report.problems.append(f"city/checkpoint differs from the checkpoints it lists{named}")
    if city_json is None:
        return
    expected: dict[str, Any] = {"city": keys.city, "registrar": keys.registrar, "format": "civic-publish/1"}
    if not unread:
        expected.update({"hash": report.citywide, "events": sum(size for _, size, _ in logs)})
    for name, value in expected.items():
        if city_json.get(name) != value:
            report.problems.append(f"city.json: {name!r} is {city_json.get(name)!r}; the verified checkpoints "
                                   f"give {value!r}")
    entries = {r.office: {"office": r.office, "origin": origin_of(keys.city, r.office), "size": r.size,
                          "root": b64e(r.root)} for r in report.offices if r.size}
    listed = city_json.get("logs")
    given = {e.get("office"): e for e in listed if isinstance(e, dict)} if isinstance(listed, list) else {}
    differing = sorted(str(o) for o in set(entries) | set(given)
                       if entries.get(o) != given.get(o) and origin_of(keys.city, str(o)) not in unread)
    in_order = isinstance(listed, list) and [e.get("office") for e in listed if isinstance(e, dict)] == sorted(given)
    if differing or not in_order:
        report.problems.append(f"city.json: 'logs' does not agree with the verified checkpoints "
                               f"({', '.join(differing) or 'not sorted by office'})")


def check_keys_json(source: Source, report: Report, keys: Keys) -> None:
    """keys.json (for reading only) against the history derived from the registrar's log."""
    raw = source.fetch("keys.json")
    if raw is None:
        return
    try:
        listed = {entry["office"]: entry["keys"] for entry in json.loads(raw)}
    except (ValueError, KeyError, TypeError):
        report.problems.append("keys.json is not the list PUBLISH.md §4 describes")
        return
    derived = {entry["office"]: entry["keys"] for entry in keys.as_json()}
    for office in sorted(set(listed) | set(derived)):
        if listed.get(office) != derived.get(office):
            report.problems.append(f"keys.json: the keys of {office} differ from those the registrar's log gives")


def verify_registrar_then_offices(source: Source, keys: Keys, report: Report, extra: set[str]) -> bool:
    """§7 steps 1–2: the registrar's log first, then every other office's under its keys.
    False when the registrar's log could not be read through (so its key history is unknown)."""
    registrar = verify_published_log(source, keys.registrar, keys)
    assert registrar is not None
    report.offices.append(registrar)
    for office in sorted((set(keys.offices) | extra) - {keys.registrar}):
        if not OFFICE_RE.fullmatch(office):
            report.problems.append(f"an office named {office!r} is listed")
            continue
        if not registrar.verified:
            result = OfficeResult(office)
            try:
                load_checkpoint(source, result, keys)
                result.fail("not checked: the registrar's log, which gives its keys, did not verify")
            except Structural as error:
                result.fail(str(error))
            report.offices.append(result)
            continue
        if office not in keys.offices:
            result = OfficeResult(office)
            result.fail("is listed as published but is not registered in the registrar's log")
            report.offices.append(result)
            continue
        result = verify_published_log(source, office, keys, required=office in extra)
        if result is not None:
            report.offices.append(result)
    return registrar.verified


def check_state(source: Source, report: Report, state_path: str) -> dict[str, Any] | None:
    """The --state rules: no smaller size, no other root at one size, consistency when larger."""
    previous: dict[str, Any] = {}
    if os.path.exists(state_path):
        try:
            with open(state_path, encoding="utf-8") as handle:
                previous = json.load(handle).get("offices", {})
        except (ValueError, OSError, AttributeError) as error:
            raise Unreachable(f"{state_path}: cannot read the state ({error})") from None
    current = {r.office: r for r in report.offices}
    for office, old in sorted(previous.items()):
        result = current.get(office)
        old_size, old_root = old["size"], b64d(old["root"])
        if result is None or not result.size:
            report.problems.append(f"{office}: was accepted at size {old_size} before and is no longer published")
            continue
        if result.size < old_size:
            result.fail(f"went back from {old_size} to {result.size}")
        elif result.size == old_size and result.root != old_root:
            result.fail(f"another root at size {old_size} than the one accepted before (a forked view)")
        elif result.size > old_size:
            try:
                log = TiledLog(source, office, result.size)
                proof = consistency_path(old_size, 0, result.size, True, log.subtree)
                if not verify_consistency(old_size, result.size, old_root, result.root, proof):
                    result.fail(f"the checkpoint of size {result.size} is not consistent with size {old_size} "
                                f"accepted before (consistency proof from the tiles)")
            except Structural as error:
                result.fail(f"no consistency proof from size {old_size}: {error}")
    return {"format": STATE_FORMAT, "source": source.location,
            "offices": {r.office: {"size": r.size, "root": b64e(r.root)} for r in report.offices if r.size}}


def cmd_published(args: argparse.Namespace) -> int:
    """PUBLISH.md §7 steps 1–4 (and --state)."""
    keys, witnesses, quorum = trust_and_policy(args)
    source = Source(args.source)
    report = Report(policy=quorum)
    city_json, city_raw, named = offices_named(source, report)
    registrar_read = verify_registrar_then_offices(source, keys, report, named)
    for result in report.offices:
        apply_policy(result, keys, witnesses, quorum)
    check_city(report, keys, city_json, city_raw)
    if registrar_read:
        check_keys_json(source, report, keys)
    if args.state:
        state = check_state(source, report, args.state)
        if not report.all_problems():
            with open(args.state + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(state, handle, indent=1, sort_keys=True)
            os.replace(args.state + ".tmp", args.state)
    return report.print(args.format)


# ---------------------------------------------------------------- inclusion and consistency

def verified_office_checkpoint(source: Source, keys: Keys, office: str) -> tuple[Checkpoint, TiledLog]:
    """The registrar's log in full (for keys), then office's signed checkpoint; exits 1 on failure."""
    registrar = verify_published_log(source, keys.registrar, keys)
    assert registrar is not None
    if registrar.problems:
        fail_and_exit(registrar.problems + [f"{office}: cannot be checked without the registrar's log"])
    if office == keys.registrar:
        assert registrar.checkpoint is not None
        return registrar.checkpoint, TiledLog(source, office, registrar.size)
    result = OfficeResult(office)
    try:
        checkpoint = load_checkpoint(source, result, keys)
    except Structural as error:
        fail_and_exit([f"{office}: {error}"])
    problem = verify_checkpoint_key(keys, office, checkpoint)
    if problem:
        fail_and_exit([f"{office}: {problem}"])
    return checkpoint, TiledLog(source, office, checkpoint.size)


def fail_and_exit(problems: list[str]) -> None:
    """Print problems and exit 1."""
    for problem in problems:
        print(problem)
    sys.exit(1)


def cmd_inclusion(args: argparse.Namespace) -> int:
    """Prove event (office, seq) is in the office's signed checkpoint, from the tiles."""
    keys = trust_and_policy(args)[0]
    checkpoint, log = verified_office_checkpoint(Source(args.source), keys, args.office)
    if not 1 <= args.seq <= checkpoint.size:
        fail_and_exit([f"{args.office}: seq {args.seq} is not in the checkpoint of size {checkpoint.size}"])
    index = args.seq - 1
    try:
        path, entries = log.bundle(index // TILE_WIDTH)
        entry = entries[index % TILE_WIDTH]
        leaf = leaf_hash(entry)
        where = f"entry {index % TILE_WIDTH} (seq {args.seq}) in {path}"
        if leaf != log.hash_at(0, index):
            fail_and_exit([f"{args.office}: {where} does not hash to the level-0 tile"])
        event = read_event(entry)
        if event.office != args.office or event.seq != args.seq:
            fail_and_exit([f"{args.office}: {where} is the event {event.office} seq {event.seq}"])
        proof = inclusion_path(index, 0, checkpoint.size, log.subtree)
    except Structural as error:
        fail_and_exit([f"{args.office}: {error}"])
    except ValueError as error:
        fail_and_exit([f"{args.office}: seq {args.seq}: {error}"])
    if not verify_inclusion(index, checkpoint.size, leaf, proof, checkpoint.root):
        fail_and_exit([f"{args.office}: the inclusion proof of seq {args.seq} does not lead to the checkpoint's root"])
    answer = {"office": args.office, "seq": args.seq, "id": leaf.hex(), "leafIdx": index,
              "treeSize": checkpoint.size, "leafHash": b64e(leaf), "root": b64e(checkpoint.root),
              "proof": [b64e(p) for p in proof], "checkpoint": checkpoint.raw.decode()}
    if args.format == "json":
        print(json.dumps(answer, indent=1))
    else:
        print(f"ok  {args.office} seq {args.seq} (id {leaf.hex()}, {event.value['type']}) is leaf {index} of the "
              f"signed checkpoint of size {checkpoint.size}, root {b64e(checkpoint.root)}")
        for i, step in enumerate(proof):
            print(f"  proof[{i}] {b64e(step)}")
    return 0


def cmd_consistency(args: argparse.Namespace) -> int:
    """An RFC 6962 consistency proof between sizes M and N, from the tiles, verified."""
    keys = trust_and_policy(args)[0]
    checkpoint, log = verified_office_checkpoint(Source(args.source), keys, args.office)
    size2 = checkpoint.size if args.to is None else args.to
    if not 1 <= args.from_size <= size2 <= checkpoint.size:
        fail_and_exit([f"{args.office}: need 1 ≤ from ({args.from_size}) ≤ to ({size2}) ≤ the checkpoint's size "
                       f"({checkpoint.size})"])
    try:
        root1, root2 = log.subtree(0, args.from_size), log.subtree(0, size2)
        proof = consistency_path(args.from_size, 0, size2, True, log.subtree)
    except Structural as error:
        fail_and_exit([f"{args.office}: {error}"])
    if size2 == checkpoint.size and root2 != checkpoint.root:
        fail_and_exit([f"{args.office}: the root computed from the tiles is not the checkpoint's root"])
    if not verify_consistency(args.from_size, size2, root1, root2, proof):
        fail_and_exit([f"{args.office}: the consistency proof from {args.from_size} to {size2} does not verify"])
    answer = {"office": args.office, "size1": args.from_size, "size2": size2, "root1": b64e(root1),
              "root2": b64e(root2), "proof": [b64e(p) for p in proof]}
    if size2 == checkpoint.size:
        answer["checkpoint"] = checkpoint.raw.decode()
    if args.format == "json":
        print(json.dumps(answer, indent=1))
    else:
        signed = " (the signed checkpoint)" if size2 == checkpoint.size else ""
        print(f"ok  {args.office} size {args.from_size} (root {b64e(root1)}) is a prefix of size {size2}{signed} "
              f"(root {b64e(root2)})")
        for i, step in enumerate(proof):
            print(f"  proof[{i}] {b64e(step)}")
    return 0


# ---------------------------------------------------------------- a live node

def get_json(url: str) -> Any:
    """GET url as JSON, or None on 404."""
    status, data = http_get(url)
    if status != 200:
        return None
    try:
        return json.loads(data)
    except ValueError:
        raise Unreachable(f"{url}: the answer is not JSON") from None


def fetch_ranges(base: str, keys: Keys, result: OfficeResult, target: int) -> tuple[Chain, list[int]]:
    """GET every range of an office from seq 1 up to target, verifying each part's checkpoint
    (the registrar's key history grows with its own parts); raises Structural."""
    chain, verified_sizes = Chain(result.office, keep=result.office == keys.registrar), []
    while chain.count < target:
        after = chain.count
        url = f"{base}/v1/logs/{result.office}/events?after={after}"
        status, body = http_get(url)
        if status != 200:
            raise Structural(f"GET {url} answered {status} before size {target}")
        lines = body.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        try:
            header = parse_strict(lines[0])
            if not isinstance(header, dict) or set(header) != {"after", "checkpoint", "count", "office"}:
                raise ValueError("not exactly the members after, checkpoint, count and office")
            checkpoint = parse_checkpoint(header["checkpoint"].encode())
            count = header["count"]
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            raise Structural(f"the range after {after} has a bad header ({error})") from None
        if header.get("after") != after or header.get("office") != result.office:
            raise Structural(f"the range after {after} has a header for another place")
        if len(lines) - 1 != count or checkpoint.size != after + count or count < 1:
            raise Structural(f"the range after {after} has {len(lines) - 1} events, count {count}, "
                             f"checkpoint size {checkpoint.size}")
        if checkpoint.origin != origin_of(keys.city, result.office):
            raise Structural(f"the range after {after} carries a checkpoint of {checkpoint.origin!r}")
        for offset, raw in enumerate(lines[1:]):
            where = f"event seq {after + offset + 1} of the range after {after}"
            try:
                event = read_event(raw)
            except ValueError as error:
                raise Structural(f"{where}: {error}") from None
            chain.add(event, where)
            if result.office == keys.registrar:
                keys.apply(event)
        if mth(chain.leaves) != checkpoint.root:
            raise Structural(f"the events up to {checkpoint.size} do not hash to the range's checkpoint root")
        problem = verify_checkpoint_key(keys, result.office, checkpoint, verified_sizes)
        if problem:
            raise Structural(f"range after {after}: {problem}")
        verified_sizes.append(checkpoint.size)
    return chain, verified_sizes


def verify_node_log(base: str, keys: Keys, entry: dict[str, Any]) -> OfficeResult:
    """One office of a node: its ranges, and the checkpoint its status shows."""
    result = OfficeResult(str(entry.get("office")))
    try:
        checkpoint = parse_checkpoint(str(entry.get("checkpoint", "")).encode())
    except ValueError as error:
        result.fail(f"the status's checkpoint {error}")
        return result
    result.checkpoint, result.size, result.root = checkpoint, checkpoint.size, checkpoint.root
    if entry.get("size") != checkpoint.size or entry.get("root") != b64e(checkpoint.root):
        result.fail("the status's size and root are not its checkpoint's")
    try:
        chain, verified_sizes = fetch_ranges(base, keys, result, checkpoint.size)
        result.events = chain.events
        result.verified = chain.count > 0
        if mth(chain.leaves, 0, checkpoint.size) != checkpoint.root:
            raise Structural(f"the events do not hash to the root of the status's checkpoint of size {checkpoint.size}")
        problem = verify_checkpoint_key(keys, result.office, checkpoint, verified_sizes)
        if problem:
            result.fail(f"the status's checkpoint: {problem}")
    except Structural as error:
        result.fail(str(error))
    return result


def attach_cosignatures(base: str, report: Report) -> None:
    """Add the cosignature lines the node holds (GET /v1/cosignatures, named in PUBLISH.md §3;
    read as {"cosignatures": [{"office", "checkpoint", "cosignature"}]}) to the checkpoints
    they cosign (same note text)."""
    answer = get_json(base + "/v1/cosignatures")
    items = answer.get("cosignatures") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        return
    by_office = {r.office: r for r in report.offices if r.checkpoint is not None}
    for item in items:
        result = by_office.get(item.get("office")) if isinstance(item, dict) else None
        if result is None or result.checkpoint is None:
            continue
        try:
            cosigned = parse_note(str(item.get("checkpoint", "")).encode())
            line = str(item.get("cosignature", "")).rstrip("\n")
            match = re.fullmatch(EM_DASH + r" (\S+) (\S+)", line)
            if not match:
                raise ValueError(f"a malformed cosignature line {line[:40]!r}")
            signature = (match.group(1), b64d(match.group(2)))
        except ValueError as error:
            report.problems.append(f"{result.office}: GET /v1/cosignatures: {error}")
            continue
        if cosigned.text == result.checkpoint.note.text:
            result.checkpoint.note.signatures.append(signature)


def cmd_node(args: argparse.Namespace) -> int:
    """A live node over the sync API: status, every office's ranges, checkpoints, citywide hash."""
    keys, witnesses, quorum = trust_and_policy(args)
    base = args.url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise Unreachable(f"{args.url}: not an http(s) URL")
    status = get_json(base + "/v1/status")
    report = Report(policy=quorum)
    if not isinstance(status, dict) or not isinstance(status.get("logs"), list):
        raise Unreachable(f"{base}/v1/status: not a node's status")
    if status.get("city") != keys.city or status.get("registrar") != keys.registrar:
        report.problems.append(f"the node's city/registrar ({status.get('city')}/{status.get('registrar')}) "
                               f"is not the trust root's ({keys.city}/{keys.registrar})")
    entries = {str(e.get("office")): e for e in status["logs"]
               if isinstance(e, dict) and not (e.get("size") == 0 and e.get("checkpoint") is None)}
    order = [keys.registrar] * (keys.registrar in entries) + sorted(set(entries) - {keys.registrar})
    for office in order:
        if office != keys.registrar and office not in keys.offices:
            result = OfficeResult(office)
            result.fail("the node holds a log of an office not registered in the registrar's log")
        else:
            result = verify_node_log(base, keys, entries[office])
        report.offices.append(result)
    attach_cosignatures(base, report)
    for result in report.offices:
        apply_policy(result, keys, witnesses, quorum)
    logs = [(origin_of(keys.city, r.office), r.size, r.root) for r in report.offices if r.size]
    report.citywide = sha256(city_checkpoint(keys.city, logs)).hex()
    citywide = status.get("citywide") or {}
    if citywide.get("hash") != report.citywide:
        report.problems.append("the status's citywide hash is not that of the checkpoints it lists")
    if citywide.get("events") != sum(size for _, size, _ in logs):
        report.problems.append("the status's citywide event count is not the sum of the log sizes")
    for fork in status.get("forks") or []:
        report.problems.append(f"the node holds a fork proof: {json.dumps(fork, sort_keys=True)}")
    return report.print(args.format)


# ---------------------------------------------------------------- civic log --format json

def check_log_line(line: bytes) -> tuple[Event, list[str]]:
    """One line of `civic log --format json` (PUBLISH.md §5): the event its canonical bytes hold,
    and where the line's other members disagree with them. ValueError when the bytes are unusable."""
    try:
        item = json.loads(line)
    except ValueError:
        raise ValueError("is not JSON") from None
    if not isinstance(item, dict) or not isinstance(item.get("canonical"), str):
        raise ValueError("is not a JSON object with a canonical string")
    try:
        event = read_event(b64d(item["canonical"]))
    except ValueError as error:
        raise ValueError(f"has canonical bytes that are refused: {error}") from None
    problems = []
    members = set(item) - {"author"}
    if members != LOG_MEMBERS:
        problems.append(f"has members {', '.join(sorted(item))}, not those of PUBLISH.md §5")
    if item.get("id") != event.id:
        problems.append(f"has id {str(item.get('id'))[:16]}…, not the leaf hash of its canonical bytes ({event.id[:16]}…)")
    for name in ["office", "seq", "type", "effective", "hlc", "body", "author"]:
        if (name in item) != (name in event.value):
            problems.append(f'has "{name}" {"but" if name in item else "missing, but"} the canonical bytes '
                            f'{"do not" if name in item else "have it"}')
        elif name in item:
            where = json_difference(item[name], event.value[name], name)
            if where:
                problems.append(f'has "{where}" different from its canonical bytes')
    return event, problems


def check_log_order(orders: list[tuple[int, tuple[int, int, str, int], tuple[str, int]]]) -> str | None:
    """None when the lines are in citywide order (PUBLISH.md §5) or in (office, seq) order (what
    `civic log --help` says); else the first line out of both."""
    def first_out(index: int) -> int | None:
        for (_, before, before_os), (number, now, now_os) in zip(orders, orders[1:]):
            if (now, now_os)[index] <= (before, before_os)[index]:
                return number
        return None
    citywide, by_office = first_out(0), first_out(1)
    if citywide is None or by_office is None:
        return None
    return (f"the lines are neither in citywide order (line {citywide} is out of it) nor in (office, seq) "
            f"order (line {by_office} is out of it)")


def cmd_log(args: argparse.Namespace) -> int:
    """Check `civic log --format json` output: bytes against members, ids, order and chains."""
    keys = trust_and_policy(args)[0] if args.registrar_key else None
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else open(args.file, "rb").read()
    except OSError as error:
        raise Unreachable(f"{args.file}: {error.strerror}") from None
    report = Report()
    results: dict[str, OfficeResult] = {}
    chains: dict[str, Chain] = {}
    broken: set[str] = set()
    orders: list[tuple[int, tuple[int, int, str, int], tuple[str, int]]] = []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    else:
        report.problems.append(f"line {len(lines)} does not end in a line feed")
    for number, line in enumerate(lines, 1):
        try:
            event, problems = check_log_line(line)
        except ValueError as error:
            report.problems.append(f"line {number} {error}")
            continue
        result = results.setdefault(event.office, OfficeResult(event.office))
        chain = chains.setdefault(event.office, Chain(event.office))
        for problem in problems:
            result.fail(f"line {number} (seq {event.seq}) {problem}")
        orders.append((number, (event.hlc[0], event.hlc[1], event.office, event.seq), (event.office, event.seq)))
        if event.office not in broken:
            try:
                chain.add(event, f"line {number} (seq {event.seq})")
            except Structural as error:
                broken.add(event.office)
                result.fail(f"{error} (its chain is not checked further)")
    order_problem = check_log_order(orders)
    if order_problem:
        report.problems.append(order_problem)
    registrar = keys.registrar if keys else ""
    for office in sorted(results, key=lambda o: (o != registrar, o)):
        result, chain = results[office], chains[office]
        result.size, result.root = chain.count, mth(chain.leaves)
        report.offices.append(result)
    if keys is not None:
        if registrar not in chains:
            report.problems.append(f"the registrar's log ({registrar}) is not in the output: no key history")
        else:
            for event in chains[registrar].events:
                keys.apply(event)
            for office in sorted(set(results) - set(keys.offices)):
                results[office].fail("not registered in the registrar's log")
            report.keys = keys
        logs = [(origin_of(keys.city, r.office), r.size, r.root) for r in report.offices if r.size]
        report.citywide = sha256(city_checkpoint(keys.city, logs)).hex()
    return report.print(args.format)


# ---------------------------------------------------------------- the test vectors

class Tally:
    """Counts vectors that agreed, printing each disagreement."""

    def __init__(self) -> None:
        self.agreed, self.total = 0, 0

    def check(self, ok: bool, what: str) -> bool:
        self.total += 1
        self.agreed += ok
        if not ok:
            print(f"DIFFERS  {what}")
        return ok


def load_vector(directory: str, name: str) -> Any:
    """A JSON file of the vectors folder."""
    with open(os.path.join(directory, name), encoding="utf-8") as handle:
        return json.load(handle)


def vector_key(directory: str, tally: Tally) -> tuple[Ed25519PrivateKey, VKey]:
    """key.json: seed, verifier and private keys, key ID."""
    data = load_vector(directory, "key.json")
    seed = bytes.fromhex(data["seed_hex"])
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    name = data["vkey"].split("+", 1)[0]
    ident = key_id(name, public)
    ed25519 = bytes([1])
    vkey_text = f"{name}+{ident.hex()}+{b64e(ed25519 + public)}"
    tally.check(seed == sha256(data["seed_text"].encode()) and vkey_text == data["vkey"]
                and data["skey"] == f"PRIVATE+KEY+{name}+{ident.hex()}+{b64e(ed25519 + seed)}"
                and data["key_id_hex"] == ident.hex() and parse_vkey(data["vkey"]).public == public,
                "key.json: seed, verifier key, private key or key ID")
    return private, parse_vkey(vkey_text)


def vector_events(directory: str, tally: Tally, vkey: VKey) -> list[Event]:
    """events.json: bytes, canonical form, leaf hashes, ids, seq and prev; returns the events."""
    chain = Chain(vkey.name.split("/")[-1])
    for item in load_vector(directory, "events.json"):
        raw = item["canonical"].encode()
        try:
            event = read_event(raw)
            chain.add(event, f"events.json seq {item['seq']}")
        except (ValueError, Structural) as error:
            tally.check(False, f"events.json seq {item['seq']}: {error}")
            continue
        tally.check(raw.hex() == item["canonical_hex"] and event.id == item["id"] == item["leaf_hash_hex"]
                    and event.seq == item["seq"], f"events.json seq {item['seq']}: bytes, leaf hash, id or seq")
    if chain.events:
        tally.check(chain.events[0].value["body"].get("key") == vkey.text, "events.json seq 1 registers key.json's vkey")
    return chain.events


def vector_tree(directory: str, tally: Tally, leaves: list[bytes]) -> None:
    """tree.json: roots, inclusion proofs and consistency proofs, recomputed and verified."""
    data = load_vector(directory, "tree.json")
    for item in data["roots"]:
        root = mth(leaves[:item["size"]])
        tally.check(b64e(root) == item["root_base64"] and root.hex() == item["root_hex"],
                    f"tree.json root of size {item['size']}")
    subtree = lambda lo, hi: mth(leaves, lo, hi)  # noqa: E731
    for item in data["inclusion"]:
        proof = inclusion_path(item["leafIdx"], 0, item["treeSize"], subtree)
        given = [b64d(p) for p in item["proof"]]
        tally.check(proof == given and leaves[item["leafIdx"]] == b64d(item["leafHash"])
                    and verify_inclusion(item["leafIdx"], item["treeSize"], b64d(item["leafHash"]), given,
                                         b64d(item["root"])),
                    f"tree.json inclusion of leaf {item['leafIdx']} at size {item['treeSize']}")
    for item in data["consistency"]:
        proof = consistency_path(item["size1"], 0, item["size2"], True, subtree)
        given = [b64d(p) for p in item["proof"]]
        tally.check(proof == given and verify_consistency(item["size1"], item["size2"], b64d(item["root1"]),
                                                          b64d(item["root2"]), given),
                    f"tree.json consistency {item['size1']} → {item['size2']}")


def vector_checkpoints(directory: str, tally: Tally, private: Ed25519PrivateKey, vkey: VKey,
                       leaves: list[bytes]) -> None:
    """checkpoints.json: each note rebuilt and signed (Ed25519 is deterministic), and verified."""
    for item in load_vector(directory, "checkpoints.json"):
        text = f"{vkey.name}\n{item['size']}\n{b64e(mth(leaves[:item['size']]))}\n".encode()
        signature = private.sign(text)
        note = text + f"\n{EM_DASH} {vkey.name} {b64e(vkey.key_id + signature)}\n".encode()
        try:
            parsed = parse_checkpoint(item["note"].encode())
            ok = note == item["note"].encode() and check_signature(parsed, vkey) is None
        except ValueError:
            ok = False
        tally.check(ok, f"checkpoints.json size {item['size']}")


def vector_strict(directory: str, tally: Tally) -> None:
    """strict-profile.json: canonical form (NFC-normalized as when recorded) or refusal."""
    for item in load_vector(directory, "strict-profile.json"):
        try:
            got: str | None = canonical(nfc(parse_strict(item["input"]))).decode()
        except ValueError:
            got = None
        tally.check(got == item["canonical"], f"strict-profile.json input {item['input']}")


def vector_fold_logs(directory: str, tally: Tally) -> None:
    """fold/: every office's events (canonical, chained), the key history from the registrar's
    log, and each office's checkpoint under it (the fold's state itself is not recomputed)."""
    folder = os.path.join(directory, "fold")
    if not os.path.isdir(folder):
        return
    data = load_vector(folder, "input.json")
    given = {item["office"]: item for item in data["checkpoints"]}
    registrar_key = parse_vkey(given[data["registrar"]]["key"])
    keys = Keys.from_trust_root(registrar_key)
    chains: dict[str, Chain] = {}
    with open(os.path.join(folder, "events.jsonl"), "rb") as handle:
        for number, line in enumerate(handle.read().splitlines(), 1):
            try:
                event = read_event(line)
                chains.setdefault(event.office, Chain(event.office)).add(event, f"fold/events.jsonl line {number}")
            except (ValueError, Structural) as error:
                tally.check(False, f"fold/events.jsonl line {number}: {error}")
    for event in chains.get(keys.registrar, Chain(keys.registrar)).events:
        keys.apply(event)
    for office, item in sorted(given.items()):
        chain = chains.get(office, Chain(office))
        try:
            checkpoint = parse_checkpoint(item["checkpoint"].encode())
            entry, _ = keys.key_at(office, checkpoint.size)
            ok = (entry is not None and entry.vkey.text == item["key"] and checkpoint.size == chain.count
                  and checkpoint.root == mth(chain.leaves) and verify_checkpoint_key(keys, office, checkpoint) is None)
        except ValueError:
            ok = False
        tally.check(ok, f"fold/input.json {office}: key from the registrar's log, events and signed checkpoint")


class MemorySource(Source):
    """Files held in memory (the tiles of a vector), read like a published folder."""

    def __init__(self, files: dict[str, bytes]):
        self.location, self.is_url, self.files = "(memory)", False, files

    def fetch(self, path: str) -> bytes | None:
        return self.files.get(path)


def vector_publish(directory: str, tally: Tally, events: list[Event], vkey: VKey) -> None:
    """publish.json: the citywide checkpoint, a witness cosignature, and the tiles of the five events."""
    path = os.path.join(directory, "publish.json")
    if not os.path.exists(path):
        print("note: publish.json is not in the vectors folder (PUBLISH.md §2 names it); skipped")
        return
    data = load_vector(directory, "publish.json")
    city = data["citywide"]
    text = city["text"].encode()
    lines = text.decode().split("\n")
    logs = [(o, int(n), b64d(r)) for o, n, r in (line.split(" ") for line in lines[1:-1])]
    tally.check(city_checkpoint(lines[0].removeprefix("civic-city/"), logs) == text
                and sha256(text).hex() == city["hash_hex"] and sum(n for _, n, _ in logs) == city["events"],
                "publish.json citywide: bytes, hash and events")
    leaves = [event.leaf for event in events]
    cos = data["cosignature"]
    private = Ed25519PrivateKey.from_private_bytes(sha256(cos["witness_seed_text"].encode()))
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    witness = VKey("", cos["witness_name"], key_id(cos["witness_name"], public), public)
    note = parse_checkpoint(cos["cosigned_note"].encode())
    stamp = cos["timestamp"]
    message = b"cosignature/v1\ntime %d\n" % stamp + note.note.text
    blob = witness.cosigner_id() + stamp.to_bytes(8, "big") + private.sign(message)
    line = f"{EM_DASH} {witness.name} {b64e(blob)}\n"
    checkpoints = load_vector(directory, "checkpoints.json")
    signed = next(item["note"] for item in checkpoints if item["size"] == note.size)
    tally.check(public.hex() == cos["witness_public_key_hex"] and witness.cosigner_id().hex() == cos["key_id_hex"]
                and message.decode() == cos["message"] and line == cos["line"]
                and cos["cosigned_note"] == signed + line and check_signature(note, vkey) is None
                and witness.verify(b64d(line.split(" ")[2].strip())[12:], message),
                "publish.json cosignature: key, key ID, message, line and cosigned note")
    tiles = data["tiles"]
    files = {f"logs/{tiles['log'].split('/')[-1]}/{item['path']}": bytes.fromhex(item["hex"]) for item in tiles["files"]}
    size = tiles["size"]
    expected = {"tile/0/000.p/%d" % size: b"".join(leaves[:size]),
                "tile/entries/000.p/%d" % size: b"".join(len(e.raw).to_bytes(2, "big") + e.raw for e in events[:size])}
    given = {item["path"]: bytes.fromhex(item["hex"]) for item in tiles["files"]}
    try:
        log = TiledLog(MemorySource(files), tiles["log"].split("/")[-1], size)
        log.verify_all(Chain(tiles["log"].split("/")[-1]))
        read_back = log.subtree(0, size) == mth(leaves[:size])
    except Structural:
        read_back = False
    tally.check(given == expected and read_back, "publish.json tiles: level-0 tile and entry bundle")
    if "log" in data:
        lines = data["log"]["lines"]
        ok = len(lines) == len(events)
        for line, event in zip(lines, events):
            checked, problems = check_log_line(line.encode())
            ok = ok and not problems and checked.raw == event.raw
        tally.check(ok, "publish.json log: civic log --format json lines agree with their canonical bytes")
    if "keys" in data:
        vector_keys(data["keys"], tally)


def vector_keys(data: dict[str, Any], tally: Tally) -> None:
    """publish.json keys: the key history a reader derives from a registrar's log (PUBLISH.md §4),
    the rotated registrar followed through its boundary checkpoint."""
    keys = Keys.from_trust_root(parse_vkey(data["registrar_first_vkey"]))
    chain = Chain(keys.registrar)
    for number, raw in enumerate(data["events"], 1):
        event = read_event(raw.encode())
        chain.add(event, f"publish.json keys event {number}")
        keys.apply(event)
    files = {f"logs/{keys.registrar}/boundary/4": data["boundary_checkpoint"].encode()}
    tiled = TiledLog(MemorySource(files), keys.registrar, len(chain.leaves))
    tiled.subtree = lambda start, end: mth(chain.leaves, start, end)  # type: ignore[method-assign]
    vouched = verify_boundaries(MemorySource(files), keys, keys.registrar, tiled)
    checkpoint = parse_checkpoint(data["checkpoint"].encode())
    ok = (keys.as_json() == data["history"] and vouched == [4] and not keys.ignored
          and mth(chain.leaves) == checkpoint.root
          and verify_checkpoint_key(keys, keys.registrar, checkpoint, vouched) is None)
    tally.check(ok, "publish.json keys: the key history from the registrar's log, its rotation followed")


def cmd_vectors(args: argparse.Namespace) -> int:
    """Recompute every vector of Protocol/vectors."""
    directory = args.dir
    if not os.path.isdir(directory):
        raise Unreachable(f"{directory}: no such folder")
    tally = Tally()
    private, vkey = vector_key(directory, tally)
    events = vector_events(directory, tally, vkey)
    leaves = [event.leaf for event in events]
    vector_tree(directory, tally, leaves)
    vector_checkpoints(directory, tally, private, vkey, leaves)
    vector_strict(directory, tally)
    vector_fold_logs(directory, tally)
    vector_publish(directory, tally, events, vkey)
    print(f"vectors: {tally.agreed} of {tally.total} agreed")
    return 0 if tally.agreed == tally.total else 1


# ---------------------------------------------------------------- command line

def trust_and_policy(args: argparse.Namespace) -> tuple[Keys, list[str] | None, int | None]:
    """The trust root from --registrar-key and the witness policy; usage errors exit 2."""
    try:
        keys = Keys.from_trust_root(parse_vkey(args.registrar_key))
    except ValueError as error:
        usage_error(f"--registrar-key: {error}")
    witnesses = getattr(args, "witnesses", None)
    quorum = getattr(args, "quorum", None)
    if (witnesses is None) != (quorum is None):
        usage_error("--witnesses and --quorum go together")
    names = None
    if witnesses is not None:
        names = [w.strip() for w in witnesses.split(",") if w.strip()]
        if not names or any(not OFFICE_RE.fullmatch(w) for w in names) or quorum < 1:
            usage_error("--witnesses takes office ids separated by commas, --quorum a number of at least 1")
    return keys, names, quorum


def usage_error(message: str) -> None:
    """Print a usage error and exit 2."""
    print(f"civic-verify: error: {message}", file=sys.stderr)
    sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    """The subcommands and their options."""
    parser = argparse.ArgumentParser(prog="civic-verify.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, description=text)

    def trust(sub: argparse.ArgumentParser, required: bool = True) -> None:
        sub.add_argument("--registrar-key", required=required, metavar="VKEY",
                         help="the registrar's FIRST verifier key (the trust root, obtained out of band)")

    def policy(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--witnesses", metavar="A,B,C", help="offices accepted as witnesses")
        sub.add_argument("--quorum", type=int, metavar="K", help="how many of them must cosign each checkpoint")

    def form(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--format", choices=["text", "json"], default="text")

    sub = add("vectors", "Recompute every vector in Protocol/vectors: keys, events, leaf hashes, ids, prev, "
                         "roots, inclusion and consistency proofs, checkpoints, the strict profile, the fold's logs.")
    sub.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Protocol", "vectors"))
    sub.set_defaults(run=cmd_vectors)

    sub = add("published", "Verify a published folder or URL (PUBLISH.md §7 steps 1–4): the registrar's log, "
                           "every office log under its keys, every tile and entry, signatures, the witness "
                           "policy, city/checkpoint and city.json; --state refuses going back or forking.")
    sub.add_argument("source", metavar="DIR_OR_URL")
    trust(sub)
    policy(sub)
    sub.add_argument("--state", metavar="FILE", help="remember the accepted size and root per office")
    form(sub)
    sub.set_defaults(run=cmd_published)

    sub = add("inclusion", "Prove one event is in its office's signed published checkpoint, from the tiles.")
    sub.add_argument("source", metavar="DIR_OR_URL")
    trust(sub)
    sub.add_argument("--office", required=True)
    sub.add_argument("--seq", required=True, type=int)
    form(sub)
    sub.set_defaults(run=cmd_inclusion)

    sub = add("consistency", "An RFC 6962 consistency proof between two sizes of an office's published log, "
                             "from the tiles, verified (--to defaults to the signed checkpoint's size).")
    sub.add_argument("source", metavar="DIR_OR_URL")
    trust(sub)
    sub.add_argument("--office", required=True)
    sub.add_argument("--from", dest="from_size", required=True, type=int, metavar="M")
    sub.add_argument("--to", type=int, metavar="N")
    form(sub)
    sub.set_defaults(run=cmd_consistency)

    sub = add("node", "Verify a live node over the sync API: /v1/status, every office's ranges, checkpoints "
                      "under the registrar's key history, and the citywide hash.")
    sub.add_argument("url", metavar="URL")
    trust(sub)
    policy(sub)
    form(sub)
    sub.set_defaults(run=cmd_node)

    sub = add("log", "Check `civic log --format json` output (PUBLISH.md §5): members against the canonical "
                     "bytes, ids, order and chains; with --registrar-key also the key history.")
    sub.add_argument("file", metavar="FILE|-")
    trust(sub, required=False)
    form(sub)
    sub.set_defaults(run=cmd_log)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; exit 0 verified, 1 problems, 2 usage or unreachable."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except Unreachable as error:
        print(f"civic-verify: unreachable: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
