"""`python -m bench` on one cheap metric with a tiny repeat count: the table, not the timings."""

from bench.__main__ import main
from bench.table import COLUMNS


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def test_bench_writes_a_table_with_a_numeric_ratio(tmp_path, capsys):
    out = tmp_path / "results.md"
    args = [
        "--only",
        "differential",
        "--scale",
        "0.01",
        "--out",
        str(out),
        "--cache",
        str(tmp_path),
    ]
    status = main(args)

    assert status == 0
    report = out.read_text(encoding="utf-8")
    table = report[report.index("| metric") :].split("\n\n")[0]
    lines = table.splitlines()
    assert cells(lines[0]) == list(COLUMNS)
    rows = [cells(line) for line in lines[2:]]
    assert [r[0].split(" (")[0] for r in rows] == [
        "Differential, 0 findings",
        "Differential, 5 findings",
        "Differential, 20 findings",
        "Differential, fully answered",
    ]
    assert "| Differential by stage of a visit |" in report  # the growth table
    for row in rows:
        assert float(row[COLUMNS.index("ratio")]) > 0
        assert row[COLUMNS.index("met")] in ("yes", "NO")
    assert "median of 3 runs" in report
    assert "- CPU: " in report and "- Python: " in report
    assert lines[0] in capsys.readouterr().out


def test_a_row_without_a_goal_is_not_counted_as_met():
    from bench.harness import Goal, Result
    from bench.table import row

    no_goal = Result("Stack floor", "ms", 3, Goal(), 250.0, 120.0)
    with_goal = Result("Cold start", "ms", 3, Goal(max_ratio=1.5), 250.0, 120.0)
    assert row(no_goal)[COLUMNS.index("met")] == "—"
    assert row(with_goal)[COLUMNS.index("met")] == "NO"


def test_a_p95_goal_is_judged_on_the_95th_percentile_not_the_median():
    # Panel refresh: "≤ 16 ms p95 for every toggle kind" (issue 17). A median under the goal
    # with a p95 over it is a miss, and the goal column says which figure it judges.
    from bench.harness import Goal, Result

    goal = Goal(max_value=16.0, on_p95=True)
    slow_tail = Result("Panel refresh, complaint", "ms", 30, goal, app=15.6, floor=0.3, p95=24.5)
    quick = Result("Panel refresh, yes/no", "ms", 30, goal, app=7.9, floor=0.3, p95=10.9)
    assert slow_tail.met is False
    assert quick.met is True
    assert goal.describe("ms") == "p95 ≤ 16 ms"
    assert Result("Differential", "ms", 30, Goal(max_value=1.0), app=0.9, p95=1.6).met is True


def test_a_fixture_can_be_built_again_on_the_same_machine(tmp_path):
    """The app remembers every database path it has opened (its audit anchor) and refuses to
    make a new file where one was: a rebuild (a new generator, a cleared cache) must not reuse
    the earlier build's partial name, or the bench stops with "no database ... but one was"."""
    import tempfile
    from pathlib import Path

    from bench.fixtures import patients_database
    from bench.harness import Context

    ctx = Context(tmp_path / "cache", Path(tempfile.mkdtemp(dir=tmp_path)), 0.01, log=print)
    ctx.cache_dir.mkdir()
    first = patients_database(ctx, 20, 1)
    first.unlink()  # the cache cleared (or the generator changed): built again
    again = patients_database(ctx, 20, 1)
    assert again == first and again.exists()
