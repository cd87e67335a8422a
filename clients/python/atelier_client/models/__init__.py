"""Contains all the data models used in inputs/outputs"""

from .action import Action
from .asset import Asset
from .asset_compliance import AssetCompliance
from .asset_event import AssetEvent
from .asset_event_data import AssetEventData
from .asset_event_type import AssetEventType
from .asset_stage_enum import AssetStageEnum
from .batch import Batch
from .batch_compliance import BatchCompliance
from .batch_counts import BatchCounts
from .batch_event import BatchEvent
from .batch_event_data import BatchEventData
from .batch_event_type import BatchEventType
from .batch_item import BatchItem
from .batch_item_formats_enum import BatchItemFormatsEnum
from .batch_item_params import BatchItemParams
from .batch_item_slots import BatchItemSlots
from .batch_packshot_result import BatchPackshotResult
from .batch_preset_summary import BatchPresetSummary
from .batch_request import BatchRequest
from .batch_result import BatchResult
from .batch_result_packshots_type_0 import BatchResultPackshotsType0
from .batch_results_page import BatchResultsPage
from .batch_results_page_results import BatchResultsPageResults
from .batch_source_enum import BatchSourceEnum
from .batch_status_enum import BatchStatusEnum
from .batch_step import BatchStep
from .batch_upload import BatchUpload
from .catalog_model import CatalogModel
from .catalog_model_operations import CatalogModelOperations
from .catalog_model_params import CatalogModelParams
from .change import Change
from .check import Check
from .code_enum import CodeEnum
from .compliance_rule import ComplianceRule
from .credentials import Credentials
from .download_batch_archive_stage import DownloadBatchArchiveStage
from .download_job_archive_stage import DownloadJobArchiveStage
from .error import Error
from .error_images_by_stage import ErrorImagesByStage
from .estimate import Estimate
from .estimate_params import EstimateParams
from .evidence_enum import EvidenceEnum
from .fallbacks import Fallbacks
from .fallbacks_fallbacks import FallbacksFallbacks
from .fix_enum import FixEnum
from .ingredient import Ingredient
from .job import Job
from .job_error import JobError
from .job_event import JobEvent
from .job_event_data import JobEventData
from .job_event_type import JobEventType
from .job_fallback import JobFallback
from .job_list import JobList
from .job_list_slots import JobListSlots
from .job_request import JobRequest
from .job_request_params import JobRequestParams
from .job_request_slots import JobRequestSlots
from .job_slots import JobSlots
from .job_stage_enum import JobStageEnum
from .job_status_enum import JobStatusEnum
from .kind_enum import KindEnum
from .list_assets_kind import ListAssetsKind
from .list_assets_moderation_status import ListAssetsModerationStatus
from .list_assets_ordering import ListAssetsOrdering
from .list_assets_stage import ListAssetsStage
from .list_batches_ordering import ListBatchesOrdering
from .list_jobs_ordering import ListJobsOrdering
from .list_jobs_stage import ListJobsStage
from .list_jobs_status import ListJobsStatus
from .list_templates_ordering import ListTemplatesOrdering
from .list_trials_ordering import ListTrialsOrdering
from .list_webhook_deliveries_ordering import ListWebhookDeliveriesOrdering
from .list_webhooks_ordering import ListWebhooksOrdering
from .manifest import Manifest
from .model import Model
from .model_catalog import ModelCatalog
from .model_input_limits import ModelInputLimits
from .model_lifecycle import ModelLifecycle
from .model_lifecycle_successors import ModelLifecycleSuccessors
from .model_lifecycle_successors_additional_property import ModelLifecycleSuccessorsAdditionalProperty
from .model_limits import ModelLimits
from .model_limits_aspect_ratios import ModelLimitsAspectRatios
from .model_operation import ModelOperation
from .model_param import ModelParam
from .model_price import ModelPrice
from .model_size_rule import ModelSizeRule
from .moderation_status_enum import ModerationStatusEnum
from .operation_enum import OperationEnum
from .paginated_asset_list import PaginatedAssetList
from .paginated_batch_list import PaginatedBatchList
from .paginated_job_list_list import PaginatedJobListList
from .paginated_template_list import PaginatedTemplateList
from .paginated_trial_summary_list import PaginatedTrialSummaryList
from .paginated_webhook_delivery_list import PaginatedWebhookDeliveryList
from .paginated_webhook_endpoint_list import PaginatedWebhookEndpointList
from .patched_template_request import PatchedTemplateRequest
from .ping_event import PingEvent
from .ping_event_data import PingEventData
from .ping_event_type import PingEventType
from .preset import Preset
from .preset_formats_enum import PresetFormatsEnum
from .preset_list import PresetList
from .price_unit_enum import PriceUnitEnum
from .prompt_assistant_usage import PromptAssistantUsage
from .prompt_suggest_request import PromptSuggestRequest
from .prompt_suggest_tokens import PromptSuggestTokens
from .prompt_suggestion import PromptSuggestion
from .prompt_suggestion_source_enum import PromptSuggestionSourceEnum
from .publisher import Publisher
from .quota import Quota
from .rendition import Rendition
from .row_error import RowError
from .rule import Rule
from .rule_enum import RuleEnum
from .scenes_enum import ScenesEnum
from .shadow_enum import ShadowEnum
from .state_enum import StateEnum
from .template import Template
from .template_request import TemplateRequest
from .trial import Trial
from .trial_adopt_request import TrialAdoptRequest
from .trial_cell import TrialCell
from .trial_cell_ref import TrialCellRef
from .trial_favourite_request import TrialFavouriteRequest
from .trial_image import TrialImage
from .trial_model import TrialModel
from .trial_request import TrialRequest
from .trial_row import TrialRow
from .trial_summary import TrialSummary
from .upload_base_64 import UploadBase64
from .upload_file import UploadFile
from .usage import Usage
from .usage_images import UsageImages
from .usage_spend import UsageSpend
from .use_enum import UseEnum
from .verdict_enum import VerdictEnum
from .verification import Verification
from .verify_upload import VerifyUpload
from .watermark import Watermark
from .webhook_create import WebhookCreate
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_status_enum import WebhookDeliveryStatusEnum
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_created import WebhookEndpointCreated
from .webhook_endpoint_rotated import WebhookEndpointRotated
from .webhook_rotate import WebhookRotate

__all__ = (
    "Action",
    "Asset",
    "AssetCompliance",
    "AssetEvent",
    "AssetEventData",
    "AssetEventType",
    "AssetStageEnum",
    "Batch",
    "BatchCompliance",
    "BatchCounts",
    "BatchEvent",
    "BatchEventData",
    "BatchEventType",
    "BatchItem",
    "BatchItemFormatsEnum",
    "BatchItemParams",
    "BatchItemSlots",
    "BatchPackshotResult",
    "BatchPresetSummary",
    "BatchRequest",
    "BatchResult",
    "BatchResultPackshotsType0",
    "BatchResultsPage",
    "BatchResultsPageResults",
    "BatchSourceEnum",
    "BatchStatusEnum",
    "BatchStep",
    "BatchUpload",
    "CatalogModel",
    "CatalogModelOperations",
    "CatalogModelParams",
    "Change",
    "Check",
    "CodeEnum",
    "ComplianceRule",
    "Credentials",
    "DownloadBatchArchiveStage",
    "DownloadJobArchiveStage",
    "Error",
    "ErrorImagesByStage",
    "Estimate",
    "EstimateParams",
    "EvidenceEnum",
    "Fallbacks",
    "FallbacksFallbacks",
    "FixEnum",
    "Ingredient",
    "Job",
    "JobError",
    "JobEvent",
    "JobEventData",
    "JobEventType",
    "JobFallback",
    "JobList",
    "JobListSlots",
    "JobRequest",
    "JobRequestParams",
    "JobRequestSlots",
    "JobSlots",
    "JobStageEnum",
    "JobStatusEnum",
    "KindEnum",
    "ListAssetsKind",
    "ListAssetsModerationStatus",
    "ListAssetsOrdering",
    "ListAssetsStage",
    "ListBatchesOrdering",
    "ListJobsOrdering",
    "ListJobsStage",
    "ListJobsStatus",
    "ListTemplatesOrdering",
    "ListTrialsOrdering",
    "ListWebhookDeliveriesOrdering",
    "ListWebhooksOrdering",
    "Manifest",
    "Model",
    "ModelCatalog",
    "ModelInputLimits",
    "ModelLifecycle",
    "ModelLifecycleSuccessors",
    "ModelLifecycleSuccessorsAdditionalProperty",
    "ModelLimits",
    "ModelLimitsAspectRatios",
    "ModelOperation",
    "ModelParam",
    "ModelPrice",
    "ModelSizeRule",
    "ModerationStatusEnum",
    "OperationEnum",
    "PaginatedAssetList",
    "PaginatedBatchList",
    "PaginatedJobListList",
    "PaginatedTemplateList",
    "PaginatedTrialSummaryList",
    "PaginatedWebhookDeliveryList",
    "PaginatedWebhookEndpointList",
    "PatchedTemplateRequest",
    "PingEvent",
    "PingEventData",
    "PingEventType",
    "Preset",
    "PresetFormatsEnum",
    "PresetList",
    "PriceUnitEnum",
    "PromptAssistantUsage",
    "PromptSuggestion",
    "PromptSuggestionSourceEnum",
    "PromptSuggestRequest",
    "PromptSuggestTokens",
    "Publisher",
    "Quota",
    "Rendition",
    "RowError",
    "Rule",
    "RuleEnum",
    "ScenesEnum",
    "ShadowEnum",
    "StateEnum",
    "Template",
    "TemplateRequest",
    "Trial",
    "TrialAdoptRequest",
    "TrialCell",
    "TrialCellRef",
    "TrialFavouriteRequest",
    "TrialImage",
    "TrialModel",
    "TrialRequest",
    "TrialRow",
    "TrialSummary",
    "UploadBase64",
    "UploadFile",
    "Usage",
    "UsageImages",
    "UsageSpend",
    "UseEnum",
    "VerdictEnum",
    "Verification",
    "VerifyUpload",
    "Watermark",
    "WebhookCreate",
    "WebhookDelivery",
    "WebhookDeliveryStatusEnum",
    "WebhookEndpoint",
    "WebhookEndpointCreated",
    "WebhookEndpointRotated",
    "WebhookRotate",
)
