"""Issue 4 at the stack level: dev serves on Kubernetes, prod on each cloud's managed service."""

from __future__ import annotations




def test_dev_chat_runs_on_the_spot_l4_pool_of_the_aws_cluster(dev):
    deployment = dev.one("kubernetes:apps/v1:Deployment", "aws-chat")  # GKE also runs gmp-frontend
    pod = deployment.inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] in (1, "1")
    assert pod["nodeSelector"]["aiscale.io/accelerator"] == "nvidia-l4"
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert any(env["name"] == "MODEL_URI" and env["value"].startswith("s3://") for env in container["env"])
    (hpa,) = dev.by_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
    assert (hpa.inputs["spec"]["minReplicas"], hpa.inputs["spec"]["maxReplicas"]) == (1, 4)
    service = dev.one("kubernetes:core/v1:Service", "aws-chat")
    assert service.inputs["spec"]["type"] == "ClusterIP"
    assert dev.outputs["endpoint_urls"]["aws"]["chat"].endswith(".svc.cluster.local:8000")
    assert container["args"][0] == "--model=/models/llama-3-8b", "vLLM serves the model the loader copied"
    (loader,) = pod["initContainers"]
    assert "s3://" in " ".join(loader["args"])


def test_dev_chat_waits_for_its_node_pool(dev):
    endpoint = dev.one("aiscale:index:ModelEndpoint")
    node_group = dev.one("aws:eks/nodeGroup:NodeGroup", "aws-serve")
    assert node_group.urn in endpoint.dependencies, "the engine expands a component dependency to its resources"


def test_prod_chat_is_sagemaker_on_aws_and_cloud_run_on_gcp(prod):
    (target,) = prod.by_type("aws:appautoscaling/target:Target")
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (1, 6)
    assert target.inputs["scalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    (config,) = prod.by_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration")
    assert config.inputs["productionVariants"][0]["instanceType"].startswith("ml.g6.")
    (service,) = prod.by_type("gcp:cloudrunv2/service:Service")
    template = service.inputs["template"]
    assert template["nodeSelector"]["accelerator"] == "nvidia-l4"
    assert (template["scaling"]["minInstanceCount"], template["scaling"]["maxInstanceCount"]) == (1, 6)
    assert service.inputs["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert not [d for d in prod.by_type("kubernetes:apps/v1:Deployment") if "chat" in d.name], \
        "managed endpoints need no Deployment (GKE's metrics frontend is the only one)"
    assert template["containers"][0]["image"].startswith("us-central1-docker.pkg.dev/"), \
        "Cloud Run gets the Artifact Registry image"
    model = prod.one("aws:sagemaker/model:Model")
    assert ".dkr.ecr." in model.inputs["primaryContainer"]["image"], "SageMaker gets the ECR image"
