"""Which install extra brings each provider SDK, and one clear error when a stack needs a missing one.

``pip install aiscale`` installs no provider SDK; ``aiscale[aws]``, ``aiscale[azure]`` and
``aiscale[gcp]`` each add one cloud's SDK plus the Kubernetes provider, and ``aiscale[all]``
all of them. A platform that names a cloud whose SDK is not installed fails before anything is
registered (:func:`require_cloud_sdks`, raising :class:`MissingSdkError`, a ``pulumi.RunError``:
the Pulumi CLI prints it without a traceback and ``aiscale preview`` exits 2 with it). Any
program that imports a missing provider SDK gets the same advice from ``aiscale preview``
(:func:`missing_sdk_hint`).

The check asks the import system whether the module could be found
(``importlib.util.find_spec``) without importing it.
"""

from __future__ import annotations

import importlib.util
from typing import Callable, Iterable, Optional

import pulumi

KUBERNETES_SDK = "pulumi_kubernetes"
"""The Kubernetes provider SDK, which every cloud extra installs."""

def cloud_sdks() -> dict[str, tuple[str, ...]]:
    """The modules a platform on each cloud imports (its adapter's SDK modules and Kubernetes'),
    by cloud; the extra that installs them is the cloud's name."""
    from aiscale import clouds

    return {adapter.name: (*adapter.sdk_modules, KUBERNETES_SDK) for adapter in clouds.adapters()}


def extra_of_module(module: str) -> Optional[str]:
    """The extra that installs a top-level module of one cloud (None for any other module;
    ``pulumi_kubernetes`` is in every cloud extra and is handled apart)."""
    from aiscale import clouds

    for adapter in clouds.adapters():
        if module in adapter.sdk_modules or module in adapter.extra_modules:
            return adapter.name
    return None


class MissingSdkError(pulumi.RunError):
    """A platform names a cloud whose provider SDK is not installed; the message names the extra."""


def install_command(extra: str) -> str:
    """The command that installs `extra`: ``pip install 'aiscale[aws]'``."""
    return f"pip install 'aiscale[{extra}]'"


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or half-removed package counts as missing
        return False


def missing_cloud_sdks(clouds: Iterable[str],
                       installed: Callable[[str], bool] = _installed) -> list[tuple[str, str]]:
    """``(cloud, module)`` for each of `clouds` whose SDK modules are not all installed (the first
    missing module of each), in the order given; clouds with no SDK entry are left to validation."""
    missing = []
    for cloud in clouds:
        absent = [module for module in cloud_sdks().get(cloud, ()) if not installed(module)]
        if absent:
            missing.append((cloud, absent[0]))
    return missing


def require_cloud_sdks(clouds: Iterable[str], installed: Callable[[str], bool] = _installed) -> None:
    """Raise :class:`MissingSdkError` naming every cloud of `clouds` whose SDK is missing and the
    extra to install, e.g. "the stack uses aws but pulumi_aws is not installed: pip install
    'aiscale[aws]'"."""
    missing = missing_cloud_sdks(clouds, installed)
    if not missing:
        return
    lines = [f"the stack uses {cloud} but {module} is not installed: {install_command(cloud)}"
             for cloud, module in missing]
    if len(missing) > 1:
        extras = ",".join(cloud for cloud, _ in missing)
        lines.append(f"(or all at once: pip install 'aiscale[{extras}]')")
    raise MissingSdkError("\n".join(lines))


def missing_sdk_hint(error: BaseException, importer: str = "the program") -> Optional[str]:
    """The message for a failure because a provider SDK is missing: `error` itself when it is a
    :class:`MissingSdkError`, advice naming the extra for a ``ModuleNotFoundError`` of a provider
    SDK or boto3 (imported by `importer`), and None for anything else."""
    if isinstance(error, MissingSdkError):
        return str(error)
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    module = error.name.split(".", 1)[0]
    if module == KUBERNETES_SDK:
        choices = " or ".join(f"'aiscale[{extra}]'" for extra in cloud_sdks())
        return f"{importer} imports {module}, which is not installed: pip install {choices} (each installs it)"
    extra = extra_of_module(module)
    if extra is None:
        return None
    return f"{importer} imports {module}, which is not installed: {install_command(extra)}"
