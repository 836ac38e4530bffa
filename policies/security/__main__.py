"""The aiscale security policy pack: every security check of aiscale.guardrails, nothing else.

Run with `pulumi preview --policy-pack policies/security`; see docs/policies.md for the checks, their
config (policy config file: `--policy-pack-config`) and how enforcement levels are chosen.
"""

from pulumi_policy import PolicyPack

from aiscale.guardrails.pack import PACK_NAMES, build_policies

PolicyPack(name=PACK_NAMES["security"], policies=build_policies("security"))
