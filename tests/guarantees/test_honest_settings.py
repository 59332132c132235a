"""Settings and options that would claim what they do not do, or end in a traceback, are
refused at load in one line: ``--shard K/N`` out of bounds, however large the numbers."""

from __future__ import annotations

from pathlib import Path

from conftest import RunCli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.site.shard import MAX_SHARDS

HUGE = st.one_of(st.integers(MAX_SHARDS + 1, 10**30).map(str),
                 st.integers(5000, 20000).map(lambda n: "9" * n))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(k=st.one_of(st.integers(0, 300).map(str), HUGE), n=HUGE)
def test_a_huge_shard_count_is_one_line(project: Path, run: RunCli, k: str, n: str) -> None:
    result = run("publish", "--all", "--shard", f"{k}/{n}")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(
        result.exception, SystemExit)
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"N is at most {MAX_SHARDS}" in result.stderr
    assert not (project / "output").exists()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, MAX_SHARDS), k=st.one_of(st.integers(0, 10**6).map(str), HUGE))
def test_k_out_of_range_is_one_line(project: Path, run: RunCli, n: int, k: str) -> None:
    if len(k) < 7 and 1 <= int(k) <= n:
        return
    result = run("publish", "--all", "--shard", f"{k}/{n}")
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "K must be between 1 and N" in result.stderr
