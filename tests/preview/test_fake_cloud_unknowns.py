"""Preview semantics for outputs (issue 18): an output the fake cloud does not set is unknown, as
in a real ``pulumi preview``, never a known ``None`` that the program then crashes on."""

from __future__ import annotations

import pulumi

from aiscale.preview.engine import run_inline
from aiscale.preview.records import UNKNOWN
from aiscale.preview.report import UNKNOWN_IN_REPORT, build_report


def _helm_program() -> None:
    import pulumi_kubernetes as k8s

    release = k8s.helm.v3.Release("ingress", chart="ingress-nginx", version="4.11.3", namespace="edge",
                                  repository_opts={"repo": "https://kubernetes.github.io/ingress-nginx"})
    pulumi.export("namespace", release.status.namespace)
    pulumi.export("revision", release.status.revision)
    pulumi.export("app_version", release.status.app_version)
    pulumi.export("shouted", release.status.apply(lambda status: status.app_version.upper()))


def test_a_helm_release_status_field_the_fake_does_not_set_is_unknown_not_none():
    result = run_inline(_helm_program)
    assert result.outputs["namespace"] == "edge" and result.outputs["revision"] == 1
    assert result.outputs["app_version"] == UNKNOWN, "the chart's app version is not known offline"
    assert result.outputs["shouted"] == UNKNOWN, "an apply over an object with unknowns does not run"
    assert build_report(result)["outputs"]["app_version"] == UNKNOWN_IN_REPORT
    status = result.one("kubernetes:helm.sh/v3:Release").outputs["status"]
    assert status["chart"] == "ingress-nginx" and status["appVersion"] == UNKNOWN


def test_outside_preview_the_answer_is_left_as_the_fake_gave_it():
    def program() -> None:
        import pulumi_kubernetes as k8s

        release = k8s.helm.v3.Release("ingress", chart="ingress-nginx", namespace="edge")
        pulumi.export("app_version", release.status.apply(lambda status: status.app_version or "absent"))

    assert run_inline(program, dry_run=False).outputs["app_version"] == "absent"
    assert run_inline(program).outputs["app_version"] == UNKNOWN


def _storage_program(routing=None):
    def program() -> None:
        import pulumi_azure_native as azure

        account = azure.storage.StorageAccount(
            "site", account_name="acmesite", resource_group_name="rg", kind="StorageV2",
            sku={"name": "Standard_LRS"}, routing_preference=routing)
        pulumi.export("web", account.primary_endpoints.apply(lambda endpoints: endpoints.web.upper()))
        pulumi.export("internet_web", account.primary_endpoints.apply(
            lambda endpoints: endpoints.internet_endpoints.web if endpoints.internet_endpoints else "none"))
        pulumi.export("secondary", account.secondary_endpoints.apply(lambda endpoints: endpoints.web.upper()))

    return program


def test_storage_account_endpoints_are_answered_whole_and_unset_ones_stay_unknown():
    outputs = run_inline(_storage_program(), config={"azure-native:location": "westeurope"}).outputs
    assert outputs["web"] == "HTTPS://ACMESITE.Z13.WEB.CORE.WINDOWS.NET/"
    assert outputs["internet_web"] == "none", "Azure publishes internet endpoints only when asked"
    assert outputs["secondary"] == UNKNOWN, "an output the fake does not set at all is unknown"


def test_published_internet_endpoints_are_answered():
    outputs = run_inline(_storage_program({"publish_internet_endpoints": True})).outputs
    assert outputs["internet_web"] == "https://acmesite-internet.z13.web.core.windows.net/"


def test_an_input_object_the_program_declared_is_echoed_as_declared():
    def program() -> None:
        import pulumi_aws as aws

        bucket = aws.s3.BucketV2("data", bucket="data-bucket")
        config = aws.s3.BucketVersioningV2("data", bucket=bucket.id,
                                           versioning_configuration={"status": "Enabled"})
        pulumi.export("status", config.versioning_configuration.apply(lambda v: v.status))

    assert run_inline(program).outputs["status"] == "Enabled"


def test_a_gke_kubeconfig_built_from_the_whole_master_auth_is_known():
    def program() -> None:
        import pulumi_gcp as gcp

        cluster = gcp.container.Cluster("gke", location="us-central1", initial_node_count=1)
        pulumi.export("kubeconfig", pulumi.Output.all(cluster.name, cluster.endpoint, cluster.master_auth).apply(
            lambda info: f"server: https://{info[1]}\nca: {info[2]['cluster_ca_certificate']}\nname: {info[0]}"))

    kubeconfig = run_inline(program).outputs["kubeconfig"]
    assert kubeconfig.startswith("server: https://10.0.0.2\nca: LS0t"), kubeconfig
