"""CloudWatch alarms on SageMaker endpoints, and the Alertmanager role that publishes to SNS.

Per managed endpoint, two alarms that notify the platform's SNS topic when they fire and when
they clear:

- **latency**: ``AWS/SageMaker`` ``ModelLatency`` (microseconds) at p95 of the ``primary``
  variant above the threshold for 5 consecutive minutes;
- **errors**: ``Invocation5XXErrors / Invocations`` over 5 minutes above the threshold
  percentage (metric math; no traffic is no error).

On EKS, Alertmanager (``aiscale.kubernetes.observability``) publishes the cluster's GPU and
serving alerts to the same topic through an IAM role for its service account (IRSA) that may
only publish to that topic and use its key.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws.cloudwatch as cloudwatch
import pulumi_aws.iam as iam

from aiscale.aws import naming
from aiscale.aws._iam import POLICY_VERSION, pod_trust_policy
from aiscale.aws.budget import TopicTarget, resource_prefix
from aiscale.aws.sagemaker import VARIANT, SageMakerEndpoint
from aiscale.operations_spec import AlertmanagerIdentity, OperationsBuild, ServedEndpoint

if TYPE_CHECKING:
    from aiscale.aws.cluster import AwsCluster

NAMESPACE = "AWS/SageMaker"
"""The CloudWatch namespace of SageMaker endpoint invocation metrics."""
LATENCY_METRIC, ERRORS_METRIC, INVOCATIONS_METRIC = "ModelLatency", "Invocation5XXErrors", "Invocations"
"""The metrics the alarms read (ModelLatency is in microseconds)."""
LATENCY_STATISTIC = "p95"
"""Latency is judged on the 95th percentile, not the mean."""
MICROSECONDS = 1_000_000
LATENCY_MINUTES = 5
"""Consecutive one-minute periods above the threshold before the latency alarm fires."""
ERROR_PERIOD_SECONDS = 300
"""The error ratio is computed over five minutes."""
ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
"""The ServiceAccount annotation that binds it to an IAM role."""


def latency_alarm(name: str, alarm_name: str, endpoint_name: Any, seconds: float, topic: Any,
                  tags: dict, opts: pulumi.ResourceOptions) -> cloudwatch.MetricAlarm:
    """p95 ``ModelLatency`` of the endpoint's variant above ``seconds`` for five minutes."""
    return cloudwatch.MetricAlarm(
        name, name=alarm_name, namespace=NAMESPACE, metric_name=LATENCY_METRIC,
        dimensions={"EndpointName": endpoint_name, "VariantName": VARIANT},
        extended_statistic=LATENCY_STATISTIC, period=60, evaluation_periods=LATENCY_MINUTES,
        datapoints_to_alarm=LATENCY_MINUTES, threshold=seconds * MICROSECONDS,
        comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
        alarm_description=f"p95 model latency above {seconds:g} s for {LATENCY_MINUTES} minutes",
        alarm_actions=[topic], ok_actions=[topic], tags=tags, opts=opts)


def _metric(query_id: str, metric: str, endpoint_name: Any) -> cloudwatch.MetricAlarmMetricQueryArgs:
    return cloudwatch.MetricAlarmMetricQueryArgs(id=query_id, return_data=False,
        metric=cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=NAMESPACE, metric_name=metric, period=ERROR_PERIOD_SECONDS, stat="Sum",
            dimensions={"EndpointName": endpoint_name, "VariantName": VARIANT}))


def error_alarm(name: str, alarm_name: str, endpoint_name: Any, percent: float, topic: Any,
                tags: dict, opts: pulumi.ResourceOptions) -> cloudwatch.MetricAlarm:
    """5xx invocations as a percentage of all invocations above ``percent`` over 5 minutes."""
    return cloudwatch.MetricAlarm(
        name, name=alarm_name, comparison_operator="GreaterThanThreshold", threshold=percent,
        evaluation_periods=1, treat_missing_data="notBreaching",
        metric_queries=[
            _metric("errors", ERRORS_METRIC, endpoint_name),
            _metric("invocations", INVOCATIONS_METRIC, endpoint_name),
            cloudwatch.MetricAlarmMetricQueryArgs(
                id="error_percent", expression="IF(invocations > 0, 100 * errors / invocations, 0)",
                label="5xx responses (%)", return_data=True)],
        alarm_description=f"more than {percent:g}% of invocations failed with 5xx over 5 minutes",
        alarm_actions=[topic], ok_actions=[topic], tags=tags, opts=opts)


def endpoint_alerts(component: pulumi.ComponentResource, args: OperationsBuild, target: TopicTarget,
                    endpoints: list[ServedEndpoint]) -> dict[str, Any]:
    """Declare the latency and error alarms of every managed (SageMaker) endpoint."""
    scope = args.scope
    tags = naming.aws_tags(scope.tags)
    opts = pulumi.ResourceOptions(parent=component)
    topic = target.topic_arn
    alarms: dict[str, Any] = {}
    for served in endpoints:
        endpoint = served["endpoint"]
        live: SageMakerEndpoint = served["component"].built
        endpoint_name = live.endpoint_name
        base = f"{resource_prefix(scope)}-{endpoint.name}"
        alarms[f"alert:{endpoint.name}:latency"] = latency_alarm(
            f"{args.name}-{endpoint.name}-latency", f"{base}-latency", endpoint_name,
            args.latency_threshold_seconds, topic, tags, opts)
        alarms[f"alert:{endpoint.name}:errors"] = error_alarm(
            f"{args.name}-{endpoint.name}-errors", f"{base}-5xx", endpoint_name,
            args.error_threshold_percent, topic, tags, opts)
    return alarms


def publish_policy(topic_arn: str, key_arn: str) -> dict[str, Any]:
    """Publish to the alert topic and encrypt for it; nothing else."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "PublishAlerts", "Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn},
        {"Sid": "EncryptAlerts", "Effect": "Allow", "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
         "Resource": key_arn},
    ]}


def alertmanager_identity(component: pulumi.ComponentResource, args: OperationsBuild, target: TopicTarget,
                          namespace: str, service_account: str) -> AlertmanagerIdentity:
    """An IRSA role for Alertmanager's service account that may publish to the topic only.

    Returns the ServiceAccount annotations, the Alertmanager receiver settings (``sns_configs``
    with SigV4 in the scope's region) and the role and policy.
    """
    scope = args.scope
    cluster: AwsCluster = args.cluster.built
    name = args.name
    opts = pulumi.ResourceOptions(parent=component)
    trust = pulumi.Output.all(cluster.oidc_provider_arn, cluster.oidc_provider_url).apply(
        lambda v: json.dumps(pod_trust_policy(v[0], v[1], namespace, service_account)))
    role = iam.Role(f"{name}-alertmanager-role", assume_role_policy=trust,
                    description="Alertmanager of the platform's cluster: publish alerts to its topic",
                    tags=naming.aws_tags(scope.tags), opts=opts)
    policy = iam.RolePolicy(f"{name}-alertmanager-publish", role=role.id, opts=opts,
                            policy=pulumi.Output.all(target.topic_arn, target.key_arn).apply(
                                lambda v: json.dumps(publish_policy(v[0], v[1]))))
    receiver = {"sns_configs": [{"topic_arn": target.topic_arn, "send_resolved": True,
                                 "sigv4": {"region": scope.region},
                                 "subject": f"[{scope.platform} {scope.environment}] {{{{ .CommonLabels.alertname }}}}"}]}
    return AlertmanagerIdentity(service_account_annotations={ROLE_ANNOTATION: role.arn}, receiver=receiver,
                                resources={"alertmanager_role": role, "alertmanager_policy": policy})
