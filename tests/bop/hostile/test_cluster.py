"""Dask clusters: a LocalCluster listens on 127.0.0.1 only and serves no dashboard, and a real cluster
(`dask scheduler` and two `dask worker` processes) that loses a worker mid-sweep still gives the tables
of the local process pool."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import distributed
import pandas as pd
import psutil
import pytest

from bop.experiments import store
from bop.experiments.experiment import load_experiment
from bop.experiments.results import load_manifest, load_steps, load_sweep
from bop.experiments.runner import TIMING
from bop.experiments.sweep import run_sweep
from tests.bop.hostile.tools import write

BIN = Path(sys.executable).parent
SMALL = "steps = 6\nreplications = 2\nseed = 1\n[grid]\nn_states = [4, 5]\n[record]\nlogs = ['events']\n"
STEADY = (
    "steps = 50\nreplications = 16\nseed = 3\n[grid]\nn_states = [12, 14, 16]\n[record]\nlogs = ['events']\n"
)
PATHS = ("/", "/status", "/info/main/workers.html", "/json/identity.json", "/metrics", "/health")


def results(out: Path) -> pd.DataFrame:
    return load_sweep(out).drop(columns=list(TIMING))


def http_status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code


def test_the_local_cluster_listens_on_loopback_only_and_serves_no_dashboard(tmp_path, monkeypatch):
    seen: dict[str, object] = {}

    class Watched(distributed.LocalCluster):
        """The sweep's LocalCluster, probed as soon as it is up."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            info = self.scheduler_info
            ports = [info["services"]["dashboard"]]
            ports += [w["services"]["dashboard"] for w in info["workers"].values()]
            seen["http"] = {port: [http_status(port, p) for p in PATHS] for port in ports}
            me = psutil.Process()
            pids = {me.pid, *(c.pid for c in me.children(recursive=True))}
            seen["listening"] = [
                c.laddr
                for c in psutil.net_connections("inet")
                if c.status == psutil.CONN_LISTEN and c.pid in pids
            ]

    monkeypatch.setattr(distributed, "LocalCluster", Watched)
    path = write(tmp_path, "small.toml", SMALL)
    run_sweep(load_experiment(path), tmp_path / "out", workers=2, local_cluster=True, progress=False)
    http = seen["http"]
    assert isinstance(http, dict) and len(http) == 3  # the scheduler's HTTP server and each worker's
    for port, codes in http.items():
        assert port != 8787 and codes == [404] * len(PATHS), (port, codes)  # nothing served
    listening = seen["listening"]
    assert isinstance(listening, list) and listening
    assert {address.ip for address in listening} == {"127.0.0.1"}, listening
    assert load_manifest(tmp_path / "out")["counts"]["ok"] == 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_a_real_cluster_that_loses_a_worker_mid_sweep_gives_the_pool_s_tables(tmp_path):
    path = write(tmp_path, "steady.toml", STEADY)
    pool = tmp_path / "pool"
    run_sweep(load_experiment(path), pool, workers=2, progress=False)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = (tmp_path / "cluster.log").open("w")
    common = ["--no-dashboard"]
    scheduler = [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), *common]
    worker = [
        str(BIN / "dask"),
        "worker",
        address,
        "--host",
        "127.0.0.1",
        "--nthreads",
        "1",
        "--no-nanny",
        *common,
    ]
    procs = [subprocess.Popen(scheduler, stdout=log, stderr=log)]
    try:
        with distributed.Client(address, timeout="60s") as client:
            procs += [subprocess.Popen(worker, stdout=log, stderr=log) for _ in range(2)]
            client.wait_for_workers(2, timeout=120)
        out = tmp_path / "cluster"
        args = [
            str(BIN / "bop"),
            "sweep",
            str(path),
            "--scheduler",
            address,
            "--no-progress",
            "--out",
            str(out),
        ]
        sweep = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 180
        while len(store.finished_runs(out)) < 8:
            assert sweep.poll() is None, sweep.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        procs[1].send_signal(signal.SIGKILL)  # one worker dies with its runs in flight
        stdout, stderr = sweep.communicate(timeout=300)
        assert sweep.returncode == 0, stderr
        assert procs[1].wait(timeout=10) == -signal.SIGKILL and procs[2].poll() is None
        assert f"on dask {address}" in stdout
        pd.testing.assert_frame_equal(results(out), results(pool))
        pd.testing.assert_frame_equal(load_steps(out, "events"), load_steps(pool, "events"))
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        log.close()
