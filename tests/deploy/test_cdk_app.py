"""The AWS CDK app in deploy/aws: synthesized once (offline, explicit account and Region),
then its template checked for the properties the deployment promises, linted with cfn-lint
and checked by cdk-nag's AwsSolutions pack.

The CDK packages are heavy and installed only in CI (requirements-ci.txt): without them these
tests skip, and with CI=true they fail instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from typing import Any

import pytest

from assets.bucket import DRAFT_TAG, DRAFT_TAG_KEY, DRAFT_TAG_VALUE
from tests.deploy.cdk_support import (
    ACCOUNT,
    BEDROCK_REGIONS,
    CERTIFICATE,
    DOMAIN,
    REGION,
    SIZES,
    Synth,
    as_list,
    context,
    public_key_pem,
    require_cdk,
    resources,
    role_policies,
    service_for,
    synthesize,
    task_definitions,
)

PROMPT_MODEL = "us.amazon.nova-lite-v1:0"


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """One synthesis for the whole module (it takes seconds, not milliseconds), of a
    deployment whose prompt assistant calls a text model through a US profile."""
    require_cdk()
    return synthesize(tmp_path_factory.mktemp("cdk.out"),
                      environment={"ATELIER_PROMPT_MODEL": PROMPT_MODEL})


@pytest.fixture(scope="module")
def template(synth: Synth):
    from aws_cdk.assertions import Template

    return Template.from_json(synth.template)


# --- synthesis ------------------------------------------------------------------------------

def test_app_synthesizes_quickly_and_cleanly(synth):
    assert synth.error is None, f"synthesis failed: {synth.error}"
    assert synth.seconds < 90, f"synthesis took {synth.seconds:.0f}s"


def test_cfn_lint_finds_no_errors_in_any_template(synth):
    templates = sorted(synth.outdir.glob("*.template.json"))
    assert templates
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())",
         "--format", "json", *map(str, templates)],
        capture_output=True, text=True, timeout=300)
    findings = json.loads(result.stdout or "[]")
    errors = [f"{f['Rule']['Id']} {f['Filename']}:{f['Location']['Start']['LineNumber']} "
              f"{f['Message']}" for f in findings if f["Level"] == "Error"]
    assert not errors, "\n".join(errors)
    assert result.returncode in (0, 4, 8, 12), result.stderr  # 4/8: warnings/informational


def test_cdk_nag_aws_solutions_has_no_unsuppressed_errors(synth):
    reports = sorted(synth.outdir.glob("AwsSolutions-*NagReport.csv"))
    assert reports, "cdk-nag wrote no report"
    rows = [row for report in reports for row in csv.DictReader(report.open())]
    failing = [f"{r['Rule ID']} {r['Resource ID']}: {r['Rule Info']}" for r in rows
               if r["Compliance"] == "Non-Compliant" and r["Rule Level"] == "Error"]
    assert not failing, "\n".join(failing)
    unexplained = [r["Rule ID"] for r in rows
                   if r["Compliance"] == "Suppressed" and len(r["Exception Reason"]) < 30]
    assert not unexplained, f"suppressions without a written reason: {unexplained}"


# --- storage --------------------------------------------------------------------------------

def images_bucket(synth: Synth) -> tuple[str, dict[str, Any]]:
    (found,) = [(name, body["Properties"]) for name, body in
                resources(synth, "AWS::S3::Bucket").items()
                if "LifecycleConfiguration" in body["Properties"]
                and "KMSMasterKeyID" in json.dumps(body["Properties"])]
    return found


def test_images_bucket_is_private_and_encrypted_with_a_rotating_customer_key(synth):
    name, bucket = images_bucket(synth)
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True}
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    default = rule["ServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    key_id = default["KMSMasterKeyID"]["Fn::GetAtt"][0]
    assert synth.template["Resources"][key_id]["Type"] == "AWS::KMS::Key"
    assert synth.template["Resources"][key_id]["Properties"]["EnableKeyRotation"] is True
    logs = bucket["LoggingConfiguration"]["DestinationBucketName"]["Ref"]
    assert logs != name and synth.template["Resources"][logs]["Type"] == "AWS::S3::Bucket"


def test_drafts_expire_on_the_apps_own_tag_after_the_configured_days(synth):
    assert DRAFT_TAG == (DRAFT_TAG_KEY, DRAFT_TAG_VALUE)
    _, bucket = images_bucket(synth)
    rules = [r for r in bucket["LifecycleConfiguration"]["Rules"] if "TagFilters" in r]
    assert rules == [{"Id": "atelier-expire-drafts", "Status": "Enabled",
                      "ExpirationInDays": SIZES["draftRetentionDays"],
                      "TagFilters": [{"Key": DRAFT_TAG_KEY, "Value": DRAFT_TAG_VALUE}]}]


def test_the_apps_draft_tag_is_the_one_the_lifecycle_rule_uses():
    from assets.models import Asset
    from assets.services import tags_for
    from tenants.models import Tenant

    assert Asset.Stage.DRAFT == DRAFT_TAG_VALUE
    draft = Asset(stage=Asset.Stage.DRAFT, tenant=Tenant(slug="acme"))
    assert (DRAFT_TAG_KEY, tags_for(draft)[DRAFT_TAG_KEY]) == DRAFT_TAG


def test_images_bucket_policy_refuses_plain_http(synth):
    name, _ = images_bucket(synth)
    (policy,) = [body["Properties"] for body in resources(synth, "AWS::S3::BucketPolicy").values()
                 if body["Properties"]["Bucket"] == {"Ref": name}]
    assert any(s["Effect"] == "Deny" and s["Action"] == "s3:*"
               and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy["PolicyDocument"]["Statement"])


def test_cloudfront_serves_signed_urls_only_through_an_origin_access_control(synth, template):
    template.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
    (key,) = resources(synth, "AWS::CloudFront::PublicKey").values()
    assert key["Properties"]["PublicKeyConfig"]["EncodedKey"].strip() == synth.public_key.strip()
    (distribution,) = resources(synth, "AWS::CloudFront::Distribution").values()
    behavior = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["TrustedKeyGroups"] and behavior["ViewerProtocolPolicy"] == "https-only"


# --- network and data -----------------------------------------------------------------------

def test_vpc_has_two_azs_and_endpoints_for_s3_bedrock_ecr_secrets_and_logs(synth):
    subnets = resources(synth, "AWS::EC2::Subnet").values()
    assert {s["Properties"]["AvailabilityZone"] for s in subnets} == {f"{REGION}a",
                                                                      f"{REGION}b"}
    endpoints = {(e["Properties"].get("VpcEndpointType", "Gateway"),
                  json.dumps(e["Properties"]["ServiceName"]).rstrip('"]}').rsplit(".", 1)[-1])
                 for e in resources(synth, "AWS::EC2::VPCEndpoint").values()}
    assert endpoints == {("Gateway", "s3"), ("Interface", "bedrock-runtime"),
                         ("Interface", "api"), ("Interface", "dkr"),
                         ("Interface", "secretsmanager"), ("Interface", "logs")}


def test_postgres_is_encrypted_backed_up_and_protected_from_deletion(template):
    from aws_cdk.assertions import Match

    template.has_resource_properties("AWS::RDS::DBInstance", {
        "Engine": "postgres", "StorageEncrypted": True,
        "BackupRetentionPeriod": SIZES["dbBackupRetentionDays"], "DeletionProtection": True,
        "PubliclyAccessible": False, "MasterUserPassword": Match.any_value()})


def test_redis_encrypts_at_rest_and_in_transit_and_requires_its_auth_token(synth):
    (redis,) = resources(synth, "AWS::ElastiCache::ReplicationGroup").values()
    properties = redis["Properties"]
    assert properties["AtRestEncryptionEnabled"] is True
    assert properties["TransitEncryptionEnabled"] is True
    assert "resolve:secretsmanager" in json.dumps(properties["AuthToken"])


# --- compute --------------------------------------------------------------------------------

def test_one_image_four_roles_read_only_root_with_writable_tmp(synth):
    definitions = task_definitions(synth)
    assert set(definitions) == {"web", "worker", "scheduler", "migrate"}
    for _, container in definitions.values():
        assert container["Image"] == definitions["web"][1]["Image"]
        assert container["ReadonlyRootFilesystem"] is True
        assert {"ContainerPath": "/tmp", "ReadOnly": False,
                "SourceVolume": "tmp"} in container["MountPoints"]
    services = [body["Properties"]["TaskDefinition"]["Ref"]
                for body in resources(synth, "AWS::ECS::Service").values()]
    assert definitions["migrate"][0] not in services  # run before a deploy, not a service


def test_alb_listens_on_https_and_checks_healthz(synth, template):
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::TargetGroup", {
        "HealthCheckPath": "/healthz", "Port": 8000, "TargetType": "ip"})
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::Listener", {
        "Protocol": "HTTPS", "Port": 443, "Certificates": [{"CertificateArn": CERTIFICATE}]})
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::Listener", {
        "Protocol": "HTTP", "Port": 80,
        "DefaultActions": [{"Type": "redirect", "RedirectConfig": {
            "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]})


def test_exactly_one_scheduler_and_never_two_during_a_deploy(synth):
    scheduler = service_for(synth, "scheduler")
    assert scheduler["DesiredCount"] == 1
    assert scheduler["DeploymentConfiguration"]["MaximumPercent"] == 100
    assert scheduler["DeploymentConfiguration"]["MinimumHealthyPercent"] == 0


def test_workers_scale_on_queue_depth_between_floor_and_ceiling(synth):
    targets = [t["Properties"] for t in resources(
        synth, "AWS::ApplicationAutoScaling::ScalableTarget").values()]
    assert any(t["MinCapacity"] == SIZES["workerMinCount"]
               and t["MaxCapacity"] == SIZES["workerMaxCount"] for t in targets)
    assert service_for(synth, "worker")["DesiredCount"] == SIZES["workerMinCount"]
    policies = [p["Properties"] for p in resources(
        synth, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
        if p["Properties"]["PolicyType"] == "StepScaling"]
    assert policies
    queue_alarms = [a["Properties"] for a in resources(synth, "AWS::CloudWatch::Alarm").values()
                    if a["Properties"].get("MetricName") == "QueueDepth"]
    assert queue_alarms and all(a["Namespace"] == "Atelier" for a in queue_alarms)


def test_every_task_gets_the_production_environment(synth):
    expected = {"ATELIER_ENV": "production", "ATELIER_PROVIDER": "bedrock",
                "ATELIER_REKOGNITION": "true", "AWS_REGION": REGION,
                "ATELIER_DRAFT_RETENTION_DAYS": str(SIZES["draftRetentionDays"]),
                "ALLOWED_HOSTS": DOMAIN, "CSRF_TRUSTED_ORIGINS": f"https://{DOMAIN}",
                "ATELIER_PUBLIC_URL": f"https://{DOMAIN}", "ATELIER_BEHIND_PROXY": "true",
                "ATELIER_VAR_DIR": "/tmp/atelier", "LOG_LEVEL": "INFO", "REDIS_TLS": "true"}
    derived = ("ATELIER_BUCKET", "ATELIER_KMS_KEY_ID", "ATELIER_CDN_DOMAIN",
               "ATELIER_CDN_KEY_ID", "ATELIER_GUARDRAIL_ID", "ATELIER_GUARDRAIL_VERSION",
               "REDIS_HOST", "REDIS_PORT")
    for role, (_, container) in task_definitions(synth).items():
        environment = {e["Name"]: e["Value"] for e in container["Environment"]}
        assert {k: environment.get(k) for k in expected} == expected, role
        assert all(environment.get(name) for name in derived), role


def test_secrets_are_injected_from_secrets_manager_field_by_field(synth):
    fields = {"DATABASE_HOST": "host", "DATABASE_PORT": "port", "DATABASE_NAME": "dbname",
              "DATABASE_USER": "username", "DATABASE_PASSWORD": "password",
              "STRIPE_API_KEY": "api_key", "STRIPE_WEBHOOK_SECRET": "webhook_secret",
              "ATELIER_C2PA_CERT": "cert", "ATELIER_C2PA_KEY": "key"}
    whole = ("SECRET_KEY", "REDIS_PASSWORD", "ATELIER_CDN_PRIVATE_KEY", "ATELIER_METRICS_TOKEN")
    for role, (_, container) in task_definitions(synth).items():
        secrets = {s["Name"]: json.dumps(s["ValueFrom"]) for s in container["Secrets"]}
        assert set(secrets) == set(fields) | set(whole), role
        for name, field in fields.items():
            assert f":{field}::" in secrets[name], (role, name)
        environment = {e["Name"] for e in container["Environment"]}
        assert not environment & set(secrets), role


# --- safety and IAM -------------------------------------------------------------------------

def test_guardrail_filters_text_and_images_and_denies_the_platform_topics(synth):
    from moderation.policy import platform

    (guardrail,) = resources(synth, "AWS::Bedrock::Guardrail").values()
    properties = guardrail["Properties"]
    filters = {f["Type"]: f for f in properties["ContentPolicyConfig"]["FiltersConfig"]}
    for category in ("SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT"):
        assert filters[category]["InputStrength"] == filters[category]["OutputStrength"] == "HIGH"
        assert set(filters[category]["InputModalities"]) == {"TEXT", "IMAGE"}
        assert set(filters[category]["OutputModalities"]) == {"TEXT", "IMAGE"}
    assert filters["PROMPT_ATTACK"]["InputStrength"] == "HIGH"
    assert filters["PROMPT_ATTACK"]["OutputStrength"] == "NONE"
    topics = properties["TopicPolicyConfig"]["TopicsConfig"]
    assert topics and all(t["Type"] == "DENY" for t in topics)
    examples = {example for t in topics for example in t.get("Examples", [])}
    terms = platform()["terms"]
    assert examples <= set(terms)
    words = [w["Text"] for w in properties["WordPolicyConfig"]["WordsConfig"]]
    assert words == terms
    (name,) = resources(synth, "AWS::Bedrock::Guardrail")
    (version,) = resources(synth, "AWS::Bedrock::GuardrailVersion").values()
    assert version["Properties"]["GuardrailIdentifier"] == {"Fn::GetAtt": [name, "GuardrailId"]}
    (_, web) = task_definitions(synth)["web"]
    environment = {e["Name"]: e["Value"] for e in web["Environment"]}
    assert environment["ATELIER_GUARDRAIL_ID"] == {"Fn::GetAtt": [name, "GuardrailId"]}
    (version_id,) = resources(synth, "AWS::Bedrock::GuardrailVersion")
    assert environment["ATELIER_GUARDRAIL_VERSION"] == {"Fn::GetAtt": [version_id, "Version"]}


def test_bedrock_statement_lists_exactly_the_catalogs_models(synth):
    from catalog.iam import CONTROL_PLANE_ACTIONS, invoke_model_resources

    expected = invoke_model_resources(ACCOUNT, REGION, BEDROCK_REGIONS)
    assert expected and "*" not in expected
    for prefix in ("TaskRolesWeb", "TaskRolesWorker"):
        (statement,) = [s for s in role_policies(synth, prefix)
                        if s.get("Sid") == "InvokeAtelierImageModels"]
        assert as_list(statement["Action"]) == ["bedrock:InvokeModel"]
        assert sorted(as_list(statement["Resource"])) == sorted(expected)
        assert len(as_list(statement["Resource"])) == len(expected)
    migrate = [a for s in role_policies(synth, "TaskRolesMigrate") for a in as_list(s["Action"])]
    assert not any(a.startswith("bedrock:") for a in migrate)
    # The scheduler only reads the control plane (the daily model sync): no call of a model.
    scheduler = [a for s in role_policies(synth, "TaskRolesScheduler")
                 for a in as_list(s["Action"]) if a.startswith("bedrock:")]
    assert sorted(scheduler) == sorted(CONTROL_PLANE_ACTIONS)
    assert all(a.startswith(("bedrock:List", "bedrock:Get")) for a in scheduler)


def test_the_prompt_assistants_text_model_is_invocable_by_web_and_worker_only(synth):
    from catalog.iam import prompt_model_resources

    expected = prompt_model_resources(PROMPT_MODEL, REGION, ACCOUNT)
    assert f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{PROMPT_MODEL}" in expected
    for prefix in ("TaskRolesWeb", "TaskRolesWorker"):
        (statement,) = [s for s in role_policies(synth, prefix)
                        if s.get("Sid") == "InvokePromptAssistantModel"]
        assert as_list(statement["Action"]) == ["bedrock:InvokeModel"]
        assert sorted(as_list(statement["Resource"])) == sorted(expected)
    for prefix in ("TaskRolesScheduler", "TaskRolesMigrate"):
        assert not [s for s in role_policies(synth, prefix)
                    if s.get("Sid") == "InvokePromptAssistantModel"]
    (_, web) = task_definitions(synth)["web"]
    assert {"Name": "ATELIER_PROMPT_MODEL", "Value": PROMPT_MODEL} in web["Environment"]


def test_only_web_may_read_tenants_buckets_and_never_this_accounts(synth):
    for prefix in ("TaskRolesWeb", "TaskRolesWorker", "TaskRolesScheduler", "TaskRolesMigrate"):
        found = [s for s in role_policies(synth, prefix)
                 if s.get("Sid") == "ReadTenantBucketPhotos"]
        if prefix != "TaskRolesWeb":
            assert not found
            continue
        (statement,) = found
        assert as_list(statement["Action"]) == ["s3:GetObject"]
        assert statement["Condition"] == {"StringNotEquals": {"s3:ResourceAccount": ACCOUNT}}


def test_an_unpriced_prompt_model_stops_synthesis_naming_the_setting(tmp_path):
    from atelier_infra import build_app

    with pytest.raises(Exception, match="ATELIER_PROMPT_MODEL"):
        build_app(context(cdnPublicKeyPem=public_key_pem(),
                          environment={"ATELIER_PROMPT_MODEL": "anthropic.unknown-v9"}),
                  outdir=str(tmp_path)).synth()


def test_no_policy_grants_bedrock_wildcards_and_moderation_is_scoped(synth):
    (guardrail,) = resources(synth, "AWS::Bedrock::Guardrail")
    for body in resources(synth, "AWS::IAM::Policy").values():
        for statement in body["Properties"]["PolicyDocument"]["Statement"]:
            actions = as_list(statement["Action"])
            assert not any(a in ("*", "bedrock:*") for a in actions), statement
            if "bedrock:InvokeModel" in actions:
                assert "*" not in as_list(statement["Resource"])
            if "bedrock:ApplyGuardrail" in actions:
                assert statement["Resource"] == {"Fn::GetAtt": [guardrail, "GuardrailArn"]}
            if "rekognition:DetectModerationLabels" in actions:
                assert actions == ["rekognition:DetectModerationLabels"]
    scheduler = [a for s in role_policies(synth, "TaskRolesScheduler")
                 for a in as_list(s["Action"])]
    assert "s3:PutObject" in scheduler and "kms:Decrypt" in scheduler


# --- operations -----------------------------------------------------------------------------

def test_log_groups_keep_logs_for_the_configured_days(synth):
    groups = resources(synth, "AWS::Logs::LogGroup").values()
    assert groups and all(g["Properties"]["RetentionInDays"] == SIZES["logRetentionDays"]
                          for g in groups)


def test_alarms_cover_5xx_queue_age_throttling_moderation_and_credits(synth):
    patterns = {f["Properties"]["FilterPattern"] for f in
                resources(synth, "AWS::Logs::MetricFilter").values()}
    assert patterns == {'{ $.event = "bedrock.throttled" }',
                        '{ $.event = "moderation.service_error" }',
                        '{ ($.event = "billing.credit_alert") && ($.percent = 100) }'}
    alarms = [a["Properties"] for a in resources(synth, "AWS::CloudWatch::Alarm").values()]
    named = {a.get("MetricName") for a in alarms}
    assert {"QueueOldestAgeSeconds", "BedrockThrottles", "ModerationServiceErrors",
            "CreditPoolsExhausted"} <= named
    assert any("HTTPCode_Target_5XX_Count" in json.dumps(a.get("Metrics", [])) for a in alarms)
    (topic,) = resources(synth, "AWS::SNS::Topic")
    notifying = [a for a in alarms if {"Ref": topic} in a.get("AlarmActions", [])]
    assert len(notifying) >= 6


def test_missing_context_names_the_keys():
    require_cdk()
    import aws_cdk as cdk
    from atelier_infra.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="domainName, certificateArn, imageUri"):
        load_config(cdk.App(context={"account": ACCOUNT, "region": REGION}).node)
