"""The visual server: `solara run app.py` (or `make app`) and watch the balance of power live.

Controls come from the parameter table (`bop/viz/controls.py`); each browser session gets its own
model, rebuilt from the controls by Reset. Views: world map, status, power shares by bloc,
equilibrium indicators, event log (`bop/viz/components.py`).
"""

from mesa.visualization import SolaraViz
from solara.toestand import KernelStoreFactory, Reactive

from bop.viz.components import EquilibriumIndicators, EventLog, PowerShares, StatusCard, WorldMap
from bop.viz.controls import initial_values, model_params
from bop.viz.live import LiveModel

controls = model_params()

# One model per browser session (a plain module-level model would be shared by every session).
model: Reactive[LiveModel] = Reactive(
    KernelStoreFactory(lambda: LiveModel(**initial_values(controls)), key="bop-model")
)

page = SolaraViz(
    model,
    components=[WorldMap, StatusCard, PowerShares, EquilibriumIndicators, EventLog],
    model_params=controls,
    name="Balance of power",
)
