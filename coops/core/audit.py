"""Write audit events from services, inside their transaction."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import Event


def event_record(
    *, actor: Any | None, verb: str, target: models.Model | None = None, **data: Any
) -> Event:
    """Record who did what to which object. Must be called inside the service's transaction."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("event_record() must run inside the service's transaction.atomic block")
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = Event(actor=actor_obj, verb=verb, data=_jsonable(data))
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
    event.save()
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)
