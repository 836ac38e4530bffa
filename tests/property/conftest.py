"""Hypothesis settings for the property tests: small example counts (each valid example is a
whole preview), no deadline (a first preview imports the provider SDKs).

Profiles, chosen with ``HYPOTHESIS_PROFILE``: ``aiscale`` (default, random examples),
``ci`` (the same counts, derandomized so that a CI run is reproducible) and ``thorough``
(ten times the examples, for a local soak).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("aiscale", max_examples=15, **_COMMON)
settings.register_profile("ci", max_examples=15, derandomize=True, print_blob=True, **_COMMON)
settings.register_profile("thorough", max_examples=150, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "aiscale"))
