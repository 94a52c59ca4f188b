"""analysis: what a sweep's runs say — outcomes defined once, intervals, tables, figures, reports.

Modules, bottom-up:
- `intervals`: Wilson intervals for shares, normal intervals for means;
- `outcomes`: every per-run outcome, defined once, and the focus state's fortunes (`focus_table`, on the
  per-state logs of any number of runs);
- `tables`: outcomes per group of runs with their intervals;
- `factors`: a sweep's varied parameters as a figure's axes (x, colour, facets; binned when sampled);
- `figures`: the notebooks' figures of those tables, and one outcome against the factors;
- `report`: `bop report`, outcomes per design point (CSV, Markdown) and a figure per outcome (PNG, SVG),
  any state's with `--focus`;
- `sensitivity`: `bop sensitivity`, Morris or Sobol indices of the outcomes (SALib);
- `wars`: war and crisis rates per dyad-year at risk by power ratio or trend (the dyads log).
"""
