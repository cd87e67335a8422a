"""Dashboard pages for several images at once: the grids' selection (compare, promote,
download as a ZIP, delete after a confirmation) and the comparison page. The rules are
`dashboard.selection`'s."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from core.errors import AtelierError, NotFound
from dashboard import selection
from dashboard.access import Page, tenant_page
from dashboard.cards import asset_cards, with_job_facts

ACTIONS = ("compare", "promote", "download", "delete")


def _back(page: Page) -> str:
    """Where the selection came from (a page of this tenant), else the Library."""
    wanted = page.request.POST.get("next", "")
    prefix = f"/t/{page.tenant.slug}/"
    if wanted.startswith(prefix) and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={page.request.get_host()}):
        return wanted
    return reverse("dashboard-library", args=[page.tenant.slug])


def _plural(count: int, word: str = "image") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@require_POST
@tenant_page("generate")
def selection_action(page: Page) -> HttpResponseBase:
    """The selected images (`ids`) with one of ACTIONS; deleting asks first (`confirm`)."""
    data = page.request.POST
    ids, action, back = data.getlist("ids"), data.get("action", ""), _back(page)
    if action not in ACTIONS:
        messages.error(page.request, "action: choose compare, promote, download or delete")
        return redirect(back)
    try:
        if action == "compare":
            chosen = selection.compared(page.tenant, ids)
            query = urlencode([("ids", str(asset.pk)) for asset in chosen])
            return redirect(f"{reverse('dashboard-compare', args=[page.tenant.slug])}?{query}")
        if action == "download":
            return selection.archive(page.tenant, ids).response()
        if action == "promote":
            done = selection.promote(page.tenant, ids)
            text = f"Promoted {_plural(done.promoted)} to final."
            if done.waiting:
                text += (f" {_plural(done.waiting)} not cleared for delivery yet "
                         f"{'stays a draft' if done.waiting == 1 else 'stay drafts'}.")
            messages.success(page.request, text)
            return redirect(back)
        if data.get("confirm") != "yes":
            chosen_cards = asset_cards(page, with_job_facts(selection.chosen(page.tenant, ids)))
            return page.render("dashboard/confirm.html", {
                "title": "Delete images?", "heading": f"Delete {_plural(len(chosen_cards))}?",
                "explain": "The originals, their renditions and their records are deleted. "
                           "This cannot be undone; the jobs that made them stay listed.",
                "action": reverse("dashboard-selection", args=[page.tenant.slug]),
                "fields": [("action", "delete"), ("next", back),
                           *(("ids", card["id"]) for card in chosen_cards)],
                "button": f"Delete {_plural(len(chosen_cards))}", "cancel": back,
                "cards": chosen_cards})
        deleted = selection.delete(page.tenant, ids)
        messages.success(page.request, f"Deleted {_plural(deleted)}.")
        return redirect(back)
    except NotFound:
        raise Http404("no such image") from None
    except AtelierError as exc:  # archives.EmptyArchive included: it says what there is
        messages.error(page.request, exc.message)
        return redirect(back)


@tenant_page("library")
def compare(page: Page) -> HttpResponseBase:
    """Two to four images side by side, with what made each."""
    try:
        chosen = selection.compared(page.tenant, page.request.GET.getlist("ids"))
    except NotFound:
        raise Http404("no such image") from None
    except AtelierError as exc:
        messages.error(page.request, exc.message)
        return redirect("dashboard-library", page.tenant.slug)
    found = {card["id"]: card for card in asset_cards(
        page, with_job_facts(selection.chosen(page.tenant, [str(a.pk) for a in chosen])),
        renditions=True)}
    cards = [found[str(asset.pk)] for asset in chosen]
    return page.render("dashboard/compare.html", {"title": "Compare", "cards": cards})
