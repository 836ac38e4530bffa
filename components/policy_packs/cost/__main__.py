"""A bundled aiscale policy pack; the pack is named after this folder (security, cost or wiring)."""

from pathlib import Path

from aiscale.guardrails.serve import serve

serve(Path(__file__).resolve().parent.name)
