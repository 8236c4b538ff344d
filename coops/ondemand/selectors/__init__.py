"""Reads of the on-demand app, one module per part."""
