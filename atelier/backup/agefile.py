"""Streaming age (v1) passphrase encryption: the files ``age -d`` and ``pyrage`` decrypt.

pyrage's passphrase mode takes and returns whole ``bytes`` (it buffers the payload), and a
backup must never be held whole in memory. So the same standard format is written here from
the ``cryptography`` library's primitives, 64 KiB at a time, exactly as the age
specification (age-encryption.org/v1) defines it; no cipher or construction of our own:

- a random 16-byte file key, wrapped with ChaCha20-Poly1305 under
  scrypt(passphrase, "age-encryption.org/v1/scrypt" + salt, N=2^log_n, r=8, p=1);
- a header authenticated with HMAC-SHA256 under HKDF(file key, info "header");
- the payload in the STREAM construction: ChaCha20-Poly1305 chunks of 64 KiB under
  HKDF(file key, salt=16-byte nonce, info "payload"), nonce = 11-byte counter + last flag.

The tests decrypt these files with pyrage and read pyrage's files back.
"""

import base64
import hmac
import io
import os
import re
from hashlib import sha256

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"age-encryption.org/v1\n"
CHUNK = 64 * 1024
TAG = 16
#: age's own default work factor (about a second and 256 MiB on a server)
DEFAULT_LOG_N = 18
#: the largest work factor accepted when decrypting (as age does: bounds the work)
MAX_LOG_N = 22


class DecryptionError(ValueError):
    """The passphrase is wrong, or the file is not an intact age file."""


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    if not re.fullmatch(rb"[A-Za-z0-9+/]*", text):
        raise DecryptionError("malformed age header")
    return base64.b64decode(text + b"=" * (-len(text) % 4))


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _scrypt(passphrase: str, salt: bytes, log_n: int) -> bytes:
    kdf = Scrypt(salt=b"age-encryption.org/v1/scrypt" + salt, length=32, n=2**log_n, r=8, p=1)
    return kdf.derive(passphrase.encode())


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class Encryptor(io.RawIOBase):
    """A write-only stream: bytes written to it go encrypted to ``out`` (call ``close``)."""

    def __init__(self, out, passphrase: str, log_n: int = DEFAULT_LOG_N):
        super().__init__()
        self._out = out
        file_key = os.urandom(16)
        salt = os.urandom(16)
        wrapped = ChaCha20Poly1305(_scrypt(passphrase, salt, log_n)).encrypt(
            b"\x00" * 12, file_key, None
        )
        body = _b64(wrapped)
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        if not lines or len(lines[-1]) == 64:
            lines.append(b"")
        header = MAGIC + b"-> scrypt " + _b64(salt) + b" %d\n" % log_n
        header += b"\n".join(lines) + b"\n---"
        mac = hmac.new(_hkdf(file_key, b"", b"header"), header, sha256).digest()
        nonce = os.urandom(16)
        out.write(header + b" " + _b64(mac) + b"\n" + nonce)
        self._aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        self._buffer = bytearray()
        self._counter = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        """Encrypt every full chunk; keep the rest (the last chunk is sealed on close)."""
        self._buffer += data
        # keep at least one byte back: the final chunk must be marked as the last one
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, last), chunk, None))
        self._counter += 1

    def close(self) -> None:
        """Seal the last chunk (possibly empty only if nothing at all was written)."""
        if not self.closed and not self._out.closed:  # (not when collected after a failure)
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class Decryptor(io.RawIOBase):
    """A read-only stream of the plaintext of the age file ``source`` (passphrase mode)."""

    def __init__(self, source, passphrase: str):
        super().__init__()
        self._in = source
        file_key = self._read_header(passphrase)
        nonce = self._in.read(16)
        if len(nonce) != 16:
            raise DecryptionError("truncated age file")
        self._aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        self._counter = 0
        self._pending = self._in.read(CHUNK + TAG)
        self._plain = b""
        self._done = False

    def _line(self) -> bytes:
        line = self._in.readline(256)
        if not line.endswith(b"\n"):
            raise DecryptionError("malformed age header")
        return line[:-1]

    def _read_header(self, passphrase: str) -> bytes:
        if self._in.read(len(MAGIC)) != MAGIC:
            raise DecryptionError("not an age file")
        stanza_line = self._line()
        header = MAGIC + stanza_line + b"\n"
        stanza = stanza_line.split(b" ")
        if stanza[:2] != [b"->", b"scrypt"] or len(stanza) != 4 or not stanza[3].isdigit():
            raise DecryptionError("not a passphrase-encrypted age file")
        salt, log_n = _unb64(stanza[2]), int(stanza[3])
        if len(salt) != 16 or not 1 <= log_n <= MAX_LOG_N:
            raise DecryptionError("unsupported age scrypt parameters")
        body = b""
        while True:  # the body ends with its first line shorter than 64 characters
            line = self._line()
            header += line + b"\n"
            body += line
            if len(line) < 64:
                break
        end = self._line()
        if not end.startswith(b"--- "):
            raise DecryptionError("malformed age header")
        header += b"---"
        try:
            file_key = ChaCha20Poly1305(_scrypt(passphrase, salt, log_n)).decrypt(
                b"\x00" * 12, _unb64(body), None
            )
        except InvalidTag:
            raise DecryptionError("wrong BACKUP_KEY (or a damaged file)") from None
        mac = hmac.new(_hkdf(file_key, b"", b"header"), header, sha256).digest()
        if not hmac.compare_digest(mac, _unb64(end[4:])):
            raise DecryptionError("the age header was tampered with")
        return file_key

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        chunk, self._pending = self._pending, self._in.read(CHUNK + TAG)
        last = not self._pending
        try:
            self._plain = self._aead.decrypt(_nonce(self._counter, last), chunk, None)
        except InvalidTag:
            raise DecryptionError("the backup file is damaged or truncated") from None
        self._counter += 1
        self._done = last

    def readinto(self, buffer) -> int:
        """Fill ``buffer`` from the decrypted chunks, one chunk in memory at a time."""
        while not self._plain and not self._done:
            self._next_chunk()
        n = min(len(buffer), len(self._plain))
        buffer[:n] = self._plain[:n]
        self._plain = self._plain[n:]
        return n
