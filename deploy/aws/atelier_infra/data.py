"""PostgreSQL (the system of record) and Redis (the job queue and rate limiters), both in the
isolated subnets, encrypted, reachable only from the task security groups."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from atelier_infra.config import DeployConfig
from atelier_infra.nag import suppress
from atelier_infra.network import Network, retention

DATABASE_NAME = "atelier"
REDIS_PORT = 6379


class Data(Construct):
    """`database` (with its RDS-generated `database.secret`), `redis` and `redis_token`."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig,
                 network: Network) -> None:
        super().__init__(scope, construct_id)
        vpc = network.vpc
        self.database_sg = ec2.SecurityGroup(self, "DatabaseSg", vpc=vpc, allow_all_outbound=False,
                                             description="PostgreSQL: from Atelier tasks only")
        self.redis_sg = ec2.SecurityGroup(self, "RedisSg", vpc=vpc, allow_all_outbound=False,
                                          description="Redis: from Atelier tasks only")
        # A fixed identifier lets the PostgreSQL log group exist (with its retention) before
        # RDS starts exporting to it, without CDK's log-retention Lambda.
        identifier = f"{config.stack_name.lower()}-postgres"
        postgres_logs = logs.LogGroup(
            self, "PostgresLogs", log_group_name=f"/aws/rds/instance/{identifier}/postgresql",
            retention=retention(config.log_retention_days), removal_policy=RemovalPolicy.DESTROY)
        self.database = rds.DatabaseInstance(
            self, "Postgres", instance_identifier=identifier,
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9),
            instance_type=ec2.InstanceType(config.db_instance_type),
            vpc=vpc, vpc_subnets=network.data, security_groups=[self.database_sg],
            database_name=DATABASE_NAME,
            credentials=rds.Credentials.from_generated_secret("atelier"),
            allocated_storage=config.db_allocated_storage,
            max_allocated_storage=config.db_max_allocated_storage,
            storage_type=rds.StorageType.GP3,
            storage_encrypted=True,
            multi_az=config.db_multi_az,
            backup_retention=Duration.days(config.db_backup_retention_days),
            deletion_protection=config.db_deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT,
            auto_minor_version_upgrade=True,
            publicly_accessible=False,
            cloudwatch_logs_exports=["postgresql"],
            parameter_group=rds.ParameterGroup(
                self, "Parameters",
                engine=rds.DatabaseInstanceEngine.postgres(
                    version=rds.PostgresEngineVersion.VER_17_9),
                parameters={"rds.force_ssl": "1"}),
        )
        self.database.node.add_dependency(postgres_logs)
        self._suppress_database(config)
        self.redis_token = secretsmanager.Secret(
            self, "RedisAuthToken",
            description="Atelier: Redis AUTH token (REDIS_PASSWORD)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True))
        suppress(self.redis_token, "AwsSolutions-SMG4",
                 "The token is handed to running tasks at start; rotating it would cut every "
                 "task off Redis until redeployed. Rotate with a planned deploy (README).")
        self.redis = self._redis(config, network)

    def _redis(self, config: DeployConfig, network: Network) -> elasticache.CfnReplicationGroup:
        subnets = elasticache.CfnSubnetGroup(
            self, "RedisSubnets", description="Atelier Redis (isolated subnets)",
            subnet_ids=network.vpc.select_subnets(
                subnet_type=ec2.SubnetType.PRIVATE_ISOLATED).subnet_ids)
        # Dramatiq keeps queued jobs in Redis without expiry and the scheduler's leader lock
        # has one: the default volatile-lru policy could evict that lock under memory
        # pressure (two schedulers). Refuse writes instead, which the alarms surface.
        parameters = elasticache.CfnParameterGroup(
            self, "RedisParameters", cache_parameter_group_family="redis7",
            description="Atelier: never evict queue or lock keys",
            properties={"maxmemory-policy": "noeviction"})
        replicated = config.cache_nodes > 1
        group = elasticache.CfnReplicationGroup(
            self, "Redis",
            replication_group_description="Atelier job queue and rate limiters",
            engine="redis", engine_version="7.1",
            cache_node_type=config.cache_node_type,
            num_cache_clusters=config.cache_nodes,
            automatic_failover_enabled=replicated,
            multi_az_enabled=replicated,
            cache_subnet_group_name=subnets.ref,
            cache_parameter_group_name=parameters.ref,
            security_group_ids=[self.redis_sg.security_group_id],
            port=REDIS_PORT,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            auth_token=self.redis_token.secret_value.unsafe_unwrap(),
            snapshot_retention_limit=1,
            auto_minor_version_upgrade=True,
        )
        rules = [("AwsSolutions-AEC5", "The port is not a secret: only the task security "
                  "groups can reach it, and the app reads REDIS_PORT.")]
        if not replicated:
            rules.append(("AwsSolutions-AEC4", "cacheNodes=1 (the small size) is one node by "
                          "choice; set cacheNodes=2 for a Multi-AZ replica with failover."))
        for rule, reason in rules:
            suppress(group, rule, reason)
        return group

    def _suppress_database(self, config: DeployConfig) -> None:
        suppress(self.database, "AwsSolutions-RDS11",
                 "The port is not a secret: only the task security groups can reach it, and "
                 "tasks read DATABASE_PORT from the generated secret.")
        if not config.db_multi_az:
            suppress(self.database, "AwsSolutions-RDS3",
                     "dbMultiAz=false (the small size) by choice; automated backups and "
                     "deletion protection stay on. Set dbMultiAz=true for a standby.")
        # On the instance: its generated secret is a child construct (`database.secret` is
        # the attachment, not the secret).
        if self.database.secret is not None:
            suppress(self.database, "AwsSolutions-SMG4",
                     "The credentials are injected into tasks at start; single-user rotation "
                     "would break running tasks' new connections. Rotate with a planned "
                     "deploy (README).")
