"""After a trial the merchant marks favourite cells and makes the winner a brand template's
default model: only a model the trial compared, and only on one of the tenant's own templates."""

from __future__ import annotations

import pytest

from generation.models import BrandTemplate
from generation.templates import create_template


@pytest.fixture
def trial(owner, acme, empty_queue):
    return owner.post("/api/v1/trials", {"prompts": ["a vase", "a lamp"],
                                         "models": ["local", "stable-image-core"]},
                      format="json").json()


def favourite(owner, trial, **body):
    return owner.post(f"/api/v1/trials/{trial['id']}/favourites", body, format="json")


def test_marking_and_unmarking_a_favourite(owner, trial):
    marked = favourite(owner, trial, row=1, column=1)
    assert marked.status_code == 200, marked.json()
    assert marked.json()["favourites"] == [{"row": 1, "column": 1}]
    assert marked.json()["rows"][1]["cells"][1]["favourite"] is True
    assert marked.json()["rows"][0]["cells"][1]["favourite"] is False
    favourite(owner, trial, row=0, column=0)
    assert favourite(owner, trial, row=1, column=1).json()["favourites"] == [
        {"row": 0, "column": 0}, {"row": 1, "column": 1}]  # marking twice: no change
    unmarked = favourite(owner, trial, row=1, column=1, favourite=False).json()
    assert unmarked["favourites"] == [{"row": 0, "column": 0}]
    listed = owner.get("/api/v1/trials").json()["results"][0]
    assert listed["favourites"] == [{"row": 0, "column": 0}]


@pytest.mark.parametrize(("cell", "field"), [({"row": 2, "column": 0}, "row"),
                                             ({"row": 0, "column": 2}, "column"),
                                             ({"row": -1, "column": 0}, "row")])
def test_a_cell_outside_the_grid_is_refused(owner, trial, cell, field):
    response = favourite(owner, trial, **cell)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert owner.get(f"/api/v1/trials/{trial['id']}").json()["favourites"] == []


def test_adopting_the_winner_sets_the_templates_default_model(owner, acme, trial):
    template = create_template(acme.tenant, name="studio", prompt="a {subject} on marble",
                               model_key="local")
    response = owner.post(f"/api/v1/trials/{trial['id']}/adopt",
                          {"model": "stable-image-core", "template": str(template.pk)},
                          format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["model"] == "stable-image-core"
    template.refresh_from_db()
    assert template.model_key == "stable-image-core"


def test_a_model_outside_the_trial_cannot_be_adopted(owner, acme, trial):
    template = create_template(acme.tenant, name="studio", prompt="a {subject}",
                               model_key="local")
    response = owner.post(f"/api/v1/trials/{trial['id']}/adopt",
                          {"model": "sd3.5-large", "template": str(template.pk)}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "model"
    assert "local, stable-image-core" in response.json()["message"]
    template.refresh_from_db()
    assert template.model_key == "local"


def test_another_tenants_template_cannot_be_changed(owner, globex, trial):
    theirs = create_template(globex.tenant, name="studio", prompt="a {subject}",
                             model_key="local")
    response = owner.post(f"/api/v1/trials/{trial['id']}/adopt",
                          {"model": "stable-image-core", "template": str(theirs.pk)},
                          format="json")
    assert response.status_code == 404
    assert response.json()["field"] == "template"
    assert BrandTemplate.objects.for_tenant(globex.tenant).get().model_key == "local"
