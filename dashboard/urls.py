"""The merchant dashboard's URLs: sign-in, then every page under /t/<tenant slug>/."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard import account as tenant_views
from dashboard import batches as batch_views
from dashboard import jobs as views
from dashboard import prompts, studio
from dashboard import templates as template_views
from dashboard import trials as trial_views
from dashboard.library import library
from dashboard.usage import usage_page
from dashboard.verify import verify_page

tenant_pages = [
    path("", views.generate, name="dashboard-generate"),
    path("generate/fields", views.generate_fields, name="dashboard-generate-fields"),
    path("generate/estimate", views.estimate, name="dashboard-estimate"),
    path("generate/improve", prompts.improve_prompt, name="dashboard-improve-prompt"),
    path("jobs/<uuid:job_id>/", views.job_page, name="dashboard-job"),
    path("jobs/<uuid:job_id>/sheet", views.job_sheet, name="dashboard-job-sheet"),
    path("jobs/<uuid:job_id>/archive", views.job_archive, name="dashboard-job-archive"),
    path("jobs/<uuid:job_id>/promote", views.job_promote, name="dashboard-job-promote"),
    path("images/selection", studio.selection_action, name="dashboard-selection"),
    path("images/compare", studio.compare, name="dashboard-compare"),
    path("images/<uuid:asset_id>/", views.asset_page, name="dashboard-asset"),
    path("images/<uuid:asset_id>/derived", views.asset_derived, name="dashboard-asset-derived"),
    path("images/<uuid:asset_id>/refine", views.refine, name="dashboard-refine"),
    path("images/<uuid:asset_id>/estimate", views.editor_estimate,
         name="dashboard-editor-estimate"),
    path("images/<uuid:asset_id>/check", views.asset_check, name="dashboard-asset-check"),
    path("images/<uuid:asset_id>/promote", views.promote, name="dashboard-promote"),
    path("images/<uuid:asset_id>/download", views.download, name="dashboard-download"),
    path("library/", library, name="dashboard-library"),
    path("templates/", template_views.template_list, name="dashboard-templates"),
    path("templates/new", template_views.template_form, name="dashboard-template-new"),
    path("templates/fields", template_views.template_fields, name="dashboard-template-fields"),
    path("templates/<uuid:template_id>/", template_views.template_form,
         name="dashboard-template-edit"),
    path("templates/<uuid:template_id>/delete", template_views.template_delete,
         name="dashboard-template-delete"),
    path("templates/<uuid:template_id>/try", template_views.template_try,
         name="dashboard-template-try"),
    path("batches/", batch_views.batch_list, name="dashboard-batches"),
    path("batches/new", batch_views.batch_new, name="dashboard-batch-new"),
    path("batches/<uuid:batch_id>/", batch_views.batch_page, name="dashboard-batch"),
    path("batches/<uuid:batch_id>/progress", batch_views.progress_panel,
         name="dashboard-batch-progress"),
    path("batches/<uuid:batch_id>/cancel", batch_views.batch_cancel,
         name="dashboard-batch-cancel"),
    path("batches/<uuid:batch_id>/archive", batch_views.batch_archive,
         name="dashboard-batch-archive"),
    path("batches/<uuid:batch_id>/promote", batch_views.batch_promote,
         name="dashboard-batch-promote"),
    path("trials/", trial_views.trial_list, name="dashboard-trials"),
    path("trials/estimate", trial_views.trial_estimate, name="dashboard-trial-estimate"),
    path("trials/<uuid:trial_id>/", trial_views.trial_page, name="dashboard-trial"),
    path("trials/<uuid:trial_id>/favourite", trial_views.trial_favourite,
         name="dashboard-trial-favourite"),
    path("trials/<uuid:trial_id>/adopt", trial_views.trial_adopt, name="dashboard-trial-adopt"),
    path("usage/", usage_page, name="dashboard-usage"),
    path("settings/", tenant_views.settings_page, name="dashboard-settings"),
    path("settings/keys", tenant_views.create_key, name="dashboard-create-key"),
    path("settings/keys/<uuid:key_id>/revoke", tenant_views.revoke_key,
         name="dashboard-revoke-key"),
    path("settings/webhooks", tenant_views.create_webhook, name="dashboard-create-webhook"),
    path("settings/credentials", tenant_views.update_credentials,
         name="dashboard-update-credentials"),
    path("settings/editor", tenant_views.update_editor_settings,
         name="dashboard-update-editor-settings"),
    path("settings/webhooks/<uuid:endpoint_id>/delete", tenant_views.delete_webhook,
         name="dashboard-delete-webhook"),
]

urlpatterns = [
    path("", tenant_views.home, name="dashboard-home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch", tenant_views.switch, name="dashboard-switch"),
    path("verify", verify_page, name="verify"),  # public: no sign-in
    path("t/<slug:slug>/", include(tenant_pages)),
]
