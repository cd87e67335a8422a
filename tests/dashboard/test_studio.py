"""The studio's grids: selecting images to compare, promote, download as one ZIP or delete
(after a confirmation), the Library's search, jobs' and batches' states in words with live
updates, archive buttons that say what they hold, and confirmations before revoking a key or
deleting a webhook. Each for the owner, another tenant's user (404) and anonymous (sign in)."""

from __future__ import annotations

import io
import zipfile
from typing import cast

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from assets.models import Asset
from generation.models import Job, WebhookEndpoint
from tenants.models import ApiKey
from tenants.services import authenticate_api_key
from tests.api.conftest import delivered_job
from tests.dashboard.helpers import deliver, delivered_batch
from tests.factories import JobFactory

SELECTION = "dashboard-selection"


def new_job(tenant, **fields) -> Job:
    """A queued local job of Acme's (JobFactory's, typed)."""
    return cast(Job, JobFactory(tenant=tenant, **fields))


def ids_of(job: Job) -> list[str]:
    return [str(pk) for pk in job.assets.order_by("index").values_list("pk", flat=True)]


def act(client, action: str, ids: list[str], slug: str = "acme", **extra):
    return client.post(reverse(SELECTION, args=[slug]), {"action": action, "ids": ids, **extra})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the selection ----------------------------------------------------------------------------

def test_compare_shows_two_to_four_images_side_by_side(browser, acme):
    job = delivered_job(acme.tenant, 5)
    ids = ids_of(job)
    answer = act(browser, "compare", ids[:3])
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("dashboard-compare", args=["acme"]))
    page = browser.get(answer["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "Compare 3 images" in html
    assert html.index(f"/t/acme/images/{ids[0]}/") < html.index(f"/t/acme/images/{ids[2]}/")
    assert "Atelier local renderer" in html and "<dt>Seed</dt>" in html
    for wrong in (ids[:1], ids):  # one, or five
        refused = act(browser, "compare", wrong, next="/t/acme/library/")
        assert refused["Location"] == "/t/acme/library/"
        shown = browser.get(refused["Location"])
        assert any("compare 2 to 4 images" in m for m in messages_of(shown))
    too_many = browser.get(reverse("dashboard-compare", args=["acme"]), {"ids": ids})
    assert too_many.status_code == 302


def test_bulk_promote_promotes_the_approved_and_says_what_it_left(browser, acme):
    job = new_job(acme.tenant, n=1, size="512x512")
    waiting = deliver(job, moderation=Asset.Moderation.PENDING_REVIEW)
    ready = delivered_job(acme.tenant, 2)
    chosen = [*ids_of(ready), str(waiting[0].pk)]
    answer = act(browser, "promote", chosen, next=f"/t/acme/jobs/{ready.pk}/")
    assert answer["Location"] == f"/t/acme/jobs/{ready.pk}/"
    assert set(Asset.objects.for_tenant(acme.tenant).filter(job=ready)
               .values_list("stage", flat=True)) == {"final"}
    waiting[0].refresh_from_db()
    assert waiting[0].stage == "draft"
    said = messages_of(browser.get(answer["Location"]))
    assert said == ["Promoted 2 images to final. 1 image not cleared for delivery yet "
                    "stays a draft."]


def test_bulk_download_is_one_zip_of_the_selection(browser, acme):
    job = delivered_job(acme.tenant, 3)
    chosen = ids_of(job)[:2]
    for asset in Asset.objects.for_tenant(acme.tenant).filter(pk__in=chosen):
        default_storage.save(asset.storage_key, ContentFile(b"P" * asset.bytes))
    try:
        answer = act(browser, "download", chosen)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))).namelist()
        assert names[0] == "manifest.csv" and len(names) == 3
        assert all(name.startswith(f"{job.pk}/") for name in names[1:])
    finally:
        for asset in Asset.objects.for_tenant(acme.tenant).filter(pk__in=chosen):
            default_storage.delete(asset.storage_key)
    in_review = new_job(acme.tenant, n=1, size="512x512")
    deliver(in_review, moderation=Asset.Moderation.PENDING_REVIEW)
    empty = act(browser, "download", ids_of(in_review), next="/t/acme/library/")
    assert empty.status_code == 302
    said = messages_of(browser.get(empty["Location"]))
    assert "this selection has no images cleared for delivery yet" in said[0]


def test_bulk_delete_asks_first_then_deletes(browser, acme):
    job = delivered_job(acme.tenant, 3)
    chosen = ids_of(job)[:2]
    asked = act(browser, "delete", chosen, next=f"/t/acme/jobs/{job.pk}/")
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Delete 2 images?" in html and 'name="confirm" value="yes"' in html
    assert html.count('name="ids"') == 2 and f'href="/t/acme/jobs/{job.pk}/"' in html  # cancel
    assert Asset.objects.for_tenant(acme.tenant).filter(pk__in=chosen).count() == 2
    done = act(browser, "delete", chosen, confirm="yes", next=f"/t/acme/jobs/{job.pk}/")
    assert done["Location"] == f"/t/acme/jobs/{job.pk}/"
    assert list(Asset.objects.for_tenant(acme.tenant).values_list("pk", flat=True)) == [
        Asset.objects.for_tenant(acme.tenant).get().pk]
    assert messages_of(browser.get(done["Location"])) == ["Deleted 2 images."]


def test_a_selection_goes_back_only_to_the_tenants_own_pages(browser, acme):
    job = delivered_job(acme.tenant, 1)
    for unsafe in ("https://evil.example/", "//evil.example/t/acme/", "/t/globex/library/"):
        answer = act(browser, "promote", ids_of(job), next=unsafe)
        assert answer["Location"] == "/t/acme/library/", unsafe


def test_another_tenants_images_are_not_found_and_untouched(other, browser, acme, globex):
    job = delivered_job(acme.tenant, 2)
    ids = ids_of(job)
    for action in ("compare", "promote", "download", "delete"):
        assert act(other, action, ids, confirm="yes").status_code == 404, action
        assert act(other, action, ids, slug="globex", confirm="yes").status_code == 404, action
        # the owner's own selection with one foreign image: the whole of it is refused
        theirs = delivered_job(globex.tenant, 1)
        assert act(browser, action, [ids[0], *ids_of(theirs)],
                   confirm="yes").status_code == 404, action
    assert other.get(reverse("dashboard-compare", args=["globex"]),
                     {"ids": ids}).status_code == 404
    assert Asset.objects.for_tenant(acme.tenant).filter(stage="draft").count() == 2


def test_anonymous_is_sent_to_sign_in(client, acme):
    job = delivered_job(acme.tenant, 2)
    for action in ("promote", "delete"):
        answer = act(client, action, ids_of(job), confirm="yes")
        assert answer.status_code == 302 and "/login/" in answer["Location"]
    answer = client.get(reverse("dashboard-compare", args=["acme"]), {"ids": ids_of(job)})
    assert answer.status_code == 302 and "/login/" in answer["Location"]
    assert Asset.objects.for_tenant(acme.tenant).filter(stage="draft").count() == 2


def test_a_moderator_sees_the_library_but_cannot_act_on_a_selection(acme):
    from tests.dashboard.test_pages import member

    moderator = member(acme.tenant, "mod@acme.test", "moderator")
    job = delivered_job(acme.tenant, 2)
    library = moderator.get(reverse("dashboard-library", args=["acme"])).content.decode()
    assert 'id="selection"' not in library and 'name="ids"' not in library
    assert act(moderator, "delete", ids_of(job), confirm="yes").status_code == 403
    assert moderator.get(reverse("dashboard-compare", args=["acme"]),
                         {"ids": ids_of(job)}).status_code == 200


# --- the Library ------------------------------------------------------------------------------

def test_the_library_searches_prompts_and_skus(browser, acme, empty_queue):
    delivered_batch(acme.tenant, 3)  # prompts "a lamp number 0..2", SKUs SKU-0..2
    delivered_job(acme.tenant, 2, prompt="a wicker chair on a porch")
    url = reverse("dashboard-library", args=["acme"])

    def found(**query):
        return browser.get(url, query).context["cards"]

    assert len(found()) == 5
    assert {c["sku"] for c in found(q="SKU-1")} == {"SKU-1"}
    assert {c["prompt"] for c in found(q="WICKER")} == {"a wicker chair on a porch"}
    assert len(found(q="lamp number")) == 3
    assert found(q="nothing like this") == []
    html = browser.get(url, {"q": "nothing like this"}).content.decode()
    assert "No images match" in html
    card = found(q="SKU-2")[0]
    assert (card["model_name"], card["status_label"], card["price"]) == (
        "Atelier local renderer (offline, free)", "Approved", "$0.00")


def test_the_library_pages_keep_the_search(browser, acme, settings, monkeypatch):
    import dashboard.library

    monkeypatch.setattr(dashboard.library, "LIBRARY_PAGE_SIZE", 2)
    delivered_job(acme.tenant, 5, prompt="a teapot")
    html = browser.get(reverse("dashboard-library", args=["acme"]), {"q": "teapot"}
                       ).content.decode()
    assert "Page 1 of 3" in html and 'href="?q=teapot&amp;page=2"' in html
    assert "5 images match" in html


# --- jobs: states in words, live, what the archive holds ---------------------------------------

def test_a_job_waiting_for_review_says_so_and_keeps_updating(browser, acme):
    job = new_job(acme.tenant, n=4, size="512x512")
    made = deliver(job, moderation=Asset.Moderation.PENDING_REVIEW)
    Asset.objects.for_tenant(acme.tenant).filter(pk=made[0].pk).update(
        moderation_status=Asset.Moderation.APPROVED)
    html = browser.get(reverse("dashboard-job", args=["acme", job.pk])).content.decode()
    assert "Waiting for review (3 of 4)" in html and ">Succeeded<" not in html
    assert 'hx-trigger="every 5s"' in html  # still live: a moderator's decision shows up
    assert "Pending review" in html and "Pendingreview" not in html
    assert "Download 1 approved image (ZIP)" in html
    Asset.objects.for_tenant(acme.tenant).update(moderation_status=Asset.Moderation.APPROVED)
    sheet = browser.get(reverse("dashboard-job-sheet", args=["acme", job.pk])).content.decode()
    assert ">Succeeded<" in sheet and "hx-trigger" not in sheet


def test_the_job_header_reads_like_prose(browser, acme):
    job = delivered_job(acme.tenant, 2)
    Job.unscoped.filter(pk=job.pk).update(estimated_cost_usd="0.0800", model_key="sd3.5-large")
    html = browser.get(reverse("dashboard-job", args=["acme", job.pk])).content.decode()
    assert "Stable Diffusion 3.5 Large" in html and "estimated $0.08" in html
    assert "$0.0800" not in html
    assert "<time datetime=" in html and "data-local" in html
    assert "Text to image" in html and "text_to_image" not in html


def test_promote_all_drafts_of_a_job(browser, acme, other):
    job = delivered_job(acme.tenant, 3)
    url = reverse("dashboard-job-promote", args=["acme", job.pk])
    assert other.post(url).status_code == 404
    assert browser.get(url).status_code == 405
    browser.post(url)
    assert set(job.assets.values_list("stage", flat=True)) == {"final"}


def test_the_pick_page_shows_words_money_and_a_live_list_of_what_was_made(browser, acme):
    job = delivered_job(acme.tenant, 1)
    asset = job.assets.get()
    child = new_job(acme.tenant, n=1, size="512x512")
    Job.unscoped.filter(pk=child.pk).update(source_asset=asset)
    html = browser.get(reverse("dashboard-asset", args=["acme", asset.pk])).content.decode()
    assert "Atelier local renderer" in html and "<dt>Price</dt><dd>$0.00" in html
    assert reverse("dashboard-asset-derived", args=["acme", asset.pk]) in html
    live = browser.get(reverse("dashboard-asset-derived", args=["acme", asset.pk]))
    assert b'hx-trigger="every 2s"' in live.content and b"Queued" in live.content
    Job.unscoped.filter(pk=child.pk).update(status=Job.Status.SUCCEEDED)
    derived = browser.get(reverse("dashboard-asset-derived", args=["acme", asset.pk]))
    assert b"Succeeded" in derived.content and b"hx-trigger" not in derived.content


# --- batches -----------------------------------------------------------------------------------

def test_the_batch_table_is_live_until_done_and_speaks_words(browser, acme, empty_queue):
    batch = delivered_batch(acme.tenant, 3, finish=False)
    panel = reverse("dashboard-batch-progress", args=["acme", batch.pk])
    running = browser.get(panel).content.decode()
    assert 'hx-trigger="every 2s"' in running and 'id="batch-results"' in running
    table = running.split('id="batch-results"', 1)[1]
    assert table.count(">Queued<") == 3  # the rows, in words
    assert "Nothing to download yet" in running
    for job in Job.objects.for_tenant(acme.tenant).filter(batch=batch):
        deliver(job)
    from generation import batch_progress

    batch_progress.complete_if_done(batch.pk)
    done = browser.get(panel).content.decode()
    assert "hx-trigger" not in done
    assert done.count(">Succeeded<") == 3 and ">Queued<" not in done
    assert "running" not in done.lower()
    assert ">Completed<" in done


def test_the_batch_archive_button_says_what_it_holds_and_offers_to_promote(
        browser, acme, empty_queue, other):
    batch = delivered_batch(acme.tenant, 2)
    page = browser.get(reverse("dashboard-batch", args=["acme", batch.pk])).content.decode()
    assert "No finals yet: 2 approved drafts" in page
    assert "Promote 2 drafts to final" in page and "Download 2 drafts (ZIP)" in page
    assert "Download finals (ZIP)" not in page
    promote = reverse("dashboard-batch-promote", args=["acme", batch.pk])
    assert other.post(promote).status_code == 404
    browser.post(promote)
    page = browser.get(reverse("dashboard-batch", args=["acme", batch.pk])).content.decode()
    assert "Download 2 finals (ZIP, by SKU)" in page and "No finals yet" not in page


def test_the_batch_list_shows_money_words_and_local_times(browser, acme, empty_queue):
    delivered_batch(acme.tenant, 2, finish=False)
    html = browser.get(reverse("dashboard-batches", args=["acme"])).content.decode()
    assert "$0.00" in html and "$0.0000" not in html and ">Queued<" in html
    assert "<time datetime=" in html and 'hx-trigger="every 3s"' in html


# --- the estimate ------------------------------------------------------------------------------

def test_the_estimate_names_the_model_and_shows_money(browser, acme):
    answer = browser.post(reverse("dashboard-estimate", args=["acme"]),
                          {"model": "stable-image-ultra", "prompt": "a lamp", "n": "2"})
    html = answer.content.decode()
    assert "on Stable Image Ultra" in html and 'id="estimate-cost">$0.' in html
    assert "each)" in html
    refused = browser.post(reverse("dashboard-estimate", args=["acme"]),
                           {"model": "stable-image-ultra", "prompt": "a lamp", "n": "40"})
    assert b'id="estimate-error"' in refused.content and b"estimate-cost" not in refused.content


# --- confirmations before what cannot be undone -----------------------------------------------

def test_revoking_a_key_asks_first(browser, acme, other, client):
    key = acme.key.api_key
    url = reverse("dashboard-revoke-key", args=["acme", key.pk])
    settings_page = browser.get(reverse("dashboard-settings", args=["acme"])).content.decode()
    assert f'href="{url}"' in settings_page  # a link to the question, not a one-click form
    asked = browser.get(url)
    assert asked.status_code == 200 and b"Revoke the key" in asked.content
    assert authenticate_api_key(acme.key.secret) is not None
    assert other.get(url).status_code == 404
    assert client.get(url).status_code == 302
    browser.post(url, {"confirm": "yes"})
    assert authenticate_api_key(acme.key.secret) is None
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None


def test_deleting_a_webhook_asks_first(browser, acme, other):
    endpoint = WebhookEndpoint.objects.for_tenant(acme.tenant).create(
        url="https://example.com/hook", events=["job.succeeded"], secret="whsec_x")
    url = reverse("dashboard-delete-webhook", args=["acme", endpoint.pk])
    asked = browser.get(url)
    assert asked.status_code == 200 and b"Delete the webhook" in asked.content
    assert WebhookEndpoint.objects.for_tenant(acme.tenant).exists()
    assert other.get(url).status_code == 404
    browser.post(url, {"confirm": "yes"})
    assert not WebhookEndpoint.objects.for_tenant(acme.tenant).exists()


@pytest.mark.parametrize("name", ["dashboard-settings", "dashboard-library", "dashboard-batches",
                                  "dashboard-templates"])
def test_no_raw_states_or_iso_timestamps_on_the_pages(browser, acme, name, empty_queue):
    delivered_batch(acme.tenant, 1)
    html = browser.get(reverse(name, args=["acme"])).content.decode()
    text = html.split("<main", 1)[1]
    import re

    shown = re.sub(r"<[^>]+>", " ", text)  # what a reader sees: attributes removed
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", shown), name
    assert "pending_review" not in shown and "Pendingreview" not in shown
