"""Field encryption: AES-256-GCM under a key ring, keys kept outside the database.

Why: a copied database file or backup must reveal no victim's name, NIK or address
(UU 27/2022 on personal data protection, art. 35-39: the controller must protect the
confidentiality of personal data, including with encryption; art. 4(2): data on children
and health are specific personal data). The keys therefore live in the environment or in
key files, never in the database or the repository.

A stored value reads ``v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``:

- the key id says which key of the ring opens it, so old values stay readable after a new
  key is added and ``rotate_keys`` can find what still needs re-encrypting;
- the associated data binds the version, the key id and a *label* naming the model and
  field (``people.Person.name``), so a value copied into another column or another model
  fails authentication instead of being shown in the wrong place.

A key ring is written ``keyid:base64key`` entries separated by commas or new lines,
**newest first**: new values use the first key, every listed key can decrypt.
"""

import base64
import binascii
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce; random, so one key is good for ~2^32 values
_TAG_BYTES = 16
# Lower case only: rotate_keys finds stale values with SQL LIKE, which SQLite compares
# case-insensitively; a key id that differed only by case would be mistaken for another.
_KEY_ID = re.compile(r"[a-z0-9][a-z0-9.-]{0,31}")


class DecryptionError(Exception):
    """A stored value could not be opened. Never carries the value itself.

    The value was altered, copied from another field, or its key is not in the ring.
    Callers must not fall back to showing anything: a wrong answer about a victim is
    worse than none.
    """


class UnknownKeyError(DecryptionError):
    """The value names a key id that is not configured (a lost or removed key)."""


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes

    def __repr__(self) -> str:
        # Keep key material out of tracebacks, logs and error pages.
        return f"Key({self.key_id!r}, <{len(self.secret)} bytes>)"


def _decode_key(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("is not base64") from exc


def parse_key_ring(
    text: str, *, setting: str, min_bytes: int = KEY_BYTES, max_bytes: int | None = KEY_BYTES
) -> tuple[Key, ...]:
    """Read ``keyid:base64key`` entries (newest first); stop loudly on any mistake.

    Messages name the setting and the key id, never the key.
    """
    keys: list[Key] = []
    for entry in re.split(r"[,\s]+", text.strip()):
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        if not sep or not _KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"{setting}: each entry must read 'keyid:base64key' with a key id of lower-case "
                "letters, digits, dots or dashes (at most 32)."
            )
        try:
            secret = _decode_key(encoded)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{setting}: key {key_id!r} is not valid base64.") from exc
        if len(secret) < min_bytes or (max_bytes is not None and len(secret) > max_bytes):
            wanted = f"exactly {min_bytes}" if max_bytes == min_bytes else f"at least {min_bytes}"
            raise ImproperlyConfigured(
                f"{setting}: key {key_id!r} has {len(secret)} bytes; it must have {wanted}."
            )
        if any(key.key_id == key_id for key in keys):
            raise ImproperlyConfigured(f"{setting}: key id {key_id!r} appears twice.")
        keys.append(Key(key_id, secret))
    if not keys:
        raise ImproperlyConfigured(f"{setting} holds no key.")
    return tuple(keys)


def new_key_entry(key_id: str) -> str:
    """A fresh ``keyid:base64key`` entry, for an operator adding a key (see the docs)."""
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError("key id must be lower-case letters, digits, dots or dashes")
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def local_key_file(path: Path, key_id: str = "dev1") -> str:
    """The key ring in a 0600 file under var/, created on first use (development, demo
    and tests only; production refuses to start without configured keys).

    Same race-safe pattern as ``lib.env.local_secret``: write a private temporary file,
    then link it into place, so two processes starting together share one key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_key_entry(key_id) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


def check_rings_apart(first: Iterable[Key], second: Iterable[Key], *, settings_names: str) -> None:
    """Refuse one secret used for two purposes: a leaked index key must not also open
    the fields, and vice versa."""
    if {key.secret for key in first} & {key.secret for key in second}:
        raise ImproperlyConfigured(f"{settings_names} must not share a key.")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    # Only the one canonical spelling is accepted, so that every change to a stored value,
    # even in the unused bits of its last character, is refused.
    if _b64encode(data) != text:
        raise ValueError("not canonical base64")
    return data


def _associated_data(key_id: str, label: str) -> bytes:
    return f"sipakatau|{VERSION}|{key_id}|{label}".encode()


def key_id_of(token: str) -> str | None:
    """The key id a stored value names, or None if it is not one of ours."""
    version, sep, rest = token.partition(":")
    if version != VERSION or not sep:
        return None
    key_id, sep, _body = rest.partition(":")
    return key_id if sep and _KEY_ID.fullmatch(key_id) else None


class KeyRing:
    """Keys newest first: encrypt with the newest, decrypt with whichever the value names."""

    def __init__(self, keys: Iterable[Key]) -> None:
        self.keys = tuple(keys)
        if not self.keys:
            raise ValueError("a key ring needs at least one key")
        self._by_id = {key.key_id: AESGCM(key.secret) for key in self.keys}

    def __repr__(self) -> str:
        return f"KeyRing({[key.key_id for key in self.keys]!r})"

    @property
    def newest_id(self) -> str:
        return self.keys[0].key_id

    def encrypt(self, plaintext: str, *, label: str) -> str:
        key_id = self.newest_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._by_id[key_id].encrypt(
            nonce, plaintext.encode("utf-8"), _associated_data(key_id, label)
        )
        return f"{VERSION}:{key_id}:{_b64encode(nonce + sealed)}"

    def decrypt(self, token: str, *, label: str) -> str:
        key_id = key_id_of(token)
        if key_id is None:
            raise DecryptionError(f"{label}: the stored value is not an encrypted value.")
        cipher = self._by_id.get(key_id)
        if cipher is None:
            raise UnknownKeyError(
                f"{label}: the value was encrypted with key {key_id!r}, which is not configured."
            )
        try:
            blob = _b64decode(token.split(":", 2)[2])
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError(f"{label}: the stored value is damaged.") from exc
        if len(blob) < NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError(f"{label}: the stored value is damaged.")
        try:
            plain = cipher.decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], _associated_data(key_id, label)
            )
        except InvalidTag as exc:
            raise DecryptionError(
                f"{label}: the value does not authenticate: it was altered, or it belongs "
                "to another field or record."
            ) from exc
        try:
            return plain.decode("utf-8")
        except UnicodeDecodeError as exc:  # authenticated, so only a bug in our own writer
            raise DecryptionError(f"{label}: the value is not text.") from exc

    def is_current(self, token: str) -> bool:
        return key_id_of(token) == self.newest_id

    def reencrypt(self, token: str, *, label: str) -> str:
        """The same plaintext under the newest key (unchanged if already there)."""
        if self.is_current(token):
            return token
        return self.encrypt(self.decrypt(token, label=label), label=label)


@lru_cache(maxsize=8)
def _ring_from_text(text: str, setting: str) -> KeyRing:
    return KeyRing(parse_key_ring(text, setting=setting))


def field_key_ring() -> KeyRing:
    """The configured field keys, read when first needed (settings may be overridden in
    tests, so the ring is cached by the setting's text, not once per process)."""
    from django.conf import settings

    return _ring_from_text(settings.FIELD_KEYS, "SIPAKATAU_FIELD_KEYS")
