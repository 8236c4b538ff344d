"""Writes of the on-demand app, one module per part: rules, workers, jobs, dispatch,
settlement."""
