"""The aiscale Pulumi program: read the stack's platform model, declare it, export its outputs."""

import pulumi

from aiscale import AiPlatform, PlatformValidationError
from aiscale.catalog.overlay_file import CatalogOverlayError
from aiscale.catalog.stack_overlay import activate_from_config
from aiscale.model.loader import load_program_platform

try:
    activate_from_config(pulumi.Config("aiscale").get("catalogOverlay"))  # before the catalog is read
    # aiscale:platform, deep-merged over the file aiscale:base names when the stack sets one.
    platform = load_program_platform(pulumi.Config("aiscale"), pulumi.get_stack())
except (PlatformValidationError, CatalogOverlayError) as error:
    # One clear message, no traceback, nothing registered (the Pulumi CLI prints RunError bare).
    raise pulumi.RunError(str(error)) from None

deployment = AiPlatform(platform.name, {"platform": platform})

pulumi.export("bucket_names", deployment.bucket_names)
pulumi.export("bucket_urls", deployment.bucket_urls)
pulumi.export("cluster_names", deployment.cluster_names)
pulumi.export("endpoint_urls", deployment.endpoint_urls)
pulumi.export("kubeconfigs", pulumi.Output.secret(
    {cloud: cluster.kubeconfig for cloud, cluster in deployment.clusters.items()}))
