"""GPU capacity in a stack: node pools and VM groups, each reduced to one :class:`Pool`.

A pool's machine type can live on another resource (an ASG's launch template, a managed instance
group's template) and its bounds too (a GCE autoscaler, an Azure autoscale setting): those links
are followed by the facts layer's reference follower, so pool rules are stack rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Optional, Sequence

from aiscale.facts import cloud_wiring, reader, tokens
from aiscale.facts.model import NodePoolFacts
from aiscale.facts.references import References

from ..context import ResourceView
from ..props import UnknownValue, get
from .machines import facts, machines

MIGS = (tokens.GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER,
        tokens.GCP_COMPUTE_INSTANCE_GROUP_MANAGER)
GCE_TEMPLATES = (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE,
                 tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE)
GCE_AUTOSCALERS = (tokens.GCP_COMPUTE_REGION_AUTOSCALER, tokens.GCP_COMPUTE_AUTOSCALER)


@dataclass(frozen=True)
class Pool:
    """A group of identical machines the stack may scale between min and max."""

    urn: str
    """The resource that declares the pool."""
    name: str
    """A readable name (resource name, or resource/profile for AKS inline pools)."""
    kind: str
    """The canonical type token of the declaring resource."""
    gpus_per_node: Optional[float]
    """GPUs per machine; 0 for CPU pools; None when the machine type is not in the catalog."""
    accelerators: tuple[str, ...]
    """Canonical accelerator names (provider names when unknown to the catalog)."""
    min_nodes: Optional[float]
    """Smallest size (all zones); None when unknown."""
    max_nodes: Optional[float]
    """Largest size (all zones); None when unknown."""
    spot: Optional[bool]
    """True for spot / preemptible / low-priority capacity; None when unknown."""
    autoscaled: Optional[bool]
    """True when the size may change between min and max; None when unknown."""
    taints: Optional[tuple[tuple[str, str], ...]] = None
    """(key, effect) of node taints, for Kubernetes pools; None where taints do not apply."""
    system: bool = False
    """True for AKS System-mode pools (they cannot scale to zero)."""
    cpu_scaled: bool = False
    """True for a VM group whose only scale-out signal is CPU utilisation: with no machine
    there is no signal, so it cannot start from zero (it keeps at least one machine)."""

    @property
    def is_gpu(self) -> bool:
        """True when the machines carry at least one GPU."""
        return bool(self.gpus_per_node)

    @property
    def max_gpus(self) -> Optional[float]:
        """GPUs at the largest size, or None when unknown."""
        if self.gpus_per_node is None or self.max_nodes is None:
            return None
        return self.gpus_per_node * self.max_nodes


def _gpu_facts(kind: str, props, ctx) -> tuple[Optional[float], tuple[str, ...]]:
    return _summarise([facts(m, ctx.lookup) for m in machines(kind, props)])


def _summarise(found) -> tuple[Optional[float], tuple[str, ...]]:
    """(GPUs per machine, canonical accelerators) over a resource's machine requests."""
    known = [f for f in found if f.gpus is not None]
    gpus = max((f.gpus for f in known), default=0.0 if found else None)
    if found and not known:
        gpus = 0.0  # machine types the GPU catalog does not list are CPU machines
    accelerators = tuple(sorted({f.accelerator for f in known if f.accelerator}))
    return gpus, accelerators


def _gpu_of(pool: NodePoolFacts, ctx) -> tuple[Optional[float], tuple[str, ...]]:
    return _summarise([facts(m, ctx.lookup) for m in pool.machines.get()])


def _node_pool(view, ctx, refs, pool: NodePoolFacts, name: str, zones: float = 1.0) -> Pool:
    """A Kubernetes node pool from its facts (EKS node group, AKS agent pool, GKE node pool)."""
    gpus, accs = _gpu_of(pool, ctx)
    bounds = pool.bounds.get()
    low, high = bounds.lenient(zones)
    auto = bounds.autoscaled
    if auto is None:  # only the range says whether the pool scales
        auto = None if low is None or high is None else high > low
    if pool.launch_template_key is not None and not pool.machine_list.items():
        lt = refs.linked(view, pool.launch_template_key, tokens.AWS_EC2_LAUNCH_TEMPLATE)
        gpus, accs = _gpu_facts(lt.canonical, lt.props, ctx) if lt else (None, ())
    return Pool(view.urn, name, view.canonical, gpus, accs, low, high, pool.spot.get(), auto,
                pool.taints.get(), system=pool.system.get())


def _node_pools(view, ctx, refs) -> list[Pool]:
    """The node pools a resource declares (one, or an AKS cluster's inline pools)."""
    out = []
    for index, pool in enumerate(reader.node_pools(view.canonical, view.props)):
        name = f"{view.name}/{pool.name.known() or index}" if pool.name.path else view.name
        zones = pool.zones()[0] if pool.bounds.get().per_zone else 1
        out.append(_node_pool(view, ctx, refs, pool, name, float(zones)))
    return out


def _cpu_scaled(scalers: Sequence[ResourceView]) -> bool:
    """True when the group has scalers and CPU utilisation is their only scale-out signal (read
    by the facts layer, as the wiring pack's WIRE-SCALE-001 reads it)."""
    signals = [cloud_wiring.scaling_signal(s.canonical, s.props) for s in scalers]
    return bool(signals) and all(signal is not None and signal.cpu_only for signal in signals)


def _scaling_policies(refs) -> list:
    """The stack's resources with a ``policyType`` (scaling policies of any kind), found once
    per stack: every group looks its own up among them."""
    if "scaling_policies" not in refs.memo:
        refs.memo["scaling_policies"] = [r for r in refs.resources if "policyType" in r.props]
    return refs.memo["scaling_policies"]


def _asg_pool(view, ctx, refs):
    group = reader.vm_group(view.canonical, view.props)
    gpus, accs = _summarise([facts(m, ctx.lookup) for m in group.machines.get()])
    key = next((k for k in group.template_keys if get(view.props, k) is not None), group.template_keys[-1])
    lt = refs.linked(view, key, tokens.AWS_EC2_LAUNCH_TEMPLATE)
    if not group.machines.get():
        gpus, accs = _gpu_facts(lt.canonical, lt.props, ctx) if lt else (None, ())
    spot_lt = bool(lt) and reader.vm(lt.canonical, lt.props).spot.get()
    low, high = group.size.lenient()
    auto = None if low is None or high is None else high > low
    # The group's scaling policies: whatever names it in ``autoscalingGroupName`` with a ``policyType``.
    policies = refs.pointing_at(view, "autoscalingGroupName", among=_scaling_policies(refs))
    return Pool(view.urn, view.name, view.canonical, gpus, accs, low, high, group.spot.get() or spot_lt, auto,
                cpu_scaled=_cpu_scaled(policies))


def _gke_nap(view, ctx, refs):
    gpus, accs = _gpu_facts(tokens.GCP_CONTAINER_CLUSTER, view.props, ctx)
    if not gpus:
        return None
    return Pool(view.urn, view.name, view.canonical, 1.0, accs, 0.0, gpus, None, True)


def _vmss_pool(view, ctx, refs):
    group = reader.vm_group(view.canonical, view.props)
    gpus, accs = _summarise([facts(m, ctx.lookup) for m in group.machines.get()])
    scalers = refs.pointing_at(view, "targetResourceUri", tokens.AZURE_MONITOR_AUTOSCALE_SETTING)
    settings = [reader.autoscaler(s.canonical, s.props) for s in scalers]
    profiles = [bounds for s in settings if s.enabled.get() for bounds in s.profiles.get()]
    if profiles:
        low = min(bounds.low.number() or 0.0 for bounds in profiles)
        high = max(bounds.high.number() or 0.0 for bounds in profiles)
    else:
        low, high = group.size.lenient()
    return Pool(view.urn, view.name, view.canonical, gpus, accs, low, high, group.spot.get(), bool(profiles),
                cpu_scaled=_cpu_scaled(scalers))


def _mig_pool(view, ctx, refs):
    group = reader.vm_group(view.canonical, view.props)
    template = refs.linked(view, group.template_keys[0], *GCE_TEMPLATES)
    gpus, accs = _gpu_facts(template.canonical, template.props, ctx) if template else (None, ())
    scalers = refs.pointing_at(view, "target", *GCE_AUTOSCALERS)
    if scalers:
        bounds, = reader.autoscaler(scalers[0].canonical, scalers[0].props).profiles.get()
        low, high, auto = bounds.low.number(), bounds.high.number(), True
    else:
        low, high = group.size.lenient()
        auto = False
    spot = reader.vm(template.canonical, template.props).spot.get() if template else None
    return Pool(view.urn, view.name, view.canonical, gpus, accs, low, high, spot, auto,
                cpu_scaled=_cpu_scaled(scalers[:1]))


def _aml_pool(view, ctx, refs):
    group = reader.vm_group(view.canonical, view.props)
    if not group.applies.get():
        return None
    gpus, accs = _summarise([facts(m, ctx.lookup) for m in group.machines.get()])
    low, high = group.size.lenient()
    auto = None if low is None or high is None else high > low
    return Pool(view.urn, view.name, view.canonical, gpus, accs, low, high, group.spot.get(), auto)


_EXTRACTORS = MappingProxyType({tokens.AWS_AUTOSCALING_GROUP: _asg_pool, tokens.GCP_CONTAINER_CLUSTER: _gke_nap,
               tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET: _vmss_pool, tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE: _aml_pool, MIGS[0]: _mig_pool, MIGS[1]: _mig_pool})


def pools(resources: Sequence[ResourceView], ctx) -> list[Pool]:
    """Every pool the stack declares, GPU or not, in resource order."""
    refs = References(resources)
    out: list[Pool] = []
    for r in resources:
        try:
            out.extend(_pools_of(r, ctx, refs))
        except UnknownValue:
            continue  # inputs not known during preview: this resource cannot be judged yet
    return out


def _pools_of(r: ResourceView, ctx, refs) -> list[Pool]:
    if r.canonical in reader.NODE_POOL_TYPES:
        return _node_pools(r, ctx, refs)
    if r.canonical in _EXTRACTORS:
        pool = _EXTRACTORS[r.canonical](r, ctx, refs)
        return [pool] if pool is not None else []
    return []
