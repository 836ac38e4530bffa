"""``AiPlatform`` for every Pulumi language: the whole platform from the model as a plain map.

The Python face (``aiscale.platform.AiPlatform``) takes the validated ``Platform`` object. This
component takes the same model as a plain map (what the stack config ``aiscale:platform`` holds,
documented in docs/model.md), validates it with ``aiscale.model.load_platform`` (every problem,
with its path, in one error) and declares the face as its only child, so the resources and
their names are exactly those of the Python face.

No ``from __future__ import annotations``: Pulumi's component analyzer (``pulumi package add``)
reads these annotations as real types.
"""

from collections.abc import Mapping
from typing import Any, Optional, TypedDict

try:
    from typing import Required  # Python 3.11+
except ImportError:  # Python 3.10 (typing_extensions comes with pydantic)
    from typing_extensions import Required

import pulumi

from aiscale.model import Platform, PlatformValidationError, load_platform
from aiscale.multilang._plain import first_output, whole_numbers
from aiscale.platform import AiPlatform as PlatformFace

__all__ = ["AiPlatform", "AiPlatformArgs", "load_plain_platform"]

TYPE_TOKEN = "aiscale:index:AiPlatform"


class AiPlatformArgs(TypedDict, total=False):
    """The arguments of :class:`AiPlatform` (plain values, usable from every Pulumi language)."""

    platform: Required[dict[str, Any]]
    """The platform model: the same map as the stack config value ``aiscale:platform`` (name,
    environment, tags, clouds, kubernetes, network, node_pools, autoscaling_groups, buckets,
    endpoints), with snake_case keys. It is validated completely before anything is declared,
    so every value must be known when the program runs (no outputs of other resources).
    Required."""


def load_plain_platform(name: str, raw: Any) -> Platform:
    """Validate the plain model ``raw`` (numbers may arrive as floats); raise one ValueError."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"invalid arguments for AiPlatform {name!r}:\n  - AiPlatformArgs.platform: "
                         f"got {raw!r}; valid: a map with at least name, environment and clouds")
    unknown = first_output(raw, "platform")
    if unknown:
        raise ValueError(f"invalid arguments for AiPlatform {name!r}:\n  - AiPlatformArgs.{unknown}: "
                         "got a value another resource computes; valid: a plain value known "
                         "when the program runs (the model is validated before anything is declared)")
    try:
        return load_platform(whole_numbers(raw))
    except PlatformValidationError as error:
        listing = "\n".join(f"  - AiPlatformArgs.platform.{problem}" for problem in error.problems)
        raise ValueError(f"invalid arguments for AiPlatform {name!r}: the platform model has "
                         f"{len(error.problems)} problem(s):\n{listing}") from None


def _by_cloud(components: Mapping[tuple[str, str], Any], attribute: str) -> pulumi.Output:
    """``{cloud: {entry: component.<attribute>}}`` as one Output."""
    nested: dict[str, dict[str, Any]] = {}
    for (cloud, entry), component in sorted(components.items()):
        nested.setdefault(cloud, {})[entry] = getattr(component, attribute)
    return pulumi.Output.from_input(nested)


class AiPlatform(pulumi.ComponentResource):
    """Every resource of one platform model, on every cloud it configures: networks, hardened
    Kubernetes clusters with GPU node pools, GPU autoscaling groups, private encrypted buckets
    and model endpoints, secure and cost-aware by default."""

    bucket_names: pulumi.Output[dict[str, dict[str, str]]]
    """Physical bucket names: ``{cloud: {bucket: name}}``."""
    bucket_urls: pulumi.Output[dict[str, dict[str, str]]]
    """Bucket URLs (``s3://``, ``https://<account>.blob...``, ``gs://``): ``{cloud: {bucket: url}}``."""
    cluster_names: pulumi.Output[dict[str, str]]
    """Kubernetes cluster names: ``{cloud: name}``."""
    node_pool_names: pulumi.Output[dict[str, dict[str, str]]]
    """GPU node pool names in the cloud: ``{cloud: {pool: name}}``."""
    kubeconfigs: pulumi.Output[dict[str, str]]
    """A kubeconfig per cluster, ``{cloud: kubeconfig}`` (a secret)."""

    def __init__(self, name: str, args: AiPlatformArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        raw = args.get("platform") if isinstance(args, Mapping) else args
        model = load_plain_platform(name, raw)  # before super().__init__: nothing registered
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._face = PlatformFace(name, {"platform": model}, pulumi.ResourceOptions(parent=self))
        self.bucket_names = self._face.bucket_names
        self.bucket_urls = self._face.bucket_urls
        self.cluster_names = self._face.cluster_names
        self.node_pool_names = _by_cloud(self._face.node_pools, "pool_name")
        self.kubeconfigs = pulumi.Output.secret(pulumi.Output.from_input(
            {cloud: cluster.kubeconfig for cloud, cluster in sorted(self._face.clusters.items())}))
        self.register_outputs({
            "bucket_names": self.bucket_names, "bucket_urls": self.bucket_urls,
            "cluster_names": self.cluster_names, "node_pool_names": self.node_pool_names,
            "kubeconfigs": self.kubeconfigs})

    @property
    def face(self) -> Any:
        """The Python ``aiscale.AiPlatform`` declared inside (its scopes, clusters, pools,
        buckets: the escape hatch)."""
        return self._face
