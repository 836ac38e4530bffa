"""Serve one aiscale policy pack to the Pulumi engine: what a pack's ``__main__.py`` calls.

The stock ``pulumi_policy`` serves it, as ``pulumi preview --policy-pack`` runs any Python pack
(``python -m pulumi.policy <engine-address> <pack folder>`` runs ``__main__.py``, whose
``PolicyPack`` prints its port and answers the Analyzer protocol). Nothing of the SDK is replaced
or reached into: the pack only builds its policies (:func:`aiscale.guardrails.pack.build_policies`)
and hands them to ``PolicyPack``.
"""

from __future__ import annotations

import gc

from .pack import PACK_NAMES, build_policies

GC_FIRST_GENERATION_THRESHOLD = 50_000
"""Allocations between young-generation collections in a pack process (Python's default: 700)."""


def quiet_collector() -> None:
    """Freeze what is alive now (the SDKs and the policies: they live as long as the process)
    out of the cyclic collector's passes, and let an Analyzer call allocate more before a pass
    runs. A process-wide setting of the interpreter; the SDK is untouched."""
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(GC_FIRST_GENERATION_THRESHOLD, second, third)


def serve(pack: str) -> None:
    """Build and serve the ``pack`` ("security", "cost" or "wiring") policy pack with the stock
    ``PolicyPack``; blocks (the SDK's server) until the engine stops the process."""
    from pulumi_policy import PolicyPack

    policies = build_policies(pack)
    quiet_collector()
    PolicyPack(name=PACK_NAMES[pack], policies=policies)
