"""Writing a run's results: per-step measures, logs (Parquet) and the summary (JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from model.conflict import WAR_COLUMNS
from model.model import BalanceOfPowerModel

ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "list": pa.list_(pa.string())}
WAR_SCHEMA = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in WAR_COLUMNS.items()])


def write_run(model: BalanceOfPowerModel, out: Path) -> list[Path]:
    """Write model.parquet, events.parquet, wars.parquet, ties.parquet, states.parquet and dyads.parquet (if
    recorded), summary.json."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "model.parquet", out / "events.parquet", out / "wars.parquet", out / "ties.parquet"]
    model.model_frame().to_parquet(written[0], index=False)
    model.events_frame().to_parquet(written[1], index=False)
    wars = pa.Table.from_pandas(model.wars_frame(), schema=WAR_SCHEMA, preserve_index=False)
    pq.write_table(wars, written[2])
    model.ties_frame().to_parquet(written[3], index=False)
    if model.params["record_states"]:
        written.append(out / "states.parquet")
        model.states_frame().to_parquet(written[-1], index=False)
    if model.params["record_dyads"]:
        written.append(out / "dyads.parquet")
        model.dyads_frame().to_parquet(written[-1], index=False)
    summary = {"params": model.params, **model.summary()}
    written.append(out / "summary.json")
    written[-1].write_text(json.dumps(summary, indent=2) + "\n")
    return written
