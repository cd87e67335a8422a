"""The VPC: two AZs, public subnets for the load balancer and NAT, private subnets for the
tasks, isolated subnets for PostgreSQL and Redis, and VPC endpoints so that Bedrock, ECR,
Secrets Manager, CloudWatch Logs and S3 traffic never leaves the AWS network through the NAT.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from atelier_infra.config import DeployConfig

TASKS = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
DATA = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)

# Interface endpoints the tasks use: model calls and guardrails (bedrock-runtime), image pulls
# (ECR API + registry), secrets injected at start (Secrets Manager) and logs (awslogs driver).
INTERFACE_ENDPOINTS = {
    "BedrockRuntime": ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
    "EcrApi": ec2.InterfaceVpcEndpointAwsService.ECR,
    "EcrDocker": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    "SecretsManager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    "Logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
}


class Network(Construct):
    """The VPC and its endpoints; `tasks` and `data` are the subnet selections to use."""

    tasks = TASKS
    data = DATA

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        flow_logs = logs.LogGroup(self, "FlowLogs", retention=retention(config.log_retention_days),
                                  removal_policy=RemovalPolicy.DESTROY)
        self.vpc = ec2.Vpc(
            self, "Vpc",
            ip_addresses=ec2.IpAddresses.cidr("10.40.0.0/16"),
            availability_zones=list(config.azs),
            nat_gateways=config.nat_gateways,
            restrict_default_security_group=True,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC,
                                        cidr_mask=24),
                ec2.SubnetConfiguration(name="tasks",
                                        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
                                        cidr_mask=20),
                ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED,
                                        cidr_mask=24),
            ],
            gateway_endpoints={"S3": ec2.GatewayVpcEndpointOptions(
                service=ec2.GatewayVpcEndpointAwsService.S3, subnets=[TASKS])},
            flow_logs={"All": ec2.FlowLogOptions(
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
                traffic_type=ec2.FlowLogTrafficType.REJECT)},
        )
        self.endpoints = {
            name: self.vpc.add_interface_endpoint(name, service=service, subnets=TASKS,
                                                  private_dns_enabled=True, open=False)
            for name, service in INTERFACE_ENDPOINTS.items()
        }

    def allow_endpoints_from(self, *groups: ec2.ISecurityGroup) -> None:
        """HTTPS to the interface endpoints from the task security groups only (not the
        whole VPC CIDR)."""
        for endpoint in self.endpoints.values():
            for group in groups:
                endpoint.connections.allow_default_port_from(group, "Atelier tasks")


# CloudWatch Logs accepts only these retention periods (days).
RETENTION_DAYS = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS",
    30: "ONE_MONTH", 60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS",
    150: "FIVE_MONTHS", 180: "SIX_MONTHS", 365: "ONE_YEAR", 400: "THIRTEEN_MONTHS",
    545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS", 1827: "FIVE_YEARS",
    2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}


def retention(days: int) -> logs.RetentionDays:
    """The shortest CloudWatch retention that keeps logs at least `days` days."""
    allowed = sorted(RETENTION_DAYS)
    chosen = next((d for d in allowed if d >= days), allowed[-1])
    return logs.RetentionDays[RETENTION_DAYS[chosen]]
