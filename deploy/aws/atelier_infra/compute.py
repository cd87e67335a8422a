"""ECS on Fargate: one image, four roles (the container command picks web, worker, scheduler
or migrate; the image's ENTRYPOINT is `tini -- /app/deploy/entrypoint.sh`).

- web: behind an internet-facing ALB (HTTPS, HTTP redirects), health check on /healthz,
  CPU target tracking between webCount and webMaxCount;
- worker: scaled on the app's own queue depth (`Atelier/QueueDepth`, which the scheduler
  publishes as EMF log lines) between workerMinCount and workerMaxCount;
- scheduler: exactly one task; max 100% / min 0% so a deploy stops the old task before the
  new one starts and two schedulers never overlap (the Redis lock is the second guard);
- migrate: a task definition only, run before a deploy (README, run_migrate.sh).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Size
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.aws_applicationautoscaling import AdjustmentType, ScalingInterval
from constructs import Construct

from atelier_infra.config import DeployConfig
from atelier_infra.nag import suppress
from atelier_infra.network import Network, retention

WEB_PORT = 8000
ROLES = ("web", "worker", "scheduler", "migrate")
NAMESPACE = "Atelier"  # the app's own metrics (EMF and log metric filters)
QUEUE_DEPTH = "QueueDepth"


@dataclass(frozen=True)
class RoleSize:
    cpu: int
    memory: int


class Compute(Construct):
    """`cluster`, `task_definitions`, `services`, `log_groups`, `load_balancer`, `target_group`,
    `web_sg` and `backend_sg` (the tasks' security groups)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig,
                 network: Network, roles: dict[str, iam.IRole], environment: dict[str, str],
                 secrets: dict[str, ecs.Secret], log_bucket: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        self.config, self.network = config, network
        vpc = network.vpc
        self.cluster = ecs.Cluster(self, "Cluster", vpc=vpc,
                                   container_insights_v2=ecs.ContainerInsights.ENABLED)
        self.web_sg = ec2.SecurityGroup(self, "WebSg", vpc=vpc,
                                        description="Atelier web tasks: from the ALB only")
        self.backend_sg = ec2.SecurityGroup(self, "BackendSg", vpc=vpc,
                                            description="Atelier worker/scheduler/migrate: "
                                                        "no inbound")
        self.log_groups = {role: logs.LogGroup(
            self, f"{role.capitalize()}Logs", retention=retention(config.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY) for role in ROLES}
        self.image = self._image()
        sizes = {"web": RoleSize(config.web_cpu, config.web_memory),
                 "worker": RoleSize(config.worker_cpu, config.worker_memory),
                 "scheduler": RoleSize(config.scheduler_cpu, config.scheduler_memory),
                 "migrate": RoleSize(config.migrate_cpu, config.migrate_memory)}
        per_role = {
            # Only the ALB can reach gunicorn (web security group), so trust its X-Forwarded-*.
            "web": {"WEB_CONCURRENCY": str(config.web_concurrency),
                    "GUNICORN_THREADS": str(config.gunicorn_threads), "PORT": str(WEB_PORT),
                    "FORWARDED_ALLOW_IPS": "*"},
            "worker": {"ATELIER_WORKER_PROCESSES": str(config.worker_processes),
                       "ATELIER_WORKER_THREADS": str(config.worker_threads)},
        }
        self.task_definitions = {role: self._task_definition(
            role, sizes[role], roles[role], {**environment, **per_role.get(role, {})}, secrets)
            for role in ROLES}
        self._load_balancer(log_bucket)
        self.services = self._services(config.bootstrap)

    # --- image, task definitions ----------------------------------------------------------

    def _image(self) -> ecs.ContainerImage:
        """From ECR, so the execution role gets pull rights on exactly that repository."""
        parts = self.config.ecr_image()
        if parts is None:
            return ecs.ContainerImage.from_registry(self.config.image_uri)
        arn = (f"arn:aws:ecr:{parts['region']}:{parts['account']}:repository/{parts['repo']}")
        repository = ecr.Repository.from_repository_attributes(
            self, "Repository", repository_arn=arn, repository_name=parts["repo"])
        return ecs.ContainerImage.from_ecr_repository(repository,
                                                      parts["tag"] or parts["digest"])

    def _task_definition(self, role: str, size: RoleSize, task_role: iam.IRole,
                         environment: dict[str, str], secrets: dict[str, ecs.Secret]
                         ) -> ecs.FargateTaskDefinition:
        definition = ecs.FargateTaskDefinition(
            self, f"{role.capitalize()}Task", family=f"{self.config.stack_name.lower()}-{role}",
            cpu=size.cpu, memory_limit_mib=size.memory, task_role=task_role,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX))
        # The root file system is read-only; /tmp (ATELIER_VAR_DIR=/tmp/atelier) is a
        # task-local scratch volume.
        definition.add_volume(name="tmp")
        container = definition.add_container(
            "app", image=self.image, command=[role],
            environment=environment, secrets=secrets,
            readonly_root_filesystem=True,
            logging=ecs.LogDrivers.aws_logs(
                stream_prefix=role, log_group=self.log_groups[role],
                mode=ecs.AwsLogDriverMode.NON_BLOCKING,
                max_buffer_size=Size.mebibytes(25)),
            # Longer than gunicorn's 30 s graceful timeout, so in-flight requests finish;
            # Fargate's ceiling (120 s) for workers, whose unfinished jobs are swept later.
            stop_timeout=Duration.seconds(120 if role == "worker" else 45),
            port_mappings=[ecs.PortMapping(container_port=WEB_PORT)] if role == "web" else None,
        )
        container.add_mount_points(ecs.MountPoint(container_path="/tmp", source_volume="tmp",
                                                  read_only=False))
        suppress(definition, "AwsSolutions-ECS2",
                 "Only non-secret configuration is set as environment; every secret comes "
                 "from Secrets Manager through the task's `secrets`.")
        if definition.execution_role is not None:
            suppress(definition.execution_role, "AwsSolutions-IAM5",
                     "ecr:GetAuthorizationToken supports only Resource \"*\" (granted by CDK "
                     "for the ECR image pull).", applies_to=["Resource::*"])
        return definition

    # --- load balancer --------------------------------------------------------------------

    def _load_balancer(self, log_bucket: s3.IBucket) -> None:
        vpc = self.network.vpc
        alb_sg = ec2.SecurityGroup(self, "AlbSg", vpc=vpc, allow_all_outbound=False,
                                   description="Atelier ALB: HTTPS (and the HTTP redirect)")
        for port in (443, 80):
            alb_sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(port),
                                    f"public {port}")
        suppress(alb_sg, "AwsSolutions-EC23",
                 "The internet-facing ALB must accept 443 (and 80, redirected) from anyone.")
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self, "Alb", vpc=vpc, internet_facing=True, security_group=alb_sg,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            drop_invalid_header_fields=True)
        self.load_balancer.log_access_logs(log_bucket, prefix="alb")
        self.target_group = elbv2.ApplicationTargetGroup(
            self, "WebTargets", vpc=vpc, port=WEB_PORT, protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(path="/healthz", healthy_http_codes="200",
                                           interval=Duration.seconds(15),
                                           timeout=Duration.seconds(5),
                                           healthy_threshold_count=2,
                                           unhealthy_threshold_count=3))
        self.load_balancer.add_listener(
            "Https", port=443, protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[elbv2.ListenerCertificate.from_arn(self.config.certificate_arn)],
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS, open=False,
            default_target_groups=[self.target_group])
        self.load_balancer.add_redirect(source_port=80, target_port=443, open=False)

    # --- services -------------------------------------------------------------------------

    def _service(self, role: str, count: int, security_group: ec2.ISecurityGroup,
                 **options: object) -> ecs.FargateService:
        return ecs.FargateService(
            self, f"{role.capitalize()}Service", cluster=self.cluster,
            task_definition=self.task_definitions[role], desired_count=count,
            vpc_subnets=self.network.tasks, security_groups=[security_group],
            assign_public_ip=False,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
            **options)  # type: ignore[arg-type]

    def _services(self, bootstrap: bool) -> dict[str, ecs.FargateService]:
        config = self.config
        web_min = 0 if bootstrap else config.web_count
        web = self._service("web", web_min, self.web_sg,
                            health_check_grace_period=Duration.seconds(60),
                            min_healthy_percent=100, max_healthy_percent=200)
        web.attach_to_application_target_group(self.target_group)
        web_scaling = web.auto_scale_task_count(
            min_capacity=web_min, max_capacity=0 if bootstrap else config.web_max_count)
        web_scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=60,
                                             scale_in_cooldown=Duration.minutes(5),
                                             scale_out_cooldown=Duration.minutes(1))

        worker_min = 0 if bootstrap else config.worker_min_count
        worker = self._service("worker", worker_min, self.backend_sg,
                               min_healthy_percent=100, max_healthy_percent=200)
        worker_scaling = worker.auto_scale_task_count(
            min_capacity=worker_min, max_capacity=0 if bootstrap else config.worker_max_count)
        depth = config.worker_scale_out_queue_depth
        worker_scaling.scale_on_metric(
            "QueueDepth", metric=queue_depth_metric(),
            adjustment_type=AdjustmentType.CHANGE_IN_CAPACITY,
            cooldown=Duration.minutes(2), evaluation_periods=3,
            # Three minutes of an empty queue: one fewer; of a backlog: one more; of a large
            # backlog: three more.
            scaling_steps=[ScalingInterval(upper=0, change=-1),
                           ScalingInterval(lower=depth, change=+1),
                           ScalingInterval(lower=depth * 5, change=+3)])

        scheduler = self._service("scheduler", 0 if bootstrap else 1, self.backend_sg,
                                  min_healthy_percent=0, max_healthy_percent=100)
        return {"web": web, "worker": worker, "scheduler": scheduler}


def queue_depth_metric() -> cloudwatch.Metric:
    """Messages waiting on all queues, from the scheduler's EMF lines (no dimensions)."""
    return cloudwatch.Metric(namespace=NAMESPACE, metric_name=QUEUE_DEPTH,
                             statistic="Maximum", period=Duration.minutes(1))
