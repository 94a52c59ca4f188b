"""What the hostile suite shares: run `bop` in this process, check a one-line error, write TOML values."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bop.cli import cli


@dataclass
class Outcome:
    """What one `bop` invocation did."""

    code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def bop(*args: str) -> Outcome:
    """`bop ARGS...` run in this process (as the console script would, through `cli.main`)."""
    result = CliRunner().invoke(cli, list(args))
    return Outcome(result.exit_code, result.stdout, result.stderr, result.exception)


def assert_one_line_error(outcome: Outcome, *words: str, code: int = 2) -> str:
    """The invocation failed with `code` and exactly one line `bop: error: ...` on stderr naming `words`."""
    lines = outcome.stderr.strip().splitlines()
    shown = f"exit {outcome.code}, stderr:\n{outcome.stderr[:3000]}"
    assert outcome.code == code, shown
    assert len(lines) == 1 and lines[0].startswith("bop: error: "), shown
    assert "Traceback" not in outcome.stderr and "internal error" not in lines[0], shown
    assert isinstance(outcome.exception, SystemExit), repr(outcome.exception)  # nothing else escaped
    for word in words:
        assert word in lines[0], (word, lines[0][:3000])
    return lines[0]


def toml_value(value: Any) -> str:
    """A Python value written as a TOML value (strings, numbers, booleans, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # control characters are escaped the TOML way
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write a file into `folder` and return its path."""
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
