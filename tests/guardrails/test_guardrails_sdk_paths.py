"""Every input path the rules read exists in the installed provider SDKs (pulumi-aws 7,
azure-native 3, gcp 10): a renamed or flattened input fails here, not silently in a policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.guardrails.sdk_paths import ArgsResolver

LINES = [line.split() for line in (Path(__file__).parent / "sdk_paths.txt").read_text().splitlines()
         if line.strip() and not line.startswith("#")]
RESOLVER = ArgsResolver()


@pytest.mark.parametrize("class_path,path", LINES, ids=[f"{c.rsplit('.', 1)[-1]}.{p}" for c, p in LINES])
def test_path_exists_in_the_sdk(class_path, path):
    assert RESOLVER.missing(class_path, path) is None


@pytest.mark.parametrize("class_path,path,reason", [
    ("pulumi_azure_native.machinelearningservices.OnlineEndpointArgs", "onlineEndpointProperties.authMode",
     "azure-native 3 sends the endpoint's properties under 'properties'"),
    ("pulumi_aws.eks.ClusterArgs", "vpcConfig.publicCidrs", "a misspelt nested input"),
])
def test_wrong_paths_are_reported(class_path, path, reason):
    assert RESOLVER.missing(class_path, path), reason
