"""The pure pre-flight checks, over hand-built plans and facts (no AWS, no moto)."""

from __future__ import annotations

import pytest

from aiscale.preflight import checks
from aiscale.preflight.facts import InstanceFacts
from aiscale.preflight.findings import FAIL, OK, WARN, Finding, exit_code, summary
from tests.preflight.helpers import described, endpoint, facts, fleet, plan, quota

L4 = described("g6.xlarge", 4, "L4", 1)
ZONES = ("us-west-2a", "us-west-2b")


@pytest.mark.parametrize("region_types, status, words", [
    ({"g6.xlarge"}, OK, ["g6.xlarge is offered in us-west-2"]),
    (set(), FAIL, ["not offered in us-west-2", "aiscale catalog --cloud aws --accelerator nvidia-l4"]),
], ids=["offered", "not offered: names the catalog command to pick another"])
def test_region(region_types, status, words):
    finding = checks.check_region(fleet(), "us-west-2", frozenset(region_types))
    assert finding.status == status
    assert all(word in finding.detail for word in words), finding.detail


@pytest.mark.parametrize("zone_types, status, words", [
    ({"us-west-2a": {"g6.xlarge"}, "us-west-2b": {"g6.xlarge"}}, OK,
     ["offered in us-west-2a, us-west-2b"]),
    ({"us-west-2b": {"g6.xlarge"}, "us-west-2c": {"g6.xlarge"}}, WARN,
     ["offered in us-west-2b but not in us-west-2a", "clouds.aws.zones"]),
    ({"us-west-2c": {"g6.xlarge"}, "us-west-2d": {"g6.xlarge"}, "us-west-2a": {"g5.xlarge"}}, FAIL,
     ["none of", "us-west-2a, us-west-2b", "zones that offer it: us-west-2c, us-west-2d"]),
], ids=["in every zone used", "missing from one zone: both named",
        "in no zone used: the zones that have it are named"])
def test_zones(zone_types, status, words):
    zone_types = {zone: frozenset(types) for zone, types in zone_types.items()}
    finding = checks.check_zones(fleet(), ZONES, "clouds.aws.zones", zone_types)
    assert finding.status == status
    assert all(word in finding.detail for word in words), finding.detail


@pytest.mark.parametrize("item, facts_, status, words", [
    (fleet(), L4, OK, ["1 x NVIDIA L4"]),
    (fleet(), described("g6.xlarge", 4, "L4", 4), FAIL, ["EC2 reports 4 x NVIDIA L4", "1 x nvidia-l4"]),
    (fleet(), described("g6.xlarge", 4, "A10G", 1), FAIL, ["1 x NVIDIA A10G", "(NVIDIA L4)"]),
    (fleet(), described("g6.xlarge", 4, "L4", 1, manufacturer="AMD"), FAIL, ["AMD L4"]),
    (fleet(), None, WARN, ["did not describe g6.xlarge", "not verified"]),
    (fleet(accelerator="acme-x1"), described("g6.xlarge", 4, "X1", 1), WARN, ["no EC2 GPU name"]),
    (fleet(), InstanceFacts("g6.xlarge", 4, ()), FAIL, ["EC2 reports no GPU"]),
    (endpoint(), described("g5.xlarge", 4, "A10G", 1), OK, ["1 x NVIDIA A10G"]),
    (endpoint(gpus=4), described("g5.xlarge", 4, "A10G", 1), FAIL, ["the catalog says 4 x nvidia-a10g"]),
], ids=["match", "count differs", "kind differs", "manufacturer differs", "type not described",
        "no EC2 name known for the accelerator: count only", "no GPU at all",
        "endpoint hardware matches", "endpoint count differs"])
def test_gpu(item, facts_, status, words):
    finding = checks.check_gpu(item, facts_)
    assert finding.status == status
    assert all(word in finding.detail for word in words), finding.detail


def test_on_demand_quota_must_cover_the_sum_of_pools_sharing_it():
    pools = [fleet("serve", max_nodes=3), fleet("batch", "g6.2xlarge", vcpus=8, max_nodes=2,
                                                   kind="autoscaling group")]
    described_ = {"g6.xlarge": L4, "g6.2xlarge": described("g6.2xlarge", 8, "L4", 1)}
    enough = checks.check_vcpu_quotas(pools, described_, {"L-DB2E81BA": quota("L-DB2E81BA", 28)})
    short = checks.check_vcpu_quotas(pools, described_, {"L-DB2E81BA": quota("L-DB2E81BA", 27)})
    assert [f.status for f in enough] == [OK], enough
    assert [f.status for f in short] == [FAIL], short
    assert "needs 28 vCPUs" in short[0].detail and "the quota is 27" in short[0].detail
    assert "node pool serve: 3 x g6.xlarge (4 vCPUs)" in short[0].detail
    assert "autoscaling group batch: 2 x g6.2xlarge (8 vCPUs)" in short[0].detail
    assert short[0].resource == "Running On-Demand G and VT instances (L-DB2E81BA)"


@pytest.mark.parametrize("pools, quotas, expected", [
    ([fleet(capacity="spot", max_nodes=4)], {"L-3819A6DF": quota("L-3819A6DF", 8)},
     [("All G and VT Spot Instance Requests (L-3819A6DF)", FAIL)]),
    ([fleet(capacity="spot", max_nodes=2), fleet("od", max_nodes=2)],
     {"L-3819A6DF": quota("L-3819A6DF", 8), "L-DB2E81BA": quota("L-DB2E81BA", 8)},
     [("All G and VT Spot Instance Requests (L-3819A6DF)", OK),
      ("Running On-Demand G and VT instances (L-DB2E81BA)", OK)]),
    ([fleet("train", "p4d.24xlarge", accelerator="nvidia-a100-40gb", gpus=8, vcpus=96,
            max_nodes=2, capacity="spot")],
     {"L-7212CCBC": quota("L-7212CCBC", 96)}, [("All P Spot Instance Requests (L-7212CCBC)", FAIL)]),
    ([fleet("train", "p5.48xlarge", accelerator="nvidia-h100-80gb", gpus=8, vcpus=192, max_nodes=1)],
     {"L-417A185B": quota("L-417A185B", 192)}, [("Running On-Demand P instances (L-417A185B)", OK)]),
    ([fleet()], {"L-DB2E81BA": quota("L-DB2E81BA", None, error="AccessDeniedException: no")},
     [("Running On-Demand G and VT instances (L-DB2E81BA)", WARN)]),
    ([fleet()], {}, [("Running On-Demand G and VT instances (L-DB2E81BA)", WARN)]),
    ([fleet("inf", "inf2.xlarge", accelerator="aws-inferentia2")], {},
     [("node pool inf (inf2.xlarge, on-demand)", WARN)]),
], ids=["spot quota short", "spot and on-demand are separate quotas", "P spot quota short",
        "P on-demand quota exactly enough", "unreadable quota warns", "quota missing from facts warns",
        "family outside G and P warns"])
def test_vcpu_quota_table(pools, quotas, expected):
    findings = checks.check_vcpu_quotas(pools, {}, quotas)
    assert [(f.resource, f.status) for f in findings] == expected, findings


def test_ec2_vcpus_win_over_the_catalog():
    pool = fleet(vcpus=4, max_nodes=2)
    findings = checks.check_vcpu_quotas([pool], {"g6.xlarge": described("g6.xlarge", 8, "L4", 1)},
                                        {"L-DB2E81BA": quota("L-DB2E81BA", 12)})
    assert findings[0].status == FAIL and "needs 16 vCPUs" in findings[0].detail


@pytest.mark.parametrize("endpoints, quotas, status, words", [
    ([endpoint(max_replicas=4), endpoint("embed", max_replicas=2)], {"ml.g5.xlarge": quota("L-1", 6)},
     OK, ["needs 6 instances", "endpoint chat: 4; endpoint embed: 2"]),
    ([endpoint(max_replicas=4), endpoint("embed", max_replicas=2)], {"ml.g5.xlarge": quota("L-1", 5)},
     FAIL, ["needs 6 instances", "the quota is 5", "Amazon SageMaker > ml.g5.xlarge for endpoint usage"]),
    ([endpoint()], {}, FAIL, ["no quota named 'ml.g5.xlarge for endpoint usage'", "not offered"]),
    ([endpoint()], {"ml.g5.xlarge": quota("", None, error="AccessDeniedException: x")}, WARN,
     ["could not be read", "AccessDeniedException"]),
], ids=["quota covers the endpoints sharing the type", "quota too small", "no such quota in region",
        "unreadable"])
def test_sagemaker_quota(endpoints, quotas, status, words):
    (finding,) = checks.check_sagemaker_quotas(endpoints, quotas)
    assert finding.resource == "ml.g5.xlarge for endpoint usage"
    assert finding.status == status
    assert all(word in finding.detail for word in words), finding.detail


def test_run_checks_order_and_skips_zone_and_gpu_checks_for_a_type_missing_from_the_region():
    the_plan = plan(fleet(), fleet("old", "p3.2xlarge", accelerator="nvidia-v100", vcpus=8),
                    endpoints=(endpoint(),))
    the_facts = facts(region_types={"g6.xlarge", "g5.xlarge"},
                      zone_types={"us-west-2a": {"g6.xlarge"}, "us-west-2b": {"g6.xlarge"}},
                      instance_facts={"g6.xlarge": L4, "g5.xlarge": described("g5.xlarge", 4, "A10G", 1)},
                      ec2_quotas={"L-DB2E81BA": quota("L-DB2E81BA", 64), "L-417A185B": quota("L-417A185B", 0)},
                      sagemaker_quotas={"ml.g5.xlarge": quota("L-1", 4)})
    findings = checks.run_checks(the_plan, the_facts)
    assert [(f.check, f.resource, f.status) for f in findings] == [
        ("offered in region", "node pool serve (g6.xlarge, on-demand)", OK),
        ("offered in zones", "node pool serve (g6.xlarge, on-demand)", OK),
        ("GPU kind and count", "node pool serve (g6.xlarge, on-demand)", OK),
        ("offered in region", "node pool old (p3.2xlarge, on-demand)", FAIL),
        ("GPU kind and count", "endpoint chat (ml.g5.xlarge)", OK),
        ("vCPU quota", "Running On-Demand P instances (L-417A185B)", FAIL),
        ("vCPU quota", "Running On-Demand G and VT instances (L-DB2E81BA)", OK),
        ("SageMaker quota", "ml.g5.xlarge for endpoint usage", OK),
    ]
    assert exit_code(findings) == 1
    assert summary(findings) == "6 ok, 2 fail"


@pytest.mark.parametrize("statuses, code", [
    ([], 0), ([OK, WARN], 0), ([OK, FAIL, WARN], 1),
], ids=["nothing checked", "warnings do not fail", "one failure fails"])
def test_exit_code(statuses, code):
    assert exit_code([Finding("c", "r", s, "d") for s in statuses]) == code


def test_a_finding_rejects_an_unknown_status():
    with pytest.raises(ValueError, match="status: got 'bad'; valid: ok, warn, fail"):
        Finding("c", "r", "bad", "d")
