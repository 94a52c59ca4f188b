"""The analysis notebooks run headless from a fresh copy (their small sweeps included) and stay stripped."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == ["01_equilibrium.ipynb", "02_kaplan.ipynb", "03_kazakhstan.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_have_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, (
            f"{path.name} has outputs: run `nbstripout notebooks/*.ipynb`"
        )


def test_notebooks_are_as_nbstripout_leaves_them():
    done = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", *map(str, NOTEBOOKS)], capture_output=True, text=True
    )
    assert done.returncode == 0, f"run `nbstripout notebooks/*.ipynb`: {done.stdout}{done.stderr}"


@pytest.fixture
def this_python_kernel(tmp_path, monkeypatch):
    """A 'python3' kernel spec running this interpreter (the venv's), found before any other."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "venv", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "python3"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_from_a_fresh_copy_and_draws_its_figures(path, tmp_path, this_python_kernel):
    # A copy of notebooks/ and runs/ without any earlier output: the notebook must run its own sweep.
    shutil.copytree(ROOT / "runs", tmp_path / "runs", ignore=shutil.ignore_patterns("out"))
    (tmp_path / "notebooks").mkdir()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name=this_python_kernel,
        resources={"metadata": {"path": str(tmp_path / "notebooks")}},
    )
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(figures) >= 2
    assert notebook.cells[-1].outputs[0].text.strip() == sys.executable  # the kernel ran this venv's Python
    assert [p.name for p in (tmp_path / "runs" / "out").glob("*/_manifest.json")]  # its sweep ran here
