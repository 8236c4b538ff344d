"""Directory pages: imports. Filled in by the issue 3 work in progress."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
