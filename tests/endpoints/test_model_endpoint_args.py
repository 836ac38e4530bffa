"""The face checks its arguments before registering anything: each problem names its field."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.model_endpoint import builder_module, check_args
from aiscale.preview.engine import PreviewError

from .helpers import platform


def _drop(*keys):
    return lambda args: {k: v for k, v in args.items() if k not in keys}


def _set(**values):
    return lambda args: {**args, **values}


def _runtime(value):
    def change(args):
        return {**args, "endpoint": args["endpoint"].model_copy(update={"runtime": value})}
    return change


def _other_pool(args):
    pool = args["pool"].model_copy(update={"accelerator": "nvidia-a100-80gb", "name": "batch"})
    return {**args, "pool": pool}


def _no_identity(args):
    args["cluster"].built = SimpleNamespace()
    return args


# (cloud, endpoint overrides, args change, text in the message, reason)
CASES = [
    ("aws", {}, _runtime("serverless"), "ModelEndpointArgs.endpoint.runtime: got 'serverless'",
     "an unknown runtime"),
    ("aws", {}, _drop("cluster"), "ModelEndpointArgs.cluster: got None", "kubernetes needs a cluster"),
    ("gcp", {}, _drop("pool"), "ModelEndpointArgs.pool: got None", "kubernetes needs a pool"),
    ("aws", {}, _drop("store"), "ModelEndpointArgs.store: got None", "a bucket model needs its store"),
    ("aws", {}, _set(colour="red"), "ModelEndpointArgs.colour: unknown field", "typo in a key"),
    ("aws", {}, _drop("endpoint"), "ModelEndpointArgs.endpoint: got None", "no endpoint"),
    ("azure", {}, _other_pool, "ModelEndpointArgs.pool: got 'batch' with accelerator 'nvidia-a100-80gb'",
     "the wrong pool for the accelerator"),
    ("aws", {}, _no_identity, "ModelEndpointArgs.cluster.built.oidc_provider_arn: got None",
     "IRSA needs the OIDC provider"),
    ("azure", {}, _no_identity, "ModelEndpointArgs.cluster.built.oidc_issuer_url: got None",
     "AKS workload identity needs the issuer"),
    ("aws", {"runtime": "managed"}, _drop("offering"), "ModelEndpointArgs.offering: got None",
     "SageMaker needs the instance type"),
    ("aws", {"runtime": "managed"}, _drop("network"), "ModelEndpointArgs.network: got None",
     "SageMaker runs in the private subnets"),
    ("azure", {"runtime": "managed"}, _drop("offering"), "ModelEndpointArgs.offering: got None",
     "Azure ML needs the instance type"),
]


@pytest.mark.parametrize("cloud,endpoint,change,message,reason", CASES)
def test_bad_args_raise_before_anything_is_registered(endpoint_preview, cloud, endpoint, change,
                                                       message, reason):
    with pytest.raises(PreviewError) as raised:
        endpoint_preview(cloud, endpoint=endpoint, extra=change)
    assert message in str(raised.value), reason
    registered = {r.type for r in raised.value.resources}
    assert "aiscale:index:ModelEndpoint" not in registered
    assert not any(t.startswith(("kubernetes:apps", "aws:sagemaker", "aws:iam")) for t in registered)


def test_every_problem_is_reported_at_once():
    model = platform("aws")
    with pytest.raises(ValueError) as raised:
        check_args("chat", {"endpoint": model.endpoints[0], "scope": None})
    text = str(raised.value)
    for field in ("scope", "store", "cluster", "pool"):
        assert f"ModelEndpointArgs.{field}:" in text, field


def test_args_must_be_a_mapping():
    with pytest.raises(ValueError, match="args: got 3"):
        check_args("chat", 3)


def test_gcp_managed_needs_no_offering_or_network(endpoint_preview):
    result = endpoint_preview("gcp", endpoint={"runtime": "managed"},
                              extra=_drop("offering", "network"))
    assert result.by_type("gcp:cloudrunv2/service:Service")


@pytest.mark.parametrize("runtime,cloud,module", [
    ("kubernetes", "aws", "aiscale.kubernetes.serving"),
    ("kubernetes", "gcp", "aiscale.kubernetes.serving"),
    ("managed", "aws", "aiscale.aws.sagemaker"),
    ("managed", "azure", "aiscale.azure.ml_endpoint"),
    ("managed", "gcp", "aiscale.gcp.cloud_run"),
])
def test_dispatch(runtime, cloud, module):
    assert builder_module(runtime, cloud) == module
