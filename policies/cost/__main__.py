"""The aiscale cost policy pack: every cost check of aiscale.guardrails, nothing else.

Run with `pulumi preview --policy-pack policies/cost`; see docs/policies.md for the checks, their
config (policy config file: `--policy-pack-config`) and how enforcement levels are chosen.
"""

from aiscale.guardrails.serve import serve

serve("cost")
