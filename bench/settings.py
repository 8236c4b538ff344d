"""Settings for `make bench`: the project's own, with a URLconf that adds the floor view.

The environment (COOPS_ENV, DEBUG, DATABASE_URL) is set by bench/run.py before import.
"""

from coops.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
