"""Pre-flight: read-only checks of each cloud before `pulumi up` (`aiscale preflight --stack NAME
[--cloud aws|azure|gcp]`). Azure and GCP live in `aiscale.preflight.azure` / `.gcp` (their
SDKs import lazily); what follows describes AWS, whose pure layers are re-exported here.

For the AWS part of a stack's platform model: every GPU instance type is offered in the region
and in the zones used, EC2's GPU kind and count match the catalog, the vCPU quotas (on-demand
and spot, per instance class) cover every fleet at its maximum size, and the SageMaker endpoint
instance quotas cover the managed endpoints. `aiscale preflight --stack NAME` runs it.

Layers: `plan` (what the model asks of one cloud, from the resolved plan) and `facts` (what AWS answered) are plain data; `checks`
are pure functions from both to `Finding`s; `aws` is the thin, read-only boto3 layer; `runner`
ties them together; `command` is the typer command. Only the pure layers are imported here.
"""

from aiscale.preflight.checks import (
    check_gpu,
    check_region,
    check_sagemaker_quotas,
    check_vcpu_quotas,
    check_zones,
    run_checks,
)
from aiscale.preflight.facts import AwsFacts, GpuSpec, InstanceFacts, Quota
from aiscale.preflight.findings import EXIT_FAIL, EXIT_INVALID, EXIT_OK, Finding, exit_code, findings_table
from aiscale.preflight.plan import CloudPlan, Fleet, ManagedEndpoint, cloud_plan

__all__ = [
    "AwsFacts",
    "CloudPlan",
    "EXIT_FAIL",
    "EXIT_INVALID",
    "EXIT_OK",
    "Finding",
    "Fleet",
    "GpuSpec",
    "InstanceFacts",
    "Quota",
    "ManagedEndpoint",
    "cloud_plan",
    "check_gpu",
    "check_region",
    "check_sagemaker_quotas",
    "check_vcpu_quotas",
    "check_zones",
    "exit_code",
    "findings_table",
    "run_checks",
]
