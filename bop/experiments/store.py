"""The output folder of a sweep: one small Parquet part per run and dataset, written atomically.

    DIR/_manifest.json               the experiment, seeds, versions, times, counts
    DIR/results/part-000042.parquet  run 42's row; written last, so it marks the run as finished
    DIR/model/part-000042.parquet    run 42's per-step measures (when recorded), likewise events/, states/

Every part is written to a temporary name starting with `_` (which Parquet readers skip) and moved
into place with os.replace, so a sweep killed at any moment leaves only whole parts behind.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bop.experiments.runner import RunOutput

RESULTS = "results"
MANIFEST = "_manifest.json"
PART = re.compile(r"^part-(\d+)\.parquet$")


def part_path(root: Path, dataset: str, run: int) -> str:
    """Where run `run`'s part of `dataset` lives.

    Part paths are plain strings: pathlib interns every path component, and interned strings are never
    freed (Python 3.12), so Path objects would make a long sweep's memory grow with its runs.
    """
    return os.path.join(root, dataset, f"part-{run:06d}.parquet")


def iter_parts(root: Path, dataset: str) -> Iterator[tuple[int, str]]:
    """The parts present in one dataset as (run id, path), read lazily from the folder."""
    folder = os.path.join(root, dataset)
    if not os.path.isdir(folder):
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            match = PART.match(entry.name)
            if match:
                yield int(match.group(1)), entry.path


def part_runs(root: Path, dataset: str) -> dict[int, str]:
    """The parts present in one dataset, by run id."""
    return dict(iter_parts(root, dataset))


def finished_runs(root: Path) -> set[int]:
    """Runs whose results row is on disk (finished, whether ok or failed)."""
    return set(part_runs(root, RESULTS))


def write_output(root: Path, output: RunOutput) -> None:
    """Make one run durable: its frames first, then its results row, which commits the run."""
    run = output.row["run"]
    for name, frame in output.frames.items():
        if len(frame):
            _write_atomic(pa.Table.from_pandas(frame, preserve_index=False), part_path(root, name, run))
    _write_atomic(pa.Table.from_pylist([output.row]), part_path(root, RESULTS, run))


def remove_temporaries(root: Path) -> None:
    """Delete half-written parts a killed sweep left behind."""
    if root.is_dir():
        for folder in (p for p in root.iterdir() if p.is_dir()):
            for path in folder.glob("_tmp-*"):
                path.unlink()


def _write_atomic(table: pa.Table, path: str) -> None:
    folder, name = os.path.split(path)
    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f"_tmp-{os.getpid()}-{name}")
    with open(temporary, "wb") as file:
        pq.write_table(table, file)
        file.flush()
        os.fsync(file.fileno())  # on disk before it is named: a crash leaves no empty part
    os.replace(temporary, path)


def read_manifest(root: Path) -> dict[str, Any] | None:
    """The sweep's manifest, or None when the folder holds none."""
    path = root / MANIFEST
    return json.loads(path.read_text()) if path.exists() else None


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically."""
    root.mkdir(parents=True, exist_ok=True)
    temporary = root / f"_tmp-{os.getpid()}-{MANIFEST}"
    temporary.write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    os.replace(temporary, root / MANIFEST)
