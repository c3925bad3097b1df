"""The backup file: a gzip stream sealed in AES-256-GCM frames.

Layout::

    MAGIC  version:u16  header_len:u32  header (JSON, readable without the key)
    frame 0       the manifest (JSON)
    frame 1..n    the gzip-compressed snapshot; the last frame is flagged final
    each frame =  length:u32  ciphertext ‖ tag

Frames let a database of any size stream through in fixed memory. Every frame is sealed
under a key made for this one file (HKDF over the backup key with the file's random salt,
so counter nonces never repeat under one key), and its associated data carries the digest
of the header, the frame's position and the final flag. So a frame that is changed,
dropped, reordered or added, a file cut short, or a header edited to lie about its key,
database or date, all fail to open. The manifest is sealed like any frame: it names
tables and row counts, which already say how many cases a unit holds.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

# The CR LF catches a copy that rewrote line endings, like PNG's signature does.
MAGIC = b"SIPBAK\r\n"
FORMAT_VERSION = 1
KEY_BYTES = 32
FRAME_SIZE = 1 << 20
_MAX_FRAME = 64 << 20  # refuse absurd lengths before allocating: a damaged file is not a bomb
_MAX_HEADER = 64 << 10
_TAG_BYTES = 16
_PREFIX = struct.Struct(">8sHI")
_LENGTH = struct.Struct(">I")
_GZIP = 31  # zlib wbits for a gzip stream: plain tools can unpack a decrypted payload


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class BackupError(Exception):
    """A backup cannot be written, opened or restored. The message is for the operator."""


def decode_key(text: str) -> bytes:
    """A backup key from its base64 text (standard or URL-safe alphabet)."""
    cleaned = "".join(text.split())
    try:
        key = base64.b64decode(
            cleaned.replace("-", "+").replace("_", "/") + "=" * (-len(cleaned) % 4),
            validate=True,
        )
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise BackupError(
            _("A backup key must be %(count)d random bytes written in base64.")
            % {"count": KEY_BYTES}
        )
    return key


def key_id(key: bytes) -> str:
    """A short public name for a key: tells keys apart without revealing them."""
    return hmac.new(key, b"sipakatau backup key id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Header:
    vendor: str
    created_at: str
    key_id: str
    salt: bytes
    frame_size: int = FRAME_SIZE
    compression: str = "gzip"
    cipher: str = "AES-256-GCM"

    def encode(self) -> bytes:
        body = json.dumps(
            {
                "format": FORMAT_VERSION,
                "vendor": self.vendor,
                "created_at": self.created_at,
                "key_id": self.key_id,
                "salt": base64.b64encode(self.salt).decode(),
                "frame_size": self.frame_size,
                "compression": self.compression,
                "cipher": self.cipher,
            },
            sort_keys=True,
        ).encode()
        return _PREFIX.pack(MAGIC, FORMAT_VERSION, len(body)) + body

    @classmethod
    def read(cls, source: Readable) -> tuple["Header", bytes]:
        """The header and its exact bytes (which every frame authenticates)."""
        prefix = source.read(_PREFIX.size)
        if len(prefix) < _PREFIX.size:
            raise BackupError(_("This is not a Sipakatau backup file (it is too short)."))
        magic, version, length = _PREFIX.unpack(prefix)
        if magic != MAGIC:
            raise BackupError(_("This is not a Sipakatau backup file."))
        if version != FORMAT_VERSION:
            raise BackupError(
                _("This backup uses format %(version)d, which this version cannot read.")
                % {"version": version}
            )
        if length > _MAX_HEADER:
            raise BackupError(_("The backup file is damaged (its header is too long)."))
        body = source.read(length)
        try:
            data: dict[str, Any] = json.loads(body)
            header = cls(
                vendor=str(data["vendor"]),
                created_at=str(data["created_at"]),
                key_id=str(data["key_id"]),
                salt=base64.b64decode(data["salt"]),
                frame_size=int(data["frame_size"]),
                compression=str(data["compression"]),
                cipher=str(data["cipher"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(_("The backup file is damaged (its header cannot be read).")) from exc
        if (header.compression, header.cipher) != ("gzip", "AES-256-GCM") or not (
            0 < header.frame_size <= _MAX_FRAME
        ):
            raise BackupError(_("The backup file is damaged (its header cannot be read)."))
        return header, prefix + body


def _frame_cipher(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"sipakatau backup v1"
    ).derive(key)
    return AESGCM(derived)


def _associated(header_digest: bytes, index: int, final: bool) -> bytes:
    return b"sipakatau backup frame" + header_digest + struct.pack(">QB", index, final)


class SealedWriter:
    """Compresses and seals a byte stream, frame by frame, into ``out``."""

    def __init__(
        self,
        out: IO[bytes],
        *,
        key: bytes,
        vendor: str,
        created_at: str,
        manifest: dict[str, Any],
        frame_size: int = FRAME_SIZE,
    ) -> None:
        self._out = out
        header = Header(
            vendor=vendor,
            created_at=created_at,
            key_id=key_id(key),
            salt=os.urandom(32),
            frame_size=frame_size,
        )
        encoded = header.encode()
        self._digest = hashlib.sha256(encoded).digest()
        self._aead = _frame_cipher(key, header.salt)
        self._frame_size = frame_size
        self._index = 0
        self._pending = bytearray()
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, _GZIP)
        out.write(encoded)
        self._seal(json.dumps(manifest, sort_keys=True).encode(), final=False)

    def _seal(self, plaintext: bytes, *, final: bool) -> None:
        nonce = self._index.to_bytes(12, "big")
        sealed = self._aead.encrypt(nonce, plaintext, _associated(self._digest, self._index, final))
        self._out.write(_LENGTH.pack(len(sealed)) + sealed)
        self._index += 1

    def _drain(self) -> None:
        # Strictly greater: a frame is only sealed once more data is known to follow, so
        # the final flag always lands on the true last frame.
        while len(self._pending) > self._frame_size:
            self._seal(bytes(self._pending[: self._frame_size]), final=False)
            del self._pending[: self._frame_size]

    def write(self, data: bytes) -> None:
        self._pending += self._compressor.compress(data)
        self._drain()

    def close(self) -> None:
        self._pending += self._compressor.flush()
        self._drain()
        self._seal(bytes(self._pending), final=True)
        self._pending.clear()


class SealedReader:
    """Opens a sealed backup: the header and manifest at once, the payload as a stream.

    Every chunk handed out has been authenticated; the stream ends with an error, not
    silently, if the file was cut short or changed.
    """

    def __init__(self, source: Readable, *, keys: Sequence[bytes]) -> None:
        self._source = source
        self.header, encoded = Header.read(source)
        self._digest = hashlib.sha256(encoded).digest()
        key = next((k for k in keys if key_id(k) == self.header.key_id), None)
        if key is None:
            raise BackupError(
                _(
                    "This backup was made with backup key %(backup_key)s, but the key given "
                    "here is %(our_key)s. Use the backup key that was set when the backup "
                    "was made (SIPAKATAU_BACKUP_KEY or --key-file)."
                )
                % {
                    "backup_key": self.header.key_id,
                    "our_key": ", ".join(key_id(k) for k in keys) or "-",
                }
            )
        self._aead = _frame_cipher(key, self.header.salt)
        self._index = 0
        self._finished = False
        plaintext, final = self._open_next()
        if final:
            raise BackupError(_("The backup file is incomplete (it holds no data)."))
        try:
            self.manifest: dict[str, Any] = json.loads(plaintext)
        except ValueError as exc:
            raise BackupError(
                _("The backup file is damaged (its manifest cannot be read).")
            ) from exc

    def _read_exactly(self, size: int) -> bytes:
        data = self._source.read(size)
        if len(data) < size:
            raise BackupError(
                _("The backup file is incomplete: it ends before its last part. Do not use it.")
            )
        return data

    def _open_next(self) -> tuple[bytes, bool]:
        (length,) = _LENGTH.unpack(self._read_exactly(_LENGTH.size))
        if not _TAG_BYTES <= length <= self.header.frame_size + _TAG_BYTES:
            raise BackupError(
                _("The backup file is damaged or was changed (part %(part)d). Do not use it.")
                % {"part": self._index}
            )
        sealed = self._read_exactly(length)
        nonce = self._index.to_bytes(12, "big")
        # Try "not final" first: every frame but one is.
        for final in (False, True):
            try:
                plaintext = self._aead.decrypt(
                    nonce, sealed, _associated(self._digest, self._index, final)
                )
            except InvalidTag:
                continue
            self._index += 1
            return plaintext, final
        raise BackupError(
            _("The backup file is damaged or was changed (part %(part)d). Do not use it.")
            % {"part": self._index}
        )

    def chunks(self) -> Iterator[bytes]:
        """The decompressed payload, in pieces of at most a few MiB."""
        if self._finished:
            raise BackupError("the payload of a backup can be read only once")
        self._finished = True
        decompressor = zlib.decompressobj(_GZIP)
        limit = 4 << 20  # a highly compressed frame must not balloon in memory
        final = False
        while not final:
            compressed, final = self._open_next()
            while True:
                try:
                    piece = decompressor.decompress(compressed, limit)
                except zlib.error as exc:
                    raise BackupError(
                        _("The backup file is damaged (its data cannot be unpacked).")
                    ) from exc
                if piece:
                    yield piece
                compressed = decompressor.unconsumed_tail
                # A full piece may leave output pending inside zlib: ask again.
                if not compressed and len(piece) < limit:
                    break
        rest = decompressor.flush()
        if rest:
            yield rest
        if self._source.read(1):
            raise BackupError(
                _("The backup file is damaged or was changed (data after its end). Do not use it.")
            )
        if not decompressor.eof or decompressor.unused_data:
            raise BackupError(_("The backup file is damaged (its data cannot be unpacked)."))
