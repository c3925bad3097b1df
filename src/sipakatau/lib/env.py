"""Read configuration from the environment, loudly.

Every setting comes from an environment variable. A secret may instead come from a file
named by ``<NAME>_FILE`` (Docker/systemd credentials), so it never has to sit in the
process environment. A value that cannot be parsed stops the start-up with a message
naming the variable: a typo must never silently fall back to an unsafe default.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, or the content of the file named by ``<name>_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        if name in os.environ:
            raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """Addresses or networks (``10.0.0.0/8``), each checked now, kept as written."""
    import ipaddress

    values = env_list(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an address or network (e.g. 10.0.0.0/8)."
            ) from exc
    return values


def key_file(name: str, local: Path) -> str | None:
    """The file a secret was read from: ``<name>_FILE``, or the local file made under var/
    when the variable is not set at all; None when the value came in the environment."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return file_name
    if name in os.environ:
        return None
    return str(local)


def local_secret(path: Path, nbytes: int = 50) -> str:
    """A random secret kept in a 0600 file under var/, created on first use.

    Only for development and demo mode; production must supply its secrets.
    """
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write a private temporary file, then link it into place: two processes starting
        # together (test workers) both end up reading the one complete secret.
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


def _decode_b64(text: str) -> bytes | None:
    import base64
    import binascii

    cleaned = "".join(text.split()).replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def env_key(name: str, nbytes: int = 32) -> bytes | None:
    """A binary key given in base64 by the variable (or its ``_FILE``); None when unset."""
    raw = env_str(name)
    if not raw:
        return None
    key = _decode_b64(raw)
    if key is None or len(key) != nbytes:
        raise ImproperlyConfigured(
            f"{name} must be {nbytes} random bytes in base64 "
            f"(make one with: openssl rand -base64 {nbytes})."
        )
    return key


def local_key(path: Path, nbytes: int = 32) -> bytes:
    """A random binary key kept (in base64) in a 0600 file under var/, made on first use.

    Only for development and demo mode; production must supply its keys.
    """
    key = _decode_b64(local_secret(path, nbytes))
    if key is None or len(key) != nbytes:
        raise ImproperlyConfigured(f"{path} does not hold a {nbytes}-byte key; move it away.")
    return key
