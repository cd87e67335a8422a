"""Alarms on what hurts tenants, from the app's own signals, to one SNS topic.

The app logs JSON lines with an `event` field; metric filters on every role's log group turn
the events the infrastructure relies on into `Atelier/*` metrics. The scheduler publishes
`QueueDepth` and `QueueOldestAgeSeconds` itself (EMF). Alarms:

- web 5xx rate at the ALB's targets (percent of requests, ignored under 20 requests);
- queue age (the oldest waiting job); missing data counts as breaching, since the scheduler
  publishing nothing is itself an outage;
- Bedrock throttling (`bedrock.throttled` events, all models and Regions);
- moderation-service errors (`moderation.service_error`: Rekognition or Guardrails failing);
- a credit pool running out (`billing.credit_alert` with percent 100);
- no healthy web target.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from atelier_infra.compute import NAMESPACE
from atelier_infra.config import DeployConfig


@dataclass(frozen=True)
class LogEvent:
    """A JSON log event counted into `Atelier/<metric>`."""

    metric: str
    pattern: str


LOG_EVENTS = (
    LogEvent("BedrockThrottles", '{ $.event = "bedrock.throttled" }'),
    LogEvent("ModerationServiceErrors", '{ $.event = "moderation.service_error" }'),
    LogEvent("CreditPoolsExhausted",
             '{ ($.event = "billing.credit_alert") && ($.percent = 100) }'),
)


def _count(metric: str) -> cloudwatch.Metric:
    """Events counted per 5 minutes."""
    return cloudwatch.Metric(namespace=NAMESPACE, metric_name=metric, statistic="Sum",
                             period=Duration.minutes(5))


class Operations(Construct):
    """`topic` (alarm notifications), `alarms` by name, `metric_filters`."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig,
                 log_groups: dict[str, logs.ILogGroup],
                 target_group: elbv2.ApplicationTargetGroup) -> None:
        super().__init__(scope, construct_id)
        # CloudWatch can publish to an encrypted topic only with a customer-managed key
        # whose policy lets it use the key (the AWS-managed SNS key does not).
        key = kms.Key(self, "AlarmsKey", enable_key_rotation=True,
                      description="Atelier: alarm topic encryption")
        key.add_to_resource_policy(iam.PolicyStatement(
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")], resources=["*"]))
        self.topic = sns.Topic(self, "Alarms", display_name="Atelier alarms", master_key=key,
                               enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        self.metric_filters = [
            logs.MetricFilter(
                self, f"{event.metric}{role.capitalize()}", log_group=group,
                filter_pattern=logs.FilterPattern.literal(event.pattern),
                metric_namespace=NAMESPACE, metric_name=event.metric,
                metric_value="1", unit=cloudwatch.Unit.COUNT)
            for event in LOG_EVENTS for role, group in log_groups.items() if role != "migrate"]
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self._alarms(config, target_group)
        action = actions.SnsAction(self.topic)
        for alarm in self.alarms.values():
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)

    def _alarm(self, name: str, metric: cloudwatch.IMetric, threshold: float,
               description: str, *, periods: int = 1,
               comparison: cloudwatch.ComparisonOperator =
               cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
               missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING
               ) -> None:
        self.alarms[name] = cloudwatch.Alarm(
            self, name, metric=metric, threshold=threshold, evaluation_periods=periods,
            comparison_operator=comparison, treat_missing_data=missing,
            alarm_description=description)

    def _alarms(self, config: DeployConfig, target_group: elbv2.ApplicationTargetGroup) -> None:
        period = Duration.minutes(5)
        errors = target_group.metrics.http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT,
                                                       period=period, statistic="Sum")
        requests = target_group.metrics.request_count(period=period, statistic="Sum")
        self._alarm(
            "Web5xxRate",
            cloudwatch.MathExpression(
                expression="IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0)",
                using_metrics={"errors": errors, "requests": requests}, period=period,
                label="Target 5xx (% of requests)"),
            config.alarm_5xx_percent,
            f"Web targets answered 5xx to at least {config.alarm_5xx_percent}% of requests "
            "(5 minutes, 20+ requests).", periods=2)
        self._alarm(
            "NoHealthyWeb",
            target_group.metrics.healthy_host_count(period=Duration.minutes(1),
                                                    statistic="Minimum"),
            1, "No healthy web task behind the load balancer.", periods=3,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            missing=cloudwatch.TreatMissingData.BREACHING)
        self._alarm(
            "QueueAge",
            cloudwatch.Metric(namespace=NAMESPACE, metric_name="QueueOldestAgeSeconds",
                              statistic="Maximum", period=Duration.minutes(1)),
            config.queue_age_alarm_seconds,
            f"A job has waited {config.queue_age_alarm_seconds}s or more for a worker, or the "
            "scheduler stopped publishing queue metrics.", periods=5,
            missing=cloudwatch.TreatMissingData.BREACHING)
        self._alarm(
            "BedrockThrottling", _count("BedrockThrottles"), config.bedrock_throttle_alarm_count,
            f"{config.bedrock_throttle_alarm_count}+ Bedrock ThrottlingExceptions in 5 minutes: "
            "raise the model quota or lower ATELIER_MODEL_RPM__*.")
        self._alarm(
            "ModerationServiceErrors", _count("ModerationServiceErrors"),
            config.moderation_error_alarm_count,
            f"{config.moderation_error_alarm_count}+ failed Rekognition/Guardrails calls in 5 "
            "minutes: images are held for review instead of delivered.")
        self._alarm(
            "CreditPoolExhausted", _count("CreditPoolsExhausted"), 1,
            "A tenant's credit pool ran out (billing.credit_alert at 100%): its jobs stop.")
