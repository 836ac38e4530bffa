"""Pulumi programs (real provider SDK classes) with Kubernetes Services on a cluster of each cloud:
the provider is built from the cluster's outputs, as aiscale's KubernetesCluster builds it."""

from __future__ import annotations

import pulumi

NLB = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}
AWS_INTERNAL = {**NLB, "service.beta.kubernetes.io/aws-load-balancer-internal": "true"}


def _service(name: str, provider, kind: str = "LoadBalancer", annotations=None, ports: int = 1):
    from pulumi_kubernetes.core.v1 import Service

    opts = pulumi.ResourceOptions(provider=provider) if provider is not None else None
    return Service(name, metadata={"name": name, "namespace": "serving", "annotations": annotations or {}},
                   spec={"type": kind, "selector": {"app": name},
                         "ports": [{"name": f"p{i}", "port": 8000 + i, "protocol": "TCP"} for i in range(ports)]},
                   opts=opts)


def _provider(name: str, kubeconfig: pulumi.Output):
    from pulumi_kubernetes import Provider

    return Provider(name, kubeconfig=kubeconfig)


def aws_program(region: str = "us-east-1") -> None:
    """An EKS cluster in `region` (its own region input) on subnets in two zones; an NLB, a Classic LB, an internal
    NLB and a ClusterIP Service on it; a LoadBalancer Service on the default provider."""
    import pulumi_aws.ec2 as ec2
    import pulumi_aws.eks as eks

    subnets = [ec2.Subnet(f"private-{zone}", vpc_id="vpc-1", cidr_block=cidr, availability_zone=f"{region}{zone}")
               for zone, cidr in (("a", "10.0.0.0/20"), ("b", "10.0.16.0/20"))]
    cluster = eks.Cluster("eks", region=region, role_arn="arn:aws:iam::1:role/c",
                          vpc_config={"subnet_ids": [s.id for s in subnets]})
    k8s = _provider("eks-k8s", cluster.endpoint.apply(lambda e: f"apiVersion: v1\nclusters: [{e}]"))
    _service("public-nlb", k8s, annotations=NLB)
    _service("classic", k8s)
    _service("internal-nlb", k8s, annotations=AWS_INTERNAL)
    _service("in-cluster", k8s, kind="ClusterIP")
    _service("orphan", None)


def azure_program() -> None:
    """An AKS cluster in eastus; a public Service with one port, then one with five (six rules
    on the cluster's load balancer: one beyond the first five)."""
    import pulumi_azure_native.containerservice as containerservice

    cluster = containerservice.ManagedCluster("aks", resource_group_name="rg", location="eastus",
                                              dns_prefix="aks", agent_pool_profiles=[
                                                  {"name": "system", "mode": "System",
                                                   "vm_size": "Standard_D4s_v5", "count": 1}])
    k8s = _provider("aks-k8s", cluster.name.apply(lambda n: f"apiVersion: v1\nclusters: [{n}]"))
    _service("web", k8s)
    _service("api", k8s, ports=5)
    _service("in-cluster", k8s, kind="ClusterIP")


def gcp_program(location: str = "us-central1") -> None:
    """A GKE cluster in `location` (a region) and one public Service on it."""
    import pulumi_gcp.container as container

    cluster = container.Cluster("gke", location=location, initial_node_count=1)
    k8s = _provider("gke-k8s", cluster.endpoint.apply(lambda e: f"apiVersion: v1\nclusters: [{e}]"))
    _service("chat", k8s)


def stray_provider_program() -> None:
    """A LoadBalancer Service whose provider's kubeconfig comes from no cluster of the program."""
    _service("stray", _provider("stray-k8s", pulumi.Output.from_input("apiVersion: v1")))
