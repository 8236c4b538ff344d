"""The calendar file (.ics, RFC 5545 / iTIP RFC 5546) of an assembly's convocation.

The UID is stable per assembly and site, so calendars update the event they already hold
when the assembly is moved (a higher SEQUENCE) or cancelled (METHOD:CANCEL). Times are
written in UTC.
"""

from __future__ import annotations

from datetime import UTC
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Assembly, AssemblyStatus

PRODID = "-//Coops//Assemblies//FR"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def assembly_uid(assembly: Assembly) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "coops.localhost"
    return f"assembly-{assembly.pk}@{host}"


def assembly_sequence(assembly: Assembly) -> int:
    """Grows with every change: the seconds between creation and the last update."""
    if assembly.created_at is None or assembly.updated_at is None:
        return 0
    return max(0, int((assembly.updated_at - assembly.created_at).total_seconds()))


def assembly_page_url(assembly: Assembly) -> str:
    path = reverse(
        "groups:governance:assembly_detail",
        kwargs={"slug": assembly.group.slug, "pk": assembly.pk},
    )
    return settings.SITE_URL + path


def assembly_ics(assembly: Assembly, *, method: str = PUBLISH, attendee=None) -> bytes:
    """The event of `assembly` as an iCalendar file, in the active language. `method` is
    REQUEST (a convocation, with the recipient as `attendee`), CANCEL or PUBLISH (a
    plain download)."""
    url = assembly_page_url(assembly)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", assembly_uid(assembly))
    event.add("sequence", assembly_sequence(assembly))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", assembly.starts_at.astimezone(UTC))
    event.add("dtend", assembly.ends_at.astimezone(UTC))
    event.add("summary", f"{assembly.title} · {assembly.group.name}")
    location = ", ".join(x for x in (assembly.place, assembly.online_url) if x)
    event.add("location", location)
    event.add("url", url)
    lines = [assembly.description] if assembly.description else []
    lines.append(_("Agenda and proposals of items: %(url)s") % {"url": url})
    if assembly.online_url:
        lines.append(_("Online link: %(url)s") % {"url": assembly.online_url})
    event.add("description", "\n\n".join(lines))
    cancelled = method == CANCEL or assembly.status == AssemblyStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or settings.SITE_NAME)
    event.add("organizer", organizer)
    if attendee is not None and method != PUBLISH:
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params["cn"] = vText(attendee.public_name)
        person.params["role"] = vText("REQ-PARTICIPANT")
        person.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", person)
    cal.add_component(event)
    return cal.to_ical()
