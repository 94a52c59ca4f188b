"""The house: `model/` is a shallow stack of modules, and `agents` never needs `model` at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def runtime_imports(path: Path) -> set[str]:
    """Modules a file imports when it runs (imports under `if TYPE_CHECKING:` do not count)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def floors(package: str) -> dict[str, int]:
    """Import floor of each entry of a package (a module, or a subpackage taken whole): 1 for an entry
    that imports no other entry, else 1 + the highest floor among those it imports."""

    def entry(module: str) -> str:
        return ".".join(module.split(".")[:2])

    deps: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        here = entry(module)
        targets = {entry(m) for m in runtime_imports(path) if m.split(".")[0] == package and "." in m}
        deps.setdefault(here, set()).update(targets - {here})

    def floor(name: str, path: tuple[str, ...] = ()) -> int:
        if name in path:
            raise AssertionError("runtime import cycle: " + " -> ".join([*path, name]))
        return 1 + max((floor(d, (*path, name)) for d in deps.get(name, ()) if d in deps), default=0)

    return {name: floor(name) for name in deps}


def test_model_has_at_most_five_import_floors():
    found = floors("model")
    assert max(found.values()) <= 5, sorted(found.items(), key=lambda kv: kv[1])
    below_init = {name: f for name, f in found.items() if name != "model"}  # __init__ re-exports the model
    assert found["model.model"] == max(below_init.values())  # the year sits on top of everything else


def test_agents_and_model_import_alone_in_a_fresh_interpreter():
    for package in ("agents", "model", "agents.rules", "agents.sides", "agents.state"):
        done = subprocess.run([sys.executable, "-c", f"import {package}"], cwd=ROOT, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()


def test_agents_do_not_import_model_or_bop_at_run_time():
    code = (
        "import sys, agents.rules, agents.sides, agents.state, agents.alliances; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('model', 'bop')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_model_does_not_import_the_lab():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, model; print([m for m in sys.modules if m.startswith('bop')])"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "[]", done.stderr
