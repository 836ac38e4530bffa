"""Invokes real programs make, used the way they use them: the dependent resource previews with
plausible, non-empty inputs (issue 18: security groups with no VPC, load balancers with no
subnets). Each program would fail, or silently lose data, on an empty answer."""

from __future__ import annotations

import base64
import json
import re

import pulumi

from aiscale.preview.engine import run_inline
from aiscale.preview.fake_values import FAKE_SECRET_PREFIX
from aiscale.preview.report import build_report

AWS = {"aws:region": "eu-west-1"}
AZURE = {"azure-native:location": "westeurope"}
GCP = {"gcp:project": "acme-dev", "gcp:region": "europe-west4"}


def test_default_vpc_id_feeds_a_security_group():
    def program() -> None:
        import pulumi_aws as aws

        vpc = aws.ec2.get_vpc(default=True)
        aws.ec2.SecurityGroup("web", vpc_id=vpc.id, ingress=[{
            "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [vpc.cidr_block]}])

    result = run_inline(program, config=AWS)
    group = result.one("aws:ec2/securityGroup:SecurityGroup")
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", group.inputs["vpcId"])
    assert group.inputs["ingress"][0]["cidrBlocks"] == ["172.31.0.0/16"]
    assert "aws:ec2/getVpc:getVpc" not in result.synthesized_invokes, "getVpc is answered by hand"


def test_subnet_ids_feed_a_load_balancer_across_the_region_zones():
    def program() -> None:
        import pulumi_aws as aws

        vpc = aws.ec2.get_vpc(default=True)
        subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
        aws.lb.LoadBalancer("api", load_balancer_type="application", subnets=subnets.ids)

    balancer = run_inline(program, config=AWS).one("aws:lb/loadBalancer:LoadBalancer")
    subnets = balancer.inputs["subnets"]
    assert len(subnets) >= 2, "an application load balancer needs subnets in two zones"
    assert len(set(subnets)) == len(subnets) and all(re.fullmatch(r"subnet-[0-9a-f]{17}", s) for s in subnets)


def test_route53_zone_feeds_a_record():
    def program() -> None:
        import pulumi_aws as aws

        zone = aws.route53.get_zone(name="example.com")
        aws.route53.Record("api", zone_id=zone.zone_id, name=f"api.{zone.name}", type="CNAME",
                           ttl=300, records=["lb.example.com"])

    record = run_inline(program, config=AWS).one("aws:route53/record:Record")
    assert re.fullmatch(r"Z[0-9A-F]{13}", record.inputs["zoneId"])
    assert record.inputs["name"] == "api.example.com."


def test_resource_group_and_public_ip_feed_azure_resources():
    def program() -> None:
        import pulumi_azure_native as azure

        group = azure.resources.get_resource_group(resource_group_name="existing-rg")
        ip = azure.network.get_public_ip_address(resource_group_name=group.name, public_ip_address_name="gw")
        azure.network.NetworkSecurityGroup(
            "nsg", resource_group_name=group.name, location=group.location,
            security_rules=[{"name": "gw", "priority": 100, "direction": "Inbound", "access": "Allow",
                             "protocol": "Tcp", "source_address_prefix": ip.ip_address,
                             "source_port_range": "*", "destination_address_prefix": "*",
                             "destination_port_range": "443"}])

    nsg = run_inline(program, config=AZURE).one("azure-native:network:NetworkSecurityGroup")
    assert nsg.inputs["resourceGroupName"] == "existing-rg"
    assert nsg.inputs["location"] == "westeurope"
    assert nsg.inputs["securityRules"][0]["sourceAddressPrefix"] == "203.0.113.10"


def _app_settings_program(settings) -> None:
    import pulumi_azure_native as azure

    azure.web.WebAppApplicationSettings("settings", name="app", resource_group_name="rg",
                                        properties=settings(azure))


def test_storage_keys_sas_and_cosmos_keys_are_obviously_fake_and_reach_the_app():
    def settings(azure):
        keys = azure.storage.list_storage_account_keys(resource_group_name="rg", account_name="acct")
        sas = azure.storage.list_storage_account_service_sas(
            resource_group_name="rg", account_name="acct", canonicalized_resource="/blob/acct/models",
            resource="c", permissions="r", shared_access_expiry_time="2030-01-01T00:00:00Z")
        cosmos = azure.cosmosdb.list_database_account_keys(resource_group_name="rg", account_name="db")
        return {"STORAGE": f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={keys.keys[0].value}",
                "MODELS": f"https://acct.blob.core.windows.net/models?{sas.service_sas_token}",
                "COSMOS": cosmos.primary_master_key}

    settings_record = run_inline(lambda: _app_settings_program(settings), config=AZURE).one(
        "azure-native:web:WebAppApplicationSettings")
    properties = settings_record.inputs["properties"]
    assert properties["STORAGE"].endswith("AccountKey=" + properties["STORAGE"].split("AccountKey=")[1])
    assert properties["STORAGE"].split("AccountKey=")[1].startswith(FAKE_SECRET_PREFIX)
    assert "sig=" + FAKE_SECRET_PREFIX in properties["MODELS"]
    assert properties["COSMOS"].startswith(FAKE_SECRET_PREFIX)


def test_logic_app_callback_url_is_a_plausible_https_url():
    def settings(azure):
        url = azure.logic.list_workflow_trigger_callback_url(
            resource_group_name="rg", workflow_name="ingest", trigger_name="manual")
        return {"HOOK": url.value, "METHOD": url.method}

    properties = run_inline(lambda: _app_settings_program(settings), config=AZURE).one(
        "azure-native:web:WebAppApplicationSettings").inputs["properties"]
    assert properties["HOOK"].startswith("https://prod-00.westeurope.logic.azure.com/workflows/")
    assert "/triggers/manual/" in properties["HOOK"] and properties["METHOD"] == "POST"


def test_aks_admin_kubeconfig_configures_a_kubernetes_provider():
    def program() -> None:
        import pulumi_azure_native as azure
        import pulumi_kubernetes as k8s

        credentials = azure.containerservice.list_managed_cluster_admin_credentials(
            resource_group_name="rg", resource_name="aks")
        kubeconfig = base64.b64decode(credentials.kubeconfigs[0].value).decode()
        k8s.Provider("aks", kubeconfig=kubeconfig)

    provider = run_inline(program, config=AZURE).one("pulumi:providers:kubernetes")
    kubeconfig = provider.inputs["kubeconfig"]
    assert "server: https://aks.privatelink.westeurope.azmk8s.io:443" in kubeconfig
    assert "name: clusterAdmin" in kubeconfig


def test_gcp_image_feeds_an_instance_boot_disk():
    def program() -> None:
        import pulumi_gcp as gcp

        image = gcp.compute.get_image(family="debian-12", project="debian-cloud")
        gcp.compute.Instance("vm", machine_type="e2-small", zone="europe-west4-a",
                             boot_disk={"initialize_params": {"image": image.self_link}},
                             network_interfaces=[{"network": "default"}])

    instance = run_inline(program, config=GCP).one("gcp:compute/instance:Instance")
    image = instance.inputs["bootDisk"]["initializeParams"]["image"]
    assert re.fullmatch(r"https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-[\w-]+",
                        image)


def test_an_invoke_without_a_hand_answer_is_synthesized_and_listed_in_the_report():
    def program() -> None:
        import pulumi_aws as aws

        gateway = aws.ec2.get_internet_gateway(filters=[{"name": "attachment.vpc-id", "values": ["vpc-1"]}])
        aws.ec2.Route("default", route_table_id="rtb-1", destination_cidr_block="0.0.0.0/0",
                      gateway_id=gateway.internet_gateway_id)
        pulumi.export("owner", gateway.owner_id)
        pulumi.export("arn", gateway.arn)

    first, second = run_inline(program, config=AWS), run_inline(program, config=AWS)
    route = first.one("aws:ec2/route:Route")
    assert re.fullmatch(r"igw-[0-9a-f]{17}", route.inputs["gatewayId"])
    assert first.outputs["owner"] == "123456789012"
    assert first.outputs["arn"].startswith("arn:aws:ec2:eu-west-1:123456789012:")
    assert first.synthesized_invokes == ["aws:ec2/getInternetGateway:getInternetGateway"]
    assert build_report(first)["invokes"] == {"synthesized": ["aws:ec2/getInternetGateway:getInternetGateway"]}
    assert json.dumps(build_report(first), sort_keys=True) == json.dumps(build_report(second), sort_keys=True), \
        "the same program gets the same answers"


def test_kubernetes_yaml_is_decoded_offline():
    def program() -> None:
        import pulumi_kubernetes  # noqa: F401 - the SDK whose invoke this is

        text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n---\nkind: ConfigMap\n"
        pulumi.export("decoded", pulumi.runtime.invoke("kubernetes:yaml:decode", {"text": text}).value)

    result = run_inline(program)
    assert result.outputs["decoded"] == {"result": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ml"}}, {"kind": "ConfigMap"}]}
    assert not result.warnings


def test_the_cli_names_the_synthesized_invokes_and_the_report_lists_them(tmp_path):
    from tests.conftest import run_cli

    (tmp_path / "Pulumi.yaml").write_text("name: gateway\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "gateway = aws.ec2.get_internet_gateway(filters=[{'name': 'attachment.vpc-id', 'values': ['vpc-1']}])\n"
        "aws.ec2.Route('default', route_table_id='rtb-1', destination_cidr_block='0.0.0.0/0',\n"
        "              gateway_id=gateway.internet_gateway_id)\n"
        "vpc = aws.ec2.get_vpc(default=True)\n")
    report_file = tmp_path / "report.json"
    done = run_cli("preview", "--cwd", str(tmp_path), "--json", str(report_file))
    assert done.returncode == 0, done.stderr
    assert ("Invokes answered from their SDK result type only (plausible, not real): "
            "aws:ec2/getInternetGateway:getInternetGateway") in done.stdout
    report = json.loads(report_file.read_text())
    assert report["invokes"] == {"synthesized": ["aws:ec2/getInternetGateway:getInternetGateway"]}
