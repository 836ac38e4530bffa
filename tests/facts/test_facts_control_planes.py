"""The facts reader on managed Kubernetes control planes, per cloud, each case with a reason."""

from __future__ import annotations

import pytest

from aiscale.facts import reader, tokens
from aiscale.facts.model import ANY_ADDRESS
from aiscale.facts.values import UnknownValue
from aiscale.preview.records import UNKNOWN

# (token, inputs, public, cidrs, version path, reason)
CASES = [
    (tokens.AWS_EKS_CLUSTER, {"version": "1.31"}, True, (ANY_ADDRESS,), "version",
     "EKS: public by default and open to any address without publicAccessCidrs"),
    (tokens.AWS_EKS_CLUSTER, {"vpcConfig": {"endpointPublicAccess": "false", "publicAccessCidrs": ["10.0.0.0/8"]}},
     False, ("10.0.0.0/8",), "version", "a string false makes the endpoint private"),
    (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER,
     {"apiServerAccessProfile": {"enablePrivateCluster": True}}, False, (ANY_ADDRESS,), "kubernetesVersion",
     "AKS: a private cluster has no public endpoint"),
    (tokens.GCP_CONTAINER_CLUSTER, {}, True, (ANY_ADDRESS,), "minMasterVersion",
     "GKE: without authorized networks any address may connect"),
    (tokens.GCP_CONTAINER_CLUSTER,
     {"masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "203.0.113.0/24"}],
                                         "gcpPublicCidrsAccessEnabled": True}},
     True, ("203.0.113.0/24", ANY_ADDRESS), "minMasterVersion",
     "Google Cloud public addresses count as any address"),
]


@pytest.mark.parametrize("token, inputs, public, cidrs, version, reason", CASES,
                         ids=[case[-1] for case in CASES])
def test_control_plane_facts(token, inputs, public, cidrs, version, reason):
    plane = reader.control_plane(token, inputs)
    assert plane.api_access.get() == (public, cidrs), reason
    assert plane.version.where == version, reason


def test_an_unknown_access_list_is_reported_and_other_kinds_have_no_control_plane():
    plane = reader.control_plane(tokens.AWS_EKS_CLUSTER, {"vpcConfig": {"publicAccessCidrs": UNKNOWN}})
    with pytest.raises(UnknownValue):
        plane.api_access.get()
    assert reader.control_plane(tokens.GCP_CONTAINER_NODE_POOL, {}) is None
