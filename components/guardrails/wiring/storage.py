"""Will this volume bind? Persistent volume claims on EKS >= 1.30, which has no default
StorageClass and no EBS provisioner unless the stack adds them."""

from __future__ import annotations

from aiscale.facts import cluster_wiring, tokens
from aiscale.facts import aws as aws_facts
from aiscale.facts.values import UnknownValue

from .. import schema
from ..registry import Check, NotApplicable, Violation
from .graph import StackGraph

CLAIM_KINDS = (tokens.K8S_CORE_PERSISTENT_VOLUME_CLAIM, tokens.K8S_APPS_STATEFUL_SET, tokens.K8S_HELM_SH_RELEASE)
EBS_DRIVERS = ("aws-ebs-csi-driver",)
"""EKS add-on / Helm chart names of the EBS CSI driver."""


def _version_at_least(version, minimum: str) -> bool:
    have, want = cluster_wiring.version_tuple(version), cluster_wiring.version_tuple(minimum)
    return have is not None and want is not None and have >= want


def _driver(graph: StackGraph, cluster: str) -> tuple[bool, bool]:
    """(the EBS CSI driver runs on the cluster, its add-on creates a default StorageClass)."""
    for view in graph.of_type(tokens.AWS_EKS_ADDON):
        try:
            addon = cluster_wiring.addon(view.props)
        except UnknownValue:
            continue
        if addon.name in EBS_DRIVERS and graph.owner(view, "clusterName") == cluster:
            return True, addon.flag("defaultStorageClass", "enabled")
    releases = graph.on_cluster((tokens.K8S_HELM_SH_RELEASE,), cluster)
    return any(cluster_wiring.chart_name(r.props) in EBS_DRIVERS for r in releases), False


def _classes(graph: StackGraph, cluster: str) -> tuple[set[str], bool]:
    """(names of the StorageClasses declared on the cluster, one of them is the default)."""
    names, default = set(), False
    for view in graph.on_cluster((tokens.K8S_STORAGE_STORAGE_CLASS,), cluster):
        name, is_default, _ = cluster_wiring.storage_class(view.props)
        names.add(name)
        default = default or is_default
    return names, default


def unprovisioned_volumes(resources, ctx):
    """Volume claims (PVCs, StatefulSet claim templates, Helm values asking for storage) on an
    EKS cluster at or above min_version with no EBS CSI driver, or with no StorageClass to
    bind to (no default class for a claim that names none)."""
    minimum = str(ctx.config.get("min_version", "1.30"))
    graph = StackGraph(resources)
    eks = [urn for urn, (_, wiring) in graph.clusters.items()
           if wiring.cloud == aws_facts.CLOUD and _version_at_least(wiring.version, minimum)]
    found, checked = [], 0
    for cluster in eks:
        driver, addon_default = _driver(graph, cluster)
        names, default = _classes(graph, cluster)
        for view in graph.on_cluster(CLAIM_KINDS, cluster):
            try:
                claims = cluster_wiring.claim_classes(view.type, view.props)
            except UnknownValue:
                continue
            for where, wanted in claims:
                checked += 1
                if not driver:
                    problem = "no aws-ebs-csi-driver add-on provisions volumes"
                elif wanted is None and not (default or addon_default):
                    problem = "it names no StorageClass and the cluster has no default one"
                elif wanted is not None and wanted not in names and not (addon_default and wanted == "ebs-csi-default-sc"):
                    problem = f"StorageClass '{wanted}' is not declared"
                else:
                    continue
                found.append(Violation(view.urn, (
                    f"'{view.name}' asks for a persistent volume ({where}) on EKS cluster "
                    f"'{graph.clusters[cluster][0].name}' (>= {minimum}) but {problem}: the claim stays Pending")))
    return found if checked else NotApplicable(f"no volume claim on EKS >= {minimum}")


CHECKS = (
    Check("WIRE-STORAGE-001", "wiring", "Volume claims on EKS have a provisioner and a StorageClass",
          "On EKS 1.30 and later no StorageClass is the default and in-tree EBS provisioning is gone: "
          "a PersistentVolumeClaim, a StatefulSet claim template or Helm values that ask for storage "
          "(persistence, storageSpec, volumeClaimTemplate) need the aws-ebs-csi-driver add-on and a "
          "StorageClass (a default one when the claim names none).", "high",
          "mandatory",
          "Add the aws-ebs-csi-driver add-on (with its pod role) and an encrypted gp3 StorageClass "
          "annotated storageclass.kubernetes.io/is-default-class: \"true\".",
          unprovisioned_volumes, scope="stack",
          url="https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html",
          config_schema={"min_version": schema.string(
              "1.30", "The first EKS version without a default StorageClass.")}),
)
"""The storage checks of the wiring pack."""
