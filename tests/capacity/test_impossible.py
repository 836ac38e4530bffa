"""Impossible capacity combinations: exit 2 from the CLI naming the field, nothing registered."""

from __future__ import annotations

import copy

import pytest
from typer.testing import CliRunner

from aiscale.cli import app
from aiscale.model import PlatformValidationError, load_platform

BASE = {
    "name": "acme-cap", "environment": "dev",
    "clouds": {"aws": {"region": "us-west-2", "zones": ["us-west-2a", "us-west-2b"]}, "gcp": {"project": "acme-cap-dev", "region": "us-central1"}},
    "node_pools": [{"name": "gpu", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 2}],
}


def pool(**fields):
    def mutate(model):
        model["node_pools"][0].update(fields)
    return mutate


CASES = [
    (pool(capacity="spot", reservation={"aws": {"capacity_reservation_id": "cr-0123456789abcdef0"}}),
     "node_pools[0].reservation", "reserved capacity is on-demand capacity", "spot + reservation"),
    (pool(capacity="spot-with-fallback", reservation={"gcp": {"flex_start": True}}),
     "node_pools[0].reservation", "capacity spot-with-fallback", "fallback + flex-start"),
    (pool(clouds=["aws"], reservation={"aws": {"capacity_block": True,
                                               "capacity_reservation_id": "cr-0123456789abcdef0"}}),
     "node_pools[0].reservation.aws.capacity_block", "g6.xlarge is not sold as a Capacity Block",
     "a capacity block on a type that has none"),
    (pool(reservation={"aws": {"capacity_block": True}}),
     "node_pools[0].reservation.aws.capacity_block", "capacity_reservation_id", "a block without its id"),
    (pool(reservation={"aws": {"capacity_reservation_id": "r-1"}}),
     "node_pools[0].reservation.aws.capacity_reservation_id", "cr-0123456789abcdef0", "a malformed id"),
    (pool(clouds=["aws"], reservation={"gcp": {"reservation": "mine"}}),
     "node_pools[0].reservation.gcp", "the pool does not run on gcp", "a reservation where the pool is not"),
    (pool(reservation={"gcp": {"reservation": "mine", "flex_start": True}}),
     "node_pools[0].reservation.gcp.flex_start", "not both", "flex-start consumes no reservation"),
    (pool(machine_types={"aws": ["g5.xlarge"]}),
     "node_pools[0].machine_types.aws[0]", "valid: g6.2xlarge, g6.4xlarge, g6.8xlarge, g6.xlarge", "a type without the accelerator"),
    (pool(machine_types={"gcp": ["g2-standard-8", "g2-standard-4"]}),
     "node_pools[0].machine_types.gcp", "a GKE node pool takes exactly one machine type", "two types on GKE"),
    (pool(machine_types={"azure": ["Standard_NC4as_T4_v3"]}),
     "node_pools[0].machine_types.azure", "the pool does not run on azure", "types for a cloud not used"),
    (pool(machine_types={"oci": ["x"]}), "node_pools[0].machine_types.oci", "unknown field", "unknown cloud"),
    (pool(sharing={"mode": "mig", "profile": "1g.10gb"}),
     "node_pools[0].sharing.profile", "nvidia-l4 has no Multi-Instance GPU", "MIG on an L4"),
    (pool(accelerator="nvidia-a100-80gb", gpus_per_node=8, clouds=["gcp"],
          sharing={"mode": "mig", "profile": "1g.5gb"}),
     "node_pools[0].sharing.profile", "valid: 1g.10gb, 2g.20gb", "a profile of another accelerator"),
    (pool(accelerator="nvidia-a100-80gb", gpus_per_node=8, clouds=["aws"],
          sharing={"mode": "mig", "profile": "1g.10gb"}),
     "node_pools[0].sharing.mode", "not on aws", "MIG on EKS"),
    (pool(sharing={"mode": "time-slicing"}), "node_pools[0].sharing.replicas", "required for time-slicing",
     "time-slicing without replicas"),
    (pool(sharing={"mode": "time-slicing", "replicas": 100}), "node_pools[0].sharing.replicas", "48",
     "too many time slices"),
    (pool(capacity="cheap"), "node_pools[0].capacity", "spot-with-fallback", "an unknown capacity"),
    (pool(zones=["us-west-2a", "us-east-1a"]), "node_pools[0].zones[1]", "valid: us-west-2a",
     "a zone of another region"),
    (pool(zones=["us-west-2a"]), "node_pools[0].zones", "names no zone of gcp region us-central1",
     "a cloud of the pool left without a zone"),
    (pool(clouds=["aws"], zones=["us-west-2d"]), "node_pools[0].zones[0]",
     "the aws network uses only clouds.aws.zones", "a zone the network does not use"),
]


@pytest.mark.parametrize("mutate, path, words, reason", CASES, ids=[case[3] for case in CASES])
def test_impossible_combination_exits_2_naming_the_field(project_with, mutate, path, words, reason):
    model = copy.deepcopy(BASE)
    mutate(model)
    result = CliRunner().invoke(app, ["preview", "--cwd", str(project_with(model)), "--stack", "test"],
                                catch_exceptions=False)
    assert result.exit_code == 2, f"{reason}: {result.output}"
    line = next((l for l in result.stderr.splitlines() if l.strip().startswith(path + ":")), None)
    assert line is not None, f"{reason}: expected {path} in:\n{result.stderr}"
    assert words in line, f"{reason}: {line}"
    assert "Traceback" not in result.output


def test_the_base_is_valid():
    assert load_platform(copy.deepcopy(BASE)).node_pools[0].capacity == "on-demand"


@pytest.mark.parametrize("mutate, reason", [
    (pool(capacity="spot-with-fallback"), "fallback on both clouds"),
    (pool(clouds=["aws"], machine_types={"aws": ["g6.2xlarge", "g6.xlarge"]}), "two EKS types"),
    (pool(reservation={"aws": {"capacity_reservation_id": "cr-0123456789abcdef0"},
                       "gcp": {"reservation": "projects/shared/reservations/l4"}}), "a reservation per cloud"),
    (pool(sharing={"mode": "time-slicing", "replicas": 2}), "time-slicing anywhere"),
])
def test_possible_combinations_validate(mutate, reason):
    model = copy.deepcopy(BASE)
    mutate(model)
    try:
        load_platform(model)
    except PlatformValidationError as error:
        pytest.fail(f"{reason}: {error}")
