"""The private image bucket (SSE-KMS with a customer-managed key, no public access, TLS only,
drafts expiring on the app's own tag), its access-log bucket, and CloudFront in front of it
serving only URLs the app signs."""

from __future__ import annotations

from aws_cdk import Annotations, Duration, RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from atelier_infra import appcode
from atelier_infra.config import DeployConfig
from atelier_infra.nag import suppress

PRICE_CLASSES = {"PriceClass_100": cloudfront.PriceClass.PRICE_CLASS_100,
                 "PriceClass_200": cloudfront.PriceClass.PRICE_CLASS_200,
                 "PriceClass_All": cloudfront.PriceClass.PRICE_CLASS_ALL}


class Storage(Construct):
    """`bucket`, `key`, `log_bucket`, `distribution`, `public_key`, `cdn_private_key`."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(self, "ImagesKey", alias=f"alias/{config.stack_name.lower()}-images",
                           description="Atelier: images bucket (SSE-KMS)",
                           enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
        self.log_bucket = self._log_bucket(config)
        tag_key, tag_value = appcode.draft_tag()
        self.bucket = s3.Bucket(
            self, "Images",
            encryption=s3.BucketEncryption.KMS, encryption_key=self.key, bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            server_access_logs_bucket=self.log_bucket, server_access_logs_prefix="s3/images/",
            removal_policy=RemovalPolicy.RETAIN,
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                              allowed_origins=[config.public_url], allowed_headers=["*"],
                              max_age=3600)],
            lifecycle_rules=[
                s3.LifecycleRule(id="atelier-expire-drafts", tag_filters={tag_key: tag_value},
                                 expiration=Duration.days(config.draft_retention_days)),
                s3.LifecycleRule(id="abort-incomplete-uploads",
                                 abort_incomplete_multipart_upload_after=Duration.days(7)),
            ],
        )
        self._cdn(config)

    def _log_bucket(self, config: DeployConfig) -> s3.Bucket:
        # S3 server access logs and ALB access logs accept only SSE-S3 on the target, and
        # CloudFront's standard logs need ACLs (owner-preferred), hence a separate bucket.
        bucket = s3.Bucket(
            self, "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            enforce_ssl=True, removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[s3.LifecycleRule(
                id="expire-access-logs",
                expiration=Duration.days(config.access_log_retention_days))],
        )
        suppress(bucket, "AwsSolutions-S1",
                 "This is the access-log bucket itself; logging it into itself would loop.")
        return bucket

    def _cdn(self, config: DeployConfig) -> None:
        self.public_key = cloudfront.PublicKey(
            self, "SigningKey", encoded_key=config.cdn_public_key(),
            comment="Atelier: verifies the app's signed download URLs")
        key_group = cloudfront.KeyGroup(self, "SigningKeys", items=[self.public_key])
        if config.cdn_private_key_secret_arn:
            self.cdn_private_key: secretsmanager.ISecret = (
                secretsmanager.Secret.from_secret_complete_arn(
                    self, "CdnPrivateKey", config.cdn_private_key_secret_arn))
        else:
            created = secretsmanager.Secret(
                self, "CdnPrivateKey",
                description="Atelier: CloudFront signing private key (PEM) - put the private "
                            "half of cdnPublicKeyPem here (README)")
            suppress(created, "AwsSolutions-SMG4",
                     "The CloudFront key pair is rotated by adding a new public key to the key "
                     "group and redeploying; Secrets Manager cannot mint it.")
            self.cdn_private_key = created
        certificate = (acm.Certificate.from_certificate_arn(self, "CdnCertificate",
                                                            config.cdn_certificate_arn)
                       if config.cdn_certificate_arn else None)
        self.distribution = cloudfront.Distribution(
            self, "Cdn",
            comment="Atelier images (signed URLs only)",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                trusted_key_groups=[key_group],
                compress=False,  # images are already compressed
            ),
            domain_names=[config.cdn_domain_name] if certificate else None,
            certificate=certificate,
            minimum_protocol_version=(cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
                                      if certificate else None),
            price_class=PRICE_CLASSES[config.cdn_price_class],
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True, log_bucket=self.log_bucket, log_file_prefix="cloudfront/",
        )
        Annotations.of(self).acknowledge_warning(
            "@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac",
            "The key policy lets CloudFront decrypt for this account's distributions only "
            "(AWS:SourceArn distribution/*); naming the one distribution would be circular.")
        if certificate is None:
            suppress(self.distribution, "AwsSolutions-CFR4",
                     "Without cdnDomainName the distribution uses the *.cloudfront.net "
                     "certificate, whose minimum TLS version CloudFront fixes; set "
                     "cdnDomainName/cdnCertificateArn for TLSv1.2_2021.")
        suppress(self.distribution, "AwsSolutions-CFR1",
                 "Images are served worldwide to the tenants' customers; no geo restriction.")
        suppress(self.distribution, "AwsSolutions-CFR2",
                 "Every request needs a URL signed by the app (trusted key group); a WAF adds "
                 "cost without a rule to apply.")

    @property
    def cdn_domain(self) -> str:
        """The host signed URLs use: the custom CDN domain or the distribution's own."""
        return self.distribution.domain_name
