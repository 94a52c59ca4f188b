"""Export and share: the run's frames as files, the command that reproduces it, the comparison of two
runs, and `bop app`."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import bop.viz.assets
from bop.cli import cli, is_loopback
from bop.viz.controls import initial_values, model_params
from bop.viz.live import LiveModel
from bop.viz.panels import parse_words, rounded, run_for, settings_text, summary_rows
from bop.viz.share import FRAMES, changed_params, command, csv_ready, frames, run_archive, set_value
from model.params import ParameterError, parse_text


def live(steps: int, **controls) -> LiveModel:
    m = LiveModel(**{**initial_values(model_params()), **controls})
    for _ in range(steps):
        m.step()
    return m


def bop_run(line: str) -> dict:
    """The summary `bop run ... --json` prints for a command line the page gave."""
    words = line.split()
    assert words[:2] == ["bop", "run"]
    result = CliRunner().invoke(cli, [*words[1:], "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_values_are_written_as_set_reads_them_back():
    for value in (0.1 + 0.2, 1e-7, 3, True, False, None, "balance:1,hedge:1"):
        assert parse_text(set_value(value)) == value


def test_the_command_names_only_what_differs_from_the_defaults():
    m = live(0, scenario_name="eurasia-2016", war=True, n_states=33, threat_entry=0.35)
    # n_states is ignored by a real scenario, record_states is how the server records, not the run
    assert changed_params(m) == {"war": True, "threat_entry": 0.35}
    assert command(m, 42, 10) == (
        "bop run --scenario eurasia-2016 --set threat_entry=0.35 --set war=true --seed 42 --steps 10"
    )
    with pytest.raises(ValueError, match="no known seed"):
        command(m, None)


@pytest.mark.parametrize(
    "controls",
    [
        {"rng": "", "strategy_mix": "balance:1,hedge:1", "defection_rate": 0.015},
        {"scenario_name": "eurasia-2016", "war": True, "war_rate": 0.3, "kazakhstan_strategy": "balance"},
    ],
)
def test_copy_as_command_reproduces_the_summary(controls):
    m = live(25, **controls)
    assert bop_run(command(m, m.seed)) == m.summary()


def test_the_parquet_download_holds_the_models_frames():
    m = live(15, war=True, war_rate=0.4)
    with zipfile.ZipFile(io.BytesIO(run_archive(m, m.seed, "parquet"))) as archive:
        names = set(archive.namelist())
        assert names == {f"{f}.parquet" for f in FRAMES} | {"summary.json", "command.txt"}
        for name, frame in frames(m).items():
            read = pd.read_parquet(io.BytesIO(archive.read(f"{name}.parquet")))
            if name == "wars":  # list columns come back as arrays
                read = read.assign(**{c: read[c].map(list) for c in ("attackers", "defenders", "eliminated")})
            pd.testing.assert_frame_equal(read, frame, check_dtype=False)
        assert json.loads(archive.read("summary.json"))["steps"] == 15
        assert bop_run(archive.read("command.txt").decode().strip()) == m.summary()


def test_the_csv_download_holds_the_same_rows():
    m = live(15, war=True, war_rate=0.4)
    with zipfile.ZipFile(io.BytesIO(run_archive(m, m.seed, "csv"))) as archive:
        assert {f"{f}.csv" for f in FRAMES} <= set(archive.namelist())
        for name, frame in frames(m).items():
            read = pd.read_csv(io.BytesIO(archive.read(f"{name}.csv")), keep_default_na=False)
            expected = csv_ready(frame)
            assert len(read) == len(frame) and list(read.columns) == list(frame.columns)
            for column in frame.columns:
                if frame[column].dtype.kind == "f":
                    np.testing.assert_allclose(read[column], expected[column], rtol=1e-12)
                else:  # a missing value (e.g. equilibrium_since before any label) is an empty CSV cell
                    want = expected[column].astype(object).where(expected[column].notna(), "")
                    assert read[column].astype(str).tolist() == want.astype(str).tolist(), column
    wars = csv_ready(m.wars_frame())
    if len(wars):
        assert wars["attackers"].iloc[0] == ";".join(m.wars_frame()["attackers"].iloc[0])


def test_a_dragged_slider_value_is_rounded_to_its_step():
    assert rounded(0.30000000000000004, 0.05) == 0.3
    assert rounded(0.0149999, 0.005) == 0.015 and rounded(7.0, 1) == 7


def test_compare_runs_are_built_as_bop_run_builds_them():
    m = live(20, scenario_name="eurasia-2016", war=True)
    text = settings_text(m)
    assert parse_words(text) == {"scenario": "eurasia-2016", "war": True}
    again = run_for(m.seed, text, 20)
    assert again.summary() == m.summary()  # the live run, rebuilt: run A of the comparison
    other = run_for(m.seed + 1, text, 20)
    table = summary_rows({"A": again, "B": other})
    assert "<th>A</th><th>B</th>" in table and f"<td>{again.summary()['b_max']:.3f}</td>" in table
    with pytest.raises(ParameterError, match="KEY=VALUE"):
        parse_words("war")
    with pytest.raises(ParameterError, match="n_states"):
        run_for(1, "scenario=eurasia-2016 n_states=5", 3)  # a real scenario ignores n_states: refused


# --- bop app --------------------------------------------------------------------------------------
def test_loopback_hosts_are_told_apart():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("127.3.2.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("no-such-host.invalid")


@pytest.fixture
def served(monkeypatch) -> list[list[str]]:
    """`bop app` up to the point where Solara would replace it: the command it would run."""
    calls: list[list[str]] = []
    monkeypatch.setattr(bop.viz.assets, "missing_specs", lambda cache: [])
    monkeypatch.setattr("os.execv", lambda path, argv: calls.append(argv))
    return calls


def test_bop_app_serves_this_machine_only_unless_told(served, monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("SOLARA_HOST", "0.0.0.0")
    result = CliRunner().invoke(cli, ["app", "--port", "8799"])
    assert result.exit_code == 0, result.output
    argv = served[0]
    assert argv[1:4] == ["-m", "solara", "run"] and "bop.viz.app" in argv
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and argv[argv.index("--port") + 1] == "8799"
    assert "warning" not in result.output
    result = CliRunner().invoke(cli, ["app", "--host", "0.0.0.0"])
    assert served[1][served[1].index("--host") + 1] == "0.0.0.0"
    assert "warning: serving on 0.0.0.0" in result.output


def test_bop_app_help_says_how_the_host_is_chosen():
    text = CliRunner().invoke(cli, ["app", "--help"]).output
    assert "default 127.0.0.1" in text and "only when given here" in text and "--port" in text


def test_bop_app_without_its_front_end_or_npm_says_what_to_install(monkeypatch):
    monkeypatch.setattr(bop.viz.assets, "missing_specs", lambda cache: ["vega@5"])
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = CliRunner().invoke(cli, ["app"])
    assert result.exit_code == 1 and "install npm" in result.output and "vega@5" in result.output
