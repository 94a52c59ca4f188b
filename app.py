"""`solara run app.py` serves the visual server; the page lives in `bop/viz/app.py` (`bop app`)."""

from bop.viz.app import Page  # noqa: F401
