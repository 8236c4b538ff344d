"""Ranked choice, counted with the Schulze method (strongest paths, winning votes).

Cleaned ballot: {"ranking": {"<option id>": rank, ...}}: rank 1 is the best, equal ranks are
ties, and options left out are ranked below every ranked option (and tied among themselves).
A ballot ranking nothing is a blank ballot: it counts as cast but prefers nothing.

Aggregate (the pairwise matrix; see `pairwise_from_rows` to compute it from SQL rows):
    {"ballots": int,
     "pairwise": {"<X>": {"<Y>": d[X,Y], ...}, ...}}
where d[X,Y] is the number of ballots ranking X strictly above Y (every ordered pair of
distinct options is present).

Decision: the strength of the link X→Y is d[X,Y] when d[X,Y] > d[Y,X], else 0; p[X,Y] is
the strength of the strongest (widest) path from X to Y. X beats Y when p[X,Y] > p[Y,X]; this
relation is transitive. The winners are the options no other option beats. The full order
takes the winners, then the winners among the options left, and so on; options in one group
are tied (reported as a tie, never broken; they are listed in option order for display only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .base import (
    Aggregate,
    BaseMethod,
    Outcome,
    ballot_mapping,
    clean_option_map,
    option_keys,
    option_label,
    option_list,
    refuse,
    whole_number,
)

# translate() tables turning a byte string of ranks into "1" where the rank is r, else "0".
_ONLY = tuple(bytes(49 if value == rank else 48 for value in range(256)) for rank in range(256))
_MAX_RANK = 255


class _PairwiseCounter:
    """Counts d[X,Y] with bitsets over the ballots.

    Each option keeps one byte per ballot: its rank there (0 = not ranked). A bitset of the
    ballots ranking X at r is made in C (bytes.translate, then int(…, 2)); a ballot ranks X
    above Y when X has rank r on it and Y a worse rank or none, so d[X,Y] is the sum over r
    of popcount(at[X][r] & below[Y][r]): options² × ranks big-integer operations, whatever
    the number of ballots. Ranks run from 1 to 255."""

    def __init__(self, keys: Sequence[str], capacity: int = 1024):
        self.keys = tuple(keys)
        self.index: dict[Any, int] = {}
        for i, key in enumerate(self.keys):
            self.index[key] = i
            if key.lstrip("-").isdigit():
                self.index[int(key)] = i
        self.capacity = max(capacity, 16)
        self.ranks = [bytearray(self.capacity) for _key in self.keys]
        self.ballots = 0

    def grow(self) -> None:
        for ranks in self.ranks:
            ranks.extend(bytes(self.capacity))
        self.capacity *= 2

    def add_ballot(self, ranking: Iterable[tuple[Any, int]]) -> None:
        """One ballot as (option id, rank) pairs."""
        if self.ballots == self.capacity:
            self.grow()
        ballot = self.ballots
        self.ballots += 1
        for option, rank in ranking:
            self.ranks[self.index[option]][ballot] = _rank_byte(rank)

    def matrix(self) -> dict[str, dict[str, int]]:
        size = self.ballots
        keys = self.keys
        pairwise = {key: {other: 0 for other in keys if other != key} for key in keys}
        if not size:
            return pairwise
        full = (1 << size) - 1
        columns = [bytes(memoryview(ranks)[:size]) for ranks in self.ranks]
        top = max(max(column) for column in columns)
        at: list[dict[int, int]] = []
        below: list[dict[int, int]] = []
        for column in columns:
            at_rank, below_rank, seen = {}, {}, 0
            for rank in range(1, top + 1):
                if column.count(rank):
                    at_rank[rank] = int(column.translate(_ONLY[rank]), 2)
                    seen |= at_rank[rank]
                below_rank[rank] = full ^ seen
            at.append(at_rank)
            below.append(below_rank)
        for x, at_rank in enumerate(at):
            row = pairwise[keys[x]]
            for y, key in enumerate(keys):
                if y != x:
                    worse = below[y]
                    row[key] = sum(
                        (mask & worse[rank]).bit_count() for rank, mask in at_rank.items()
                    )
        return pairwise


def _rank_byte(rank: Any) -> int:
    rank = int(rank)
    if not 1 <= rank <= _MAX_RANK:
        raise ValueError(f"a rank runs from 1 to {_MAX_RANK}, not {rank}")
    return rank


def pairwise_from_rows(
    rows: Iterable[tuple[Any, Any, int]], *, options: Sequence[int], ballots: int | None = None
) -> Aggregate:
    """The aggregate from rows (ballot id, option id, rank) with each ballot's rows together,
    e.g. `SELECT ballot_id, option_id, rank FROM … ORDER BY ballot_id`, streamed. Ranks run
    from 1 to 255.

    Blank ballots have no row: pass `ballots` (the number cast) to count them."""
    counter = _PairwiseCounter(option_keys(options), capacity=ballots or 1024)
    index, columns = counter.index, counter.ranks
    current: Any = object()
    ballot = -1
    try:
        for ballot_id, option, rank in rows:
            if ballot_id != current:
                current = ballot_id
                ballot += 1
                if ballot == counter.capacity:
                    counter.grow()
            columns[index[option]][ballot] = rank if 0 < rank <= _MAX_RANK else _rank_byte(rank)
    except KeyError as unknown:
        raise ValueError(f"option {unknown.args[0]!r} is not one of {list(options)!r}") from None
    counter.ballots = ballot + 1
    cast = counter.ballots if ballots is None else max(ballots, counter.ballots)
    return {"ballots": cast, "pairwise": counter.matrix()}


def strongest_paths(keys: Sequence[str], d: Mapping[str, Mapping[str, int]]) -> list[list[int]]:
    """p[i][j], the strength of the widest path from option i to option j (winning votes)."""
    n = len(keys)
    p = [[0] * n for _i in range(n)]
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if i != j and d[a][b] > d[b][a]:
                p[i][j] = d[a][b]
    for k in range(n):
        pk = p[k]
        for i in range(n):
            if i == k or not p[i][k]:
                continue
            pi, through = p[i], p[i][k]
            for j in range(n):
                if j != i and j != k:
                    width = through if through < pk[j] else pk[j]
                    if width > pi[j]:
                        pi[j] = width
    return p


def schulze_order(keys: Sequence[str], p: list[list[int]]) -> tuple[tuple[str, ...], ...]:
    """Groups of options, best first: each group is the options of those left that no other
    option left beats; a group of several is a tie."""
    left = list(range(len(keys)))
    groups = []
    while left:
        top = [i for i in left if not any(p[j][i] > p[i][j] for j in left if j != i)]
        groups.append(tuple(keys[i] for i in top))
        left = [i for i in left if i not in top]
    return tuple(groups)


def _clean_rank(limit: int):
    def clean(value: Any) -> int:
        rank = whole_number(value)
        if rank is None or not 1 <= rank <= limit:
            raise refuse(
                gettext("A rank is a whole number from 1 to %(count)s."),
                "invalid_rank",
                count=limit,
            )
        return rank

    return clean


class Schulze(BaseMethod):
    name = "schulze"
    label = _("Ranked choice (Schulze)")
    uses_options = True
    positions = ()

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        """{"ranking": {option: rank}}, ranks 1..number of options, ties allowed."""
        keys = option_keys(options)
        raw = ballot_mapping(response).get("ranking")
        if raw is None:
            raw = {}
        return {"ranking": clean_option_map(raw, keys, clean_value=_clean_rank(len(keys)))}

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Aggregate:
        counter = _PairwiseCounter(option_keys(options))
        for response in responses:
            counter.add_ballot(response["ranking"].items())
        return {"ballots": counter.ballots, "pairwise": counter.matrix()}

    def decide(
        self,
        aggregate: Aggregate,
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Outcome:
        settings = settings or {}
        keys = option_keys(options)
        given = aggregate.get("pairwise", {})
        d = {a: {b: int(given.get(a, {}).get(b, 0)) for b in keys if b != a} for a in keys}
        p = strongest_paths(keys, d)
        ballots = aggregate["ballots"]
        ranking = schulze_order(keys, p) if keys else ()
        winners = ranking[0] if ballots and ranking else ()
        tied = any(len(group) > 1 for group in ranking)
        counts = {
            "ballots": ballots,
            "pairwise": d,
            "strongest_paths": {
                a: {b: p[i][j] for j, b in enumerate(keys) if j != i} for i, a in enumerate(keys)
            },
            "ties_in_option_order": tied,
        }
        if not ballots:
            summary = gettext("No ballot was cast.")
        elif len(winners) == 1:
            summary = gettext("%(winner)s wins (Schulze method).") % {
                "winner": option_label(winners[0], settings)
            }
        else:
            summary = gettext(
                "Tie between %(options)s: no single winner. Tied options are listed in option "
                "order, for display only."
            ) % {"options": option_list(winners, settings)}
        return Outcome(
            adopted=len(winners) == 1,
            winners=winners,
            ranking=ranking,
            counts=counts,
            summary=summary,
        )
