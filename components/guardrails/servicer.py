"""The answers ``pulumi_policy``'s Analyzer service gives, computed with less repeated work.

A served aiscale pack (:func:`aiscale.guardrails.serve.serve`) installs these on the SDK's
``_PolicyAnalyzerServicer`` in its own process. Each one leaves every response unchanged
(``tests/guardrails/test_servicer.py`` compares them with the stock SDK's on whole stacks):

- **Analyze asks only the policies that concern the resource.** The SDK builds the arguments of
  every resource policy for every resource (55 in the security pack) although an aiscale check
  returns at once on a type it does not cover; :func:`index_policies_by_type` makes the loop see,
  per request, only the policies whose check covers the resource's type (in pack order).
- **AnalyzeStack builds the stack once.** The SDK rebuilds every resource, with its parent and
  dependencies, for each stack policy; :func:`analyze_stack_once` builds them once per call and
  hands the same (read-only) resources to every stack policy, and :func:`stack_views_once` makes
  aiscale's views of them once.
- **Remediate without remediations.** The SDK decodes the resource before looking for a policy
  at the ``remediate`` level; when there is none (aiscale's rules never rewrite), the answer is
  the empty response its loop would build.
- **Runtime settings.** Each call inspects ``pulumi.runtime.Settings``' signature, which cannot
  change within a process: it is inspected once.
- **The garbage collector.** What importing the SDKs and building the policies made lives as
  long as the process: it is frozen out of the collector's passes, and a call's short-lived
  objects do not trigger a pass every few hundred allocations.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import threading
from inspect import isawaitable
from typing import Any, Callable, Iterator, Optional, Sequence

from .props import canonical_type
from .registry import Check

GC_FIRST_GENERATION_THRESHOLD = 50_000
"""Allocations between young-generation passes in a pack process (Python's default is 700)."""
_POLICIES = "_PolicyAnalyzerServicer__policies"
"""The SDK servicer's private list of policies."""


def _sdk():
    import pulumi_policy.policy as sdk

    return sdk


class _PoliciesOfRequest(list):
    """The pack's policies. Iterated on a thread that is answering ``Analyze`` for a resource
    type, it yields only the resource policies whose check covers that type (stack policies and
    policies of other types would be skipped or return at once)."""

    def __init__(self, policies: Sequence[Any], types_of: dict[str, tuple[str, ...]]) -> None:
        super().__init__(policies)
        self.types_of = types_of
        self.current = threading.local()
        self.by_type: dict[str, list[Any]] = {}

    def __iter__(self) -> Iterator[Any]:
        resource_type = getattr(self.current, "resource_type", None)
        if resource_type is None:
            return super().__iter__()
        token = canonical_type(resource_type)
        chosen = self.by_type.get(token)
        if chosen is None:
            chosen = [policy for policy in list.__iter__(self)
                      if token in self.types_of.get(policy.name, (token,))]
            self.by_type[token] = chosen
        return iter(chosen)


def index_policies_by_type(checks: Sequence[Check]) -> None:
    """Let ``Analyze`` ask only the policies whose check covers the resource's type: every
    servicer made from now on keeps its policies in a :class:`_PoliciesOfRequest` built from
    `checks` (the checks the policies come from: a stack check's policy is never asked, as the
    SDK skips it; a policy of no check is always asked)."""
    types_of = {check.id: tuple(check.types) if check.scope == "resource" else () for check in checks}
    sdk = _sdk()
    servicer = sdk._PolicyAnalyzerServicer
    original_init, analyze = servicer.__init__, servicer.Analyze

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        setattr(self, _POLICIES, _PoliciesOfRequest(getattr(self, _POLICIES), types_of))

    @functools.wraps(analyze)
    def Analyze(self: Any, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC method name
        current = getattr(self, _POLICIES).current
        current.resource_type = request.type
        try:
            return analyze(self, request, context)
        finally:
            current.resource_type = None

    servicer.__init__ = __init__
    servicer.Analyze = Analyze


def analyze_stack_once() -> None:
    """``AnalyzeStack`` that builds the stack's resources (parents and dependencies linked)
    once per call and runs every stack policy over them, as the SDK runs each."""
    sdk = _sdk()
    from pulumi.runtime import proto

    def build(self: Any, request: Any) -> list:
        resources, links = [], []
        for message in request.resources:
            props = sdk.unknown_checking_proxy(sdk.deserialize_properties(
                sdk.json_format.MessageToDict(message.properties)))
            resource = sdk.PolicyResource(message.type, props, message.urn, message.name,
                                          self._get_resource_options(message),
                                          self._get_provider_resource(message), None, [], {})
            resources.append(resource)
            links.append((resource, message))
        by_urn = {resource.urn: resource for resource in resources}
        for resource, message in links:
            if message.parent in by_urn:
                resource.parent = by_urn[message.parent]
            resource.dependencies.extend(by_urn[urn] for urn in message.dependencies if urn in by_urn)
            for key, urns in message.propertyDependencies.items():
                resource.property_dependencies[key] = [by_urn[u] for u in urns.urns if u in by_urn]
        return resources

    def AnalyzeStack(self: Any, request: Any, _context: Any) -> Any:  # noqa: N802
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        resources: Optional[list] = None
        name = getattr(self, "_PolicyAnalyzerServicer__policy_pack_name")
        version = getattr(self, "_PolicyAnalyzerServicer__policy_pack_version")
        for policy in list.__iter__(getattr(self, _POLICIES)):
            level = self._get_enforcement_level(policy)
            if level == sdk.EnforcementLevel.DISABLED or not isinstance(policy, sdk.StackValidationPolicy):
                continue
            if level == sdk.EnforcementLevel.REMEDIATE:
                level = sdk.EnforcementLevel.MANDATORY  # stack policies cannot remediate
            report = self._create_report_violation(response, policy.name, policy.description,
                                                   level, policy.severity)
            if resources is None:
                resources = build(self, request)
            args = sdk.StackValidationArgs(resources, self._get_policy_config(policy.name),
                                           getattr(self, "_PolicyAnalyzerServicer__stack_tags"))
            try:
                _wait(policy.validate(args, report))
            except sdk.UnknownValueError as error:
                response.diagnostics.append(proto.AnalyzeDiagnostic(
                    policyName=policy.name, policyPackName=name, policyPackVersion=version,
                    message=(f"can't run policy '{policy.name}' from policy pack "
                             f"'{name}@v{version}' during preview: {error.message}"),
                    urn="", description=policy.description,
                    enforcementLevel=self._map_enforcement_level(sdk.EnforcementLevel.ADVISORY)))
            except sdk._NotApplicableError as error:
                response.not_applicable.append(proto.PolicyNotApplicable(
                    policy_name=policy.name, reason=error.reason or ""))
        return response

    functools.update_wrapper(AnalyzeStack, sdk._PolicyAnalyzerServicer.AnalyzeStack)
    sdk._PolicyAnalyzerServicer.AnalyzeStack = AnalyzeStack


def _wait(result: Any) -> None:
    """Run a validation's awaitable to the end, as the SDK does."""
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(asyncio.ensure_future(result, loop=loop))
        finally:
            loop.close()


def stack_views_once(decode: Callable[[Any], Any]) -> Callable[[list], list]:
    """:func:`aiscale.guardrails.pack.views_of` made once per resource list: every stack policy
    of one ``AnalyzeStack`` call gets the same list (:func:`analyze_stack_once`)."""
    from .pack import views_of

    last: list = [None, None]  # the resource list of the current call and its views
    lock = threading.Lock()

    def views(resources: list) -> list:
        with lock:
            if last[0] is not resources:
                last[:] = [resources, views_of(resources, decode)]
            return last[1]

    return views


def skip_idle_remediation() -> None:
    """Answer ``Remediate`` without decoding the resource when no policy is at the ``remediate``
    enforcement level; otherwise the SDK's ``Remediate`` runs unchanged."""
    sdk = _sdk()
    from pulumi.runtime.proto import analyzer_pb2

    remediate = sdk._PolicyAnalyzerServicer.Remediate

    @functools.wraps(remediate)
    def Remediate(self: Any, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC method name
        if any(self._get_enforcement_level(policy) == sdk.EnforcementLevel.REMEDIATE
               for policy in list.__iter__(getattr(self, _POLICIES))):
            return remediate(self, request, context)
        return analyzer_pb2.RemediateResponse()

    sdk._PolicyAnalyzerServicer.Remediate = Remediate


def settings_signature_once() -> None:
    """Inspect ``pulumi.runtime.Settings``' signature once per process, not once per call."""
    sdk = _sdk()
    sdk.signature = functools.lru_cache(maxsize=None)(sdk.signature)


def quiet_collector() -> None:
    """Freeze the objects alive now (SDKs, policies: they live as long as the process) out of
    the collector's passes, and let a call allocate more before a pass runs."""
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(GC_FIRST_GENERATION_THRESHOLD, second, third)
