"""bop/viz/assets.py (`scripts/solara_assets.py`, `make assets`): which packages Solara asks its CDN
for, plus the page's own (the map's outlines), and how they land in the cache.

Uses a small fake Solara tree and a fake `npm` (a script that writes a real npm-style tarball), so
the test needs no network; the browser tests exercise the real registry and the real Solara.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import sys
from pathlib import Path

import pytest

import bop.viz.assets as assets

ROOT = Path(__file__).resolve().parents[2]


def test_the_script_runs_the_packages_filler():
    spec = importlib.util.spec_from_file_location("solara_assets", ROOT / "scripts" / "solara_assets.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main is assets.main


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# Lines as they stand in Solara's sources (a template, Vue components, settings), and two to skip.
SOURCES = {
    "server/templates/solara.html.j2": '<script src="{{cdn}}/requirejs@2.3.6/require.js">',
    "server/templates/page.html": "{{cdn}}/@widgetti/solara-vuetify-app@10.1.1/dist/main.css",
    "widgets/vue/vegalite.vue": "'vega': `${this.getCdn()}/vega@5/build/vega.min.js`",
    "server/settings.py": 'fontawesome_path: str = "/font-awesome@4.5.0/css/font-awesome.min.css"',
    "widgets/vue/grid.vue": "`${this.getCdn()}/@widgetti/vue-grid-layout@2.3.13-alpha.2/dist/x.js`",
    "components/echarts.vue": "`${this.getCdn()}/echarts@${version}/dist/echarts.js`",  # no fixed version
    "website/pages/search.vue": "`${cdn}/@docsearch/js@3/dist/umd/index.js`",  # Solara's docs site only
}


def test_specs_are_read_from_the_sources(tmp_path):
    for path, text in SOURCES.items():
        write(tmp_path / path, text)
    assert assets.wanted_specs(tmp_path) == [
        "@widgetti/solara-vuetify-app@10.1.1",
        "@widgetti/vue-grid-layout@2.3.13-alpha.2",
        "font-awesome@4.5.0",
        "requirejs@2.3.6",
        "vega@5",
    ]


def test_the_installed_solara_asks_for_its_page_template_packages():
    template = (assets.solara_dir() / "server" / "templates" / "solara.html.j2").read_text()
    in_template = {s for s in assets.wanted_specs(assets.solara_dir()) if f"}}}}/{s}/" in template}
    # The page is blank without require.js and the Vuetify app bundle.
    assert any(s.startswith("requirejs@") for s in in_template)
    assert any(s.startswith("@widgetti/solara-vuetify-app@") for s in in_template)


FAKE_NPM = """#!{python}
import io, json, sys, tarfile
spec, dest = sys.argv[2], sys.argv[sys.argv.index("--pack-destination") + 1]
name = spec.lstrip("@").replace("/", "-").rsplit("@", 1)[0] + "-1.0.0.tgz"
with tarfile.open(f"{{dest}}/{{name}}", "w:gz") as tar:
    for path, text in (("package/package.json", json.dumps({{"name": spec}})), ("package/dist/x.js", "ok")):
        data = text.encode()
        info = tarfile.TarInfo(path)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
print(json.dumps([{{"filename": name}}]))
"""


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM.format(python=sys.executable))
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return npm


def test_fetch_unpacks_each_spec_into_the_cache(tmp_path, fake_npm, monkeypatch):
    solara_tree = tmp_path / "solara"
    write(solara_tree / "t.html.j2", "{{cdn}}/requirejs@2.3.6/require.js {{cdn}}/@scope/pkg@1.2.3/dist/x.js")
    monkeypatch.setattr(assets, "solara_dir", lambda: solara_tree)
    cache = tmp_path / "cache"
    assert assets.main(["--cache", str(cache), "--check"]) == 1
    assert assets.main(["--cache", str(cache)]) == 0
    # Solara's two packages and the page's own country outlines
    assert assets.missing_specs(cache) == []
    for name in ("requirejs@2.3.6", "@scope/pkg@1.2.3", assets.WORLD_ATLAS):
        assert json.loads((cache / name / "package.json").read_text()) == {"name": name}
        assert (cache / name / "dist" / "x.js").read_text() == "ok"
    assert assets.main(["--cache", str(cache), "--check"]) == 0
    assert not [p for p in cache.iterdir() if p.name.startswith("tmp")]  # no leftovers


def test_the_cache_defaults_to_solaras_own(monkeypatch, tmp_path):
    monkeypatch.delenv("SOLARA_ASSETS_PROXY_CACHE_DIR", raising=False)
    assert assets.cache_dir(None) == Path(sys.prefix) / "share" / "solara" / "cdn"
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path))
    assert assets.cache_dir(None) == tmp_path
