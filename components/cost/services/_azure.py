"""Azure pricers for the services that are not machines: the AKS control plane tier, NAT
gateways, public IPs, Key Vault keys, Log Analytics workspaces and Azure ML online deployments.

Prices come from the catalog's service prices; an online deployment runs on VMs billed at the
VM's rate, so it is priced from the machine catalog.
"""

from __future__ import annotations

from aiscale.facts import tokens
from aiscale.preview.records import ResourceRecord

from aiscale.catalog._services import service_price

from .. import _charges as charges
from .._fleet import ON_DEMAND, Fleet, Quote
from .._graph import Graph
from ._gateway import hourly_nat_gateway
from .._values import Unpriced, get, is_unknown

AKS_TIERS = {"free": "cluster-free-tier", "standard": "cluster-standard-tier",
             "premium": "cluster-premium-tier"}
"""``sku.tier`` -> the service price; Free is the API's default."""

HSM_KEY_TYPES = ("RSA-HSM", "EC-HSM")
"""Key Vault key types that are HSM-protected (a monthly fee per key); software keys pay per
operation only."""


def _location(record: ResourceRecord, graph: Graph, *via: str) -> str:
    from .._azure import azure_location

    return azure_location(record, graph, *via)


PREMIUM_SSD_TIERS = ((128, "P10"), (256, "P15"), (512, "P20"))
"""(GiB, tier) of the Premium SSD sizes the catalog prices, smallest first."""

AKS_DEFAULT_OS_DISK_GB = 128
"""An AKS node's OS disk when ``osDiskSizeGB`` is omitted."""


def os_disks(pool_inputs: object, location: str, low: int, high: int) -> Quote:
    """The managed OS disks of `low`..`high` AKS nodes: the Premium SSD tier that holds
    ``osDiskSizeGB`` (default 128), assumed Premium (what AKS gives a VM size with premium
    storage), a month each; an Ephemeral OS disk lives on the VM and costs nothing."""
    pool = pool_inputs if isinstance(pool_inputs, dict) else {}
    kind = pool.get("osDiskType") or "Managed"
    if is_unknown(kind):
        return Quote(0.0, 0.0, "", "osDiskType is unknown during preview")
    if str(kind) == "Ephemeral":
        return Quote(0.0, 0.0, "Ephemeral OS disks (on the VM, no disk charge)")
    size = pool.get("osDiskSizeGB") or AKS_DEFAULT_OS_DISK_GB
    if not isinstance(size, (int, float)):
        return Quote(0.0, 0.0, "", "osDiskSizeGB is unknown during preview")
    tier = next(((gb, name) for gb, name in PREMIUM_SSD_TIERS if gb >= size), None)
    found = service_price("azure", "managed-disk", f"Premium_LRS-{tier[1]}-{tier[0]}", location) if tier else None
    if found is None:
        return Quote(0.0, 0.0, "", f"the catalog has no Premium SSD price for a {size:g} GB OS disk in azure {location}")
    count = str(low) if low == high else f"{low}-{high}"
    return Quote(low * found.price_usd, high * found.price_usd,
                 f"{count} x {size:g} GB OS disk as Premium SSD {tier[1]} (assumed) at {charges.per(found)}")


def aks_control_plane(record: ResourceRecord, graph: Graph) -> Quote:
    """The AKS control plane: ``sku.tier`` Free ($0, the default), Standard or Premium per hour."""
    tier = get(record.inputs, "sku", "tier") or "Free"
    if is_unknown(tier):
        raise Unpriced("sku.tier is unknown during preview")
    sku = AKS_TIERS.get(str(tier).lower())
    if sku is None:
        raise Unpriced(f"the catalog has no price for AKS tier {tier!r}")
    said = "" if get(record.inputs, "sku", "tier") else " (sku.tier omitted: the default Free)"
    found = charges.price("azure", "aks", sku, _location(record, graph))
    return charges.fixed(f"AKS control plane ({tier} tier)", found, note=said)


def nat_gateway(record: ResourceRecord, graph: Graph) -> Quote:
    """NAT gateway: hours, plus the GB it processes (usage ``monthly_data_processed_gb``) and
    the GB it sends to the internet (usage ``monthly_outbound_internet_gb``)."""
    return hourly_nat_gateway(record, graph, "azure", "network", _location(record, graph))


def public_ip(record: ResourceRecord, graph: Graph) -> Quote:
    """Standard static public IP address, per hour."""
    sku = get(record.inputs, "sku", "name") or "Standard"
    if str(sku).lower() != "standard":
        raise Unpriced(f"the catalog has no price for a {sku} public IP (only Standard)")
    found = charges.price("azure", "network", "public-ip-standard-static", _location(record, graph))
    return charges.fixed("Standard static public IP", found)


def key_vault_key(record: ResourceRecord, graph: Graph) -> Quote:
    """Key Vault key: an HSM key pays a monthly fee, a software key only its operations
    (usage ``monthly_requests``)."""
    kty = get(record.inputs, "properties", "kty") or "RSA"
    operations = charges.price("azure", "key-vault", "software-key-operations", "*")
    used = (charges.usage(record, graph, "monthly_requests", "operations", operations),)
    if str(kty) in HSM_KEY_TYPES:
        fee = charges.price("azure", "key-vault", "hsm-key-rsa-2048", "*")
        return charges.with_usage(charges.fixed(f"{kty} key", fee), used)
    return charges.usage_only(used, f"{kty} software key (no monthly fee)")


def log_workspace(record: ResourceRecord, graph: Graph) -> Quote:
    """Log Analytics workspace (pay-as-you-go): GB ingested, usage-based; the first 31 days
    of retention are included."""
    location = _location(record, graph)
    ingest = charges.price("azure", "log-analytics", "analytics-logs-ingestion", location)
    days = get(record.inputs, "retentionInDays")
    charged = (charges.usage(record, graph, "monthly_data_ingested_gb", "ingestion", ingest),)
    if isinstance(days, (int, float)) and days > 31:
        retention = charges.price("azure", "log-analytics", "retention-beyond-included", location)
        charged += (charges.usage(record, graph, "storage_gb", "retention beyond 31 days", retention),)
    return charges.usage_only(charged, f"Log Analytics in {location} (retention {days} days)")


def online_deployment(record: ResourceRecord, graph: Graph) -> Quote:
    """Azure ML managed online deployment: ``sku.capacity`` instances (else the scale
    settings' bounds, else 1) of ``properties.instanceType`` at the VM's on-demand rate."""
    machine = get(record.inputs, "onlineDeploymentProperties", "instanceType")
    if machine is None:
        machine = get(record.inputs, "properties", "instanceType")
    if is_unknown(machine) or not isinstance(machine, str):
        raise Unpriced("the deployment's instanceType is unknown or not set")
    scale = (get(record.inputs, "onlineDeploymentProperties", "scaleSettings")
             or get(record.inputs, "properties", "scaleSettings") or {})
    capacity = get(record.inputs, "sku", "capacity")
    low = high = int(capacity) if isinstance(capacity, (int, float)) else 1
    note = " (sku.capacity)" if isinstance(capacity, (int, float)) else " (1 instance: sku.capacity not set)"
    if isinstance(scale, dict) and isinstance(scale.get("maxInstances"), (int, float)):
        high = max(low, int(scale["maxInstances"]))
        low = int(scale.get("minInstances", low)) if isinstance(scale.get("minInstances"), (int, float)) else low
        note = " (target-utilization scale settings)"
    return Fleet("azure", machine, _location(record, graph, "workspaceName"), ON_DEMAND,
                 low, high, f"{note}, Azure ML bills the VM rate").quote()


PRICERS = {
    tokens.AZURE_NETWORK_NAT_GATEWAY: nat_gateway,
    tokens.AZURE_NETWORK_PUBLIC_IP_ADDRESS: public_ip,
    tokens.AZURE_KEYVAULT_KEY: key_vault_key,
    tokens.AZURE_OPERATIONALINSIGHTS_WORKSPACE: log_workspace,
    tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT: online_deployment,
}
"""Type token -> pricer for the Azure services priced from the service prices (the control
plane is part of the managed cluster's own pricer, with its agent pools)."""
