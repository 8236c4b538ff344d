"""The DFC product types taxonomy, shipped in ``data/dfc_product_types.json`` and loaded
idempotently by code (the DFC local name, ``dfc-pt:<code>``).

`product_types_sync` takes the model class so that a data migration can pass
``apps.get_model("shortcircuit", "ProductType")``; it writes parents before children.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

PRODUCT_TYPES_JSON = Path(__file__).resolve().parent / "data" / "dfc_product_types.json"


@lru_cache(maxsize=1)
def product_types_tree(path: Path = PRODUCT_TYPES_JSON) -> tuple[dict[str, Any], ...]:
    with path.open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["types"])


def product_type_rows(
    tree: tuple[dict[str, Any], ...] | list[dict[str, Any]],
) -> Iterator[tuple[dict[str, str], str | None]]:
    """(fields, parent code) for every node, each parent before its children."""

    def walk(nodes, parent: str | None):
        for node in nodes:
            yield {"code": node["code"], "name_en": node["en"], "name_fr": node["fr"]}, parent
            yield from walk(node.get("children", ()), node["code"])

    yield from walk(tree, None)


def product_types_sync(ProductType_model: Any = None) -> int:
    """Create or update every product type of the data file by code; returns how many
    rows were written (0 when the table already matches). Types no longer in the file
    are kept: products may still point to them."""
    if ProductType_model is None:
        from .models import ProductType as ProductType_model
    existing = {t.code: t for t in ProductType_model.objects.all()}
    written = 0
    for fields, parent_code in product_type_rows(product_types_tree()):
        parent = existing[parent_code] if parent_code else None
        obj = existing.get(fields["code"])
        wanted = {**fields, "parent_id": parent.pk if parent else None}
        if obj is not None and all(getattr(obj, k) == v for k, v in wanted.items()):
            continue
        if obj is None:
            obj = ProductType_model(**fields, parent=parent)
        else:
            for key, value in wanted.items():
                setattr(obj, key, value)
        obj.save()
        existing[obj.code] = obj
        written += 1
    return written
