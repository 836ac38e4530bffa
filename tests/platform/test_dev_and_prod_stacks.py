"""The dev and prod stacks preview offline with secure storage on every cloud they name."""

from __future__ import annotations

import json


from tests.conftest import run_cli


def test_dev_report_has_secure_storage_on_every_cloud(tmp_path):
    report_file = tmp_path / "dev.json"
    done = run_cli("preview", "--stack", "dev", "--json", str(report_file))
    assert done.returncode == 0, done.stderr
    report = json.loads(report_file.read_text())
    by_type: dict[str, list[dict]] = {}
    for resource in report["resources"]:
        by_type.setdefault(resource["type"], []).append(resource)

    blocks = by_type["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]
    assert len(blocks) == 3 and all(  # models, scratch and the access-log bucket
        all(block["inputs"][flag] is True for flag in
            ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        for block in blocks)
    (account,) = by_type["azure-native:storage:StorageAccount"]
    assert account["inputs"]["allowBlobPublicAccess"] is False
    assert account["inputs"]["allowSharedKeyAccess"] is False
    assert account["inputs"]["minimumTlsVersion"] == "TLS1_2"
    assert account["inputs"]["encryption"]["keySource"] == "Microsoft.Keyvault"
    (bucket,) = [b for b in by_type["gcp:storage/bucket:Bucket"] if "gcp-models" in b["name"]]
    assert bucket["inputs"]["publicAccessPrevention"] == "enforced"
    assert bucket["inputs"]["uniformBucketLevelAccess"] is True
    assert bucket["inputs"]["encryption"]["defaultKmsKeyName"]
    assert report["outputs"]["bucket_urls"]["aws"]["models"].startswith("s3://acme-ml-dev-models-")
    assert report["outputs"]["bucket_urls"]["gcp"]["models"].startswith("gs://")
    assert report["outputs"]["bucket_urls"]["azure"]["models"].startswith("https://")


def test_two_previews_write_identical_json(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run_cli("preview", "--stack", "dev", "--json", str(first)).returncode == 0
    assert run_cli("preview", "--stack", "dev", "--json", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_resources_sit_under_their_cloud_and_component(dev):
    platform = dev.one("aiscale:index:AiPlatform")
    clouds = {r.name: r for r in dev.by_type("aiscale:index:CloudDeployment")}
    assert set(clouds) == {"acme-ml-aws", "acme-ml-azure", "acme-ml-gcp"}
    assert all(cloud.parent == platform.urn for cloud in clouds.values())
    store = dev.one("aiscale:index:ObjectStore", "gcp-models")
    assert store.parent == clouds["acme-ml-gcp"].urn
    assert dev.one("gcp:storage/bucket:Bucket", "gcp-models").parent == store.urn


def test_explicit_providers_carry_the_model_regions(dev):
    providers = {r.type: r.inputs for r in dev.resources if r.type.startswith("pulumi:providers:")}
    assert providers["pulumi:providers:aws"]["region"] == "us-west-2"
    assert providers["pulumi:providers:azure-native"]["location"] == "eastus"
    assert providers["pulumi:providers:gcp"]["project"] == "acme-ml-dev"


def test_every_taggable_resource_carries_the_cost_tags(dev):
    # A GCP notification channel's `labels` are its settings (the e-mail address), not tags.
    tagged = [r for r in dev.resources if r.custom and ("tags" in r.inputs or "labels" in r.inputs)
              and r.type != "gcp:monitoring/notificationChannel:NotificationChannel"]
    assert len(tagged) >= 6
    for record in tagged:
        tags = record.inputs.get("tags") or record.inputs.get("labels")
        assert tags.get("team") == "ml-platform", record.urn
        assert tags.get("cost-center", tags.get("cost_center")) == "cc-1234", record.urn


def test_prod_protects_and_retains_buckets_and_keys_dev_does_not(dev, prod):
    stateful = ("aws:s3/bucket:Bucket", "aws:kms/key:Key", "gcp:storage/bucket:Bucket",
                "gcp:kms/cryptoKey:CryptoKey", "gcp:kms/keyRing:KeyRing")
    prod_stateful = [r for r in prod.resources if r.type in stateful]
    in_stores = [r for r in prod_stateful if "ObjectStore" in r.urn]
    assert len(in_stores) == 2 * (2 + 3), "two buckets: bucket + key on AWS, bucket + key + ring on GCP"
    assert len(prod_stateful) > len(in_stores), "cluster secrets keys are stateful too"
    assert all(r.protect and r.retain_on_delete for r in prod_stateful)
    assert not any(r.protect for r in dev.resources)
    cloud_providers = {r.type for r in prod.resources if r.type.startswith("pulumi:providers:")}
    assert cloud_providers - {"pulumi:providers:kubernetes"} == \
        {"pulumi:providers:aws", "pulumi:providers:gcp"}, "prod targets two clouds"
