"""A mock resource monitor that records every registration as a :class:`ResourceRecord`.

Pulumi's ``Mocks.new_resource`` sees only type, name, inputs and provider; this monitor sees the
whole ``RegisterResourceRequest`` (parent, protect, retain-on-delete, dependencies) and the
outputs registered by components and the stack.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_project, get_stack
from pulumi.runtime.sync_await import _ensure_event_loop

from aiscale.preview.records import UNKNOWN, ResourceRecord

STACK_TYPE = "pulumi:pulumi:Stack"


def plain(value: Any) -> Any:
    """Turn deserialized engine values into JSON-like data: unknowns become :data:`UNKNOWN`,
    secrets are unwrapped, resource references become their URN."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if rpc.is_rpc_secret(value):
        return plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if hasattr(value, "urn") and hasattr(value, "_name"):
        return f"<resource {getattr(value, '_name', '')}>"
    return value


def _secret_keys(inputs: dict) -> list[str]:
    return sorted(key for key, value in inputs.items() if rpc.is_rpc_secret(value))


class CaptureMonitor(MockMonitor):
    """Records each registration in order, then lets Pulumi's mock monitor answer it."""

    def __init__(self, mocks, observer: Optional[Callable[[ResourceRecord], None]] = None) -> None:
        super().__init__(mocks)
        self.records: dict[str, ResourceRecord] = {}
        self.observer = observer
        """Called with each record as soon as it is registered (the policy session's
        :meth:`~aiscale.preview.policy_relay.StreamingSession.observe`), or None."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the Pulumi engine makes them: the parent's whole type chain (the stack left
        out) joined with ``$``, so a child's URN is the one ``pulumi up`` would give it."""
        if parent and parent.split("::")[2] != STACK_TYPE:
            type_ = parent.split("::")[2] + "$" + type_
        return "urn:pulumi:" + "::".join([get_stack(), get_project(), type_, name])

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        """Record the request, then delegate to :class:`MockMonitor` for the answer."""
        response = super().RegisterResource(request)
        _ensure_event_loop()
        raw_inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        registration = self.resources.get(response.urn)
        record = ResourceRecord(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent or None,
            inputs=plain(raw_inputs),
            secret_paths=_secret_keys(raw_inputs),
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            provider=request.provider or None,
            dependencies=sorted(request.dependencies),
            property_dependencies={
                key: sorted(deps.urns) for key, deps in sorted(request.propertyDependencies.items())
            },
            id=(registration.id if registration else None) or None,
            outputs=plain(registration.state) if registration else {},
        )
        self.records[response.urn] = record
        if self.observer is not None:
            self.observer(record)
        return response

    def RegisterResourceOutputs(self, request):  # noqa: N802 - gRPC method name
        """Keep the outputs that components and the stack register."""
        _ensure_event_loop()
        record = self.records.get(request.urn)
        if record is not None:
            record.outputs = plain(rpc.deserialize_properties(request.outputs, keep_unknowns=True))
        return super().RegisterResourceOutputs(request)
