"""Every resource of the dev and prod previews conforms to what its API accepts.

Cloud resources are checked against the installed provider SDK's input types (names, types,
enumerations, required inputs: ``sdk_schema``); Kubernetes objects also against the Kubernetes
1.34 OpenAPI (``k8s_openapi``, ``data/kubernetes-openapi-1.34.json``). The mutation tests prove
both checkers fail on an unknown property, a wrong type, a value outside an enumeration and a
missing required input, each at its path.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from .k8s_openapi import OpenApiChecker
from .sdk_schema import NOT_CHECKED, SchemaChecker

SDK = SchemaChecker()
OPENAPI = OpenApiChecker()


def _is_custom_resource(token: str) -> bool:
    """A Kubernetes kind no SDK types (a CRD's: PodMonitor, PrometheusRule, ...)."""
    return token.startswith("kubernetes:") and SDK.args_class(token) is None


def schema_problems(result) -> list[str]:
    """Every problem of a preview's resources against the SDK input types and, for Kubernetes
    objects, the OpenAPI (used by the property-based tests too)."""
    problems = [f"{r.type} {r.name}: {p}" for r in _checked(result) for p in SDK.check(r.type, r.inputs)]
    return problems + [f"{r.type} {r.name}: {p}" for r in result.resources
                       if r.type.startswith("kubernetes:") and OPENAPI.definition_of(r.type)
                       for p in OPENAPI.check(r.type, r.inputs)]


def _checked(result) -> list:
    return [r for r in result.resources
            if r.custom and not r.type.startswith("pulumi:providers:")
            and r.type not in NOT_CHECKED and not _is_custom_resource(r.type)]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_resource_matches_its_sdk_input_type(stack_previews, stack):
    records = _checked(stack_previews[stack])
    assert len(records) > 50, "the stack's resources are all checked"
    assert {r.type.split(":")[0] for r in records} >= {"aws", "gcp", "kubernetes"}
    problems = [f"{r.type} {r.name}: {problem}" for r in records for problem in SDK.check(r.type, r.inputs)]
    assert problems == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_kubernetes_object_matches_the_kubernetes_openapi(stack_previews, stack):
    objects = [r for r in stack_previews[stack].resources
               if r.type.startswith("kubernetes:") and OPENAPI.definition_of(r.type)]
    assert objects, "the stack declares Kubernetes objects"
    unknown_kinds = {r.type for r in stack_previews[stack].resources if r.type.startswith("kubernetes:")
                     and not OPENAPI.definition_of(r.type) and not _is_custom_resource(r.type)
                     and r.type != "kubernetes:helm.sh/v3:Release"}
    assert unknown_kinds == set(), "every built-in kind the stacks declare is in the OpenAPI cut"
    problems = [f"{r.type} {r.name}: {problem}" for r in objects for problem in OPENAPI.check(r.type, r.inputs)]
    assert problems == []


def _record(stack_previews, token: str, name: str = ""):
    return next(r for r in stack_previews["dev"].resources if r.type == token and name in r.name)


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def mutate(inputs: dict) -> None:
        *parents, last = path.split(".")
        target = inputs
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return mutate


_DELETE = object()
EKS = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ACCOUNT = "azure-native:storage:StorageAccount"
GKE = "gcp:container/cluster:Cluster"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"

SDK_MUTATIONS = [
    (EKS, "", _set("bogusSetting", True), "bogusSetting: unknown property", "a property the SDK does not declare"),
    (EKS, "", _set("vpcConfig.endpointPrivateAcess", True), "vpcConfig.endpointPrivateAcess: unknown property",
     "a misspelt nested property"),
    (NODE_GROUP, "system", _set("scalingConfig.minSize", "two"), "scalingConfig.minSize: got 'two'; valid: an integer",
     "a string for an integer"),
    (ACCOUNT, "", _set("allowBlobPublicAccess", "false"), "allowBlobPublicAccess: got 'false'; valid: true or false",
     "a string for a boolean"),
    (GKE, "", _set("masterAuthorizedNetworksConfig.cidrBlocks", {"cidrBlock": "10.0.0.0/8"}),
     "masterAuthorizedNetworksConfig.cidrBlocks: got dict", "an object for a list"),
    (ACCOUNT, "", _set("minimumTlsVersion", "TLS9"), "minimumTlsVersion: got 'TLS9'; valid (MinimumTlsVersion)",
     "a value outside the SDK's enumeration"),
    (DEPLOYMENT, "", _set("kind", "Deploymnet"), "kind: got 'Deploymnet'; valid: 'Deployment'", "a Literal kind"),
    (ACCOUNT, "", _set("resourceGroupName", _DELETE), "resourceGroupName: required", "a required input missing"),
    (DEPLOYMENT, "", _set("spec.template.spec.containers.0.imagePullPolicy", 3),
     "spec.template.spec.containers[0].imagePullPolicy: got int 3; valid: a string", "nested in lists"),
]


@pytest.mark.parametrize("token, name, mutate, expected, reason", SDK_MUTATIONS,
                         ids=[case[-1] for case in SDK_MUTATIONS])
def test_the_sdk_check_fails_on_each_mutation(stack_previews, token, name, mutate, expected, reason):
    record = _record(stack_previews, token, name)
    assert SDK.check(token, record.inputs) == [], "the baseline conforms"
    inputs = copy.deepcopy(record.inputs)
    mutate(inputs)
    problems = SDK.check(token, inputs)
    assert len(problems) == 1 and problems[0].startswith(expected), (reason, problems)


OPENAPI_MUTATIONS = [
    (DEPLOYMENT, _set("spec.replicaCount", 2), "spec.replicaCount: unknown property", "an unknown property"),
    (DEPLOYMENT, _set("spec.template.spec.containers.0.ports.0.containerPort", "http"),
     "spec.template.spec.containers[0].ports[0].containerPort: got 'http'; valid: an integer", "a wrong type"),
    (DEPLOYMENT, _set("spec.template.spec.containers", {"name": "x"}),
     "spec.template.spec.containers: got dict", "an object for a list"),
    (DEPLOYMENT, _set("spec.selector", _DELETE), "spec.selector: required and missing", "a required field"),
    (STORAGE_CLASS, _set("apiVersion", "storage.k8s.io/v1beta1"), "apiVersion: got 'storage.k8s.io/v1beta1'",
     "an API version outside the kind's group-version (the enumeration the swagger 2.0 spec carries)"),
    (STORAGE_CLASS, _set("kind", "StorageClas"), "kind: got 'StorageClas'; valid: 'StorageClass'", "a misspelt kind"),
]
"""Kubernetes' swagger 2.0 spec lists no enumerations for fields (its OpenAPI v3 files do): the
field enumerations are checked through the SDK's types above; here the group-version-kind."""


@pytest.mark.parametrize("token, mutate, expected, reason", OPENAPI_MUTATIONS,
                         ids=[case[-1] for case in OPENAPI_MUTATIONS])
def test_the_openapi_check_fails_on_each_mutation(stack_previews, token, mutate, expected, reason):
    record = _record(stack_previews, token)
    assert OPENAPI.check(token, record.inputs) == [], "the baseline conforms"
    inputs = copy.deepcopy(record.inputs)
    mutate(inputs)
    problems = OPENAPI.check(token, inputs)
    assert len(problems) == 1 and problems[0].startswith(expected), (reason, problems)
