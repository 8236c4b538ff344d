"""Shared bits of governance services: the app's one locking helper and settings rows."""

from __future__ import annotations

from typing import Any

from django.db import connections, router

from coops.groups.models import Membership, MembershipStatus

from ..models import GroupGovernance


def lock_objects(model: type, pk: Any) -> Any:
    """Lock one row for the rest of the transaction (the app's single locking helper)."""
    return model.objects.select_for_update().get(pk=pk)


def share_lock(model: type, pk: Any) -> None:
    """Hold a shared lock on one row: many holders at once, but none while another
    transaction holds it FOR UPDATE (PostgreSQL; SQLite serialises writers anyway)."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [pk])  # noqa: S608


def active_member_ids(group) -> list[int]:
    """The ids of the group's active members (voters, convocations, attendance)."""
    return list(
        Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).values_list(
            "user_id", flat=True
        )
    )


def governance_of(group) -> GroupGovernance:
    """The group's governance settings, created with the defaults on first use."""
    row, _ = GroupGovernance.objects.get_or_create(group=group)
    return row
