"""Reading a sweep's results back (for `bop report` and notebooks).

from bop.experiments.results import load_sweep, load_steps
runs = load_sweep("runs/out/baseline")          # one row per run: params, seed, status, summary
steps = load_steps("runs/out/baseline", "model")  # per-step measures, when they were recorded

A finished sweep's data are in one file per dataset (DIR/results.parquet, DIR/model.parquet, ...); an
unfinished one's, or a resumed one's new runs, in parts (DIR/results/part-*.parquet). Both are read, each
run once: from the compacted file when it holds it, else from its part.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bop.experiments.store import (
    RESULTS,
    FolderError,
    batch_count,
    compacted_path,
    part_runs,
    read_manifest,
    read_table,
)

ATTEMPTS = 5  # a sweep compacting the folder while it is read removes parts: read again


def load_sweep(path: str | Path) -> pd.DataFrame:
    """All finished runs of a sweep, one row each, sorted by run id."""
    root = _sweep_root(path)
    return _frame(_retrying(lambda: _tables(root, RESULTS, None)))


Filters = list[list[tuple[str, str, Any]]]


def load_steps(
    path: str | Path,
    dataset: str = "model",
    columns: list[str] | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """A per-step dataset or log (`model`, `events`, `states`, ...) of the finished runs, by run id.

    Parts of runs that have no results row yet (a run cut short by a kill) are left out. `columns` and
    `filters` (pyarrow's: a list of alternatives, each a list of (column, op, value) conditions) keep
    only what is asked for, file by file, so a large log need not fit in memory whole.
    """
    root = _sweep_root(path)

    def read() -> list[pa.Table]:
        finished = {
            int(r) for t in _tables(root, RESULTS, None, ["run"]) for r in t.column("run").to_pylist()
        }
        return _tables(root, dataset, finished, columns, filters)

    tables = _retrying(read)
    if not tables and not (root / dataset).is_dir() and not os.path.exists(compacted_path(root, dataset)):
        record = load_manifest(root)["experiment"]["record"]
        if dataset in record["logs"] or (dataset == "model" and record["model"]):
            return pd.DataFrame()  # recorded, but no run produced a row (e.g. a peaceful war log)
        raise FileNotFoundError(
            f"{root} has no '{dataset}' data: was it recorded ([record] in the experiment)?"
        )
    return _frame(tables)


def load_manifest(path: str | Path) -> dict[str, Any]:
    """The sweep's manifest: experiment, seeds, versions, times, counts."""
    manifest = read_manifest(_sweep_root(path))
    assert manifest is not None  # _sweep_root checked it
    return manifest


def _sweep_root(path: str | Path) -> Path:
    root = Path(path)
    if read_manifest(root) is None:
        raise FileNotFoundError(f"{root} is not a sweep folder (no _manifest.json)")
    return root


def _retrying(read: Callable[[], list[pa.Table]]) -> list[pa.Table]:
    """`read()`, again if a part it listed was removed before it was read (compacted meanwhile)."""
    for _ in range(ATTEMPTS):
        try:
            return read()
        except FileNotFoundError:
            continue
    raise FolderError("the sweep's files kept changing while they were read: try again")


def _tables(
    root: Path,
    dataset: str,
    runs: set[int] | None,
    columns: list[str] | None = None,
    filters: Filters | None = None,
) -> list[pa.Table]:
    """The compacted file's rows and those of the parts of runs it does not hold, only of `runs` if given.

    The parts are listed before the compacted file is read: a compaction that ends in between has put
    their rows in the file (and they are skipped), one that ends later makes a listed part vanish
    (FileNotFoundError: read again).
    """
    parts = sorted(part_runs(root, dataset).items())
    keep = pq.filters_to_expression(filters) if filters else None
    read = None
    if columns is not None:  # the run id and the filters' columns are read too, then dropped
        wanted = {"run"} | {c for alternative in filters or [] for c, _, _ in alternative}
        read = list(dict.fromkeys([*columns, *sorted(wanted - set(columns))]))
    tables = []
    have: set[int] = set()
    path = compacted_path(root, dataset)
    if os.path.exists(path):
        table = read_table(path, read)
        have = set(pc.unique(table.column("run")).to_pylist())
        tables.append(_select(_only(table, runs), keep, columns))
    for run, part in parts:
        single = batch_count(part) == 1  # a batch's part is keyed by its first run: read its rows
        if single and (run in have or (runs is not None and run not in runs)):
            continue
        table = read_table(part, read)
        if have:  # a part holding several runs: only those the compacted file does not hold
            table = table.filter(pc.invert(pc.is_in(table.column("run"), pa.array(sorted(have)))))
        tables.append(_select(_only(table, runs), keep, columns))
    return tables


def _select(table: pa.Table, keep: pc.Expression | None, columns: list[str] | None) -> pa.Table:
    """The rows `keep` accepts, with the `columns` asked for (and the run id, by which rows are sorted)."""
    if keep is not None:
        table = table.filter(keep)
    if columns is not None:
        table = table.select(list(dict.fromkeys(["run", *columns])))
    return table


def _only(table: pa.Table, runs: set[int] | None) -> pa.Table:
    if runs is None:
        return table
    return table.filter(pc.is_in(table.column("run"), pa.array(sorted(runs), pa.int64())))


def _frame(tables: list[pa.Table]) -> pd.DataFrame:
    if not tables:
        return pd.DataFrame()
    # Parts are written run by run, so a column that is empty in one run (None) and set in
    # another gets its type from the runs that set it.
    table = pa.concat_tables(tables, promote_options="permissive")
    frame = table.to_pandas()
    for field in table.schema:  # lists (a war's attackers) as Python lists, as the model's own frames have
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            frame[field.name] = pd.Series(table.column(field.name).to_pylist(), dtype=object)
    return frame.sort_values("run", kind="stable").reset_index(drop=True)
