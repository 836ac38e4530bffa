"""Where a preview's secrets are, and keeping their text out of free text.

The capture monitor records each secret's place as a JSON Pointer (``ResourceRecord.secret_inputs``
and ``secret_outputs``); reports mask those places (``aiscale.preview.report``), and free text
that may quote a value (a policy finding's message, a program's error) has every secret's text
replaced by ``[secret]`` (:func:`redact`).
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from aiscale.preview.records import UNKNOWN, ResourceRecord
from aiscale.preview.values import pointer

#: How a secret input appears in the report.
SECRET_IN_REPORT = "[secret]"
#: Shortest secret text that :func:`redact` removes from free text (shorter ones, like ``on``
#: or ``1``, would mangle every message while hiding nothing); as Pulumi, ``true`` and ``false``
#: are left alone too.
MIN_REDACTED_CHARS = 3
NEVER_REDACTED = ("true", "false")
#: What reports write for a secret and an unknown: another stack's report read back through a
#: StackReference (``aiscale.preview.stack_refs``) gives these texts as values, never secrets.
REPORT_MARKERS = (SECRET_IN_REPORT, "<unknown>")


def input_secret_pointers(record: ResourceRecord) -> set[str]:
    """The places to mask in a record's inputs: its secret pointers, and each key of
    ``secret_paths`` that no pointer locates more precisely (records made by hand)."""
    found = set(record.secret_inputs)
    for key in record.secret_paths:
        top = pointer((key,))
        if not any(where == top or where.startswith(top + "/") for where in found):
            found.add(top)
    return found


def _resolve(value: Any, json_pointer: str) -> Any:
    for part in json_pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def _resolved_secret_outputs(futures: Iterable[Any]) -> Iterable[Any]:
    """The value of every secret output among the output `futures` that resolved."""
    for data in futures:
        if not data.done() or data.cancelled() or data.exception() is not None:
            continue
        resolved = data.result()
        if getattr(resolved, "is_secret", False):
            yield resolved.value


def _public_texts(value: Any, secret_places: set[str], where: str = "") -> Iterable[str]:
    """Every string and mapping key in ``value`` outside the subtrees at ``secret_places`` (JSON
    Pointers)."""
    if where in secret_places:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)  # keys show in the report whether or not their values are secret
            yield from _public_texts(item, secret_places, pointer((*_parts(where), key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _public_texts(item, secret_places, pointer((*_parts(where), index)))


def _parts(json_pointer: str) -> tuple[str, ...]:
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in json_pointer.split("/")[1:])


def _secret_leaves(value: Any, public: set[str]) -> list[str]:
    """The texts of one secret value: a secret string whole; of a secret list or mapping (a
    Helm chart's values, made secret as a whole by one secret inside), the strings that appear
    nowhere in plain text (a word such as ``pool`` that other inputs show openly is no secret,
    and replacing it would garble every message)."""
    if isinstance(value, str):
        return [value]
    return [text for text in _texts(value) if text not in public]


def secret_texts(records: Iterable[ResourceRecord],
                 program_outputs: Optional[Iterable[Any]] = None) -> list[str]:
    """The text of every secret value of ``records`` (longest first), for :func:`redact`; with
    ``program_outputs`` (the futures of the run's outputs, ``TrackedOutputs.every``), also of
    every secret output the program resolved but never registered (a value it only warned
    about, or put in an error's message, before it failed)."""
    records = list(records)
    places = [(record, input_secret_pointers(record), set(record.secret_outputs)) for record in records]
    public: set[str] = set()
    for record, inputs_at, outputs_at in places:
        public.update(_public_texts(record.inputs, inputs_at))
        public.update(_public_texts(record.outputs, outputs_at))
    found: set[str] = set()
    for record, inputs_at, outputs_at in places:
        for where in inputs_at:
            found.update(_secret_leaves(_resolve(record.inputs, where), public))
        for where in outputs_at:
            found.update(_secret_leaves(_resolve(record.outputs, where), public))
    if program_outputs is not None:
        for value in _resolved_secret_outputs(program_outputs):
            found.update(_secret_leaves(value, public))
    return sorted((text for text in found if len(text) >= MIN_REDACTED_CHARS
                   and text not in (UNKNOWN, *NEVER_REDACTED, *REPORT_MARKERS)),
                  key=lambda text: (-len(text), text))


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret of :func:`secret_texts` replaced by ``[secret]``."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, SECRET_IN_REPORT)
    return text
