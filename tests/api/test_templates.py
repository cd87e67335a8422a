"""Brand templates: CRUD through the API, slots filled per job, the tenant's own only."""

import pytest

from generation.models import BrandTemplate, Job

TEMPLATE = {"name": "studio", "prompt": "a {subject} on {surface}, soft studio light",
            "negative_prompt": "text, watermark", "model": "local", "size": "256x256",
            "slot_defaults": {"surface": "white marble"}}


@pytest.fixture
def template(owner):
    response = owner.post("/api/v1/templates", TEMPLATE, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_owner_creates_reads_updates_and_deletes_a_template(owner, template):
    assert template["slots"] == ["subject", "surface"]
    assert owner.get("/api/v1/templates").json()["results"][0]["id"] == template["id"]
    path = f"/api/v1/templates/{template['id']}"
    changed = owner.patch(path, {"prompt": "a {subject} in {place}"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["slots"] == ["subject", "place"]
    assert owner.get(path).json()["prompt"] == "a {subject} in {place}"
    assert owner.delete(path).status_code == 204
    assert owner.get(path).status_code == 404


def test_a_job_fills_the_template_slots(owner, template, acme, empty_queue):
    response = owner.post("/api/v1/jobs", {"template": "studio", "slots": {"subject": "teapot"}},
                          format="json")
    assert response.status_code == 202, response.json()
    job = response.json()
    assert job["prompt"] == "a teapot on white marble, soft studio light"
    assert job["negative_prompt"] == "text, watermark"
    assert job["model"] == "local"
    assert job["size"] == "256x256"
    assert job["template"] == template["id"]
    assert job["slots"] == {"subject": "teapot"}


def test_the_job_overrides_template_defaults(owner, template, empty_queue):
    body = {"template": template["id"], "slots": {"subject": "vase", "surface": "oak"},
            "aspect_ratio": "1:1", "negative_prompt": "people"}
    job = owner.post("/api/v1/jobs", body, format="json").json()
    assert job["prompt"] == "a vase on oak, soft studio light"
    assert job["negative_prompt"] == "people"
    assert job["width"] == job["height"]


def test_missing_and_unknown_slots_are_listed(owner, template, acme, empty_queue):
    response = owner.post("/api/v1/jobs", {"template": "studio", "slots": {"colour": "red"}},
                          format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "slots"
    assert body["missing"] == ["subject"]
    assert body["unknown"] == ["colour"]
    assert "subject" in body["message"] and "colour" in body["message"]
    assert Job.objects.for_tenant(acme.tenant).count() == 0


@pytest.mark.parametrize("body, field", [
    ({"template": "nope", "slots": {"subject": "x"}}, "template"),
    ({"template": "studio", "prompt": "a cat", "slots": {"subject": "x"}}, "prompt"),
    ({"slots": {"subject": "x"}, "model": "local"}, "slots"),
    ({"template": "studio", "slots": {"subject": "x" * 2001}}, "slots.subject"),
    ({"template": "studio", "slots": {"subject": ["a"]}}, "slots.subject"),
])
def test_bad_template_use_is_a_400_naming_the_field(owner, template, acme, empty_queue,
                                                    body, field):
    response = owner.post("/api/v1/jobs", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert Job.objects.for_tenant(acme.tenant).count() == 0


@pytest.mark.parametrize("body, field", [
    ({**TEMPLATE, "prompt": "a {subject"}, "prompt"),
    ({**TEMPLATE, "prompt": "a {0}"}, "prompt"),
    ({**TEMPLATE, "prompt": "a {subject!r}"}, "prompt"),
    ({**TEMPLATE, "model": "no-such-model"}, "model"),
    ({**TEMPLATE, "model": "local", "operation": "virtual_try_on"}, "operation"),
    ({**TEMPLATE, "aspect_ratio": "1:1"}, "size"),
    ({**TEMPLATE, "name": ""}, "name"),
    ({**TEMPLATE, "colour": "red"}, "colour"),
])
def test_bad_templates_are_refused(owner, acme, body, field):
    response = owner.post("/api/v1/templates", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert BrandTemplate.objects.for_tenant(acme.tenant).count() == 0


def test_a_duplicate_name_is_a_conflict(owner, template):
    response = owner.post("/api/v1/templates", TEMPLATE, format="json")
    assert response.status_code == 409
    assert response.json()["field"] == "name"


def test_literal_braces_are_kept(owner, empty_queue):
    owner.post("/api/v1/templates", {**TEMPLATE, "name": "b", "prompt": "{{logo}} {subject}"},
               format="json")
    job = owner.post("/api/v1/jobs", {"template": "b", "slots": {"subject": "hat"}},
                     format="json").json()
    assert job["prompt"] == "{logo} hat"


def test_personas(owner, stranger, anonymous, read_only, template, acme, globex):
    path = f"/api/v1/templates/{template['id']}"
    for method in ("get", "patch", "delete"):
        response = getattr(stranger, method)(path, {}, format="json")
        assert response.status_code == 404, method
        assert template["prompt"] not in response.content.decode()
    assert stranger.get("/api/v1/templates").json()["results"] == []
    stranger_job = stranger.post("/api/v1/jobs", {"template": "studio", "slots": {"subject": "x"}},
                                 format="json")
    assert stranger_job.status_code == 400  # another tenant's template does not exist for it
    assert stranger_job.json()["field"] == "template"
    for method in ("get", "patch", "delete"):
        assert getattr(anonymous, method)(path).status_code == 401
    assert anonymous.post("/api/v1/templates", TEMPLATE, format="json").status_code == 401
    assert read_only.get(path).status_code == 200
    assert read_only.patch(path, {"name": "x"}, format="json").status_code == 403
    assert read_only.delete(path).status_code == 403
    assert owner.get(path).json()["name"] == "studio"



def test_an_explicit_field_wins_over_the_template_even_at_its_default(owner, acme,
                                                                      empty_queue):
    """The template's operation applies when the job leaves `operation` out; a job that names
    one gets it, even the default text_to_image (which once lost to the template's)."""
    house = {"name": "restyle", "prompt": "a {subject}", "model": "nova-2-omni",
             "operation": "image_to_image"}
    assert owner.post("/api/v1/templates", house, format="json").status_code == 201
    body = {"template": "restyle", "slots": {"subject": "vase"}, "dry_run": True}

    left_out = owner.post("/api/v1/jobs", body, format="json")
    assert left_out.status_code == 400, left_out.json()  # image_to_image needs a source
    assert left_out.json()["field"] == "images"

    named = owner.post("/api/v1/jobs", {**body, "operation": "text_to_image"}, format="json")
    assert named.status_code == 200, named.json()
    assert named.json()["operation"] == "text_to_image"
    assert named.json()["model"] == "nova-2-omni"  # what it left out still comes from the template
