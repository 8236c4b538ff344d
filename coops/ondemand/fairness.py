"""The fairness score dispatch ranks candidates by: a pure function, shown to workers
with their own numbers (docs/adr/0023-fair-dispatch.md).

    score = distance_km / radius_km + hours_today / max_hours_per_day

Lowest first. Each term is between 0 and 1 for an eligible candidate (within the
radius, under the day's cap), so one kilometre closer weighs as much as
max_hours / radius hours less worked today: with 8 km and 10 h, 1 km ≈ 1 h 15. The
nearest worker does not take everything: once they have worked, a worker a little
further who has worked less comes first. Ties go to whoever has been online longest,
then to the lowest id, so the order is total and stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def fairness_score(
    *, distance_km: float, radius_km: float, hours_today: float, max_hours: float
) -> float:
    """The candidate's score (lower comes first). Radius and cap are positive."""
    if radius_km <= 0 or max_hours <= 0:
        raise ValueError("radius and maximum hours are positive")
    return max(distance_km, 0.0) / radius_km + max(hours_today, 0.0) / max_hours


@dataclass(frozen=True, slots=True)
class Candidate:
    """One eligible worker for one job, with the numbers their rank comes from."""

    worker_id: int
    distance_km: float
    hours_today: float
    online_since: datetime | None
    score: float

    def sort_key(self) -> tuple:
        # Online longest first: an earlier `online_since` sorts first; unknown last.
        since = self.online_since.timestamp() if self.online_since else float("inf")
        return (self.score, since, self.worker_id)


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates best first: lowest score, then online longest, then lowest id."""
    return sorted(candidates, key=Candidate.sort_key)
