"""`make bench` writes one table into docs/benchmarks.md between its markers, keeping the
rest of the page, and says what was not run and why."""

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
    run_all.write_doc(run_all.table(ROWS, "2026-12-02", "2 cores", ""))
    first = doc.read_text()
    assert first.index("Intro.") < first.index(run_all.START) < first.index("## Batch throughput")
    assert "| pipeline overhead | total median per image | 180.5 ms | <= 250 ms | yes |" in first
    assert "| worker memory | worker process peak RSS | 320 MB | <= 300 MB | **no** |" in first
    assert "| api_latency | not run | — | needs postgres |  |" in first
    run_all.write_doc(run_all.table(ROWS[:1], "2026-12-03", "2 cores", ""))
    second = doc.read_text()
    assert second.count(run_all.START) == 1 and "2026-12-02" not in second
    assert "history" in second and "worker memory" not in second


def test_every_script_in_benchmarks_is_run_by_make_bench():
    scripts = {path.name for path in run_all.ROOT.joinpath("benchmarks").glob("*.py")}
    listed = {bench.script for bench in run_all.BENCHMARKS}
    assert scripts - listed <= {"run_all.py", "common.py", "__init__.py"}
    assert listed <= scripts
