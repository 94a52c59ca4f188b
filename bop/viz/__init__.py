"""The visual server's parts: the model as the browser builds it, its controls, figures and components.

`app.py` at the repository root puts them together into a Mesa `SolaraViz` page.
"""
