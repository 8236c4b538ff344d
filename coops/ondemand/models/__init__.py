"""Worker-owned on-demand services: a federation's rules, its workers, jobs and offers."""

from .jobs import (
    ACTIVE_STATUSES,
    TRANSITIONS,
    Job,
    JobEvent,
    JobKind,
    JobOffer,
    JobStatus,
    OfferAnswer,
)
from .rules import MAX_COMMISSION, MAX_FUND, DocumentKind, FederationRules, RuleChange
from .workers import DocumentStatus, Vehicle, Worker, WorkerDocument

__all__ = [
    "ACTIVE_STATUSES",
    "MAX_COMMISSION",
    "MAX_FUND",
    "TRANSITIONS",
    "DocumentKind",
    "DocumentStatus",
    "FederationRules",
    "Job",
    "JobEvent",
    "JobKind",
    "JobOffer",
    "JobStatus",
    "OfferAnswer",
    "RuleChange",
    "Vehicle",
    "Worker",
    "WorkerDocument",
]
