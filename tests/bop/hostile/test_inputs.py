"""Hostile input: every bad value, file or option the issue found is one line on stderr, never a traceback.

Each case is an input a user could type; the test names the field the error must name. A value that is
merely odd but means something (`-0.0` is zero) is accepted, and the test says what it must equal.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from bop.viz.live import LiveModel, parse_seed
from model.params import PARAMS, ParameterError, parse_text
from model.scenarios import spec
from tests.bop.hostile.tools import assert_one_line_error, bop, write

HUGE = "9" * 400  # an integer beyond float range (about 1e400)
TWO_STATES = (
    '[[states]]\nname = "A"\npower = {power}\nlat = {lat}\nlon = {lon}\n\n'
    '[[states]]\nname = "B"\npower = 1\nlat = 0\nlon = 5\n'
)


def world(tmp_path: Path, power: str = "2", lat: str = "0", lon: str = "0", extra: str = "") -> str:
    """A two-state scenario file with the given raw TOML values for A's power, lat and lon."""
    return str(write(tmp_path, "world.toml", extra + TWO_STATES.format(power=power, lat=lat, lon=lon)))


def experiment(tmp_path: Path, text: str, name: str = "exp") -> str:
    return str(write(tmp_path, f"{name}.toml", "steps = 2\nreplications = 1\n" + text))


def folder(tmp_path: Path, name: str) -> str:
    """A folder where a file is expected."""
    (tmp_path / name).mkdir()
    return str(tmp_path / name)


def deep(depth: int) -> str:
    return "a = " + "[" * depth + "]" * depth + "\n"


# (id, arguments built in a temporary folder, words the one error line must contain)
CASES: list[tuple[str, Callable[[Path], list[str]], tuple[str, ...]]] = [
    ("set-int-beyond-float", lambda t: ["run", "--set", f"n_states={HUGE}"], ("n_states",)),
    ("set-negative-int-beyond-float", lambda t: ["run", "--set", f"n_states=-{HUGE}"], ("n_states",)),
    ("set-float-field-int-beyond-float", lambda t: ["run", "--set", f"war_rate={HUGE}"], ("war_rate",)),
    ("set-5000-digits", lambda t: ["run", "--set", "n_states=" + "1" * 5000], ("n_states",)),
    ("set-scenario-number", lambda t: ["run", "--set", "scenario=5"], ("scenario",)),
    ("scenario-10000-characters", lambda t: ["run", "--scenario", "a" * 10_000], ("scenario",)),
    ("scenario-file-name-too-long", lambda t: ["run", "--scenario", "a" * 10_000 + ".toml"], ("scenario",)),
    ("arabic-indic-digit", lambda t: ["run", "--set", "n_states=٣"], ("n_states",)),
    ("fullwidth-digits", lambda t: ["run", "--set", "defection_rate=０.1"], ("defection_rate",)),
    ("superscript-digit", lambda t: ["run", "--set", "n_states=²"], ("n_states",)),
    ("steps-above-the-cap", lambda t: ["run", "--steps", "1000000000"], ("--steps", "10000")),
    ("run-out-empty", lambda t: ["run", "--steps", "1", "--out", ""], ("--out",)),
    ("run-out-is-a-file", lambda t: ["run", "--out", str(write(t, "f", "x"))], ("--out", "cannot write")),
    ("run-out-under-a-file", lambda t: ["run", "--out", str(write(t, "f", "x") / "sub")], ("--out",)),
    (
        "grid-int-beyond-float",
        lambda t: ["sweep", experiment(t, f"[grid]\nn_states = [{HUGE}]")],
        ("grid.n_states",),
    ),
    (
        "params-float-beyond-float",
        lambda t: ["sweep", experiment(t, f"[params]\nwar_rate = {HUGE}")],
        ("params.war_rate",),
    ),
    ("scenario-lat-beyond-float", lambda t: ["run", "--scenario", world(t, lat=HUGE)], ("lat",)),
    ("scenario-lon-beyond-float", lambda t: ["run", "--scenario", world(t, lon=HUGE)], ("lon",)),
    ("scenario-power-beyond-float", lambda t: ["run", "--scenario", world(t, power=HUGE)], ("power",)),
    (
        "scenario-own-n-states",
        lambda t: ["run", "--scenario", world(t, extra="[params]\nn_states = 5\n")],
        ("n_states",),
    ),
    (
        "scenario-own-strategy-mix",
        lambda t: ["run", "--scenario", world(t, extra='[params]\nstrategy_mix = "balance:1"\n')],
        ("strategy_mix",),
    ),
    ("experiment-scenario-number", lambda t: ["sweep", experiment(t, "scenario = 5")], ("scenario",)),
    (
        "experiment-scenario-10000",
        lambda t: ["sweep", experiment(t, f"scenario = '{'a' * 10_000}'")],
        ("scenario",),
    ),
    ("experiment-name-300", lambda t: ["sweep", experiment(t, f"name = '{'n' * 300}'")], ("name",)),
    (
        "experiment-steps-above-the-cap",
        lambda t: ["sweep", str(write(t, "e.toml", "steps = 10001"))],
        ("steps", "10000"),
    ),
    (
        "experiment-not-utf8",
        lambda t: ["sweep", str(write(t, "bad.toml", b"name = '\xff\xfe'\n"))],
        ("bad.toml", "UTF-8"),
    ),
    ("experiment-5000-deep", lambda t: ["sweep", str(write(t, "deep.toml", deep(5000)))], ("deep.toml",)),
    (
        "experiment-int-too-long-for-toml",
        lambda t: ["sweep", str(write(t, "long.toml", "seed = " + "1" * 5000))],
        ("long.toml",),
    ),
    ("experiment-is-a-folder", lambda t: ["sweep", folder(t, "exp.toml")], ("exp.toml", "is a directory")),
    (
        "scenario-file-not-utf8",
        lambda t: ["run", "--scenario", str(write(t, "w.toml", b"\xff = 1\n"))],
        ("w.toml", "UTF-8"),
    ),
    (
        "scenario-file-5000-deep",
        lambda t: ["run", "--scenario", str(write(t, "w.toml", deep(5000)))],
        ("w.toml",),
    ),
    (
        "sample-range-of-strings",
        lambda t: ["sweep", experiment(t, "[sample]\npoints = 2\n[sample.ranges]\nn_states = ['5', '10']")],
        ("sample.ranges.n_states",),
    ),
    (
        "sensitivity-bound-beyond-float",
        lambda t: ["sensitivity", experiment(t, f"[bounds]\nwar_rate = [0, {HUGE}]")],
        ("bounds.war_rate",),
    ),
    (
        "sweep-out-is-a-file",
        lambda t: ["sweep", experiment(t, ""), "--out", str(write(t, "f", "x"))],
        ("--out",),
    ),
    (
        "sensitivity-out-is-a-file",
        lambda t: [
            "sensitivity",
            experiment(t, "[bounds]\nwar_rate = [0, 0.1]"),
            "--out",
            str(write(t, "f", "x")),
        ],
        ("--out",),
    ),
    (
        "report-out-is-a-file",
        lambda t: ["report", str(_finished_sweep(t)), "--out", str(write(t, "f", "x"))],
        ("--out",),
    ),
    ("report-of-a-file", lambda t: ["report", str(write(t, "f", "x"))], ("f",)),
    (
        "report-outcome-5000-characters",
        lambda t: ["report", str(_finished_sweep(t)), "--outcome", "x" * 5000],
        ("--outcome", "characters)"),
    ),
    ("merge-of-a-file", lambda t: ["merge", str(write(t, "f", "x"))], ("f",)),
    ("params-of-a-missing-scenario-file", lambda t: ["params", "--scenario", str(t / "w.toml")], ("w.toml",)),
    (
        "experiment-is-a-device",
        lambda t: ["sweep", "/dev/zero", "--dry-run"],
        ("/dev/zero", "not a regular file"),
    ),
    (
        "scenario-file-missing",
        lambda t: ["run", "--scenario", str(t / "none.toml")],
        ("none.toml", "does not exist"),
    ),
    (
        "workers-beyond-four-per-core",
        lambda t: ["sweep", experiment(t, ""), "--workers", "100000"],
        ("--workers",),
    ),
    ("scheduler-garbage", lambda t: ["sweep", experiment(t, ""), "--scheduler", "garbage"], ("--scheduler",)),
    (
        "scheduler-bad-port",
        lambda t: ["sweep", experiment(t, ""), "--scheduler", "tcp://127.0.0.1:notaport"],
        ("--scheduler",),
    ),
    (
        "scheduler-unknown-scheme",
        lambda t: ["sweep", experiment(t, ""), "--scheduler", "http://x:1"],
        ("--scheduler",),
    ),
]


@pytest.mark.parametrize(("make", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_hostile_input_is_one_line_naming_the_field(tmp_path, make, words):
    outcome = bop(*make(tmp_path))
    assert_one_line_error(outcome, *words)


def test_a_sweep_folder_that_cannot_serve_is_one_line_with_exit_1(tmp_path):
    # not a bad option but a folder that does not fit it: exit 1, as for --compare on an unvaried factor
    assert_one_line_error(bop("merge", folder(tmp_path, "empty")), "not a sweep folder", code=1)
    outcome = bop("report", str(_finished_sweep(tmp_path)), "--x", "x" * 5000)
    assert_one_line_error(outcome, "--x", "characters)", "is not varied", code=1)


@pytest.mark.skipif(sys.platform != "linux", reason="/sys refuses new entries, even to root, on Linux")
@pytest.mark.parametrize("command", ["run", "sweep", "sensitivity", "report"])
def test_an_unwritable_out_is_refused_before_any_work(tmp_path, command):
    started = time.perf_counter()
    args = {
        "run": ["run", "--steps", "5000", "--set", "n_states=200"],  # a long run: refused before it starts
        "sweep": ["sweep", experiment(tmp_path, "")],
        "sensitivity": ["sensitivity", experiment(tmp_path, "[bounds]\nwar_rate = [0, 0.1]", "sens")],
        "report": ["report", str(_finished_sweep(tmp_path))],
    }[command]
    outcome = bop(*args, "--out", "/sys/bop-cannot-be-here")
    assert_one_line_error(outcome, "--out", "/sys/bop-cannot-be-here")
    assert time.perf_counter() - started < 20


def _finished_sweep(tmp_path: Path) -> Path:
    out = tmp_path / "done"
    outcome = bop("sweep", experiment(tmp_path, "", "done"), "--workers", "1", "--out", str(out))
    assert outcome.code == 0, outcome.stderr
    return out


@pytest.mark.parametrize("name", ["power_sigma", "growth_sd"])
def test_minus_zero_is_zero(name):
    minus = bop("run", "--steps", "5", "--json", "--set", f"{name}=-0.0")
    plus = bop("run", "--steps", "5", "--json", "--set", f"{name}=0.0")
    assert minus.code == 0, minus.stderr
    assert json.loads(minus.stdout) == json.loads(plus.stdout)
    assert PARAMS[name].check(-0.0) == 0.0 and str(PARAMS[name].check(-0.0)) == "0.0"


@pytest.mark.parametrize("text", ["٣", "０.1", "²", "1٠", "\u0663.5"])
def test_unicode_digits_are_not_numbers(text):
    assert parse_text(text) == text  # kept as text ...
    with pytest.raises(ParameterError, match="n_states"):
        PARAMS["n_states"].check(text)  # ... which no numeric parameter accepts
    with pytest.raises(ParameterError, match="defection_rate"):
        PARAMS["defection_rate"].check(text)


def test_a_run_out_of_an_empty_name_writes_nothing_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(bop("run", "--steps", "1", "--out", ""), "--out")
    assert list(tmp_path.iterdir()) == []


def test_a_world_too_large_for_the_memory_is_refused_with_the_figure(tmp_path, monkeypatch):
    # 10,000 states: about 65 bytes per pair of states (measured: model built and stepped), 6.5 GB;
    # on a machine with 4 GB available it must be refused before anything is built.
    lines = [f'[[states]]\nname = "S{k}"\npower = 1\nlat = 0\nlon = {k % 360 - 180}\n' for k in range(10_000)]
    path = write(tmp_path, "big.toml", "\n".join(lines))
    monkeypatch.setattr(spec, "available_memory", lambda: 4e9)
    line = assert_one_line_error(bop("run", "--scenario", str(path)), "states", "6.5 GB", "4.0 GB")
    assert "10000 states" in line


def test_the_memory_estimate_grows_with_the_square_of_the_states():
    assert spec.memory_needed(10_000) == pytest.approx(6.5e9)
    assert spec.memory_needed(20_000) == pytest.approx(4 * spec.memory_needed(10_000))


@pytest.mark.parametrize("typed", ["²", "1" * 5000, "-3", "3.5", "seven", "٣"])
def test_a_bad_seed_typed_in_the_browser_builds_the_default_world_and_says_why(typed):
    with pytest.raises(ParameterError, match="seed"):
        parse_seed(typed)
    model = LiveModel(rng=typed, n_states=9)
    assert model.param_error is not None and "'seed'" in model.param_error
    assert len(model.param_error) < 200  # a 5,000-digit seed is not echoed back whole
    assert model.n == PARAMS["n_states"].default


def test_a_huge_but_well_formed_seed_is_refused_above_64_bits():
    assert parse_seed(str(2**64 - 1)) == 2**64 - 1
    with pytest.raises(ParameterError, match="seed"):
        parse_seed(str(2**64))


def test_a_plan_above_the_run_limit_is_refused_at_once_with_its_count(tmp_path):
    # 10 x 1,000 grid points x 1,000 replications = 10^7 runs
    text = "replications = 1000\n[grid]\nn_states = [" + ", ".join(map(str, range(2, 12))) + "]\n"
    text += "growth_sd = [" + ", ".join(f"{k / 10000:.4f}" for k in range(1000)) + "]\n"
    path = write(tmp_path, "huge.toml", "steps = 2\n" + text)
    for extra in ([], ["--dry-run"]):
        tracemalloc.start()
        started = time.perf_counter()
        outcome = bop("sweep", str(path), *extra)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert_one_line_error(outcome, "10,000,000 runs", "1,000,000", "--max-runs")
        assert seconds < 1.0 and peak < 50e6, (seconds, peak)
    assert not (tmp_path / "out").exists()


def test_a_dry_run_of_ten_million_runs_allocates_nothing_per_run(tmp_path):
    # 10 points x 10^6 replications: the seeds are not materialised for a dry run
    path = write(
        tmp_path,
        "big.toml",
        "steps = 2\nreplications = 1000000\n[grid]\nn_states = " + str(list(range(2, 12))),
    )
    tracemalloc.start()
    started = time.perf_counter()
    outcome = bop("sweep", str(path), "--dry-run", "--max-runs", "10000000")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert outcome.code == 0, outcome.stderr
    assert "10 points x 1000000 replications = 10000000 runs" in outcome.stdout
    assert seconds < 1.0 and peak < 50e6, (seconds, peak)


def test_max_runs_raises_the_limit_and_the_sensitivity_file_has_it_too(tmp_path):
    path = write(tmp_path, "e.toml", "steps = 1\nreplications = 30\n[grid]\nn_states = [3, 4]\n")
    assert_one_line_error(bop("sweep", str(path), "--dry-run", "--max-runs", "59"), "60 runs", "59")
    assert bop("sweep", str(path), "--dry-run", "--max-runs", "60").code == 0
    # Morris: n (k + 1) points = 10 x 2, x 30 replications = 600 runs
    sens = write(tmp_path, "s.toml", "steps = 1\nreplications = 30\nn = 10\n[bounds]\nwar_rate = [0, 0.1]\n")
    assert_one_line_error(bop("sensitivity", str(sens), "--max-runs", "599"), "600 runs", "599")
