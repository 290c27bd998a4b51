"""Case data encrypted before it reaches Temporal: an AES-256-GCM payload codec.

Every payload a workflow or activity exchanges (memo texts, rationales, contacts) passes
through `EncryptionCodec` on its way to Temporal and back, in the worker, the CLI and the
API alike (`data_converter`). Temporal's database then holds only ciphertext; search
attributes are not payloads, and carry no personal data (memo id, component, status,
dates).

Keys come from `RECTRACK_ENCRYPTION_KEYS` (`id:base64key,...`, 32-byte keys) or the file
`RECTRACK_ENCRYPTION_KEY_FILE` (one `id:base64key` per line), default
`RECTRACK_HOME/encryption.key` when it exists. The first key encrypts; every listed key
decrypts, so a key is rotated by putting a new one first and retiring the old one once
no open workflow holds data under it. Each payload names its key id in its metadata.
Payloads written before encryption (no `encryption-key-id`) pass through as they are,
so saved histories still replay.

Errors: `EncryptionConfigError` at start-up for a malformed key list or file; decoding a
payload under a key that is not listed, or with the wrong key material, raises
`PayloadDecryptionError` naming the key id, never returning garbage.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

from settings import Settings

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
KEY_BYTES = 32
NONCE_BYTES = 12


class EncryptionConfigError(ValueError):
    """The configured keys cannot be used (malformed, wrong length, repeated id)."""


class PayloadDecryptionError(ValueError):
    """A payload cannot be decrypted with the configured keys."""


@dataclasses.dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]  # id -> key; the first encrypts
    current: str

    @classmethod
    def parse(cls, text: str, source: str) -> KeyRing:
        """`id:base64key` entries, separated by commas or new lines (the first encrypts)."""
        keys: dict[str, bytes] = {}
        entries = [e.strip() for e in text.replace("\n", ",").split(",") if e.strip()
                   and not e.strip().startswith("#")]
        for n, entry in enumerate(entries, start=1):
            key_id, sep, encoded = entry.partition(":")
            if not sep or not key_id.strip():
                raise EncryptionConfigError(f"{source}: entry {n} is not ID:BASE64KEY")
            try:
                key = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise EncryptionConfigError(f"{source}: key {key_id.strip()!r} is not "
                                            "base64") from None
            if len(key) != KEY_BYTES:
                raise EncryptionConfigError(f"{source}: key {key_id.strip()!r} has "
                                            f"{len(key)} bytes, AES-256 needs {KEY_BYTES}")
            if key_id.strip() in keys:
                raise EncryptionConfigError(f"{source}: key id {key_id.strip()!r} is "
                                            "listed twice")
            keys[key_id.strip()] = key
        if not keys:
            raise EncryptionConfigError(f"{source}: no key listed")
        return cls(keys=keys, current=next(iter(keys)))

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing | None:
        """The configured keys; None when encryption is not configured at all."""
        if settings.encryption_keys:
            return cls.parse(settings.encryption_keys, "RECTRACK_ENCRYPTION_KEYS")
        path = settings.encryption_key_file or settings.home / "encryption.key"
        if settings.encryption_key_file is None and not path.exists():
            return None
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise EncryptionConfigError(f"{path}: cannot read the key file "
                                        f"({error.strerror})") from None
        return cls.parse(text, str(path))


def new_key_line(key_id: str) -> str:
    """A fresh `id:base64key` line (for `rectrack dev` and for operators)."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


class EncryptionCodec(PayloadCodec):
    def __init__(self, ring: KeyRing) -> None:
        self._ring = ring
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ring.keys.items()}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._ring.current]
        encoded = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            data = nonce + cipher.encrypt(nonce, payload.SerializeToString(), None)
            encoded.append(Payload(metadata={"encoding": ENCODING,
                                             KEY_ID: self._ring.current.encode()},
                                   data=data))
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)  # written before encryption: as it is
                continue
            key_id = payload.metadata.get(KEY_ID, b"").decode()
            cipher = self._ciphers.get(key_id)
            if cipher is None:
                raise PayloadDecryptionError(
                    f"payload encrypted with key {key_id!r}, which is not configured "
                    f"(configured: {', '.join(self._ciphers)})")
            try:
                plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:],
                                       None)
            except InvalidTag:
                raise PayloadDecryptionError(
                    f"payload under key {key_id!r} does not decrypt: the configured key "
                    "material for that id is wrong") from None
            decoded.append(Payload.FromString(plain))
        return decoded


def data_converter(settings: Settings) -> DataConverter:
    """The pydantic converter, encrypting when keys are configured (EncryptionConfigError
    if they are malformed)."""
    ring = KeyRing.from_settings(settings)
    if ring is None:
        return pydantic_data_converter
    return dataclasses.replace(pydantic_data_converter, payload_codec=EncryptionCodec(ring))
