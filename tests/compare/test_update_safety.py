"""No silent data loss on real previews: renaming or reordering pools and endpoints changes no
bucket or key, prod buckets and keys are protected, and a renamed bucket fails in prod."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from aiscale import AiPlatform, load_platform
from aiscale.preview.compare import STATEFUL_TYPES, canonical_type, compare_reports
from aiscale.preview.engine import run_inline
from aiscale.preview.report import build_report

PROD: dict[str, Any] = {
    "name": "acme-ml",
    "environment": "prod",
    "tags": {"team": "ml"},
    "clouds": {"aws": {"region": "us-east-1"}, "azure": {"location": "eastus"},
               "gcp": {"project": "acme-ml-prod", "region": "us-central1"}},
    "node_pools": [
        {"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 2, "clouds": ["aws", "gcp"]},
        {"name": "batch", "accelerator": "nvidia-t4", "gpus_per_node": 1, "max_nodes": 2, "clouds": ["azure"]},
    ],
    "buckets": [{"name": "models"}, {"name": "checkpoints"}],
    "endpoints": [
        {"name": "chat", "image": "vllm/vllm-openai:v0.6.3", "model": {"bucket": "models", "path": "llama/"},
         "accelerator": "nvidia-l4", "max_replicas": 2, "clouds": ["aws", "gcp"]},
        {"name": "embed", "image": "vllm/vllm-openai:v0.6.3", "accelerator": "nvidia-t4", "max_replicas": 2,
         "clouds": ["azure"]},
    ],
}

BUCKET_AND_KEY_TYPES = {"aws:s3/bucket:Bucket", "aws:kms/key:Key", "gcp:storage/bucket:Bucket",
                        "gcp:kms/cryptoKey:CryptoKey", "gcp:kms/keyRing:KeyRing",
                        "azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer",
                        "azure-native:keyvault:Vault", "azure-native:keyvault:Key"}


def preview_report(model: dict[str, Any]) -> dict[str, Any]:
    """The JSON report of previewing `model` with the program's own two lines."""

    def program() -> None:
        platform = load_platform(model)
        AiPlatform(platform.name, {"platform": platform})

    result = run_inline(program, project="aiscale", stack="prod", config={"aiscale:platform": model})
    return build_report(result)


def variant(change: Callable[[dict], None]) -> dict[str, Any]:
    model = copy.deepcopy(PROD)
    change(model)
    return model


def rename_pools_and_endpoints(model: dict) -> None:
    model["node_pools"][0]["name"] = "inference"
    model["node_pools"][1]["name"] = "t4pool"
    model["endpoints"][0]["name"] = "assistant"
    model["endpoints"][1]["name"] = "embedder"


def reorder_everything(model: dict) -> None:
    for section in ("node_pools", "endpoints", "buckets"):
        model[section].reverse()


def rename_checkpoints_bucket(model: dict) -> None:
    model["buckets"][1]["name"] = "ckpts"


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return preview_report(PROD)


def stateful(report: dict[str, Any]) -> dict[str, dict]:
    return {r["urn"]: r for r in report["resources"] if canonical_type(r["type"]) in STATEFUL_TYPES}


@pytest.mark.parametrize("change, why", [
    (rename_pools_and_endpoints, "pool and endpoint names are not part of any bucket or key name"),
    (reorder_everything, "logical names come from model names, never list positions"),
])
def test_renaming_or_reordering_pools_and_endpoints_touches_no_bucket_or_key(base, change, why):
    after = preview_report(variant(change))
    comparison = compare_reports(base, after)
    assert stateful(after) == stateful(base), why
    assert not [c for c in comparison.changes if c.stateful], why
    assert comparison.exit_code == 0, why
    if change is rename_pools_and_endpoints:  # the renames themselves are visible
        assert any(c.action == "create" and "inference" in c.name for c in comparison.changes)
    else:
        assert comparison.changes == (), "a reordered model is the same platform"


def test_prod_buckets_and_keys_are_protected_and_retained(base):
    guarded = [r for r in base["resources"] if canonical_type(r["type"]) in BUCKET_AND_KEY_TYPES]
    assert {canonical_type(r["type"]) for r in guarded} == BUCKET_AND_KEY_TYPES, "every kind is present"
    unguarded = [r["name"] for r in guarded if not (r["protect"] and r["retain_on_delete"])]
    assert unguarded == []


def test_a_renamed_bucket_is_a_stateful_delete_and_create_and_fails_in_prod(base):
    comparison = compare_reports(base, preview_report(variant(rename_checkpoints_bucket)))
    deleted = {canonical_type(c.type) for c in comparison.of("delete") if c.stateful and "checkpoints" in c.name}
    created = {canonical_type(c.type) for c in comparison.of("create") if c.stateful and "ckpts" in c.name}
    expected = {"aws:s3/bucket:Bucket", "gcp:storage/bucket:Bucket", "azure-native:storage:StorageAccount"}
    assert expected <= deleted and expected <= created, "the bucket on each cloud"
    assert {"aws:kms/key:Key", "gcp:kms/cryptoKey:CryptoKey", "azure-native:keyvault:Key"} <= deleted, "its keys"
    assert all(c.protected for c in comparison.data_loss), "pulumi up would refuse, but the preview says why"
    assert comparison.environment == "prod" and comparison.exit_code == 1
    assert not [c for c in comparison.data_loss if "models" in c.name], "the other bucket is untouched"
