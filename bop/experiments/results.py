"""Reading a sweep's results back (for `bop report` and notebooks).

from bop.experiments.results import load_sweep, load_steps
runs = load_sweep("runs/out/baseline")          # one row per run: params, seed, status, summary
steps = load_steps("runs/out/baseline", "model")  # per-step measures, when they were recorded
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bop.experiments.store import RESULTS, FolderError, part_runs, read_manifest


def load_sweep(path: str | Path) -> pd.DataFrame:
    """All finished runs of a sweep, one row each, sorted by run id."""
    root = _sweep_root(path)
    return _read_parts(list(part_runs(root, RESULTS).items()))


def load_steps(
    path: str | Path,
    dataset: str = "model",
    columns: list[str] | None = None,
    filters: list[list[tuple[str, str, Any]]] | None = None,
) -> pd.DataFrame:
    """A per-step dataset or log (`model`, `events`, `states`, ...) of the finished runs, by run id.

    Parts of runs that have no results row yet (a run cut short by a kill) are left out. `columns` and
    `filters` (pyarrow's: a list of alternatives, each a list of (column, op, value) conditions) read
    only what is asked for, so a large log need not fit in memory whole.
    """
    root = _sweep_root(path)
    finished = part_runs(root, RESULTS)
    parts = [(run, p) for run, p in part_runs(root, dataset).items() if run in finished]
    if not parts and not (root / dataset).is_dir():
        record = load_manifest(root)["experiment"]["record"]
        if dataset in record["logs"] or (dataset == "model" and record["model"]):
            return pd.DataFrame()  # recorded, but no run produced a row (e.g. a peaceful war log)
        raise FileNotFoundError(
            f"{root} has no '{dataset}' data: was it recorded ([record] in the experiment)?"
        )
    return _read_parts(parts, columns, filters)


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


def _read_part(
    path: str, columns: list[str] | None = None, filters: list[list[tuple[str, str, Any]]] | None = None
) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns, filters=filters)
    except (OSError, ValueError, pa.ArrowException) as err:
        raise FolderError(
            f"{path} is unreadable ({str(err)[:80]}): bop sweep FILE --resume moves it aside and reruns it"
        ) from None


def _read_parts(
    parts: list[tuple[int, str]],
    columns: list[str] | None = None,
    filters: list[list[tuple[str, str, Any]]] | None = None,
) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame()
    # Parts are written run by run, so a column that is empty in one run (None) and set in
    # another gets its type from the runs that set it.
    tables = [_read_part(path, columns, filters) for _, path in sorted(parts)]
    table = pa.concat_tables(tables, promote_options="permissive")
    frame = table.to_pandas()
    for field in table.schema:  # lists (a war's attackers) as Python lists, as the model's own frames have
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            frame[field.name] = pd.Series(table.column(field.name).to_pylist(), dtype=object)
    return frame.sort_values("run", kind="stable").reset_index(drop=True)
