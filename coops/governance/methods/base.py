"""What every decision method shares: the Outcome, the Method protocol, ballot-cleaning
helpers, and the arithmetic of aggregates.

An *aggregate* is a JSON-serialisable dict of counts, never of ballots. Its leaves are:
- ints (counts of ballots, positions, dots…);
- lists of ints: vectors, such as a grade profile `[count of grade 0, …, count of grade 6]`;
- lists of dicts: records, such as the written reasons of blocks and objections;
- the bool `weighted`, set by `colleges.tally` when counts are weighted ballot units.

Aggregates of one method over the same options *merge*: ints and vectors add, records
concatenate. So `aggregate(a + b) == merge_aggregates(aggregate(a), aggregate(b))`, and a
count computed in SQL (grade counts per option, a pairwise matrix) can be merged with one
computed in Python. Each method's module docstring gives the exact shape of its aggregate.

Every comparison is exact: counts are ints, shares and thresholds are `Fraction`s, and
fractions shown to people are rounded only for display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple, Protocol, runtime_checkable

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext

Aggregate = dict[str, Any]


class Objection(NamedTuple):
    """A consensus block or a consent objection, as shown with the outcome."""

    reason: str
    counter_proposal: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The decision, in what a person reads and what the database stores.

    `adopted` is the rule's verdict for yes/no methods; for option methods it is True when a
    single winner exists. `winners` and `ranking` hold option ids as strings (empty for yes/no
    methods); tied options share a group of `ranking`, listed in option order. `counts` is
    JSON-serialisable: ints, strings (fractions as "n/d", rounded percentages), bools and
    None, never a float. `summary` is one sentence in the active language. `blocks` lists
    the valid consensus blocks or consent objections.
    """

    adopted: bool
    winners: tuple[str, ...] = ()
    ranking: tuple[tuple[str, ...], ...] = ()
    counts: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    blocks: tuple[Objection, ...] = ()


@runtime_checkable
class Method(Protocol):
    name: str
    label: Any  # lazy translated string
    uses_options: bool
    positions: tuple[tuple[str, Any], ...]

    def validate_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]: ...

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]: ...

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int],
        settings: Mapping[str, Any],
    ) -> Aggregate: ...

    def decide(
        self, aggregate: Aggregate, *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> Outcome: ...


class BaseMethod:
    """Defaults shared by the concrete methods."""

    name: str = ""
    label: Any = ""
    uses_options: bool = False
    positions: tuple[tuple[str, Any], ...] = ()

    def validate_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The method's settings, cleaned; raises ValidationError. Default: none."""
        return {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


# --- ballots --------------------------------------------------------------------------------


def refuse(message: str, code: str, **params: Any) -> ValidationError:
    """A ValidationError whose message is already translated and interpolated."""
    return ValidationError(message % params if params else message, code=code)


def option_keys(options: Sequence[int | str]) -> tuple[str, ...]:
    """The option ids as the strings used in cleaned ballots and aggregates."""
    keys = tuple(str(option) for option in options)
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate option ids in {list(options)!r}")
    return keys


def whole_number(value: Any) -> int | None:
    """`value` as an int when it is a whole number (an int, or a string of digits with an
    optional sign); None otherwise. Bools and floats are not whole numbers here."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    return None


def clean_option_map(
    raw: Any,
    keys: Sequence[str],
    *,
    clean_value: Callable[[Any], int],
) -> dict[str, int]:
    """A ballot's {option id: value} with string keys, in option order.

    Refuses what is not a mapping and option ids that are not on the ballot;
    `clean_value` refuses bad values. Options left out are simply absent.
    """
    if not isinstance(raw, Mapping):
        raise refuse(gettext("This ballot is not in the expected form."), "malformed")
    known = set(keys)
    values: dict[str, int] = {}
    for option, value in raw.items():
        key = str(option).strip()
        if key not in known:
            raise refuse(gettext("Unknown option: %(option)s."), "unknown_option", option=key[:40])
        if key in values:
            raise refuse(
                gettext("Option %(option)s appears twice on this ballot."),
                "duplicate_option",
                option=key,
            )
        values[key] = clean_value(value)
    return {key: values[key] for key in keys if key in values}


def ballot_mapping(response: Any) -> Mapping[str, Any]:
    if not isinstance(response, Mapping):
        raise refuse(gettext("This ballot is not in the expected form."), "malformed")
    return response


def clean_reason(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse(gettext("This ballot is not in the expected form."), "malformed")
    return value.strip()


# --- aggregates -----------------------------------------------------------------------------


def merge_aggregates(*aggregates: Aggregate) -> Aggregate:
    """The aggregate of all the ballots behind `aggregates` (see the module docstring)."""
    merged: Aggregate = {}
    for aggregate in aggregates:
        merged = _merge(merged, aggregate)
    return merged


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = _merge(out[key], value) if key in out else _copy(value)
        return out
    if isinstance(a, bool) and isinstance(b, bool):
        return a or b
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if isinstance(a, list) and isinstance(b, list):
        if _is_vector(a) and _is_vector(b) and a and b:
            if len(a) != len(b):
                raise ValueError("cannot merge vectors of different lengths")
            return [x + y for x, y in zip(a, b, strict=True)]
        return _copy(a) + _copy(b)
    raise ValueError(f"cannot merge {a!r} with {b!r}")


def scale_aggregate(aggregate: Aggregate, factor: int) -> Aggregate:
    """Every count multiplied by `factor` (each ballot counted `factor` times); records
    (blocks, objections) are kept once."""
    return _scale(aggregate, factor)


def _scale(value: Any, factor: int) -> Any:
    if isinstance(value, dict):
        return {key: _scale(item, factor) for key, item in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value * factor
    if isinstance(value, list):
        return [item * factor for item in value] if _is_vector(value) else _copy(value)
    return value


def _is_vector(value: list) -> bool:
    return all(isinstance(item, int) and not isinstance(item, bool) for item in value)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def is_weighted(aggregate: Mapping[str, Any]) -> bool:
    """True when the counts are weighted ballot units (colleges of unequal weight per ballot)."""
    return bool(aggregate.get("weighted", False))


# --- display --------------------------------------------------------------------------------


def fraction_text(value: Fraction) -> str:
    """An exact fraction as "n/d", or "n" when it is whole."""
    value = Fraction(value)
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def rounded(value: Fraction | int, places: int = 1) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, computed exactly, trailing
    zeros dropped: Decimal("80"), Decimal("66.7")."""
    value = Fraction(value)
    scaled = abs(value) * 10**places
    units = int(scaled + Fraction(1, 2))  # floor, as the value is positive
    result = Decimal(units if value >= 0 else -units).scaleb(-places)
    if result == result.to_integral_value():
        return result.to_integral_value()
    return result.normalize()


def percent_text(share: Fraction) -> str:
    """A share as a percentage string for `counts` ("80", "66.7")."""
    return str(rounded(Fraction(share) * 100))


def display_number(value: Fraction | int, places: int = 1) -> str:
    """A number for a sentence, in the active language's format ("66,7" in French)."""
    return number_format(rounded(Fraction(value), places))


def option_label(key: str, settings: Mapping[str, Any]) -> str:
    """How a summary names an option: settings["option_labels"][id] when given."""
    labels = settings.get("option_labels") or {}
    label = labels.get(key, labels.get(int(key)) if key.lstrip("-").isdigit() else None)
    return str(label) if label else gettext("option %(id)s") % {"id": key}


def option_list(keys: Iterable[str], settings: Mapping[str, Any]) -> str:
    return ", ".join(option_label(key, settings) for key in keys)


def groups_by_score(keys: Sequence[str], score: Mapping[str, Any]) -> tuple[tuple[str, ...], ...]:
    """Options from best to worst by `score` (higher is better); equal scores form one group,
    in option order."""
    order = sorted(range(len(keys)), key=lambda i: (-score[keys[i]], i))
    groups: list[list[str]] = []
    previous: Any = None
    for i in order:
        key = keys[i]
        if groups and score[key] == previous:
            groups[-1].append(key)
        else:
            groups.append([key])
        previous = score[key]
    return tuple(tuple(group) for group in groups)


def single_winner(ranking: tuple[tuple[str, ...], ...], ballots: int) -> tuple[str, ...]:
    """The first group of `ranking` when ballots were cast, else no winner."""
    return ranking[0] if ballots and ranking else ()


def count_positions(
    responses: Iterable[Mapping[str, Any]], positions: tuple[tuple[str, Any], ...]
) -> tuple[int, dict[str, int], list[Mapping[str, Any]]]:
    """(ballots, {position: count} over every allowed position, the ballots in order)."""
    counts = {position: 0 for position, _label in positions}
    kept = []
    for response in responses:
        counts[response["position"]] += 1
        kept.append(response)
    return len(kept), counts, kept


def clean_position(response: Mapping[str, Any], positions: tuple[tuple[str, Any], ...]) -> str:
    position = response.get("position")
    allowed = [value for value, _label in positions]
    if position not in allowed:
        raise refuse(
            gettext("Choose one of: %(positions)s."),
            "invalid_position",
            positions=", ".join(str(label) for _value, label in positions),
        )
    return position


def position_shares(ballots: int, counts: Mapping[str, int]) -> dict[str, str]:
    """Each position's share of the ballots, as percentage strings."""
    return {
        position: percent_text(Fraction(count, ballots)) if ballots else "0"
        for position, count in counts.items()
    }
