"""The strategies, one module each (its peacetime rule and its wartime side-taking); importing this
package registers them all in `agents.strategy.REGISTRY`, in this order.

- `common`: pieces several strategies share (counterweight, leaving an unsafe bloc, buck-passing's test);
- `balance`, `bandwagon`, `buckpass`, `hedge`, `collective`, `landscape`: the strategies (docs/ODD.md §7.4).
"""

from agents.rules import balance, bandwagon, buckpass, collective, hedge, landscape  # noqa: F401  (they register)
from agents.strategy import REGISTRY

__all__ = ["REGISTRY"]
