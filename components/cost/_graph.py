"""The resources of one preview as a pricer sees them: the stack's references plus its config.

A node group names its launch template by id, an autoscaler names its instance group by self
link: following those references is the facts layer's one follower
(:class:`aiscale.facts.references.References`, shared with the policy packs); this adds what
only pricing needs, the stack configuration and the usage quantities.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Optional, Sequence

from aiscale.facts.references import References
from aiscale.preview.records import ResourceRecord

if TYPE_CHECKING:
    from ._usage import Usage


class Graph(References):
    """The records of one preview, their references, and the stack configuration."""

    def __init__(self, records: Sequence[ResourceRecord], config: Mapping[str, str],
                 usage: Optional["Usage"] = None) -> None:
        from ._usage import NO_USAGE

        super().__init__(records)
        self.records = self.resources
        """Every record, in registration order."""
        self.config = dict(config)
        """Stack configuration (``aws:region``, ``azure-native:location``, ``gcp:region``...)."""
        self.usage = usage if usage is not None else NO_USAGE
        """Usage quantities for usage-based charges (the usage file and the model's)."""
