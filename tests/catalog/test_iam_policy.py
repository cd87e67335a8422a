"""`manage.py iam_policy`: least privilege for exactly the callable catalog entries."""

import json

from django.core.management import call_command

from catalog.spec import catalog


def policy(capsys, *args):
    call_command("iam_policy", "--account", "123456789012", "--region", "us-east-1", *args)
    return json.loads(capsys.readouterr().out)


def test_policy_allows_invoke_on_each_callable_model_only(capsys):
    document = policy(capsys)
    statement, _fleet = document["Statement"]
    assert statement["Action"] == ["bedrock:InvokeModel"]
    resources = statement["Resource"]
    assert "*" not in resources
    assert "arn:aws:bedrock:us-west-2::foundation-model/stability.sd3-5-large-v1:0" in resources
    assert ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
            "us.stability.stable-image-erase-object-v1:0") in resources
    for region in ("us-east-1", "us-east-2", "us-west-2"):
        assert (f"arn:aws:bedrock:{region}::foundation-model/"
                "stability.stable-image-erase-object-v1:0") in resources
    retired = [spec.model_id for spec in catalog() if spec.state() == "eol"]
    assert retired and not any(model_id in arn for arn in resources for model_id in retired)


def test_retired_models_can_be_included_and_moderation_services_appear_when_enabled(
        capsys, settings):
    settings.ATELIER_GUARDRAIL_ID = "gr-123"
    settings.ATELIER_REKOGNITION = True
    document = policy(capsys, "--include-retired")
    actions = [statement["Action"][0] for statement in document["Statement"]]
    assert actions == ["bedrock:InvokeModel", "bedrock:ListFoundationModels",
                       "bedrock:ApplyGuardrail", "rekognition:DetectModerationLabels"]
    assert any("amazon.nova-canvas-v1:0" in arn for arn in document["Statement"][0]["Resource"])
    assert document["Statement"][2]["Resource"] == [
        "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-123"]


def test_the_policy_and_the_deployment_share_one_list_of_model_arns(capsys):
    from catalog.iam import invoke_model_resources

    statement = policy(capsys)["Statement"][0]
    assert statement["Resource"] == invoke_model_resources("123456789012", "us-east-1")


def test_the_model_sync_may_read_the_control_plane_and_nothing_more(capsys):
    """manage.py sync_models calls these four read-only actions (docs/bedrock.md)."""
    fleet = policy(capsys)["Statement"][1]
    assert fleet["Action"] == ["bedrock:ListFoundationModels", "bedrock:GetFoundationModel",
                               "bedrock:GetFoundationModelAvailability",
                               "bedrock:ListInferenceProfiles"]
    assert all(action.startswith(("bedrock:List", "bedrock:Get")) for action in fleet["Action"])


def test_bedrock_regions_leave_out_models_called_elsewhere_but_keep_profile_routes():
    from catalog.iam import invoke_model_resources

    everywhere = invoke_model_resources("123456789012", "us-east-1")
    home_only = invoke_model_resources("123456789012", "us-east-1", ["us-east-1"])
    # sd3.5-large is offered only in us-west-2: called there, so left out of us-east-1 only.
    assert any("sd3-5-large" in arn for arn in everywhere)
    assert not any("sd3-5-large" in arn for arn in home_only)
    # A us. inference profile called from us-east-1 still needs every Region it routes to.
    assert set(home_only) < set(everywhere)
    for region in ("us-east-1", "us-east-2", "us-west-2"):
        assert (f"arn:aws:bedrock:{region}::foundation-model/"
                "stability.stable-image-erase-object-v1:0") in home_only


def test_the_prompt_assistants_text_model_is_allowed_only_when_configured(capsys, settings):
    assert not any(s["Sid"] == "InvokePromptAssistantModel"
                   for s in policy(capsys)["Statement"])
    settings.ATELIER_PROMPT_MODEL = "amazon.nova-lite-v1:0"
    [plain] = [s for s in policy(capsys)["Statement"] if s["Sid"] == "InvokePromptAssistantModel"]
    assert plain["Resource"] == ["arn:aws:bedrock:us-east-1::foundation-model/"
                                 "amazon.nova-lite-v1:0"]
    settings.ATELIER_PROMPT_MODEL = "us.amazon.nova-lite-v1:0"
    [profile] = [s for s in policy(capsys)["Statement"]
                 if s["Sid"] == "InvokePromptAssistantModel"]
    assert profile["Action"] == ["bedrock:InvokeModel"]
    assert profile["Resource"] == [
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
        "arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0"]
