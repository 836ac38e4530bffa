"""The multi-language component package: aiscale components for every Pulumi language.

``components/`` is also a Pulumi component package (``PulumiPlugin.yaml`` beside this
package's parent): ``pulumi package add <path or git URL of components/>`` runs it as a plugin,
which hosts :func:`package_components` with Pulumi's component provider host and lets the
consumer's language (TypeScript, Go, C#, Java, YAML, Python) use them through a generated SDK.
The schema is inferred from the classes' annotations and docstrings (see ``host``).

Which components are in the package, and why:

- ``ObjectStore``: its arguments are plain values.
- ``GpuNodePool``: its plain arguments add a GPU pool to a cluster that exists (``AiPlatform``
  places its pools with Python objects instead, through the same class).
- ``AiPlatform``: the platform model as a plain map, validated by
  ``aiscale.model.load_platform`` (Python may pass the validated ``Platform``).

Each is the one class that registers its type token; the package hosts the Python classes
themselves.

``Network``, ``KubernetesCluster``, ``AutoscalingGroup`` and ``ModelEndpoint`` take a
CloudScope, model objects, catalog offerings and other components; from other languages they
are reached through ``AiPlatform`` (the model's ``network``, ``kubernetes``,
``autoscaling_groups`` and ``endpoints``).
"""

from aiscale.gpu_node_pool import GpuNodePool, GpuNodePoolArgs
from aiscale.platform import AiPlatform, AiPlatformArgs
from aiscale.object_store import ObjectStore, ObjectStoreArgs

__all__ = ["PACKAGE_NAME", "AiPlatform", "AiPlatformArgs", "GpuNodePool", "GpuNodePoolArgs",
           "ObjectStore", "ObjectStoreArgs", "package_components"]

PACKAGE_NAME = "aiscale"
"""The Pulumi package name: type tokens are ``aiscale:index:<Component>``."""


def package_components() -> list[type]:
    """The component classes the package hosts, in schema order."""
    return [ObjectStore, GpuNodePool, AiPlatform]
