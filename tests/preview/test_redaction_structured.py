"""A secret made of many values (a Helm chart's values, secret as a whole because one value in
it is) hides the texts only it holds, not the words other inputs show openly: findings and
warnings stay readable, and the real secret inside is still replaced."""

from __future__ import annotations

from aiscale.preview.records import ResourceRecord
from aiscale.preview.redaction import redact, secret_texts

HOOK = "https://hooks.example.com/T0/B1/s3cr3t"


def _record(name: str, inputs: dict, secret_inputs: list[str]) -> ResourceRecord:
    return ResourceRecord(urn=f"urn:pulumi:dev::p::kubernetes:helm.sh/v3:Release::{name}",
                          type="kubernetes:helm.sh/v3:Release", name=name, custom=True,
                          inputs=inputs, secret_inputs=secret_inputs)


def test_a_structured_secret_hides_only_what_nothing_else_shows():
    release = _record("stack", {"values": {"alertmanager": {"route": {"group_by": ["pool", "alertname"]},
                                                           "receivers": [{"webhook": HOOK}]}}},
                      ["/values"])
    rules = _record("rules", {"values": {"labels": {"pool": "gpu", "alertname": "GpuIdle"}}}, [])
    secrets = secret_texts([release, rules])
    assert HOOK in secrets
    assert "pool" not in secrets and "alertname" not in secrets
    message = f"node pool gpu of the platform notifies {HOOK}"
    assert redact(message, secrets) == "node pool gpu of the platform notifies [secret]"


def test_a_secret_string_is_hidden_whole_even_when_other_inputs_show_it():
    """A value marked secret on its own is the secret: it is replaced wherever it appears."""
    token = _record("token", {"password": "correct-horse"}, ["/password"])
    echo = _record("echo", {"note": "correct-horse"}, [])
    assert "correct-horse" in secret_texts([token, echo])


def test_without_the_open_copy_every_leaf_of_the_structured_secret_is_hidden():
    release = _record("stack", {"values": {"route": {"group_by": ["pool"]}}}, ["/values"])
    assert "pool" in secret_texts([release])
