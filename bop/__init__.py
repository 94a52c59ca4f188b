"""bop: the lab around the model — the `bop` command, experiments, analysis, validation and the visual server.

Depends on `model` (the system) and `agents` (the states); nothing there depends on it. Modules, bottom-up:
- `experiments/`: experiment files, one run, sweeps on any executor, the output folder, reading results;
- `analysis/`: per-run outcomes (defined once), intervals, tables, figures, the report, sensitivity;
- `validation/`: `bop validate`, the model scored against stylized facts and the record, one check a module;
- `viz/`: the visual server's parts (`app.py` at the repository root is the `solara run` entry);
- `cli.py`: every `bop` subcommand.
"""
