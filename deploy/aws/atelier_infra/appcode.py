"""What the infrastructure takes from the application's own code, never from a copy.

The Bedrock ARNs come from catalog.iam (the code behind `manage.py iam_policy`), the draft
tag from assets.bucket, the denied terms from the moderation policy file. Importing that code
needs Django set up; outside a Django process (the `cdk` CLI) this module sets it up in
development mode with a throw-away VAR_DIR, so a deployer's shell or `.env` that says
production cannot break synthesis.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parents[3]  # deploy/aws/atelier_infra -> the repository


def setup_django() -> None:
    """Make the app importable and Django configured (once; a test run already is)."""
    if str(APP_ROOT) not in sys.path:
        sys.path.insert(0, str(APP_ROOT))
    from django.conf import settings

    if settings.configured:
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["ATELIER_ENV"] = "development"
    os.environ.pop("DEBUG", None)
    os.environ["ATELIER_VAR_DIR"] = tempfile.mkdtemp(prefix="atelier-cdk-")
    import django

    django.setup()


def bedrock_resources(*, account: str, region: str, bedrock_regions: tuple[str, ...],
                      include_retired: bool, overrides: Mapping[str, str]) -> list[str]:
    """InvokeModel ARNs for the catalog as the tasks will see it: the catalog file with the
    ATELIER_MODEL_* overrides the deployment passes to the containers (and no others)."""
    setup_django()
    from catalog.iam import invoke_model_resources
    from catalog.spec import CATALOG_FILE, load_catalog

    models = load_catalog(CATALOG_FILE, environ={k: v for k, v in overrides.items()
                                                 if k.startswith("ATELIER_MODEL_")})
    return invoke_model_resources(account, region, bedrock_regions,
                                  include_retired=include_retired, models=models)


def unreachable_models(*, region: str, bedrock_regions: tuple[str, ...],
                       overrides: Mapping[str, str]) -> list[str]:
    """Active catalog models the deployment's Regions leave out (reported at synthesis)."""
    setup_django()
    from catalog.spec import CATALOG_FILE, load_catalog

    models = load_catalog(CATALOG_FILE, environ={k: v for k, v in overrides.items()
                                                 if k.startswith("ATELIER_MODEL_")})
    return [f"{spec.key} ({spec.region(region)})" for spec in models
            if spec.family != "local" and spec.state() != "eol"
            and spec.region(region) not in bedrock_regions]


def prompt_model_resources(*, account: str, region: str, model_id: str) -> list[str]:
    """InvokeModel ARNs for the prompt assistant's text model (ATELIER_PROMPT_MODEL), the same
    as `manage.py iam_policy` lists; a model the text model table lacks is refused here, as
    the app would refuse to call it."""
    setup_django()
    from catalog.iam import prompt_model_resources as resources
    from catalog.text_models import price_for

    price_for(model_id)
    return resources(model_id, region, account)


def control_plane_actions() -> list[str]:
    """The read-only Bedrock control-plane calls of `manage.py sync_models` (the scheduler)."""
    setup_django()
    from catalog.iam import CONTROL_PLANE_ACTIONS

    return list(CONTROL_PLANE_ACTIONS)


def draft_tag() -> tuple[str, str]:
    """The (key, value) object tag the app puts on drafts."""
    setup_django()
    from assets.bucket import DRAFT_TAG

    return DRAFT_TAG


def denied_terms() -> list[str]:
    """The platform's blocked prompt terms (moderation/policy.yaml, as the app loads it)."""
    setup_django()
    from moderation.policy import platform

    return list(platform()["terms"])
