"""Writing a run's results: per-step measures, logs (Parquet) and the summary (JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from model.model import BalanceOfPowerModel


def write_run(model: BalanceOfPowerModel, out: Path) -> list[Path]:
    """Write model.parquet, events.parquet, states.parquet (if recorded) and summary.json."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "model.parquet", out / "events.parquet"]
    model.model_frame().to_parquet(written[0], index=False)
    model.events_frame().to_parquet(written[1], index=False)
    if model.params["record_states"]:
        written.append(out / "states.parquet")
        model.states_frame().to_parquet(written[-1], index=False)
    summary = {"params": model.params, **model.summary()}
    written.append(out / "summary.json")
    written[-1].write_text(json.dumps(summary, indent=2) + "\n")
    return written
