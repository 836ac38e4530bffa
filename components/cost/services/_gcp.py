"""GCP pricers for the services that are not machines: the GKE cluster fee, Cloud NAT, Cloud
KMS keys and Cloud Run services with a GPU (always on when ``minInstanceCount`` > 0).

Prices come from the catalog's service prices.
"""

from __future__ import annotations

from aiscale.facts import gcp, tokens
from aiscale.preview.records import ResourceRecord

from aiscale.catalog._services import service_price

from .. import _charges as charges
from .._egress import with_egress
from .._fleet import Quote
from .._graph import Graph
from .._values import Unpriced, get, is_unknown

MAX_NAT_VMS_BILLED = 32
"""Cloud NAT bills $0.0014/h per VM using the gateway up to 32 VMs, then a flat $0.044/h."""

CLOUD_RUN_GPU_SKUS = {"nvidia-l4": "gpu-nvidia-l4"}
"""Cloud Run ``nodeSelector.accelerator`` -> the service price's GPU name."""


def _region(record: ResourceRecord, graph: Graph, *keys: str) -> str:
    from .._gcp import gcp_region

    return gcp_region(record, graph, *keys)


def gke_cluster(record: ResourceRecord, graph: Graph) -> Quote:
    """GKE cluster management fee, $0.10/h per cluster. The free tier's monthly credit is per
    billing account, for one zonal or Autopilot cluster, so it is not subtracted; a zonal
    cluster's basis says it may apply."""
    location = get(record.inputs, "location")
    region = _region(record, graph, "location")
    found = charges.price("gcp", "gke", "cluster-management-fee", region)
    zonal = isinstance(location, str) and location.count("-") == 2
    note = (" (zonal: the billing account's free-tier credit may cover one such cluster; not "
            "subtracted)" if zonal else " (regional: the free-tier credit does not apply)")
    return charges.fixed("GKE cluster management fee", found, note=f" in {region}{note}")


GKE_DEFAULT_DISK = (100, "pd-balanced")
"""A GKE node's boot disk when ``nodeConfig`` sets no ``diskSizeGb`` / ``diskType``."""


def boot_disks(node_config: object, region: str, low: int, high: int) -> Quote:
    """The boot disks of `low`..`high` GKE nodes: ``nodeConfig.diskSizeGb`` GB (default 100) of
    ``diskType`` (default pd-balanced) each, at the disk type's GB-month price; a region or type
    without a price leaves the disks unpriced (said in the quote), not the nodes."""
    config = node_config if isinstance(node_config, dict) else {}
    size = config.get("diskSizeGb") or GKE_DEFAULT_DISK[0]
    kind = config.get("diskType") or GKE_DEFAULT_DISK[1]
    if is_unknown(size) or is_unknown(kind) or not isinstance(size, (int, float)):
        return Quote(0.0, 0.0, "", "nodeConfig disk size or type is unknown during preview")
    found = service_price("gcp", "persistent-disk", str(kind), region)
    if found is None:
        return Quote(0.0, 0.0, "", f"the catalog has no {kind} price for gcp {region} (boot disks)")
    count = str(low) if low == high else f"{low}-{high}"
    return Quote(low * size * found.price_usd, high * size * found.price_usd,
                 f"{count} x {size:g} GB {kind} boot disk at {charges.per(found)}")


def cloud_nat(record: ResourceRecord, graph: Graph) -> Quote:
    """Cloud NAT gateway: $0.0014/h per VM that uses it (0 VMs at the minimum) up to the flat
    $0.044/h over 32 VMs at the maximum, plus the GB it processes and the GB it sends to the
    internet (usage ``monthly_data_processed_gb``, ``monthly_outbound_internet_gb``)."""
    region = _region(record, graph, "region")
    per_vm = charges.price("gcp", "cloud-nat", "gateway-per-vm", region)
    cap = charges.price("gcp", "cloud-nat", "gateway-cap-over-32-vms", region)
    data = charges.price("gcp", "cloud-nat", "data-processed", region)
    basis = (f"Cloud NAT in {region}: {charges.per(per_vm)} per VM using it (none at the "
             f"minimum) up to {charges.per(cap)} over {MAX_NAT_VMS_BILLED} VMs x 730 h")
    quote = Quote(0.0, charges.monthly_of(cap), basis)
    return with_egress(charges.with_usage(quote, (charges.usage(record, graph, "monthly_data_processed_gb",
                                                                "data processed", data),)),
                       record, graph, "gcp", region)


def crypto_key(record: ResourceRecord, graph: Graph) -> Quote:
    """Cloud KMS key: its active key version per month (software or HSM), plus operations
    (usage ``monthly_requests``). Versions kept after rotations are each billed too; the
    estimate counts one."""
    level = get(record.inputs, "versionTemplate", "protectionLevel") or "SOFTWARE"
    sku = {"SOFTWARE": "software-key-version", "HSM": "hsm-symmetric-key-version"}.get(str(level))
    if sku is None:
        raise Unpriced(f"the catalog has no price for {level} key versions")
    found = charges.price("gcp", "cloud-kms", sku, "*")
    operations = charges.price("gcp", "cloud-kms", "operations", "*")
    return charges.with_usage(charges.fixed(f"{level.lower()} key version", found),
                              (charges.usage(record, graph, "monthly_requests", "operations", operations),))


def _number(value: object, what: str) -> float:
    text = str(value).strip()
    try:
        return float(text[:-2]) if text.endswith("Gi") else float(text)
    except ValueError:
        raise Unpriced(f"{what} is {value!r}, not a number") from None


def cloud_run_gpu(record: ResourceRecord, graph: Graph) -> Quote:
    """Cloud Run service with a GPU (instance-based billing): per instance, the GPU, its vCPUs
    and GiB per second; ``minInstanceCount`` instances all month at the minimum (always on),
    ``maxInstanceCount`` at the maximum."""
    region = _region(record, graph, "location")
    accelerator = get(record.inputs, "template", "nodeSelector", "accelerator")
    gpu_sku = CLOUD_RUN_GPU_SKUS.get(str(accelerator))
    if gpu_sku is None:
        raise Unpriced(f"the catalog has no Cloud Run price for GPU {accelerator!r}")
    redundancy = ("no-zonal-redundancy" if get(record.inputs, "template", "gpuZonalRedundancyDisabled")
                  else "zonal-redundancy")
    limits = get(record.inputs, "template", "containers", 0, "resources", "limits") or {}
    if is_unknown(limits):
        raise Unpriced("template.containers[0].resources.limits is unknown during preview")
    vcpus = _number(limits.get("cpu", 4), "limits.cpu")
    memory = _number(limits.get("memory", "16Gi"), "limits.memory")
    gpu = charges.price("gcp", "cloud-run", f"{gpu_sku}-{redundancy}", region)
    cpu = charges.price("gcp", "cloud-run", "cpu-instance-billing", region)
    ram = charges.price("gcp", "cloud-run", "memory-instance-billing", region)
    per_second = gpu.price_usd + vcpus * cpu.price_usd + memory * ram.price_usd
    low = get(record.inputs, "template", "scaling", "minInstanceCount") or 0
    high = get(record.inputs, "template", "scaling", "maxInstanceCount") or 100
    if not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        raise Unpriced("template.scaling instance counts are unknown during preview")
    monthly = per_second * 3600 * 730
    basis = (f"{int(low)}-{int(high)} instances x (1 {accelerator} ({redundancy.replace('-', ' ')}) "
             f"at {charges.per(gpu)} + {vcpus:g} vCPU at {charges.per(cpu)} + {memory:g} GiB at "
             f"{charges.per(ram)}) in {region} x 3600 s x 730 h; minimum instances are always on")
    return Quote(int(low) * monthly, int(high) * monthly, basis)


def cloud_run(record: ResourceRecord, graph: Graph):
    """Cloud Run service: priced when it asks for a GPU; a CPU-only service is not estimated
    (it is paid per request)."""
    if gcp.cloud_run_asks_for_gpu(record.inputs):
        return cloud_run_gpu(record, graph)
    return None


PRICERS = {
    tokens.GCP_CONTAINER_CLUSTER: gke_cluster,
    tokens.GCP_COMPUTE_ROUTER_NAT: cloud_nat,
    tokens.GCP_KMS_CRYPTO_KEY: crypto_key,
    tokens.GCP_CLOUDRUNV2_SERVICE: cloud_run,
}
"""Type token -> pricer for the GCP services priced from the service prices."""
