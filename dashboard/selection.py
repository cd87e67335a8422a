"""Several images at once, as the dashboard's grids select them: compare two to four, promote
to final, download as one ZIP, delete. The rules: only the tenant's own generated images
(any id that is not one of them refuses the whole selection, as a 404 would), at most
MAX_SELECTION at a time; each image goes through the same service as one at a time
(`assets.services.promote_asset`, `delete_asset`; the ZIP is `assets.archives`' stream)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from assets import archives
from assets.models import Asset
from assets.services import delete_asset, promote_asset
from core.errors import InvalidParameter, NotFound
from tenants.models import Tenant

MAX_SELECTION = 100
COMPARE = (2, 4)


def chosen(tenant: Tenant, ids: Iterable[str]) -> QuerySet[Asset]:
    """The tenant's generated images named by `ids` (newest first); InvalidParameter for
    none, too many or a malformed id, NotFound if any id is not one of them."""
    wanted: list[uuid.UUID] = []
    for value in ids:
        try:
            parsed = uuid.UUID(str(value))
        except ValueError:
            raise InvalidParameter("ids: not an image id", field="ids") from None
        if parsed not in wanted:
            wanted.append(parsed)
    if not wanted:
        raise InvalidParameter("ids: select at least one image", field="ids")
    if len(wanted) > MAX_SELECTION:
        raise InvalidParameter(f"ids: select at most {MAX_SELECTION} images at a time",
                               field="ids")
    found = Asset.objects.for_tenant(tenant).filter(pk__in=wanted, kind=Asset.Kind.GENERATED)
    if found.count() != len(wanted):
        raise NotFound("ids: no such image", field="ids")
    return found


def compared(tenant: Tenant, ids: Iterable[str]) -> list[Asset]:
    """Two to four of the tenant's images, in the order they were chosen."""
    ids = list(ids)
    images = {str(asset.pk): asset for asset in chosen(tenant, ids).defer("moderation")}
    ordered = list(dict.fromkeys(str(uuid.UUID(str(value))) for value in ids))
    if not COMPARE[0] <= len(ordered) <= COMPARE[1]:
        raise InvalidParameter(f"ids: compare {COMPARE[0]} to {COMPARE[1]} images "
                               f"(got {len(ordered)})", field="ids")
    return [images[key] for key in ordered]


@dataclass(frozen=True)
class Promoted:
    """What promoting a selection did: `promoted` made final (or final already), `waiting`
    left as they were because they are not cleared for delivery (in review, rejected)."""

    promoted: int
    waiting: int


def promote(tenant: Tenant, ids: Iterable[str]) -> Promoted:
    """Promote the selected images cleared for delivery to final (promote_asset each)."""
    selection = chosen(tenant, ids)
    approved = list(selection.filter(moderation_status=Asset.Moderation.APPROVED)
                    .values_list("pk", flat=True))
    for asset_id in approved:
        promote_asset(tenant, asset_id)
    return Promoted(len(approved), selection.count() - len(approved))


def promote_drafts(tenant: Tenant, assets: QuerySet[Asset]) -> int:
    """Promote every approved draft among `assets` (a job's, a batch's) to final."""
    drafts = list(assets.filter(moderation_status=Asset.Moderation.APPROVED,
                                stage=Asset.Stage.DRAFT).order_by()
                  .values_list("pk", flat=True))
    for asset_id in drafts:
        promote_asset(tenant, asset_id)
    return len(drafts)


def delete(tenant: Tenant, ids: Iterable[str]) -> int:
    """Delete the selected images with their renditions (delete_asset each); how many."""
    selection = list(chosen(tenant, ids).values_list("pk", flat=True))
    for asset_id in selection:
        delete_asset(tenant, asset_id)
    return len(selection)


def archive(tenant: Tenant, ids: Iterable[str]) -> archives.Archive:
    """The selected images cleared for delivery as one streamed ZIP (every stage), by job;
    archives.EmptyArchive when none is."""
    return archives.build(chosen(tenant, ids), filename="atelier-selection.zip",
                          scope="selection")


def approved_by_stage(assets: QuerySet[Asset]) -> dict[str, int]:
    """How many of `assets` are cleared for delivery, per stage (every stage, zeros too):
    what an archive of them will hold. One grouped query."""
    found: dict[str, Any] = dict.fromkeys(Asset.Stage.values, 0)
    rows = (assets.filter(moderation_status=Asset.Moderation.APPROVED).order_by()
            .values("stage").annotate(n=Count("pk")))
    for row in rows:
        found[row["stage"]] += row["n"]
    return found
