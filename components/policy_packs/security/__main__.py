"""A bundled aiscale policy pack; the pack is named after this folder (security or cost)."""

from pathlib import Path

from pulumi_policy import PolicyPack

from aiscale.guardrails.pack import PACK_NAMES, build_policies

PACK = Path(__file__).resolve().parent.name
PolicyPack(name=PACK_NAMES[PACK], policies=build_policies(PACK))
