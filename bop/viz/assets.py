"""Fill Solara's asset cache from the npm registry, so the visual server works without Solara's CDN.

Solara's page loads its front end (Vue app, require.js, fonts, vega, ...) from a public CDN through a
caching proxy. Machines that cannot reach the CDN can still reach the npm registry: this module reads
the exact package specs the installed Solara asks for from its own source, adds the page's own data
packages (`EXTRA`: the world map's country outlines), fetches each with `npm pack`, and unpacks it to
`<cache>/<spec>/`, where Solara's proxy looks before going online (and serves it at `_solara/cdn/`).

Run: `python scripts/solara_assets.py [--cache DIR] [--check]` (`make assets`; `bop app` does it too).
The cache is `$SOLARA_ASSETS_PROXY_CACHE_DIR`, or Solara's default `<venv>/share/solara/cdn`. Packages
already unpacked are skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# A CDN path segment such as `}/@widgetti/solara-vuetify-app@10.1.1/` or `"/font-awesome@4.5.0/`:
# an optional npm scope, a name, '@', and a version (or major) without template placeholders.
SPEC = re.compile(r"""[}"'`]/((?:@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*@[0-9][0-9A-Za-z.+-]*)/""")
SOURCES = ("*.py", "*.vue", "*.j2", "*.html")
SKIP_DIRS = ("website",)  # Solara's own documentation site, not served by `solara run`
# The page's own packages: Natural Earth country outlines as TopoJSON (ISC licence), for the world map.
WORLD_ATLAS = "world-atlas@2.0.2"
EXTRA = (WORLD_ATLAS,)


def solara_dir() -> Path:
    """Where the installed `solara` package lives (without importing it)."""
    spec = importlib.util.find_spec("solara")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("solara_assets: solara is not installed in this Python")
    return Path(next(iter(spec.submodule_search_locations)))


def wanted_specs(root: Path) -> list[str]:
    """Every `name@version` the installed Solara's pages and components fetch from the CDN."""
    found: set[str] = set()
    for pattern in SOURCES:
        for path in root.rglob(pattern):
            if any(part in SKIP_DIRS for part in path.relative_to(root).parts):
                continue
            found.update(SPEC.findall(path.read_text(encoding="utf-8", errors="replace")))
    if not found:
        raise SystemExit(f"solara_assets: found no CDN package specs under {root}")
    return sorted(found)


def cache_dir(given: str | None) -> Path:
    """The cache Solara's proxy reads: --cache, $SOLARA_ASSETS_PROXY_CACHE_DIR, or Solara's default."""
    if given:
        return Path(given)
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "solara" / "cdn"


def is_cached(cache: Path, spec: str) -> bool:
    """True when the package was unpacked completely (npm packages always hold package.json)."""
    return (cache / spec / "package.json").is_file()


def fetch(cache: Path, spec: str) -> None:
    """`npm pack` one spec and unpack its files to <cache>/<spec>/ (atomically, via a rename)."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("solara_assets: npm is not on the PATH (install Node.js and npm)")
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        result = subprocess.run(
            [npm, "pack", spec, "--json", "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"solara_assets: npm pack {spec} failed: {result.stderr.strip()[-500:]}")
        tarball = Path(tmp) / json.loads(result.stdout)[0]["filename"]
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tar:
            tar.extractall(unpacked, filter="data")
        package = unpacked / "package"  # npm tarballs hold one top folder, almost always `package`
        if not package.is_dir():
            package = next(p for p in unpacked.iterdir() if p.is_dir())
        target = cache / spec
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        package.rename(target)


def missing_specs(cache: Path) -> list[str]:
    """The packages the page needs that the cache lacks."""
    return [s for s in sorted({*wanted_specs(solara_dir()), *EXTRA}) if not is_cached(cache, s)]


def main(argv: list[str] | None = None) -> int:
    """Fill (or with --check, only inspect) the cache; print what was done."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", help="cache directory (default: $SOLARA_ASSETS_PROXY_CACHE_DIR or Solara's)"
    )
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if anything is missing")
    args = parser.parse_args(argv)
    cache = cache_dir(args.cache)
    specs = sorted({*wanted_specs(solara_dir()), *EXTRA})
    missing = missing_specs(cache)
    if args.check:
        for spec in missing:
            print(f"missing {spec}")
        return 1 if missing else 0
    fill(cache, missing)
    print(f"solara_assets: {len(specs)} packages in {cache} ({len(missing)} fetched)")
    return 0


def fill(cache: Path, missing: list[str]) -> None:
    """Fetch the missing packages into the cache, saying which."""
    cache.mkdir(parents=True, exist_ok=True)
    for spec in missing:
        print(f"solara_assets: npm pack {spec}", flush=True)
        fetch(cache, spec)
