"""Serve one aiscale policy pack to the Pulumi engine (what a pack's ``__main__.py`` calls).

``pulumi_policy`` decodes a resource's properties once per policy (``MessageToDict`` then
``deserialize_properties`` and ``unknown_checking_proxy`` inside each policy's loop), so a pack
of 55 policies decodes every resource 55 times. The rules only read their inputs, so the pack
process memoises the decoding of the message it is answering: one decode per resource per call,
the same (read-only) values for every policy. The cache holds only the current call's messages
and is cleared when the call returns. :mod:`aiscale.guardrails.servicer` cuts the SDK's other
repeated work, without changing an answer.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from .catalogue import checks_for_pack
from .pack import PACK_NAMES, build_policies


class _CallCache:
    """Decoded properties by the identity of the message (and dict) they came from, for the
    duration of one Analyze / AnalyzeStack call; the originals are kept so ids stay unique."""

    def __init__(self) -> None:
        self.entries: dict[tuple[int, int], tuple[Any, Any]] = {}

    def _lookup(self, kind: int, value: Any, compute: Callable[[], Any]) -> Any:
        key = (kind, id(value))
        hit = self.entries.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        result = compute()
        self.entries[key] = (value, result)
        return result

    def memoised(self, decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """``decode(value)`` computed once per value (by identity) per call."""
        kind = id(decode)  # the wrapper keeps `decode` alive, so its id stays its own

        @functools.wraps(decode)
        def cached(value: Any, *args: Any, **kwargs: Any) -> Any:
            if args or kwargs:
                return decode(value, *args, **kwargs)
            return self._lookup(kind, value, lambda: decode(value))

        return cached

    def memoised_method(self, method: Callable) -> Callable:
        """:meth:`memoised` for a method whose one argument is the message."""
        kind = id(method)

        @functools.wraps(method)
        def cached(instance: Any, value: Any) -> Any:
            return self._lookup(kind, value, lambda: method(instance, value))

        return cached

    def clearing(self, method: Callable) -> Callable:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            finally:
                self.entries.clear()

        return call


def decode_once_per_call() -> Callable[[Any], Any]:
    """Make the policy SDK decode each resource once per Analyze/AnalyzeStack call; returns the
    matching memoised :func:`aiscale.guardrails.plain` for the pack's policies."""
    import pulumi_policy.policy as sdk

    from .props import plain

    servicer = sdk._PolicyAnalyzerServicer
    cache = _CallCache()

    class _JsonFormat:
        """``json_format`` as the SDK module sees it, with a memoised ``MessageToDict``."""

        def __getattr__(self, name: str) -> Any:
            return getattr(json_format, name)

    json_format = sdk.json_format
    shim = _JsonFormat()
    shim.MessageToDict = cache.memoised(json_format.MessageToDict)
    sdk.json_format = shim
    sdk.deserialize_properties = cache.memoised(sdk.deserialize_properties)
    sdk.unknown_checking_proxy = cache.memoised(sdk.unknown_checking_proxy)
    servicer._get_resource_options = cache.memoised_method(servicer._get_resource_options)
    servicer._get_provider_resource = cache.memoised_method(servicer._get_provider_resource)
    servicer.Analyze = cache.clearing(servicer.Analyze)
    servicer.AnalyzeStack = cache.clearing(servicer.AnalyzeStack)
    return cache.memoised(plain)


def serve(pack: str) -> None:
    """Build and serve the ``pack`` ("security" or "cost") policy pack; blocks (the SDK's server)."""
    from pulumi_policy import PolicyPack

    from . import servicer

    servicer.analyze_stack_once()  # before the decoding cache wraps AnalyzeStack to clear it
    decode = decode_once_per_call()
    servicer.skip_idle_remediation()
    servicer.settings_signature_once()
    checks = checks_for_pack(pack)
    policies = build_policies(pack, decode=decode, stack_views=servicer.stack_views_once(decode))
    servicer.index_policies_by_type(checks)
    servicer.quiet_collector()
    PolicyPack(name=PACK_NAMES[pack], policies=policies)
