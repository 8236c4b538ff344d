"""The grid cells that narrow radius searches on PostgreSQL (coops.directory.geocells)."""

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from coops.directory import geocells

coordinate = st.decimals(places=6, allow_nan=False, allow_infinity=False)
lats = coordinate.filter(lambda d: Decimal(-89) <= d <= Decimal(89))
lons = coordinate.filter(lambda d: Decimal(-179) <= d <= Decimal(179))


@given(lat=lats, lon=lons, dlat=st.integers(0, 4_000_000), dlon=st.integers(0, 4_000_000),
       flat=st.floats(0, 1), flon=st.floats(0, 1))  # fmt: skip
def test_every_point_of_a_box_is_in_one_of_its_covering_cells(lat, lon, dlat, dlon, flat, flon):
    min_lat, min_lon = lat, lon
    max_lat = min(lat + Decimal(dlat) / 1_000_000, Decimal(90))
    max_lon = min(lon + Decimal(dlon) / 1_000_000, Decimal(180))
    point_lat = (min_lat + (max_lat - min_lat) * Decimal(flat)).quantize(Decimal("0.000001"))
    point_lon = (min_lon + (max_lon - min_lon) * Decimal(flon)).quantize(Decimal("0.000001"))
    point_lat, point_lon = (
        min(max(point_lat, min_lat), max_lat),
        min(max(point_lon, min_lon), max_lon),
    )
    cover = geocells.cells_covering(min_lat, max_lat, min_lon, max_lon)
    if cover is None:  # too large for the coarsest grid: the search does without cells
        return
    assert len(cover) <= geocells.MAX_CELLS
    assert set(geocells.cells_of(point_lat, point_lon)) & set(cover)


def test_the_finest_grid_that_fits_is_chosen():
    # 0.1° × 0.1° near Lille: at most 3 × 3 cells of 0.05°.
    cover = geocells.cells_covering(
        Decimal("50.60"), Decimal("50.70"), Decimal("3.00"), Decimal("3.10")
    )
    assert all(cell < geocells.LEVEL_BASE for cell in cover)
    assert len(cover) == 9
    # 2° × 3°: the 1.25° grid.
    cover = geocells.cells_covering(Decimal("45"), Decimal("47"), Decimal("1"), Decimal("4"))
    assert all(cell >= 2 * geocells.LEVEL_BASE for cell in cover)


def test_a_box_across_the_antimeridian_has_no_cells():
    assert geocells.cells_covering(Decimal(0), Decimal(1), Decimal(179), Decimal(-179)) is None


@pytest.mark.django_db
def test_the_sql_function_computes_the_same_cells():
    if connection.vendor != "postgresql":
        pytest.skip("the cells are a PostgreSQL index")
    points = [
        ("50.629250", "3.057256"),
        ("-21.115141", "55.536384"),  # La Réunion
        ("43.600000", "-1.450000"),  # exact grid lines
        ("0.000000", "0.000000"),
        ("-89.999999", "-179.999999"),
        ("47.218371", "-1.553621"),
    ]
    with connection.cursor() as cursor:
        for lat, lon in points:
            cursor.execute(f"SELECT {geocells.FUNCTION}(%s::numeric, %s::numeric)", [lat, lon])
            assert cursor.fetchone()[0] == geocells.cells_of(Decimal(lat), Decimal(lon))
