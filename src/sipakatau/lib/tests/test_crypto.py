"""The key ring: AES-256-GCM values that name their key and the field they belong to."""

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

import sipakatau
from sipakatau.lib.crypto import (
    DecryptionError,
    KeyRing,
    UnknownKeyError,
    check_rings_apart,
    key_id_of,
    local_key_file,
    new_key_entry,
    parse_key_ring,
)

OLD = new_key_entry("k2024")
NEW = new_key_entry("k2025")
LABEL = "people.Person.name"


def ring(*entries: str) -> KeyRing:
    return KeyRing(parse_key_ring(",".join(entries), setting="TEST_KEYS"))


@given(st.text())
def test_it_round_trips_any_text(text: str) -> None:
    keys = ring(NEW)
    token = keys.encrypt(text, label=LABEL)
    assert keys.decrypt(token, label=LABEL) == text


def test_each_value_names_its_key_and_version() -> None:
    token = ring(NEW, OLD).encrypt("Siti Aminah", label=LABEL)
    assert token.startswith("v1:k2025:")
    assert key_id_of(token) == "k2025"
    assert "Siti" not in token


def test_equal_values_encrypt_differently() -> None:
    keys = ring(NEW)
    assert keys.encrypt("Siti", label=LABEL) != keys.encrypt("Siti", label=LABEL)


@settings(max_examples=200)
@given(text=st.text(max_size=40), data=st.data())
def test_flipping_any_byte_of_a_value_fails(text: str, data: st.DataObject) -> None:
    keys = ring(NEW)
    token = keys.encrypt(text, label=LABEL)
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda ch: ch != token[position]))
    tampered = token[:position] + replacement + token[position + 1 :]
    with pytest.raises(DecryptionError):
        keys.decrypt(tampered, label=LABEL)


@given(text=st.text(max_size=40), data=st.data())
def test_flipping_any_bit_of_the_sealed_bytes_fails(text: str, data: st.DataObject) -> None:
    keys = ring(NEW)
    token = keys.encrypt(text, label=LABEL)
    prefix, body = token.rsplit(":", 1)
    blob = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    index = data.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    blob[index] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
    tampered = f"{prefix}:{base64.urlsafe_b64encode(bytes(blob)).rstrip(b'=').decode()}"
    with pytest.raises(DecryptionError):
        keys.decrypt(tampered, label=LABEL)


@given(st.text(max_size=40))
def test_a_value_moved_to_another_field_or_model_fails(text: str) -> None:
    keys = ring(NEW)
    token = keys.encrypt(text, label="people.Person.name")
    for elsewhere in ("people.Person.address", "cases.Case.notes", "people.Relative.name"):
        with pytest.raises(DecryptionError):
            keys.decrypt(token, label=elsewhere)


def test_a_value_relabelled_with_another_key_id_fails() -> None:
    keys = ring(NEW, OLD)
    token = keys.encrypt("Siti", label=LABEL)
    with pytest.raises(DecryptionError):
        keys.decrypt(token.replace("v1:k2025:", "v1:k2024:"), label=LABEL)


def test_old_values_still_decrypt_after_a_new_key_is_added() -> None:
    token = ring(OLD).encrypt("Siti", label=LABEL)
    assert ring(NEW, OLD).decrypt(token, label=LABEL) == "Siti"
    assert not ring(NEW, OLD).is_current(token)
    fresh = ring(NEW, OLD).reencrypt(token, label=LABEL)
    assert ring(NEW).decrypt(fresh, label=LABEL) == "Siti"


def test_a_missing_key_is_named_but_the_value_is_not() -> None:
    token = ring(OLD).encrypt("Siti Aminah", label=LABEL)
    with pytest.raises(UnknownKeyError) as raised:
        ring(NEW).decrypt(token, label=LABEL)
    assert "k2024" in str(raised.value)
    assert "Siti" not in str(raised.value)


@pytest.mark.parametrize(
    "garbage", ["", "Siti Aminah", "v1:", "v1:k2025:", "v1:k2025:!!!!", "v2:k2025:AAAA"]
)
def test_it_refuses_values_that_are_not_ciphertext(garbage: str) -> None:
    with pytest.raises(DecryptionError):
        ring(NEW).decrypt(garbage, label=LABEL)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "holds no key"),
        ("k1", "keyid:base64key"),
        ("K1:" + NEW.split(":")[1], "keyid:base64key"),
        ("k1:not*base64", "not valid base64"),
        ("k1:c2hvcnQ=", "must have exactly 32"),
        (f"{NEW},{NEW}", "appears twice"),
    ],
)
def test_it_refuses_a_bad_key_setting_without_showing_the_key(text: str, complaint: str) -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        parse_key_ring(text, setting="SIPAKATAU_FIELD_KEYS")
    assert complaint in str(raised.value)
    assert "SIPAKATAU_FIELD_KEYS" in str(raised.value)
    assert NEW.split(":")[1] not in str(raised.value)


def test_it_reads_keys_separated_by_commas_or_lines_newest_first() -> None:
    keys = parse_key_ring(f"{NEW}\n{OLD}\n", setting="X")
    assert [key.key_id for key in keys] == ["k2025", "k2024"]
    assert "k2025" in repr(keys[0]) and NEW.split(":")[1] not in repr(keys[0])


def test_field_and_index_keys_must_differ() -> None:
    keys = parse_key_ring(NEW, setting="X")
    with pytest.raises(ImproperlyConfigured):
        check_rings_apart(keys, keys, settings_names="A and B")


def test_the_local_key_file_is_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "var" / "field_keys"
    first = local_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_key_file(path) == first
    assert [key.key_id for key in parse_key_ring(first, setting="X")] == ["dev1"]


def _start_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SIPAKATAU_")}
    base["PYTHONPATH"] = str(Path(sipakatau.__file__).resolve().parent.parent)
    return subprocess.run(
        [sys.executable, "-c", "import sipakatau.settings"],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "SIPAKATAU_ENV": "production",
    "SIPAKATAU_SECRET_KEY": "x" * 50,
    "SIPAKATAU_ALLOWED_HOSTS": "sipakatau.example",
    "SIPAKATAU_AUDIT_KEY": "y" * 50,
    # Every other secret production demands, so that only the one under test is missing.
    "SIPAKATAU_BACKUP_KEY": base64.b64encode(b"b" * 32).decode(),
}


def test_production_refuses_to_start_without_field_keys() -> None:
    result = _start_settings(PRODUCTION)
    assert result.returncode != 0
    assert "SIPAKATAU_FIELD_KEYS (or SIPAKATAU_FIELD_KEYS_FILE) is required" in result.stderr


def test_production_refuses_to_start_without_an_index_key() -> None:
    result = _start_settings({**PRODUCTION, "SIPAKATAU_FIELD_KEYS": NEW})
    assert result.returncode != 0
    assert "SIPAKATAU_INDEX_KEY (or SIPAKATAU_INDEX_KEY_FILE) is required" in result.stderr


def test_production_starts_with_both_keys_given() -> None:
    result = _start_settings(
        {**PRODUCTION, "SIPAKATAU_FIELD_KEYS": NEW, "SIPAKATAU_INDEX_KEY": OLD}
    )
    assert result.returncode == 0, result.stderr
