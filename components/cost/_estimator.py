"""The estimator: price every resource of a preview from its own inputs and the catalog."""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Sequence

from aiscale import clouds
from aiscale.preview.records import ResourceRecord

from ._fleet import Quote
from ._graph import Graph
from ._model import CostEstimate, CostItem
from ._snapshot import snapshot_date
from ._usage_model import model_usage
from ._usage import NO_USAGE, Usage
from ._values import PRICING_ERRORS, canonical_type
from ._values import unpriced as as_unpriced

Pricer = Callable[[ResourceRecord, Graph], Optional[Quote]]
"""Prices one resource: a Quote, None when it has nothing to estimate, or raises Unpriced."""


def _pricer_tables() -> list[dict[str, Pricer]]:
    """Every cloud's pricers (each adapter names its pricer module), then the Kubernetes
    objects' (a LoadBalancer Service is priced on the cloud of its cluster)."""
    from ._kubernetes import PRICERS as KUBERNETES_PRICERS

    return [*(dict(cloud.cost_pricers()) for cloud in clouds.adapters()), KUBERNETES_PRICERS]


def pricers() -> dict[str, Pricer]:
    """Canonical type token -> pricer, for every resource kind the estimator understands."""
    table: dict[str, Pricer] = {}
    for pricers_of in _pricer_tables():
        table.update({canonical_type(token): pricer for token, pricer in pricers_of.items()})
    return table


def priced_types() -> tuple[str, ...]:
    """The type tokens the estimator looks at (priced or reported unpriced), sorted."""
    return tuple(sorted(token for pricers_of in _pricer_tables() for token in pricers_of))


def estimate(resources: Sequence[ResourceRecord],
             config: Mapping[str, str] = {},  # noqa: B006 - read only
             usage: Optional[Usage] = None) -> CostEstimate:
    """The estimated monthly cost of `resources`, priced from their own provider inputs.

    `config` is the stack configuration (``aws:region``, ``azure-native:location``,
    ``gcp:region``...), used for the region of resources whose inputs and provider set none.
    Each priced resource gives one item (min..max size x catalog hourly price x 730 h);
    resources that cost money but cannot be priced are listed in ``unpriced`` with a reason.
    `usage` gives the quantities of usage-based charges (see ``aiscale.cost.load_usage``);
    the platform model's (a bucket's ``expected_size_gb``) fill in what it does not give.
    """
    usage = (usage or NO_USAGE).with_defaults(model_usage(resources, config))
    graph = Graph(resources, config, usage)
    table = pricers()
    items: list[CostItem] = []
    unpriced: list[tuple[str, str]] = []
    for record in graph.records:
        pricer = table.get(canonical_type(record.type)) if record.custom else None
        if pricer is None:
            continue
        try:
            quote = pricer(record, graph)
        except PRICING_ERRORS as error:
            unpriced.append((record.urn, str(as_unpriced(error))))
            continue
        if quote is None:
            continue
        items.append(quote.item(record.urn))
        if quote.unpriced:
            unpriced.append((record.urn, quote.unpriced))
    return CostEstimate.of(items, unpriced, prices_as_of=snapshot_date())
