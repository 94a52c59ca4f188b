"""A sweep's output folder: one Parquet part per run and dataset, written atomically, under a lock,
compacted into one file per dataset when the sweep ends.

    DIR/_manifest.json               the experiment, seeds, versions, times, counts
    DIR/_lock                        while a sweep runs: who holds the folder (pid, host, start time)
    DIR/results/part-000042.parquet  run 42's row; written last, so it marks the run as finished
    DIR/model/part-000042.parquet    run 42's per-step measures (when recorded), likewise events/, states/
    DIR/results/part-000042-n125.parquet  a batch: the rows of 125 runs, the first of them run 42
    DIR/model/part-000042-n125.parquet    their per-step measures; it counts only beside its results part
    DIR/results.parquet              the compacted results (one row per run, by run); model.parquet, ...
    DIR/results.csv                  the same rows as CSV, for R and spreadsheets
    DIR/_quarantine/                 parts found unreadable on --resume, moved aside (their runs run again)

Every part is written to a temporary name starting with `_` (which Parquet readers skip) and moved
into place with os.replace, so a sweep killed at any moment leaves only whole parts behind. Compaction
(`compact`) writes each dataset's file the same way, fsyncs the folder, and only then removes the parts
it holds; readers take a run from the compacted file when it is there and from its part otherwise, so
a folder caught between the two is read without double counting.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bop.experiments.runner import RunOutput

RESULTS = "results"
CSV = "results.csv"
MANIFEST = "_manifest.json"
LOCK = "_lock"
QUARANTINE = "_quarantine"
TEMPORARY = "_tmp-"
CHUNK_ROWS = 100_000  # rows per row group of a compacted file (bounds compaction's memory)
CHUNK_PARTS = 64  # parts read at once: each small table costs memory of its own until combined
PART = re.compile(r"^part-(\d+)(?:-n(\d+))?\.parquet$")
MANIFEST_KEYS = ("experiment", "runs", "seeds", "versions", "status", "sessions")


class FolderError(RuntimeError):
    """An output folder cannot be used (unwritable, locked, damaged); the message says why and what to do."""


class OutError(FolderError):
    """The --out folder cannot be made or written to: a bad option value, found before any work."""


def part_path(root: Path, dataset: str, run: int, count: int = 1) -> str:
    """Where run `run`'s part of `dataset` lives; with `count` > 1, the part of a batch of that many runs
    whose first (lowest) run is `run`.

    Part paths are plain strings: pathlib interns every path component, and interned strings are never
    freed (Python 3.12), so Path objects would make a long sweep's memory grow with its runs.
    """
    name = f"part-{run:06d}.parquet" if count == 1 else f"part-{run:06d}-n{count}.parquet"
    return os.path.join(root, dataset, name)


def batch_count(path: str) -> int:
    """How many runs a part holds by its name: 1 for a run's part, n for a batch's `part-R-n<n>`."""
    match = PART.match(os.path.basename(path))
    return int(match.group(2)) if match and match.group(2) else 1


def iter_parts(root: Path, dataset: str) -> Iterator[tuple[int, str]]:
    """The parts present in one dataset as (run id, path), read lazily from the folder; a batch's part
    is keyed by its first run (`batch_count` says how many it holds)."""
    folder = os.path.join(root, dataset)
    if not os.path.isdir(folder):
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            match = PART.match(entry.name)
            if match:
                yield int(match.group(1)), entry.path


def part_runs(root: Path, dataset: str) -> dict[int, str]:
    """The parts present in one dataset, by run id (a batch's by its first run)."""
    return dict(iter_parts(root, dataset))


def compacted_path(root: Path, dataset: str) -> str:
    """Where a dataset's compacted file lives: DIR/<dataset>.parquet."""
    return os.path.join(root, f"{dataset}.parquet")


def compacted_datasets(root: Path) -> list[str]:
    """The datasets that have a compacted file."""
    if not os.path.isdir(root):
        return []
    return sorted(
        name.removesuffix(".parquet")
        for name in os.listdir(root)
        if name.endswith(".parquet") and not name.startswith("_")
    )


def read_table(path: str, columns: list[str] | None = None) -> pa.Table:
    """A part or compacted file; FileNotFoundError if it is gone (compacted meanwhile), FolderError if
    it cannot be read."""
    try:
        with pq.ParquetFile(path) as file:  # without the dataset layer: a part reads in half the time
            return file.read(columns=columns)
    except FileNotFoundError:
        raise
    except (OSError, ValueError, pa.ArrowException) as err:
        raise FolderError(
            f"{path} is unreadable ({str(err)[:80]}): bop sweep FILE --resume moves it aside and reruns "
            "its runs"
        ) from None


def rows_by_run(path: str) -> dict[int, int]:
    """How many rows each run has in a part or compacted file (read from its `run` column)."""
    return _rows_by_run(read_table(path, ["run"]))


def _rows_by_run(table: pa.Table) -> dict[int, int]:
    counts = pc.value_counts(table.column("run"))
    return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True))


def part_contents(path: str) -> tuple[pa.Schema, dict[int, int]]:
    """A part's schema and rows by run, from its footer when its one row group holds one run (the
    `run` column's min equals its max), else from its `run` column."""
    try:
        with pq.ParquetFile(path) as file:
            meta = file.metadata
            columns = [meta.schema.column(i).path for i in range(meta.num_columns)]
            if meta.num_row_groups == 1 and "run" in columns:
                stats = meta.row_group(0).column(columns.index("run")).statistics
                if stats is not None and stats.has_min_max and stats.min == stats.max:
                    return file.schema_arrow, {int(stats.min): meta.num_rows}
            return file.schema_arrow, _rows_by_run(file.read(columns=["run"]))
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, pa.ArrowException) as err:
        raise FolderError(f"{path} is unreadable ({str(err)[:80]})") from None


def compacted_runs(root: Path, dataset: str = RESULTS) -> set[int]:
    """The runs in a dataset's compacted file (none without one)."""
    path = compacted_path(root, dataset)
    return set(rows_by_run(path)) if os.path.exists(path) else set()


def finished_runs(root: Path) -> set[int]:
    """Runs whose results row is on disk (finished, whether ok or failed): compacted, or in a part (a
    batch's runs read from its `run` column)."""
    finished = compacted_runs(root)
    for run, path in iter_parts(root, RESULTS):
        if batch_count(path) == 1:
            finished.add(run)
        else:
            finished |= set(part_contents(path)[1])
    return finished


def datasets(root: Path) -> list[str]:
    """The datasets in the folder (results, model, events, ...): its folders not starting with `_`."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))


def write_output(root: Path, output: RunOutput) -> None:
    """Make one run durable: its frames first, then its results row, which commits the run."""
    run = output.row["run"]
    for name, frame in output.frames.items():
        if len(frame):
            _write_atomic(pa.Table.from_pandas(frame, preserve_index=False), part_path(root, name, run))
    _write_atomic(pa.Table.from_pylist([output.row]), part_path(root, RESULTS, run))


def write_batch(root: Path, outputs: list[RunOutput]) -> None:
    """Make a batch of runs durable as one part per dataset (a single run as its own part): the frames
    first, then the results rows, whose part commits every run of the batch at once."""
    if len(outputs) == 1:
        write_output(root, outputs[0])
        return
    first, count = min(o.row["run"] for o in outputs), len(outputs)
    names = dict.fromkeys(name for o in outputs for name in o.frames)
    for name in names:
        tables = [
            pa.Table.from_pandas(frame, preserve_index=False)
            for o in outputs
            if (frame := o.frames.get(name)) is not None and len(frame)
        ]
        if tables:
            table = pa.concat_tables(tables, promote_options="permissive")
            _write_atomic(table, part_path(root, name, first, count))
    rows = [pa.Table.from_pylist([o.row]) for o in outputs]  # a failed run's row has fewer columns
    results = pa.concat_tables(rows, promote_options="permissive")
    _write_atomic(results, part_path(root, RESULTS, first, count))


def remove_orphans(root: Path) -> list[str]:
    """Delete the batch parts whose results part is missing (a sweep killed while writing the batch):
    their runs are not finished and run again, in batches of other names."""
    committed = {os.path.basename(path) for _, path in iter_parts(root, RESULTS)}
    removed = []
    for dataset in datasets(root):
        if dataset == RESULTS:
            continue
        for _, path in iter_parts(root, dataset):
            if batch_count(path) > 1 and os.path.basename(path) not in committed:
                os.unlink(path)
                removed.append(path)
    return removed


def remove_temporaries(root: Path) -> None:
    """Delete half-written parts and manifests a killed sweep (or a full disk) left behind."""
    if root.is_dir():
        for folder in (root, *(p for p in root.iterdir() if p.is_dir() and p.name != QUARANTINE)):
            for path in folder.glob(f"{TEMPORARY}*"):
                path.unlink()


def holds_only_leftovers(root: Path) -> bool:
    """Whether the folder holds nothing but what a sweep that never wrote its manifest leaves: a lock,
    temporaries (a 0-byte manifest after a full disk or a kill) and empty dataset folders."""
    for path in root.iterdir():
        if path.name == LOCK or path.name.startswith(TEMPORARY):
            continue
        if path.is_dir() and all(p.name.startswith(TEMPORARY) for p in path.iterdir()):
            continue
        return False
    return True


@contextlib.contextmanager
def _replacing(path: str | os.PathLike[str], mode: str = "wb", **options: Any) -> Iterator[IO[Any]]:
    """A file that takes the place of `path` whole: written to a temporary beside it, on disk (fsynced)
    before it is renamed, so a crash leaves no empty file and a full disk no half one (it is removed)."""
    folder, name = os.path.split(os.fspath(path))
    temporary = os.path.join(folder, f"{TEMPORARY}{os.getpid()}-{name}")
    try:
        with open(temporary, mode, **options) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_atomic(table: pa.Table, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with _replacing(path) as file:
        pq.write_table(table, file)


def unreadable_parts(root: Path, one_row: bool = True) -> dict[int, list[str]]:
    """Parts whose Parquet footer cannot be read (or, with `one_row`, a results part without its one
    row, or a batch's without a row per run), by run (a batch's by its first run)."""
    bad: dict[int, list[str]] = {}
    for dataset in datasets(root):
        for run, path in iter_parts(root, dataset):
            try:
                rows = pq.read_metadata(path).num_rows
            except (OSError, ValueError, pa.ArrowException):
                rows = -1
            if rows < 0 or (one_row and dataset == RESULTS and rows != batch_count(path)):
                bad.setdefault(run, []).append(path)
    return bad


def quarantine(root: Path, runs: set[int]) -> list[str]:
    """Move every part of `runs` (all datasets) into DIR/_quarantine/<dataset>/, so they run again."""
    moved = []
    for dataset in datasets(root):
        for run, path in iter_parts(root, dataset):
            if run in runs:
                target = root / QUARANTINE / dataset / os.path.basename(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                copy = 1
                while target.exists():  # an earlier resume quarantined this run too: keep both
                    target = target.with_name(f"{os.path.basename(path)}.{copy}")
                    copy += 1
                os.replace(path, target)
                moved.append(str(target))
    return moved


def unreadable_compacted(root: Path) -> list[str]:
    """Compacted files whose Parquet footer cannot be read (or without a `run` column)."""
    bad = []
    for dataset in compacted_datasets(root):
        path = compacted_path(root, dataset)
        try:
            readable = "run" in pq.read_schema(path).names
        except (OSError, ValueError, pa.ArrowException):
            readable = False
        if not readable:
            bad.append(path)
    return bad


def quarantine_compacted(root: Path) -> list[str]:
    """Move every compacted file (and results.csv) into DIR/_quarantine/, so their runs run again.

    One damaged compacted file sends them all: the runs of a file that cannot be read are unknown, and
    a run must not stay finished in the results while its per-step rows are lost.
    """
    moved = []
    for name in [f"{d}.parquet" for d in compacted_datasets(root)] + ([CSV] if (root / CSV).exists() else []):
        target = root / QUARANTINE / name
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = 1
        while target.exists():
            target = target.with_name(f"{name}.{copy}")
            copy += 1
        os.replace(root / name, target)
        moved.append(str(target))
    return moved


@dataclass
class Compaction:
    """What `compact` did: rows of each dataset file it wrote, parts removed, runs it left as parts."""

    written: dict[str, int] = field(default_factory=dict)
    removed: int = 0
    runs: int = 0  # finished runs in the compacted results
    left: list[int] = field(default_factory=list)  # runs with an unreadable part: --resume reruns them
    csv: bool = False


def compact(root: Path, chunk_rows: int = CHUNK_ROWS) -> Compaction:
    """Merge every dataset's parts of finished runs into DIR/<dataset>.parquet, results last, then
    remove those parts; write DIR/results.csv from the results. The caller holds the folder's lock.

    Each file is written to a temporary, fsynced, renamed, and the folder fsynced, before any part it
    holds is removed; a file already there is merged with the new parts (a resumed sweep), in run order,
    `chunk_rows` rows at a time, so memory does not grow with the sweep and any part may hold any number
    of rows or runs (a part's runs are read from its `run` column, not its name). A run with an
    unreadable part is left as it is, for --resume to rerun.
    """
    remove_temporaries(root)
    broken = unreadable_compacted(root)
    if broken:
        raise FolderError(
            f"{broken[0]} is unreadable: bop sweep FILE --resume moves it aside and runs its runs again"
        )
    bad: set[int] = set()  # runs with a part whose footer cannot be read: left for --resume
    contents: dict[str, dict[str, tuple[pa.Schema, dict[int, int]]]] = {}
    schemas: dict[pa.Schema, pa.Schema] = {}  # parts mostly share a schema: keep one copy of each
    for dataset in datasets(root):
        contents[dataset] = {}
        for run, path in sorted(iter_parts(root, dataset)):
            try:
                schema, runs = part_contents(path)  # a part's runs are its rows, however many
            except FolderError:
                bad.add(run)
                continue
            contents[dataset][path] = (schemas.setdefault(schema, schema), runs)
    finished = compacted_runs(root)
    for _, runs in contents.get(RESULTS, {}).values():
        finished |= set(runs)
    eligible = finished - bad
    committed = {os.path.basename(path) for path in contents.get(RESULTS, {})}
    for parts_of in contents.values():  # a batch part without its results part is an orphan
        for path in [p for p in parts_of if batch_count(p) > 1 and os.path.basename(p) not in committed]:
            del parts_of[path]
    done = Compaction(left=sorted(bad))
    names = sorted(set(datasets(root)) | set(compacted_datasets(root)), key=lambda d: (d == RESULTS, d))
    for dataset in names:
        # a part with no row was never written so (empty frames are not): it is damage, for --resume
        parts = {
            p: info for p, info in contents.get(dataset, {}).items() if info[1] and set(info[1]) <= eligible
        }
        target = compacted_path(root, dataset)
        old = rows_by_run(target) if os.path.exists(target) else {}
        if any(set(runs) - set(old) for _, runs in parts.values()):
            done.written[dataset] = _write_compacted(root, dataset, old, parts, chunk_rows)
        for path in parts:
            os.unlink(path)
            done.removed += 1
        with contextlib.suppress(OSError):
            os.rmdir(os.path.join(root, dataset))  # only if empty: a run left as parts keeps its folder
    if os.path.exists(compacted_path(root, RESULTS)):
        done.runs = len(compacted_runs(root))
        if RESULTS in done.written or not (root / CSV).exists():
            _write_csv(root)
            done.csv = True
    return done


def _write_compacted(
    root: Path,
    dataset: str,
    old: dict[int, int],
    parts: dict[str, tuple[pa.Schema, dict[int, int]]],
    chunk_rows: int,
) -> int:
    """Write DIR/<dataset>.parquet from the file there (`old`: its rows by run) and the parts (their
    schemas and rows by run), in run order, one row group per chunk of runs of at most `chunk_rows`
    rows (or one run); return the rows written."""
    target = compacted_path(root, dataset)
    schemas = ([pq.read_schema(target)] if old else []) + [schema for schema, _ in parts.values()]
    schema = pa.unify_schemas(schemas, promote_options="permissive")  # a null column gets its type
    source: dict[int, str | None] = dict.fromkeys(old)  # where each run's rows are: None, the old file
    rows: dict[int, int] = dict(old)
    for path, (_, runs) in parts.items():
        for run, count in runs.items():
            if run not in source:  # a run in the old file is taken from there
                source[run], rows[run] = path, count
    chunks: list[list[int]] = [[]]
    size = 0
    for run in sorted(rows):
        if chunks[-1] and size + rows[run] > chunk_rows:
            chunks.append([])
            size = 0
        chunks[-1].append(run)
        size += rows[run]
    held = {path: len(runs) for path, (_, runs) in parts.items()}
    written = 0
    with _replacing(target) as file, pq.ParquetWriter(file, schema) as writer:
        for chunk in chunks:
            table = _chunk(target, chunk, source, held, schema)
            writer.write_table(table, row_group_size=max(1, len(table)))
            written += len(table)
    _fsync_folder(root)  # the new name is on disk before the parts it replaces are removed
    return written


def _chunk(
    target: str, runs: list[int], source: dict[int, str | None], held: dict[str, int], schema: pa.Schema
) -> pa.Table:
    """The rows of `runs` (consecutive in run order), from the old compacted file and the parts (`held`:
    how many runs each holds), sorted by run, in `schema`."""
    by_path: dict[str | None, list[int]] = {}
    for run in runs:
        by_path.setdefault(source[run], []).append(run)
    pieces = []
    if None in by_path:
        old = pq.read_table(target, filters=[("run", ">=", runs[0]), ("run", "<=", runs[-1])])
        pieces.append(_conform(old, schema))
    paths = [path for path in by_path if path is not None]
    for start in range(0, len(paths), CHUNK_PARTS):
        tables = []
        for path in paths[start : start + CHUNK_PARTS]:
            table = read_table(path)
            mine = by_path[path]
            if len(mine) < held[path]:  # a part holding runs of other chunks, or of the old file
                table = table.filter(pc.is_in(table.column("run"), pa.array(mine, pa.int64())))
            tables.append(table)
        # one contiguous table per batch, so the many small tables of the parts are freed at once
        pieces.append(
            _conform(pa.concat_tables(tables, promote_options="permissive"), schema).combine_chunks()
        )
    return pa.concat_tables(pieces).sort_by("run")


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table with the columns of `schema`, in its order and types (a missing column as nulls)."""
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _write_csv(root: Path) -> None:
    """DIR/results.csv from the compacted results: one row per run, a missing value as an empty cell."""
    frame = read_table(compacted_path(root, RESULTS)).to_pandas()
    with _replacing(root / CSV, "w", encoding="utf-8", newline="") as file:
        frame.to_csv(file, index=False)


def _fsync_folder(root: Path) -> None:
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(root: Path) -> dict[str, Any] | None:
    """The sweep's manifest, or None when the folder holds none; a damaged one is a FolderError."""
    path = root / MANIFEST
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise FolderError(f"{root} is a file, not a sweep folder") from None
    except OSError as err:
        raise FolderError(f"{path} cannot be read ({err.strerror or err})") from None
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        problem = "it is empty" if not text.strip() else f"not valid JSON: {str(err)[:80]}"
        raise FolderError(
            f"{path} is damaged ({problem}): the folder's sweep cannot be checked or resumed; "
            "move the folder aside and start the sweep again in another --out"
        ) from None
    if not isinstance(manifest, dict) or any(key not in manifest for key in MANIFEST_KEYS):
        missing = [k for k in MANIFEST_KEYS if not isinstance(manifest, dict) or k not in manifest]
        raise FolderError(
            f"{path} is damaged (no {', '.join(missing)}): move the folder aside and start again elsewhere"
        )
    return manifest


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically (flushed to disk first, so a crash never leaves it empty)."""
    root.mkdir(parents=True, exist_ok=True)
    with _replacing(root / MANIFEST, "w") as file:
        file.write(json.dumps(manifest, indent=2, default=str) + "\n")


def check_writable(folder: Path, option: str = "--out") -> None:
    """Make the folder (and its parents) and write a probe file in it, or raise FolderError saying why.

    Called before any work, so a bad --out costs nothing.
    """
    probe = folder / f"{TEMPORARY}{os.getpid()}-probe"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except FileExistsError:
        raise OutError(f"{option}: cannot write to {folder}: it is a file, not a folder") from None
    except OSError as err:
        raise OutError(f"{option}: cannot write to {folder}: {err.strerror or err}") from None


class FolderLock:
    """An exclusive lock on a sweep folder, held for the sweep's life: `fcntl.flock` on DIR/_lock.

    The lock file names its holder (pid, host, start time), so a second sweep or resume is refused with
    who holds it. The kernel drops a flock when its holder dies however it dies, so a lock file left by a
    killed sweep is stale: the next sweep takes it over, and `stale` says whose it was.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / LOCK
        self.fd = -1
        self.created = False
        self.stale: str | None = None

    def __enter__(self) -> FolderLock:
        self.created = not self.root.exists()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.fd = self._acquire()
        except FileExistsError:
            raise OutError(f"--out: cannot write to {self.root}: it is a file, not a folder") from None
        except OSError as err:
            raise OutError(f"--out: cannot write to {self.root}: {err.strerror or err}") from None
        self.stale = _holder(_read(self.fd))
        os.ftruncate(self.fd, 0)
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": _now()}
        os.pwrite(self.fd, (json.dumps(holder) + "\n").encode(), 0)
        return self

    def _acquire(self) -> int:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(_read(fd)) or "a process that has not yet said who it is"
                os.close(fd)
                raise FolderError(
                    f"{self.root} is in use by another sweep ({holder}): wait for it to finish, "
                    "or choose another --out"
                ) from None
            # The holder before us may have removed the file as it let go: lock the file that is there.
            try:
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    return fd
            except FileNotFoundError:
                pass
            os.close(fd)

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()  # still held, so nobody else has it: a clean folder afterwards
        os.close(self.fd)
        if self.created:
            with contextlib.suppress(OSError):
                self.root.rmdir()  # only if empty: a refused sweep leaves no folder behind


def move_aside(lock: FolderLock) -> Path:
    """Rename the locked folder to `<name>.old-<UTC time>` (the lock goes with it; `lock` now names the
    new place, so letting go of it leaves the new folder alone) and return where it went."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = lock.root.with_name(f"{lock.root.name}.old-{stamp}")
    copy = 1
    while aside.exists():
        copy += 1
        aside = lock.root.with_name(f"{lock.root.name}.old-{stamp}-{copy}")
    os.rename(lock.root, aside)
    lock.root, lock.path, lock.created = aside, aside / LOCK, False
    return aside


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""


def _holder(text: str) -> str | None:
    """'pid 123 on host, started 2026-01-01T10:00:00+00:00' from a lock file's text; None if empty."""
    try:
        holder = json.loads(text)
        return f"pid {holder['pid']} on {holder['host']}, started {holder['started']}"
    except (ValueError, TypeError, KeyError):
        return text.strip()[:100] or None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
