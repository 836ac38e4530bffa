"""A mock resource monitor that records every registration as a :class:`ResourceRecord`.

Pulumi's ``Mocks.new_resource`` sees only type, name, inputs and provider; this monitor sees the
whole ``RegisterResourceRequest`` (parent, protect, retain-on-delete, dependencies) and the
outputs registered by components and the stack.
"""

from __future__ import annotations

from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_project, get_stack

from aiscale.preview.records import ResourceRecord
from aiscale.preview.values import decode_struct, without_references
from aiscale.preview.watchdog import Progress

STACK_TYPE = "pulumi:pulumi:Stack"


def _without_references(request, field_name: str):
    """``request`` with the resource references in its ``field_name`` Struct replaced by ids
    or URNs (see :func:`without_references`): a copy only when there were any."""
    original = getattr(request, field_name)
    replaced = without_references(original)
    if replaced is original:
        return request
    copy = type(request)()
    copy.CopyFrom(request)
    getattr(copy, field_name).CopyFrom(replaced)
    return copy


class CaptureMonitor(MockMonitor):
    """Records each registration in order, then lets Pulumi's mock monitor answer it."""

    def __init__(self, mocks) -> None:
        super().__init__(mocks)
        self.records: dict[str, ResourceRecord] = {}
        self.reads: dict[str, ResourceRecord] = {}
        """The resources the program read (``.get()``, stack references), by URN: never
        analyzed by the packs, since the engine does not analyze reads."""
        self.progress = Progress()
        """When the program last asked something of the monitor (for the stall watchdog)."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the Pulumi engine makes them: the parent's whole type chain (the stack left
        out) joined with ``$``, so a child's URN is the one ``pulumi up`` would give it."""
        if parent and parent.split("::")[2] != STACK_TYPE:
            type_ = parent.split("::")[2] + "$" + type_
        return "urn:pulumi:" + "::".join([get_stack(), get_project(), type_, name])

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        """Record the request, then let :class:`MockMonitor` answer it with the resource
        references among its inputs replaced by ids or URNs, as a provider receives them: the
        mock would rebuild each referenced resource, on a thread whose event loop nothing runs,
        and the program would hang. The record is decoded by :func:`decode_struct`, which builds
        no resource either."""
        self.progress.touch()
        response = super().RegisterResource(_without_references(request, "object"))
        inputs = decode_struct(request.object)
        outputs = decode_struct(response.object)
        record = ResourceRecord(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent or None,
            inputs=inputs.value,
            secret_paths=inputs.secret_keys,
            secret_inputs=inputs.secret_pointers,
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            provider=request.provider or None,
            dependencies=sorted(request.dependencies),
            property_dependencies={
                key: sorted(deps.urns) for key, deps in sorted(request.propertyDependencies.items())
            },
            id=response.id or None,
            outputs=outputs.value,
            secret_outputs=outputs.secret_pointers,
            remote=bool(request.remote),
        )
        self.records[response.urn] = record
        self.progress.touch(response.urn)
        return response

    def ReadResource(self, request):  # noqa: N802 - gRPC method name
        """Record a read (``Bucket.get(...)``) as a read resource, then let the mock answer."""
        self.progress.touch()
        response = super().ReadResource(_without_references(request, "properties"))
        registration = self.resources.get(response.urn)
        if registration is not None and registration.id and not response.id:
            response.id = registration.id  # the SDK reads it (an empty id is unknown in a preview)
        inputs = decode_struct(request.properties)
        outputs = decode_struct(response.properties)
        self.reads[response.urn] = ResourceRecord(
            urn=response.urn, type=request.type, name=request.name, custom=True,
            parent=request.parent or None, inputs=inputs.value, secret_paths=inputs.secret_keys,
            secret_inputs=inputs.secret_pointers, provider=request.provider or None,
            dependencies=sorted(request.dependencies), id=response.id or request.id or None,
            outputs=outputs.value, secret_outputs=outputs.secret_pointers, read=True)
        self.progress.touch(response.urn)
        return response

    def Invoke(self, request):  # noqa: N802 - gRPC method name
        """Answer an invoke (noted as progress for the stall watchdog)."""
        self.progress.touch()
        try:
            return super().Invoke(_without_references(request, "args"))
        finally:
            self.progress.touch()

    def RegisterResourceOutputs(self, request):  # noqa: N802 - gRPC method name
        """Keep the outputs that components and the stack register."""
        self.progress.touch()
        record = self.records.get(request.urn)
        if record is not None:
            outputs = decode_struct(request.outputs)
            record.outputs = outputs.value
            record.secret_outputs = outputs.secret_pointers
        return super().RegisterResourceOutputs(request)
