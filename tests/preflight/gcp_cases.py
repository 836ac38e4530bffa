"""The GCP pre-flight against recorded answers: google-cloud-compute ``Region``, ``MachineType``
and ``AcceleratorType`` objects behind fake clients (no network), the checks, its credentials
errors, and `aiscale preflight --cloud gcp` end to end. Run in a child process by ``test_gcp``
(not collected by the main run: the file name does not start with ``test_``)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions

from aiscale.preflight import azure, gcp
from aiscale.preflight.errors import PreflightCloudError, PreflightCredentialsError
from aiscale.preflight.findings import FAIL, OK, WARN
from aiscale.preflight.plan import Fleet
from tests.preflight.gcp_fakes import gcp_reader, gcp_region
from tests.preflight.helpers import endpoint, fleet, plan, write_project
from tests.preflight.test_command_clouds import AZURE, GCP, GCP_POOL, _invoke, _model

EVERY_ZONE = {f"us-central1-{z}": ("g2-standard-4",) for z in "abc"}
L4_EVERY_ZONE = {f"us-central1-{z}": ("nvidia-l4",) for z in "abc"}


def g2(name: str = "serve", *, zones: tuple[str, ...] = (), **kwargs) -> Fleet:
    """A GKE pool of g2-standard-4 (1 L4)."""
    return replace(fleet(name, "g2-standard-4", **kwargs), accelerator_type="nvidia-l4", zones=zones)


def _plan(*fleets, endpoints=()):
    return plan(*fleets, endpoints=endpoints, region="us-central1", zones=None)


def _run(the_plan, quotas=None, machines=EVERY_ZONE, accelerators=L4_EVERY_ZONE):
    reader = gcp_reader(gcp_region(quotas=quotas), machines, accelerators)
    findings = gcp.run_checks(the_plan, gcp.gather_facts(the_plan, reader))
    return [(f.check, f.resource, f.status) for f in findings], findings, reader


def test_offered_in_every_zone_and_quota_enough():
    rows, findings, reader = _run(_plan(g2(max_nodes=3)), quotas={"NVIDIA_L4_GPUS": (8, 2)})
    resource = "node pool serve (g2-standard-4, on-demand)"
    assert rows == [("offered in zones", resource, OK), ("accelerator in zones", resource, OK),
                    ("GPU quota", "NVIDIA_L4_GPUS", OK)]
    assert "machine type g2-standard-4 is offered in us-central1-a, us-central1-b, us-central1-c" in findings[0].detail
    assert "needs 3 GPUs at max size (node pool serve: 3 x 1 GPUs); the quota is 8, 2 in use, 6 free" \
        in findings[2].detail
    assert reader.calls[0] == ("regions.get", "acme-ml-dev", "us-central1")
    assert {call[0] for call in reader.calls} == {"regions.get", "machineTypes.list", "acceleratorTypes.list"}


@pytest.mark.parametrize("machines, accelerators, expected", [
    ({}, L4_EVERY_ZONE, [FAIL, OK]),
    (EVERY_ZONE, {}, [OK, FAIL]),
    ({"us-central1-a": ("g2-standard-4",)}, {"us-central1-a": ("nvidia-l4",)}, [WARN, WARN]),
], ids=["machine type in no zone", "accelerator in no zone", "both missing from two zones of the region"])
def test_offered_in_the_region_zones(machines, accelerators, expected):
    _, findings, _ = _run(_plan(g2()), {"NVIDIA_L4_GPUS": (8, 0)}, machines, accelerators)
    assert [f.status for f in findings[:2]] == expected, findings
    if WARN in expected:
        assert "not in us-central1-b, us-central1-c (of the region's zones)" in findings[0].detail
        assert "set node_pools[].zones to us-central1-a" in findings[0].detail
    if FAIL in expected:
        failed = findings[expected.index(FAIL)]
        assert "offered in none of the zones used" in failed.detail
        assert "aiscale catalog --cloud gcp --accelerator nvidia-l4" in failed.detail


def test_a_pool_pinned_to_a_zone_without_the_type_fails_even_if_others_have_it():
    machines = {"us-central1-a": ("g2-standard-4",), "us-central1-b": ()}
    _, findings, reader = _run(_plan(g2(zones=("us-central1-b",))), {"NVIDIA_L4_GPUS": (8, 0)}, machines,
                               {"us-central1-b": ("nvidia-l4",)})
    assert findings[0].status == FAIL and "(node_pools[].zones): us-central1-b" in findings[0].detail
    assert findings[1].status == OK
    assert {call[2] for call in reader.calls if call[0] != "regions.get"} == {"us-central1-b"}


@pytest.mark.parametrize("pools, quotas, expected", [
    ([g2(max_nodes=4), g2("batch", max_nodes=4)], {"NVIDIA_L4_GPUS": (8, 1)}, [("NVIDIA_L4_GPUS", FAIL)]),
    ([g2(max_nodes=4)], {"NVIDIA_L4_GPUS": (8, 4)}, [("NVIDIA_L4_GPUS", OK)]),
    ([g2(max_nodes=4, capacity="spot")], {"NVIDIA_L4_GPUS": (8, 0), "PREEMPTIBLE_NVIDIA_L4_GPUS": (2, 0)},
     [("PREEMPTIBLE_NVIDIA_L4_GPUS", FAIL)]),
    ([g2(max_nodes=4, capacity="spot")], {"PREEMPTIBLE_NVIDIA_L4_GPUS": (16, 0)},
     [("PREEMPTIBLE_NVIDIA_L4_GPUS", OK)]),
    ([g2(max_nodes=2, capacity="spot-with-fallback")],
     {"NVIDIA_L4_GPUS": (1, 0), "PREEMPTIBLE_NVIDIA_L4_GPUS": (16, 0)},
     [("NVIDIA_L4_GPUS", FAIL), ("PREEMPTIBLE_NVIDIA_L4_GPUS", OK)]),
    ([g2()], {}, [("NVIDIA_L4_GPUS", FAIL)]),
    ([replace(g2(), accelerator_type="acme-x1")], {}, [("node pool serve (g2-standard-4, on-demand)", WARN)]),
], ids=["on-demand short for two pools sharing the metric", "on-demand exactly enough", "spot short",
        "spot enough", "spot-with-fallback draws on both", "no such quota in the region: fail",
        "unknown accelerator type: warn"])
def test_gpu_quotas(pools, quotas, expected):
    facts = {m: gcp.GpuQuota(m, limit, usage) for m, (limit, usage) in quotas.items()}
    findings = gcp.check_gpu_quotas(pools, facts)
    assert [(f.resource, f.status) for f in findings] == expected, findings


def test_every_gcp_accelerator_type_of_the_catalog_has_a_quota_metric():
    from aiscale import catalog

    types = {o.accelerator_type for o in catalog.offerings("gcp") if o.accelerator_type}
    assert types - set(gcp.GPU_QUOTA_METRICS) == set(), "add their quota metrics to GPU_QUOTA_METRICS"


def test_managed_endpoints_are_reported_as_not_checked():
    rows, _, _ = _run(_plan(g2(), endpoints=(endpoint(),)), {"NVIDIA_L4_GPUS": (8, 0)})
    assert ("Cloud Run GPU quota", "endpoint chat", WARN) in rows


def test_rejected_credentials_and_missing_permissions_raise_the_preflight_errors():
    the_plan = _plan(g2())
    denied = gcp_reader(gcp_region(), {}, {}, error=api_exceptions.Forbidden("Required 'compute.regions.get'"))
    with pytest.raises(PreflightCloudError, match="the caller needs compute.regions.get"):
        gcp.gather_facts(the_plan, denied)
    rejected = gcp_reader(gcp_region(), {}, {}, error=auth_exceptions.RefreshError("invalid_grant"))
    with pytest.raises(PreflightCredentialsError, match="GCP rejected the credentials"):
        gcp.gather_facts(the_plan, rejected)


def test_no_application_default_credentials_is_a_credentials_error(monkeypatch):
    import google.auth

    def no_adc(scopes=None, **_):
        raise auth_exceptions.DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(google.auth, "default", no_adc)
    with pytest.raises(PreflightCredentialsError) as caught:
        gcp.default_reader("acme-ml-dev")
    assert "no GCP Application Default Credentials found" in str(caught.value)
    assert "gcloud auth application-default login" in str(caught.value)


# --- `aiscale preflight --cloud gcp` end to end -------------------------------------------------


def _gcp_factory(spot_quota: float, calls: list):
    def factory(project: str):
        calls.append(project)
        zones = {f"us-central1-{z}": ("g2-standard-4",) for z in "abc"}
        return gcp_reader(gcp_region(quotas={"PREEMPTIBLE_NVIDIA_L4_GPUS": (spot_quota, 0)}), zones,
                          {z: ("nvidia-l4",) for z in zones}, project=project)
    return factory


@pytest.mark.parametrize("quota, code, words", [
    (16, 0, ["machine type g2-standard-4 is offered", "PREEMPTIBLE_NVIDIA_L4_GPUS", "3 ok"]),
    (2, 1, ["needs 3 GPUs at max size", "the quota is 2", "2 ok, 1 fail"]),
], ids=["quota covers the pool: exit 0", "spot GPU quota too small: exit 1"])
def test_gcp_end_to_end_with_an_injected_reader(tmp_path, monkeypatch, quota, code, words):
    project = write_project(tmp_path / "p", _model(clouds=GCP, node_pools=[GCP_POOL]))
    calls: list = []
    monkeypatch.setattr(gcp, "default_reader", _gcp_factory(quota, calls))
    result = _invoke("--cloud", "gcp", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == code, result.output
    assert "Pre-flight: preflight-test/dev on GCP us-central1" in result.output
    assert all(word in result.output for word in words), result.output
    assert calls == ["acme-ml-dev"]  # the project is the model's clouds.gcp.project


def test_without_cloud_every_cloud_of_the_stack_is_checked(tmp_path, monkeypatch):
    project = write_project(tmp_path / "p", _model(clouds={**GCP, **AZURE},
                                                        node_pools=[{**GCP_POOL, "clouds": ["gcp"]}]))
    monkeypatch.setattr(gcp, "default_reader", _gcp_factory(16, []))
    monkeypatch.setattr(azure, "default_reader", lambda: pytest.fail("azure has no GPU demand here"))
    result = _invoke("--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 0, result.output
    assert "does not use AWS: nothing to check" in result.output
    assert "has no GPU fleet or managed endpoint on Azure" in result.output
    assert "on GCP us-central1" in result.output


def test_gcp_without_application_default_credentials_exits_2(tmp_path, monkeypatch):
    import google.auth
    from google.auth import exceptions as auth_exceptions

    def no_adc(scopes=None, **_):
        raise auth_exceptions.DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(google.auth, "default", no_adc)
    project = write_project(tmp_path / "p", _model(clouds=GCP, node_pools=[GCP_POOL]))
    result = _invoke("--cloud", "gcp", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 2, result.output
    assert "no GCP Application Default Credentials found" in result.output
    assert "gcloud auth application-default login" in result.output and "Traceback" not in result.output
