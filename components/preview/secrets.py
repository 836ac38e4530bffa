"""Secure config values (``secure:`` in ``Pulumi.<stack>.yaml``) for an offline preview.

Each secure key gets its value from the first of these that has one:

1. ``aiscale preview --secret KEY=VALUE`` (a key without a namespace is the project's);
2. the environment variable :func:`env_var_name` names (``AISCALE_SECRET_<NAMESPACE>_<KEY>``);
3. the passphrase secrets provider, when ``PULUMI_CONFIG_PASSPHRASE`` or
   ``PULUMI_CONFIG_PASSPHRASE_FILE`` is set and the stack file has an ``encryptionsalt``;
4. otherwise a :class:`SecretPlaceholder`, with a warning naming the key and how to supply it.

The passphrase provider works as Pulumi's: the stack file's ``encryptionsalt`` is
``v1:<base64 salt>:<the text "pulumi" encrypted with the key>``; the key is
PBKDF2-HMAC-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes); each secure value is
``v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext and tag>``. A wrong passphrase is an
error, never a silent placeholder. The values stay secrets for the program (their keys are secret
keys of the runtime), and :class:`SecretMask` hides their text in everything aiscale prints or
writes.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

#: The prefix of the environment variables that supply secure config values.
ENV_PREFIX = "AISCALE_SECRET_"
#: The environment variables Pulumi's passphrase provider reads, in the order it reads them.
PASSPHRASE_ENV, PASSPHRASE_FILE_ENV = "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"
#: Parameters of Pulumi's passphrase provider.
PBKDF2_ITERATIONS, KEY_BYTES, NONCE_BYTES = 1_000_000, 32, 12
#: The plaintext of the check value in ``encryptionsalt``.
SALT_CHECK_TEXT = "pulumi"
#: What a placeholder reads as text (also valid JSON: an empty object).
PLACEHOLDER_TEXT = "{}"
#: Secret texts this short, or booleans, are not masked (as Pulumi's own output filter does).
_MIN_MASKED_LENGTH = 3


class SecretsError(Exception):
    """A secure value cannot be resolved: a wrong passphrase or a malformed value (exit 2).
    Its message never contains a secret."""


def env_var_name(key: str) -> str:
    """The environment variable that supplies the secure value of ``key`` (``namespace:name``):
    ``AISCALE_SECRET_`` + the key uppercased, every character other than A-Z and 0-9 as ``_``
    (``demo:dbPassword`` -> ``AISCALE_SECRET_DEMO_DBPASSWORD``)."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", key.upper())


def parse_secret_flags(flags) -> dict[str, str]:
    """``--secret KEY=VALUE`` values as key -> value; a ``SecretsError`` names the flag, the key
    and the expected form, but never the value."""
    found: dict[str, str] = {}
    for text in flags:
        key, sep, value = text.partition("=")
        key = key.strip()
        if not sep or not key or key.count(":") > 1 or key.startswith(":") or key.endswith(":"):
            shown = f"{key}=..." if sep else "given without '=' (its text is not shown: it may be a secret)"
            raise SecretsError(f"--secret {shown}: expected KEY=VALUE with KEY a config key such as "
                               f"dbPassword or myproject:dbPassword")
        if key in found:
            raise SecretsError(f"--secret {key}=...: {key} is given twice")
        found[key] = value
    return found


class SecretPlaceholder(str):
    """The value a program reads for a secret that has no value offline.

    The preview cannot know the type the program asks for, and ``pulumi.Config``'s typed getters
    convert the one string the runtime holds: ``int(v)``, ``float(v)``, ``v in ["true", "True"]``
    and ``json.loads(v)``. This string answers each of them: its text is ``{}`` (an empty JSON
    object for ``get_object``, and plain text for ``get``), ``int()`` gives 0, ``float()`` 0.0,
    and it equals ``"false"`` so ``get_bool`` gives False. Nothing in the SDK is patched.
    """

    key: str
    """The config key it stands for."""

    def __new__(cls, key: str) -> "SecretPlaceholder":
        placeholder = super().__new__(cls, PLACEHOLDER_TEXT)
        placeholder.key = key
        return placeholder

    def __getnewargs__(self) -> tuple[str]:  # type: ignore[override] - pickles with its key
        return (self.key,)

    def __int__(self) -> int:
        return 0

    def __float__(self) -> float:
        return 0.0

    def __eq__(self, other: object) -> bool:
        return (type(other) is str and other in ("false", "False")) or str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SecretsError(f"{what} is not valid base64") from None


class PassphraseCrypter:
    """Decrypts the secure values of a stack whose secrets provider is the passphrase."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._cipher = AESGCM(key)

    @classmethod
    def from_salt(cls, passphrase: str, encryption_salt: str, stack_file: Path) -> "PassphraseCrypter":
        """The crypter for ``encryption_salt`` (``v1:<salt>:<check>``), after checking with its
        check value that ``passphrase`` is the stack's."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

        version, _, rest = encryption_salt.partition(":")
        salt_text, _, check = rest.partition(":")
        if version != "v1" or not salt_text or not check:
            raise SecretsError(f"{stack_file}: encryptionsalt is not of the form v1:<salt>:<check>")
        salt = _b64(salt_text, f"{stack_file}: the salt of encryptionsalt")
        key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt,
                         iterations=PBKDF2_ITERATIONS).derive(passphrase.encode())
        crypter = cls(key)
        try:
            matches = crypter.decrypt(check) == SALT_CHECK_TEXT
        except SecretsError:
            matches = False
        if not matches:
            raise SecretsError(f"{stack_file}: incorrect passphrase: the {PASSPHRASE_ENV} (or "
                               f"{PASSPHRASE_FILE_ENV}) given is not the one this stack's secrets "
                               f"were encrypted with")
        return crypter

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext of one ``v1:<nonce>:<ciphertext>`` value."""
        from cryptography.exceptions import InvalidTag

        parts = ciphertext.split(":")
        if len(parts) != 3 or parts[0] != "v1":
            raise SecretsError("not of the form v1:<nonce>:<ciphertext>")
        nonce, sealed = _b64(parts[1], "its nonce"), _b64(parts[2], "its ciphertext")
        if len(nonce) != NONCE_BYTES:
            raise SecretsError(f"its nonce is {len(nonce)} bytes, not {NONCE_BYTES}")
        try:
            return self._cipher.decrypt(nonce, sealed, None).decode()
        except (InvalidTag, UnicodeDecodeError):
            raise SecretsError("it does not decrypt with this passphrase") from None


def read_passphrase(environ: Mapping[str, str]) -> Optional[str]:
    """The passphrase as Pulumi reads it: ``PULUMI_CONFIG_PASSPHRASE`` if set (even empty), else
    the contents of ``PULUMI_CONFIG_PASSPHRASE_FILE`` without surrounding white space; or None."""
    if PASSPHRASE_ENV in environ:
        return environ[PASSPHRASE_ENV]
    path = environ.get(PASSPHRASE_FILE_ENV)
    if not path:
        return None
    try:
        return Path(path).read_text().strip()
    except OSError as error:
        raise SecretsError(f"{PASSPHRASE_FILE_ENV}={path}: cannot read it: {error.strerror}") from None


def is_secure(value: Any) -> bool:
    """True for a ``{secure: <ciphertext>}`` entry of a stack file."""
    return isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str)


def contains_secure(value: Any) -> bool:
    """True when ``value`` is, or holds somewhere inside it, a secure entry."""
    if is_secure(value):
        return True
    if isinstance(value, dict):
        return any(contains_secure(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_secure(item) for item in value)
    return False


def _map_secure(value: Any, leaf) -> Any:
    if is_secure(value):
        return leaf(value["secure"])
    if isinstance(value, dict):
        return {key: _map_secure(item, leaf) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_secure(item, leaf) for item in value]
    return value


@dataclass
class ResolvedSecrets:
    """The runtime values of a stack's secure config keys, and what to tell the user."""

    config: dict[str, str] = field(default_factory=dict, repr=False)
    """Qualified key -> the string the runtime holds (a :class:`SecretPlaceholder` if none)."""
    plaintexts: list[str] = field(default_factory=list, repr=False)
    """Every secret text the program may see, for :class:`SecretMask`."""
    warnings: list[str] = field(default_factory=list)
    """One per key left with a placeholder (and per ``--secret`` naming no secure key)."""


@dataclass(frozen=True)
class StackSecrets:
    """The secrets side of one stack file."""

    stack_file: Optional[Path]
    """The stack file (None when the stack has none)."""
    project: str
    """The project name (the namespace of unqualified keys)."""
    encryption_salt: Optional[str] = None
    """``encryptionsalt`` of the stack file (the passphrase provider's state), if any."""
    secrets_provider: Optional[str] = None
    """``secretsprovider`` of the stack file (``awskms://...``...), if any."""

    def _how_to_supply(self, key: str, passphrase_given: bool) -> str:
        short = key.split(":", 1)[1] if key.startswith(self.project + ":") else key
        ways = f"--secret {short}=VALUE or the environment variable {env_var_name(key)}"
        if self.encryption_salt and not passphrase_given:
            ways += f", or set {PASSPHRASE_ENV} to decrypt it"
        elif self.secrets_provider and self.secrets_provider != "passphrase":
            ways += f" (the stack's secrets provider {self.secrets_provider.split('://')[0]} is not used offline)"
        elif not self.encryption_salt:
            ways += (" (the stack file has no encryptionsalt: its secrets are encrypted by Pulumi Cloud or "
                     "another secrets provider, which is not used offline)")
        return ways

    def resolve(self, secure: Mapping[str, Any], supplied: Mapping[str, str],
                environ: Mapping[str, str]) -> ResolvedSecrets:
        """Resolve ``secure`` (qualified key -> its stack file value, holding secure entries)
        from ``supplied`` (qualified ``--secret`` values), ``environ`` and the passphrase."""
        resolved = ResolvedSecrets()
        pending: dict[str, Any] = {}
        for key, raw in secure.items():
            given = supplied.get(key, environ.get(env_var_name(key)))
            if given is not None:
                resolved.config[key] = given
                resolved.plaintexts.append(given)
            else:
                pending[key] = raw
        for key in sorted(set(supplied) - set(secure)):
            resolved.config[key] = supplied[key]
            resolved.plaintexts.append(supplied[key])
            resolved.warnings.append(f"--secret {key}: {self._where()} has no secure value {key}; "
                                     f"the program gets it as a new secret config value")
        if not pending:
            return resolved
        passphrase = read_passphrase(environ)
        crypter = None
        if passphrase is not None and self.encryption_salt and self.stack_file is not None:
            crypter = PassphraseCrypter.from_salt(passphrase, self.encryption_salt, self.stack_file)
        for key, raw in pending.items():
            if crypter is not None:
                resolved.config[key] = self._decrypt(crypter, key, raw, resolved.plaintexts)
                continue
            resolved.config[key] = SecretPlaceholder(key) if is_secure(raw) else json.dumps(
                _map_secure(raw, lambda _: PLACEHOLDER_TEXT))
            resolved.warnings.append(
                f"secret config {key} has no value offline: the program reads a placeholder "
                f"(the text {PLACEHOLDER_TEXT}, 0 as a number, false as a bool, an empty object as JSON); "
                f"supply it with {self._how_to_supply(key, passphrase is not None)}")
        return resolved

    def _where(self) -> str:
        return str(self.stack_file) if self.stack_file else "the stack (it has no stack file)"

    def _decrypt(self, crypter: PassphraseCrypter, key: str, raw: Any, plaintexts: list[str]) -> str:
        def leaf(ciphertext: str) -> str:
            try:
                plaintext = crypter.decrypt(ciphertext)
            except SecretsError as error:
                raise SecretsError(f"{self._where()}: secure value of {key}: {error}") from None
            plaintexts.append(plaintext)
            return plaintext

        value = _map_secure(raw, leaf)
        return value if isinstance(value, str) else json.dumps(value)


def resolve_stack_secrets(stack: StackSecrets, secure: Mapping[str, Any],
                          supplied: Mapping[str, str],
                          environ: Optional[Mapping[str, str]] = None) -> ResolvedSecrets:
    """:meth:`StackSecrets.resolve` with the process environment by default."""
    return stack.resolve(secure, supplied, os.environ if environ is None else environ)


class SecretMask:
    """Replaces every secret text with ``[secret]`` in what aiscale prints or writes, as the
    Pulumi CLI filters secure config values out of its output (texts shorter than 3 characters
    and ``true``/``false`` are left alone, as there)."""

    REPLACEMENT = "[secret]"

    def __init__(self, plaintexts) -> None:
        forms = set()
        for text in plaintexts:
            if len(text) < _MIN_MASKED_LENGTH or text.lower() in ("true", "false"):
                continue
            forms.add(text)
            forms.add(json.dumps(text, ensure_ascii=False)[1:-1])  # as it appears inside JSON
            forms.add(json.dumps(text)[1:-1])
        self._pattern = (re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
                         if forms else None)

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, value: str) -> str:
        """``value`` with every secret text replaced."""
        return self._pattern.sub(self.REPLACEMENT, value) if self._pattern else value

    def stream(self, stream: Any) -> Any:
        """``stream`` (a text file) with every secret text replaced in what is written to it."""
        return _MaskedStream(stream, self) if self._pattern else stream

    def console(self, console: Any) -> None:
        """Make the rich ``console`` replace every secret text in each piece of text it renders
        before laying it out (a secret wrapped across two lines, or folded in a table cell, would
        escape :meth:`stream`), and in everything it writes."""
        if not self._pattern:
            return
        from rich.text import Text

        render = console.render

        def render_masked(renderable: Any, options: Any = None) -> Any:
            if isinstance(renderable, str):
                given = options or console.options
                renderable = console.render_str(renderable, highlight=given.highlight, markup=given.markup)
            if isinstance(renderable, Text) and self._pattern.search(renderable.plain):
                renderable = Text(self.text(renderable.plain), style=renderable.style, justify=renderable.justify,
                                  overflow=renderable.overflow, no_wrap=renderable.no_wrap, end=renderable.end)
            return render(renderable, options)

        console.render = render_masked
        console.file = self.stream(console.file)

    def file(self, path: Path) -> None:
        """Replace every secret text in the text file at ``path``."""
        if self._pattern:
            path.write_text(self.text(path.read_text(encoding="utf-8")), encoding="utf-8")

    def data(self, value: Any) -> Any:
        """A JSON-like structure with every secret text in its strings (and keys) replaced."""
        if not self._pattern:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.data(item) for item in value]
        return value


class _MaskedStream:
    """A text stream whose writes pass through a :class:`SecretMask`; the rest is the stream's."""

    def __init__(self, stream: Any, mask: SecretMask) -> None:
        self._stream, self._mask = stream, mask

    def write(self, text: str) -> int:
        return self._stream.write(self._mask.text(text))

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        return getattr(self._stream, attribute)
