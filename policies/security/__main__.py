"""The aiscale security policy pack: every security check of aiscale.guardrails, nothing else.

Run with `pulumi preview --policy-pack policies/security`; see docs/policies.md for the checks, their
config (policy config file: `--policy-pack-config`) and how enforcement levels are chosen.
"""

from aiscale.guardrails.serve import serve

serve("security")
