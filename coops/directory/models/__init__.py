"""Models of the directory: actors and their taxonomy (actor.py), collaborative
moderation (moderation.py) and open-data imports (imports.py)."""

from .actor import (
    Actor,
    ActorKind,
    ActorPlace,
    ActorQuerySet,
    ActorStatus,
    GeocodeStatus,
    Label,
    LegalForm,
    Sector,
    Skill,
    Tag,
)
from .imports import ImportFormat, ImportJob, ImportRowError, ImportStatus
from .moderation import (
    ActorChange,
    ActorReport,
    ChangeStatus,
    DecisionOutcome,
    ModerationDecision,
    ModerationSettings,
    ModerationVote,
    ReportReason,
    ReportStatus,
    VoteChoice,
)

__all__ = [
    "Actor",
    "ActorChange",
    "ActorKind",
    "ActorPlace",
    "ActorQuerySet",
    "ActorReport",
    "ActorStatus",
    "ChangeStatus",
    "DecisionOutcome",
    "GeocodeStatus",
    "ImportFormat",
    "ImportJob",
    "ImportRowError",
    "ImportStatus",
    "Label",
    "LegalForm",
    "ModerationDecision",
    "ModerationSettings",
    "ModerationVote",
    "ReportReason",
    "ReportStatus",
    "Sector",
    "Skill",
    "Tag",
    "VoteChoice",
]
