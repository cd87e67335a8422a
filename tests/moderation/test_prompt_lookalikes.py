# ruff: noqa: RUF001, RUF003  (look-alike letters are the point of these tests)
"""The prompt deny-list sees through look-alike letters: Cyrillic, Greek, Armenian and
Cherokee letters, Latin letters with strokes, full-width and mathematical letters, invisible
characters, accents, digits and symbols for letters and spacing, alone and combined; and it
still lets ordinary prompts in a dozen languages through.

The corpora are data in tests/corpus/ (prompt_obfuscations.py, prompt_ordinary.py). Each
prompt goes through the real service, `moderation.services.check_prompt`, with the policy
read for Acme once per test; a few go through the API too.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from billing.models import Reservation, UsageEvent
from catalog.requests import JobRequest
from generation.models import Job
from moderation import text
from moderation.models import TenantPolicy
from moderation.policy import for_tenant, platform
from moderation.services import PromptBlocked, check_prompt
from tests.conftest import queued_messages
from tests.corpus.prompt_obfuscations import FINDING, TECHNIQUES, TERMS, VARIANTS
from tests.corpus.prompt_ordinary import BY_LANGUAGE, NEAR_MISSES, PROMPTS


def refusal(tenant, prompt, *, policy=None, **fields) -> PromptBlocked | None:
    """What check_prompt raises for `prompt`, or None if it lets it through."""
    try:
        check_prompt(tenant, JobRequest(model="local", prompt=prompt, **fields), policy=policy)
    except PromptBlocked as blocked:
        return blocked
    return None


def post(client, **fields):
    return client.post("/api/v1/jobs", {"model": "local", **fields}, format="json")


def test_the_corpora_are_big_and_varied_enough():
    assert len(VARIANTS) >= 150 and len(PROMPTS) >= 150
    assert set(Counter(v.term for v in VARIANTS)) == set(TERMS)
    assert min(Counter(v.term for v in VARIANTS).values()) >= 30
    assert len({v.technique for v in VARIANTS}) >= len(TECHNIQUES)
    assert {"en", "de", "fr", "es", "pl", "tr", "vi", "ru", "uk", "el", "ja", "zh",
            "ar"} <= set(BY_LANGUAGE)
    assert all(len(prompts) >= 8 for prompts in BY_LANGUAGE.values())


@pytest.mark.parametrize(("prompt", "term"), FINDING)
def test_the_reported_spellings_are_refused_and_nothing_is_queued_or_charged(
        owner, acme, empty_queue, prompt, term):
    response = post(owner, prompt=f"studio photo, {prompt}")
    assert response.status_code == 422, response.content
    error = response.json()
    assert (error["code"], error["policy"], error["reason"]) == (
        "prompt_blocked", "platform", f"blocked term {term!r}")
    job = Job.objects.for_tenant(acme.tenant).get(pk=error["job"])
    assert job.status == "blocked"
    assert queued_messages() == 0
    assert not Reservation.objects.for_tenant(acme.tenant).exists()
    assert not UsageEvent.objects.for_tenant(acme.tenant).exists()


@pytest.mark.parametrize("technique", ["hand-written", *TECHNIQUES])
def test_every_obfuscated_variant_of_every_term_is_refused(acme, technique):
    policy = for_tenant(acme.tenant)
    variants = [v for v in VARIANTS if v.technique.removesuffix(" in a sentence") == technique]
    assert variants
    missed = []
    for variant in variants:
        blocked = refusal(acme.tenant, variant.prompt, policy=policy)
        if blocked is None or (blocked.policy, blocked.reason) != (
                "platform", f"blocked term {variant.term!r}"):
            missed.append((variant.term, variant.prompt, blocked and blocked.reason))
    assert not missed


def test_negative_and_mask_prompts_are_folded_too(acme):
    assert refusal(acme.tenant, "a vase", negative_prompt="ｃ𝘀аm")
    assert refusal(acme.tenant, "a vase", mask_prompt="the b\u200be\u200dh\u00adeading scene")


@pytest.mark.parametrize("language", [*BY_LANGUAGE, "near miss"])
def test_ordinary_prompts_pass(acme, language):
    policy = for_tenant(acme.tenant)
    prompts = [prompt for lang, prompt in PROMPTS if lang == language]
    refused = [(prompt, blocked.reason) for prompt in prompts
               if (blocked := refusal(acme.tenant, prompt, policy=policy))]
    assert not refused


def test_ordinary_prompts_in_other_scripts_are_queued_through_the_api(owner, acme, empty_queue):
    for language in ("ru", "el", "vi", "ja"):
        response = post(owner, prompt=BY_LANGUAGE[language][0])
        assert response.status_code == 202, response.content
    assert post(owner, prompt=NEAR_MISSES[0]).status_code == 202


def test_letters_that_merely_touch_across_words_are_not_a_term():
    terms = platform()["terms"]
    assert text.find_term("a classic sample tray", terms) is None
    assert text.find_term("hộp quà hắc sâm", terms) is None  # black ginseng
    assert text.find_term("seems to be heading out to sea", terms) is None
    # ... while the same letters glued, spelled out or hyphenated are
    assert text.find_term("csamphotos", terms) == "csam"
    assert text.find_term("c s a m", terms) == "csam"
    assert text.find_term("be-heading", terms) == "beheading"
    assert text.find_term("b e heading", terms) == "beheading"


def test_tenant_terms_are_folded_like_the_platforms(owner, acme, globex, stranger,
                                                    empty_queue):
    TenantPolicy.objects.create(tenant=acme.tenant,
                                blocked_terms=["Globex", "Конкурент", "3M", "Glоbus"])
    policy = for_tenant(acme.tenant)
    for prompt in ("a mug with the G1οbеx logo",  # digit one, Greek ο, Cyrillic е
                   "𝐆𝐥𝐨𝐛𝐞𝐱 tote bag", "g l o b e x", "Glo\u200bbex", "ԌӏօƅеⅩ",
                   "КОНКУРЕНТ on a shelf", "конкурент", "KOHKYPEHT",
                   "3M tape", "3 M tape", "ЗМ tape",
                   "globus lamp"):  # the tenant typed a Cyrillic о in "Glоbus"
        blocked = refusal(acme.tenant, prompt, policy=policy)
        assert blocked is not None and blocked.policy == "tenant", prompt
    for prompt in ("a blue item on a shelf", "a glob exhibit poster", "3D printed vase",
                   "balo trẻ em hình khủng long"):  # vi: children's backpack ("em")
        assert refusal(acme.tenant, prompt, policy=policy) is None, prompt

    response = post(owner, prompt="Ｇｌｏｂｅｘ mug")
    assert response.status_code == 422 and response.json()["policy"] == "tenant"
    assert post(stranger, prompt="Ｇｌｏｂｅｘ mug").status_code == 202


def test_folding_keeps_ordinary_text_readable():
    assert text.spaced("Ｃｈｉｌｄ’s  ᴛᴏʏ\u200b — ＣＡＦÉ!") == "child s toy cafe"
    assert text.compact("сhiłd nudіty") == text.compact("child nudity")
    assert text.fold("İSTANBUL ığdır") == "istanbul igdir"
    assert text.fold("Łódź, Đà Nẵng, Ørsted") == "lodz, da nang, orsted"
    # letters with no Latin look-alike stay in their word and keep their script
    assert text.spaced("сок и чай") == "cok и чaи"


def test_ten_thousand_prompts_are_checked_quickly():
    policy = platform()
    prompts = [f"{PROMPTS[i % len(PROMPTS)][1]} #{i}" for i in range(10_000)]
    started = time.perf_counter()
    for prompt in prompts:
        text.find_term(prompt, policy["terms"])
        text.find_pattern(prompt, policy["patterns"])
    assert time.perf_counter() - started < 3.0
