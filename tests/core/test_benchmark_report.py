"""`make bench` writes one table into docs/benchmarks.md between its markers, keeping the
rest of the page, and says what was not run and why; each row shows the run that measured it,
so rows kept by `--only` are never presented under a newer date."""

from benchmarks import run_all

ROWS = [
    {"benchmark": "pipeline overhead", "measure": "total median per image", "value": 180.5,
     "unit": "ms", "target": "<= 250 ms", "met": True},
    {"benchmark": "worker memory", "measure": "worker process peak RSS", "value": 320.0,
     "unit": "MB", "target": "<= 300 MB", "met": False},
    {"benchmark": "api_latency", "measure": "not run", "value": "—", "unit": "",
     "target": "needs postgres", "met": None},
]


def test_the_table_replaces_only_its_own_section(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nIntro.\n\n## Batch throughput\n\nhistory\n")
    monkeypatch.setattr(run_all, "DOC", doc)
    rows = run_all.stamped(ROWS, "2026-12-02", "2 cores", "full")
    run_all.write_doc(run_all.table(rows, "2026-12-02", "2 cores", ""))
    first = doc.read_text()
    assert first.index("Intro.") < first.index(run_all.START) < first.index("## Batch throughput")
    assert ("| pipeline overhead | total median per image | 180.5 ms | <= 250 ms | yes | "
            "2026-12-02 |") in first
    assert ("| worker memory | worker process peak RSS | 320 MB | <= 300 MB | **no** | "
            "2026-12-02 |") in first
    assert "| api_latency | not run | — | needs postgres |  | 2026-12-02 |" in first
    assert "earlier runs" not in first  # every row is of this run
    run_all.write_doc(run_all.table(run_all.stamped(ROWS[:1], "2026-12-03", "2 cores", "full"),
                                    "2026-12-03", "2 cores", ""))
    second = doc.read_text()
    assert second.count(run_all.START) == 1 and "2026-12-02" not in second
    assert "history" in second and "worker memory" not in second


def test_every_script_in_benchmarks_is_run_by_make_bench():
    scripts = {path.name for path in run_all.ROOT.joinpath("benchmarks").glob("*.py")}
    listed = {bench.script for bench in run_all.BENCHMARKS}
    assert scripts - listed <= {"run_all.py", "common.py", "__init__.py"}
    assert listed <= scripts


def test_rows_kept_by_only_keep_their_own_date_sizes_and_machine():
    kept = run_all.stamped(ROWS[1:2], "2026-11-20", "8 cores", "quick")
    undated = [dict(ROWS[2])]  # results.json written before rows carried their run
    new = run_all.stamped(ROWS[:1], "2026-12-03", "2 cores", "full")
    section = run_all.table(new + kept + undated, "2026-12-03", "2 cores", "")
    assert "## Summary (`make bench`, 2026-12-03)" in section
    assert "kept from earlier runs, each with the date it was measured" in section
    assert "| 180.5 ms | <= 250 ms | yes | 2026-12-03 |" in section
    assert "| 320 MB | <= 300 MB | **no** | 2026-11-20, quick sizes, on 8 cores |" in section
    assert "| needs postgres |  | earlier run (undated) |" in section
    assert "2026-12-03 | 320 MB" not in section
