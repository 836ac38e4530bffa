"""Where the installed provider SDKs declare their invokes and resources, found lazily.

The fake cloud answers an invoke by the SDK's own result type and fills a resource's outputs by
the resource's own output types. Both are looked up here from the SDK's source and metadata, only
for the package of the token at hand and only if the program already imported that package (a
stack that targets one cloud never imports another's SDK), and cached for the process.

- Invokes: each generated function module (``pulumi_aws/ec2/get_vpc.py``) calls
  ``pulumi.runtime.invoke('aws:ec2/getVpc:getVpc', __args__, opts=opts, typ=GetVpcResult)``;
  the module folder of a token is read once and each token mapped to its module and result class.
- Resources: each SDK's ``__init__.py`` registers its resource modules as JSON (the same table
  the runtime uses to rehydrate resource references): token -> module and class name.
"""

from __future__ import annotations

import functools
import importlib
import json
import keyword
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

#: ``pulumi.runtime.invoke('<token>', __args__, opts=opts, typ=<Result>)`` and ``invoke_single``.
_INVOKE_CALL = re.compile(
    r"pulumi\.runtime\.(invoke|invoke_single)\('(?P<token>[^']+)', __args__, opts=opts"
    r"(?:, typ=(?P<result>\w+))?\)")
_RESOURCE_MODULES = re.compile(r'resource_modules="""(?P<json>.*?)"""', re.DOTALL)

_lock = threading.Lock()


@dataclass(frozen=True)
class InvokeSignature:
    """One invoke of an installed SDK: where it is declared and what it returns."""

    token: str
    """The invoke token, e.g. ``aws:ec2/getVpc:getVpc``."""
    module: str
    """The Python module that declares it, e.g. ``pulumi_aws.ec2.get_vpc``."""
    result_class: Optional[str]
    """The name of its ``@pulumi.output_type`` result class, or None for a single-value function."""

    def result_type(self) -> Optional[type]:
        """The result class itself (imports the function's module, inside an SDK already loaded)."""
        if self.result_class is None:
            return None
        return getattr(importlib.import_module(self.module), self.result_class)


def sdk_package(token: str) -> str:
    """The Python package of a token's provider: ``azure-native:...`` -> ``pulumi_azure_native``."""
    return "pulumi_" + token.split(":", 1)[0].replace("-", "_")


def sdk_loaded(token: str) -> bool:
    """True when the program imported the SDK that declares ``token``."""
    return sdk_package(token) in sys.modules


def _package_dir(package: str) -> Optional[Path]:
    module = sys.modules.get(package)
    file = getattr(module, "__file__", None)
    return Path(file).parent if file else None


def _python_module_name(root: Path, part: str) -> str:
    """A module's Python name: a keyword gets a trailing underscore (``lambda`` -> ``lambda_``)."""
    return f"{part}_" if keyword.iskeyword(part) or (root / f"{part}_").is_dir() else part


def _module_dirs(token: str) -> list[tuple[str, Path]]:
    """Candidate folders for a token's module, most specific first: ``storage/v20230101``,
    ``storage``, then the package root (``index`` functions live there)."""
    package = sdk_package(token)
    root = _package_dir(package)
    if root is None:
        return []
    parts = [_python_module_name(root, part) for part in token.split(":")[1].split("/") if part != "index"]
    found = []
    for end in range(len(parts), 0, -1):
        folder = root.joinpath(*parts[:end])
        if folder.is_dir() and (folder / "__init__.py").exists():
            found.append((".".join([package, *parts[:end]]), folder))
    found.append((package, root))
    return found


@functools.lru_cache(maxsize=None)
def _scan(module_prefix: str, folder: Path) -> dict[str, InvokeSignature]:
    """Every invoke declared by the Python files directly inside ``folder``."""
    signatures = {}
    for path in sorted(folder.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "pulumi.runtime.invoke" not in text:
            continue
        for match in _INVOKE_CALL.finditer(text):
            token = match.group("token")
            signatures.setdefault(token, InvokeSignature(token, f"{module_prefix}.{path.stem}",
                                                         match.group("result")))
    return signatures


def _python_file_name(function: str) -> str:
    """The module name the Python code generator gives a function: ``getPublicIPAddress`` ->
    ``get_public_ip_address``."""
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", function)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", words).lower()


def _read_one(module_prefix: str, folder: Path, token: str) -> Optional[InvokeSignature]:
    """The fast path: the one file the generator names after the function, if it declares it."""
    path = folder / f"{_python_file_name(token.rsplit(':', 1)[1])}.py"
    if not path.is_file():
        return None
    for match in _INVOKE_CALL.finditer(path.read_text(encoding="utf-8")):
        if match.group("token") == token:
            return InvokeSignature(token, f"{module_prefix}.{path.stem}", match.group("result"))
    return None


def invoke_signature(token: str) -> Optional[InvokeSignature]:
    """The SDK's declaration of ``token``, or None if no loaded SDK declares it: the file named
    after the function first, else every file of the token's module folder (read once, cached)."""
    if not sdk_loaded(token):
        return None
    with _lock:
        return _signature(token)


@functools.lru_cache(maxsize=None)
def _signature(token: str) -> Optional[InvokeSignature]:
    folders = _module_dirs(token)
    for module_prefix, folder in folders:
        found = _read_one(module_prefix, folder, token)
        if found is not None:
            return found
    for module_prefix, folder in folders:
        found = _scan(module_prefix, folder).get(token)
        if found is not None:
            return found
    return None


def module_invokes(token_prefix: str) -> list[InvokeSignature]:
    """Every invoke declared in the module of ``token_prefix`` (``aws:ec2``,
    ``azure-native:storage``), sorted by token: what a sweep over one SDK module covers."""
    module_prefix, folder = _module_dirs(token_prefix + "/x:x")[0]
    with _lock:
        return sorted(_scan(module_prefix, folder).values(), key=lambda signature: signature.token)


@functools.lru_cache(maxsize=None)
def _resource_classes(package: str) -> dict[str, tuple[str, str]]:
    """token -> (module, class name) from the package's registration table."""
    root = _package_dir(package)
    if root is None:
        return {}
    match = _RESOURCE_MODULES.search((root / "__init__.py").read_text(encoding="utf-8"))
    if match is None:
        return {}
    return {token: (module["fqn"], class_name)
            for module in json.loads(match.group("json"))
            for token, class_name in module["classes"].items()}


def resource_class(token: str) -> Optional[type]:
    """The SDK class of resource type ``token``, or None if no loaded SDK declares it."""
    if not sdk_loaded(token):
        return None
    with _lock:
        found = _resource_classes(sdk_package(token)).get(token)
    if found is None:
        return None
    module, class_name = found
    return getattr(importlib.import_module(module), class_name, None)
