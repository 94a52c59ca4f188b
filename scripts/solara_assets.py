"""Fill Solara's asset cache from the npm registry (`make assets`): see `bop/viz/assets.py`."""

import sys

from bop.viz.assets import main

if __name__ == "__main__":
    sys.exit(main())
