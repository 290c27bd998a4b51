"""The payload codec (app.encryption): ciphertext only, key rotation, and clear errors for a
missing, wrong or malformed key, never garbage."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload

from app.encryption import (
    EncryptionCodec,
    EncryptionConfigError,
    KeyRing,
    PayloadDecryptionError,
    data_converter,
    new_key_line,
)
from settings import Settings

SECRET = b'{"rationale": "the component considers additional training unnecessary"}'


def payload() -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=SECRET)


async def test_a_payload_is_stored_as_ciphertext_naming_its_key() -> None:
    codec = EncryptionCodec(KeyRing.parse(new_key_line("2026-11"), "test"))
    [encoded] = await codec.encode([payload()])
    assert encoded.metadata["encryption-key-id"] == b"2026-11"
    assert SECRET not in encoded.data and b"training" not in encoded.SerializeToString()
    assert await codec.decode([encoded]) == [payload()]


async def test_a_payload_under_a_retired_key_decrypts_while_that_key_is_listed() -> None:
    old, new = new_key_line("old"), new_key_line("new")
    [under_old] = await EncryptionCodec(KeyRing.parse(old, "test")).encode([payload()])
    rotated = EncryptionCodec(KeyRing.parse(f"{new},{old}", "test"))
    assert await rotated.decode([under_old]) == [payload()]
    [fresh] = await rotated.encode([payload()])
    assert fresh.metadata["encryption-key-id"] == b"new"  # the first key encrypts
    retired = EncryptionCodec(KeyRing.parse(new, "test"))
    with pytest.raises(PayloadDecryptionError, match="key 'old', which is not configured"):
        await retired.decode([under_old])


async def test_the_wrong_key_material_is_an_error_not_garbage() -> None:
    [encoded] = await EncryptionCodec(KeyRing.parse(new_key_line("k"), "t")).encode([payload()])
    other = EncryptionCodec(KeyRing.parse(new_key_line("k"), "t"))
    with pytest.raises(PayloadDecryptionError, match="'k' does not decrypt"):
        await other.decode([encoded])


async def test_payloads_written_before_encryption_pass_through() -> None:
    codec = EncryptionCodec(KeyRing.parse(new_key_line("k"), "t"))
    assert await codec.decode([payload()]) == [payload()]


@pytest.mark.parametrize(("keys", "problem"), [
    ("k1", "entry 1 is not ID:BASE64KEY"),
    ("k1:not base64!", "key 'k1' is not base64"),
    (f"k1:{base64.b64encode(b'short').decode()}", "key 'k1' has 5 bytes, AES-256 needs 32"),
    (f"{new_key_line('a')},{new_key_line('a')}", "key id 'a' is listed twice"),
    (" , ", "no key listed"),
], ids=["no-key", "not-base64", "short", "listed-twice", "empty"])  # keys are random
def test_a_malformed_key_list_is_a_clear_start_up_error(keys: str, problem: str) -> None:
    with pytest.raises(EncryptionConfigError, match=problem):
        data_converter(Settings(encryption_keys=keys))


def test_a_missing_key_file_is_a_clear_start_up_error(tmp_path: Path) -> None:
    with pytest.raises(EncryptionConfigError, match="cannot read the key file"):
        data_converter(Settings(encryption_key_file=tmp_path / "absent.key"))


def test_encryption_is_on_when_home_holds_a_key_and_off_without(tmp_path: Path) -> None:
    assert data_converter(Settings(home=tmp_path)).payload_codec is None
    (tmp_path / "encryption.key").write_text(f"# rotated 2026-11\n{new_key_line('k')}\n")
    assert isinstance(data_converter(Settings(home=tmp_path)).payload_codec, EncryptionCodec)
