"""The multi-language component package: aiscale components for every Pulumi language.

``components/`` is also a Pulumi component package (``PulumiPlugin.yaml`` beside this
package's parent): ``pulumi package add <path or git URL of components/>`` runs it as a plugin,
which hosts :func:`package_components` with Pulumi's component provider host and lets the
consumer's language (TypeScript, Go, C#, Java, YAML, Python) use them through a generated SDK.
The schema is inferred from the classes' annotations and docstrings (see ``host``).

Which components are in the package, and why:

- ``ObjectStore``: hosted as it is; its arguments were written as plain values.
- ``GpuNodePool``: :class:`aiscale.multilang.node_pool.GpuNodePool`, plain arguments that add a
  GPU pool to a cluster that exists; the Python face needs a CloudScope, a KubernetesCluster,
  a model NodePool and a catalog Offering, none of which crosses languages.
- ``AiPlatform``: :class:`aiscale.multilang.platform.AiPlatform`, the platform model as a plain
  map, validated by ``aiscale.model.load_platform``.

``Network``, ``KubernetesCluster``, ``AutoscalingGroup`` and ``ModelEndpoint`` take a
CloudScope, model objects, catalog offerings and other components; from other languages they
are reached through ``AiPlatform`` (the model's ``network``, ``kubernetes``,
``autoscaling_groups`` and ``endpoints``).
"""

from aiscale.multilang.node_pool import GpuNodePool, GpuNodePoolArgs
from aiscale.multilang.platform import AiPlatform, AiPlatformArgs
from aiscale.object_store import ObjectStore, ObjectStoreArgs

__all__ = ["PACKAGE_NAME", "AiPlatform", "AiPlatformArgs", "GpuNodePool", "GpuNodePoolArgs",
           "ObjectStore", "ObjectStoreArgs", "package_components"]

PACKAGE_NAME = "aiscale"
"""The Pulumi package name: type tokens are ``aiscale:index:<Component>``."""


def package_components() -> list[type]:
    """The component classes the package hosts, in schema order."""
    return [ObjectStore, GpuNodePool, AiPlatform]
