"""The aiscale Pulumi program: read the stack's platform model, declare it, export its outputs."""

import pulumi

from aiscale import AiPlatform, PlatformValidationError, load_platform
from aiscale.catalog.overlay_file import CatalogOverlayError
from aiscale.catalog.stack_overlay import activate_from_config

try:
    activate_from_config(pulumi.Config("aiscale").get("catalogOverlay"))  # before the catalog is read
    platform = load_platform(pulumi.Config("aiscale").require_object("platform"))
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
