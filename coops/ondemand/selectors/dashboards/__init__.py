"""Reads of the dashboards: a worker's own day and week, and the federation's
anonymous aggregates (with the per-worker table for organisers). Every figure is
aggregated in SQL, in a fixed number of queries whatever the number of jobs or
workers; the bar charts are laid out here and drawn as SVG by the templates."""

from .charts import Bar, Chart, bar_chart, histogram
from .common import (
    EARNINGS_BUCKETS,
    HOURS_BUCKETS,
    MIN_WORKERS_FOR_DISTRIBUTION,
    hourly_rate,
    hours,
)
from .federation import FederationDashboard, Spread, WorkerRow, federation_dashboard, spread
from .worker import WorkDay, WorkerDashboard, worker_dashboard

__all__ = [
    "EARNINGS_BUCKETS",
    "HOURS_BUCKETS",
    "MIN_WORKERS_FOR_DISTRIBUTION",
    "Bar",
    "Chart",
    "FederationDashboard",
    "Spread",
    "WorkDay",
    "WorkerDashboard",
    "WorkerRow",
    "bar_chart",
    "federation_dashboard",
    "histogram",
    "hourly_rate",
    "hours",
    "spread",
    "worker_dashboard",
]
