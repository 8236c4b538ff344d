"""Reads of governance, shaped for pages."""

from .assemblies import (
    agenda_of,
    assemblies_of,
    assembly_next,
    assembly_quorum,
    attendance_sheet,
    speaking_order,
    speaking_state,
)
from .delegation import colleges_page, proxies_of, proxy_limit, proxy_scopes
from .home import governance_home
from .proposals import proposal_of, proposal_page, proposal_results, proposals_page
from .register import register_groups, register_page, register_years

__all__ = [
    "agenda_of",
    "assemblies_of",
    "assembly_next",
    "assembly_quorum",
    "attendance_sheet",
    "colleges_page",
    "governance_home",
    "proposal_of",
    "proposal_page",
    "proposal_results",
    "proposals_page",
    "proxies_of",
    "proxy_limit",
    "proxy_scopes",
    "register_groups",
    "register_page",
    "register_years",
    "speaking_order",
    "speaking_state",
]
