"""The aiscale wiring policy pack: every wiring check of aiscale.guardrails, nothing else.

Run with `pulumi preview --policy-pack policies/wiring`; see docs/wiring.md for the checks, their
config (policy config file: `--policy-pack-config`) and how enforcement levels are chosen.
"""

from aiscale.guardrails.serve import serve

serve("wiring")
