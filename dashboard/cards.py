"""Image cards: an asset as the dashboard's grids (contact sheet, Library, compare) show it.

Each card is the API's shape (assets/serializers.py's `asset_body`: links only for images
cleared for delivery) plus what people read: the prompt, the model's display name, the
moderation state and stage in words, the image's share of its job's price, when it was made,
and the `src`/`srcset` of its thumbnail and small WebP renditions (the grid loads lazily the
smallest that is sharp enough). A list's renditions are read in one query for all its cards
and its jobs' prompt, SKU and price come joined in (`with_job_facts`), so a page of cards
costs the same queries for 2 images as for 48.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.timezone import get_current_timezone

from assets.delivery import LinkSigner, download_filename
from assets.models import Asset, Rendition
from assets.serializers import RenditionRow, asset_body, renditions_by_asset
from dashboard.access import Page
from dashboard.formatting import clipped, model_name, moment, money, per_image, status_label
from generation.models import Job

_ANY_ID = "00000000-0000-0000-0000-000000000000"
SRCSET_MAX_WIDTH = 960  # a grid cell is at most ~20rem wide: 2x of it is enough
# The `sizes` of a grid cell: two columns on a phone, 15-20rem columns from 48rem up.
GRID_SIZES = "(min-width: 48rem) 20rem, 50vw"


def with_job_facts(assets: QuerySet[Asset]) -> QuerySet[Asset]:
    """`assets` with their job's prompt, SKU, price and image count joined in (cards show
    them): no query per card."""
    return assets.annotate(card_sku=F("job__sku"), card_job_cost=F("job__estimated_cost_usd"),
                           card_job_n=F("job__n"), card_prompt=F("job__prompt"))


def _srcset(made: list[RenditionRow], signer: LinkSigner) -> tuple[str | None, str]:
    """The thumbnail's link and a srcset of it and the small WebP renditions."""
    thumb, entries = None, []
    for row in made:
        wanted = (row.kind == Rendition.Kind.THUMBNAIL
                  or (row.format == "webp" and row.width <= SRCSET_MAX_WIDTH))
        if not wanted:
            continue
        url = signer.url(row.storage_key, download_filename(row.storage_key))
        if row.kind == Rendition.Kind.THUMBNAIL:
            thumb = url
        entries.append((row.width, url))
    entries.sort()
    return thumb, ", ".join(f"{url} {width}w" for width, url in entries)


def asset_cards(page: Page, assets: Any, *, renditions: bool = False,
                job: Job | None = None,
                made: Mapping[Any, list[RenditionRow]] | None = None) -> list[dict[str, Any]]:
    """Cards of `assets` (of the page's tenant). `renditions`: the asset page's full list of
    web renditions too; `job`: the one job all of them belong to (its page), else their
    job's facts come from with_job_facts() (or are left blank); `made`: their renditions by
    asset id when the caller has read them (else read here, in one query)."""
    assets = list(assets)
    if made is None:
        made = renditions_by_asset(assets, tenant=page.tenant)
    signer = LinkSigner(base_url=page.request.build_absolute_uri("/"))
    zone = get_current_timezone()
    pattern = reverse("dashboard-asset", args=[page.tenant.slug, _ANY_ID])
    cards = []
    for asset in assets:
        rows = made.get(asset.pk, [])
        card = asset_body(asset, rows, signer=signer, zone=zone, renditions=renditions)
        card["href"] = pattern.replace(_ANY_ID, card["id"])
        thumb, srcset = _srcset(rows, signer) if card["url"] else (None, "")
        card["src"] = thumb or card["url"]
        card["srcset"] = srcset
        card["sizes"] = GRID_SIZES
        card.update(_facts(asset, job))
        cards.append(card)
    return cards


def _facts(asset: Asset, job: Job | None) -> dict[str, Any]:
    sku: Any
    cost: Any
    n: Any
    prompt: Any
    if job is not None:
        sku, cost, n, prompt = job.sku, job.estimated_cost_usd, job.n, job.prompt
    else:
        sku, cost, n, prompt = (getattr(asset, name, None) for name in (
            "card_sku", "card_job_cost", "card_job_n", "card_prompt"))
    price: Decimal | None = per_image(cost, n)
    prompt = prompt or (asset.parameters or {}).get("prompt", "")
    status, stage = status_label(asset.moderation_status), status_label(asset.stage)
    return {
        "prompt": prompt,
        "title": clipped(prompt, 60), "alt": clipped(prompt, 100) or "Generated image",
        "summary": clipped(prompt, 180) or "(no prompt)",
        "state": f"{status}, {stage.lower()}",
        "sku": sku or "",
        "model_name": model_name(asset.model_key),
        "status_label": status,
        "stage_label": stage,
        "price": money(price) if price is not None else "—",
        "made": moment(asset.created_at),
    }
