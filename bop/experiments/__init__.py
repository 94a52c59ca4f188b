"""experiments: sweeps of the model — files, runs, executors, the output folder (docs/experiments.md).

Modules, bottom-up:
- `experiment`: experiment files (TOML) checked in full, their design points and seeds;
- `output`: one run's results written to a folder (`bop run --out`);
- `runner`: one run of a sweep, as any executor ships it;
- `store`: the sweep's output folder (atomic Parquet parts, the manifest, the lock, compaction);
- `results`: reading a sweep's results back (compacted files and parts, each run once);
- `progress`: a bar on a terminal, a line every few seconds elsewhere (recent rate, ETA);
- `sweep`: running every missing run on an executor, each result durable as it arrives.
"""
