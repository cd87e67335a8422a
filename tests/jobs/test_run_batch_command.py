"""`manage.py run_batch --tenant SLUG FILE.csv [--template NAME] [--model KEY]`: one job per
row through the batch service, a progress bar, a summary; a refused batch prints each row
error with its row and column and exits 2."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from generation.models import Batch, Job
from tests.conftest import manage, subprocess_env


def test_run_batch_runs_every_row_and_prints_a_summary(acme, studio, transactional_db,
                                                       empty_queue, tmp_path, capsys):
    path = tmp_path / "spring.csv"
    path.write_text("sku,product,color,seed\nA-1,mug,red,1\nA-2,mug,blue,2\nA-3,bowl,red,3\n")
    call_command("run_batch", "--tenant", "acme", str(path), "--template", "studio")
    captured = capsys.readouterr()
    batch = Batch.objects.for_tenant(acme.tenant).get()
    assert batch.name == "spring.csv" and batch.completed_at is not None
    jobs = Job.objects.for_tenant(acme.tenant).filter(batch=batch)
    assert sorted(jobs.values_list("status", flat=True)) == ["succeeded"] * 3
    assert "3/3 jobs" in captured.err
    assert f"batch {batch.pk} (spring.csv): completed" in captured.out
    assert "succeeded 3" in captured.out and "made 3" in captured.out


def test_run_batch_with_a_default_model_and_no_template(acme, transactional_db, empty_queue,
                                                        tmp_path, capsys):
    path = tmp_path / "plain.csv"
    path.write_text("sku,prompt,size\nB-1,a linen shirt,256x256\n")
    call_command("run_batch", "--tenant", "acme", str(path), "--model", "local")
    assert Job.objects.for_tenant(acme.tenant).get().status == "succeeded"


def test_a_refused_batch_prints_each_row_error_and_creates_nothing(
        acme, studio, transactional_db, empty_queue, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("sku,product,color,n\nA-1,mug,red,1\nA-2,mug,red,0\nA-1,mug,,1\n")
    with pytest.raises(CommandError) as raised:
        call_command("run_batch", "--tenant", "acme", str(path), "--template", "studio")
    assert raised.value.returncode == 2 and "invalid_batch" in str(raised.value)
    err = capsys.readouterr().err
    assert "row 3, column n: n: must be between 1 and 16" in err
    assert "row 4, column sku:" in err and "row 4, column color:" in err
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_the_exit_status_of_a_refused_batch_is_2(acme, transactional_db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("sku,prompt\nA-1,a mug\n")  # no model, no template
    result = manage("run_batch", "--tenant", "acme", str(path), env=subprocess_env())
    assert result.returncode == 2, result.stderr
    assert "row 2, column model: model: required" in result.stderr
    missing = manage("run_batch", "--tenant", "acme", str(tmp_path / "nope.csv"),
                     env=subprocess_env())
    assert missing.returncode == 2 and "cannot read" in missing.stderr
