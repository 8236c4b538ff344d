"""Workers: registering, the access conditions, going online or offline, the position,
and the documents an organiser checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from coops.charter.tests.factories import published, sign
from coops.core.models import Event
from coops.directory.tests.factories import ActorFactory
from coops.groups.models import Membership, MembershipStatus, Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from .. import kinds
from ..models import DocumentStatus, Job, JobOffer, OfferAnswer, Worker, WorkerDocument
from ..selectors.workers import eligibility
from ..services._base import lock_objects, rules_of
from ..services.dispatch import dispatch_next
from ..services.workers import (
    document_check,
    document_upload,
    worker_go_offline,
    worker_go_online,
    worker_register,
    worker_set_position,
)
from .dispatch_helpers import WorkerDocumentFactory, member_worker
from .factories import LILLE, FederationFactory, JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return FederationFactory()


def offline_worker(group, **kwargs):
    return member_worker(group, online=False, **kwargs)


def require_documents(group, *kinds_):
    rules = rules_of(group)
    rules.required_documents = list(kinds_)
    rules.save()


def pdf(name="attestation.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


# --- Register -----------------------------------------------------------------------------


def test_a_member_registers_once(group):
    user = MembershipFactory(group=group).user
    worker = worker_register(group=group, user=user, vehicle="cargo_bike", acting_user=user)
    assert (worker.vehicle, worker.is_online) == ("cargo_bike", False)
    assert Event.objects.filter(verb="ondemand.worker_registered").count() == 1
    with pytest.raises(ValidationError) as error:
        worker_register(group=group, user=user, vehicle="bike", acting_user=user)
    assert error.value.messages == [fr("You are already registered as a worker.")]
    assert Worker.objects.filter(group=group).count() == 1


def test_a_non_member_cannot_register(group):
    outsider = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        worker_register(group=group, user=outsider, vehicle="bike", acting_user=outsider)
    assert not Worker.objects.exists()


def test_nobody_registers_someone_else(group):
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    member = MembershipFactory(group=group).user
    with pytest.raises(PermissionDenied):
        worker_register(group=group, user=member, vehicle="bike", acting_user=organiser)


# --- Eligibility --------------------------------------------------------------------------


def test_an_active_member_with_no_conditions_left_is_eligible(group):
    assert eligibility(offline_worker(group)) == []


def test_a_former_member_is_not_eligible(group):
    worker = offline_worker(group)
    Membership.objects.filter(user=worker.user).update(status=MembershipStatus.LEFT)
    assert eligibility(Worker.objects.get(pk=worker.pk)) == [
        fr("You are not an active member of the federation.")
    ]


def test_documents_must_be_approved_and_still_valid(group):
    require_documents(group, "insurance", "licence")
    worker = offline_worker(group)
    today = group.today()
    insurance = fr(
        "You need a valid %(document)s, checked by an organiser.",
        document=fr("Professional insurance").lower(),
    )
    licence = fr(
        "You need a valid %(document)s, checked by an organiser.",
        document=fr("Driving licence").lower(),
    )
    assert eligibility(worker) == [insurance, licence]
    WorkerDocumentFactory(worker=worker, kind="insurance", valid_until=today)
    WorkerDocumentFactory(worker=worker, kind="licence", status=DocumentStatus.PENDING)
    assert eligibility(worker) == [licence]
    WorkerDocumentFactory(worker=worker, kind="licence", valid_until=today - timedelta(days=1))
    assert eligibility(worker) == [licence]
    WorkerDocumentFactory(worker=worker, kind="licence", status=DocumentStatus.REJECTED)
    assert eligibility(worker) == [licence]
    WorkerDocumentFactory(worker=worker, kind="licence")
    assert eligibility(worker) == []


def test_the_current_charter_must_be_signed_for_an_actor_the_worker_owns(group):
    worker = offline_worker(group)
    version = published()
    reason = fr(
        "The federation asks its workers to sign the current charter: sign it for "
        "an organisation of the directory you manage."
    )
    assert eligibility(worker) == [reason]
    actor = ActorFactory()
    actor.owners.add(worker.user)
    sign(actor, version, worker.user)
    assert eligibility(worker) == []
    rules = rules_of(group)
    newer = published(title="Charte v2")
    assert eligibility(worker) == [reason]
    rules.require_charter = False
    rules.save()
    assert eligibility(worker) == []
    assert newer.number == version.number + 1


def test_dues_must_be_up_to_date(group):
    from coops.ledger.dues.services import dues_generate
    from coops.ledger.tests.dues_factories import enable_ledger, monthly_plan

    enable_ledger(group)
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    worker = offline_worker(group)
    plan = monthly_plan(group, by=organiser, start_date=date(2026, 1, 1))
    dues_generate(plan=plan, on=date(2026, 1, 5))  # due on the 5th, 10 days' grace
    assert eligibility(worker) == [fr("Your dues are not up to date.")]
    rules = rules_of(group)
    rules.require_dues = False
    rules.save()
    assert eligibility(worker) == []


# --- Online, offline, position ----------------------------------------------------------


def test_go_online_with_a_position(group):
    worker = offline_worker(group)
    worker_go_online(worker=worker, lat=50.63, lon=3.06, acting_user=worker.user)
    worker.refresh_from_db()
    assert (worker.is_online, worker.lat, worker.lon) == (True, 50.63, 3.06)
    assert worker.online_since is not None and worker.position_at is not None
    assert Event.objects.filter(verb="ondemand.worker_online").count() == 1


def test_going_online_without_valid_documents_is_refused_and_changes_nothing(group):
    require_documents(group, "insurance")
    worker = offline_worker(group)
    before = Worker.objects.filter(pk=worker.pk).values().get()
    with pytest.raises(ValidationError) as error:
        worker_go_online(worker=worker, lat=50.63, lon=3.06, acting_user=worker.user)
    assert error.value.messages == [
        fr(
            "You need a valid %(document)s, checked by an organiser.",
            document=fr("Professional insurance").lower(),
        )
    ]
    assert Worker.objects.filter(pk=worker.pk).values().get() == before
    assert not Event.objects.filter(verb="ondemand.worker_online").exists()


def test_only_the_worker_goes_online(group):
    worker = offline_worker(group)
    other = offline_worker(group)
    with pytest.raises(PermissionDenied):
        worker_go_online(worker=worker, lat=50.63, lon=3.06, acting_user=other.user)
    assert Worker.objects.get(pk=worker.pk).is_online is False


def test_an_invalid_position_is_refused(group):
    worker = offline_worker(group)
    with pytest.raises(ValidationError) as error:
        worker_go_online(worker=worker, lat=91, lon=3.06, acting_user=worker.user)
    assert error.value.messages == [fr("This position is not valid.")]


def test_position_is_shared_only_while_online_and_not_audited(group):
    worker = member_worker(group)
    worker_set_position(worker=worker, lat=50.7, lon=3.1, acting_user=worker.user)
    worker.refresh_from_db()
    assert (worker.lat, worker.lon) == (50.7, 3.1)
    assert not Event.objects.filter(target_id=str(worker.pk)).exists()
    offline = offline_worker(group)
    with pytest.raises(ValidationError) as error:
        worker_set_position(worker=offline, lat=50.7, lon=3.1, acting_user=offline.user)
    assert error.value.messages == [fr("Your position is shared only while you are online.")]


def test_go_offline_forgets_the_position_and_passes_the_offer_on(group):
    first = member_worker(group, km=1)
    second = member_worker(group, km=2)
    job = JobFactory(group=group)
    with transaction.atomic():
        dispatch_next(job=lock_objects(Job, job.pk), acting_user=job.customer)
    worker_go_offline(worker=first, acting_user=first.user)
    first.refresh_from_db()
    assert (first.is_online, first.lat, first.lon, first.online_since) == (False, None, None, None)
    assert list(
        JobOffer.objects.filter(job=job).order_by("id").values_list("worker", "answer")
    ) == [
        (first.pk, OfferAnswer.WITHDRAWN),
        (second.pk, OfferAnswer.PENDING),
    ]
    assert Event.objects.filter(verb="ondemand.worker_offline").count() == 1


# --- Documents ----------------------------------------------------------------------------


def test_upload_a_document(group):
    worker = offline_worker(group)
    until = group.today() + timedelta(days=200)
    document = document_upload(
        worker=worker, kind="insurance", file=pdf(), valid_until=until, acting_user=worker.user
    )
    assert (document.status, document.valid_until) == (DocumentStatus.PENDING, until)
    assert document.file.name.endswith(".pdf")
    assert Event.objects.filter(verb="ondemand.document_uploaded").count() == 1


def test_an_expired_document_is_refused(group):
    worker = offline_worker(group)
    with pytest.raises(ValidationError) as error:
        document_upload(
            worker=worker,
            kind="insurance",
            file=pdf(),
            valid_until=group.today() - timedelta(days=1),
            acting_user=worker.user,
        )
    assert error.value.messages == [fr("This document is no longer valid: check its end date.")]
    assert not WorkerDocument.objects.exists()


def test_only_the_worker_uploads_their_documents(group):
    worker = offline_worker(group)
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    with pytest.raises(PermissionDenied):
        document_upload(
            worker=worker,
            kind="insurance",
            file=pdf(),
            valid_until=group.today() + timedelta(days=1),
            acting_user=organiser,
        )


def test_organiser_approves_and_the_worker_is_notified(group, django_capture_on_commit_callbacks):
    require_documents(group, "insurance")
    worker = offline_worker(group)
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    document = WorkerDocumentFactory(worker=worker, status=DocumentStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        document_check(document=document, approve=True, note="", acting_user=organiser)
    document.refresh_from_db()
    assert (document.status, document.checked_by) == (DocumentStatus.APPROVED, organiser)
    assert eligibility(worker) == []
    note = Notification.objects.get(recipient=worker.user)
    assert note.kind == kinds.DOCUMENT_CHECKED


def test_a_refusal_says_why(group):
    worker = offline_worker(group)
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    document = WorkerDocumentFactory(worker=worker, status=DocumentStatus.PENDING)
    with pytest.raises(ValidationError) as error:
        document_check(document=document, approve=False, note=" ", acting_user=organiser)
    assert error.value.messages == [fr("Say why the document is refused.")]
    document_check(document=document, approve=False, note="Illisible", acting_user=organiser)
    document.refresh_from_db()
    assert (document.status, document.note) == (DocumentStatus.REJECTED, "Illisible")
    with pytest.raises(ValidationError) as error:
        document_check(document=document, approve=True, note="", acting_user=organiser)
    assert error.value.messages == [fr("This document was already checked.")]


def test_members_and_own_documents_cannot_be_checked(group):
    member = MembershipFactory(group=group).user
    organiser_worker = offline_worker(group, role=Role.ORGANISER)
    document = WorkerDocumentFactory(worker=organiser_worker, status=DocumentStatus.PENDING)
    with pytest.raises(PermissionDenied):
        document_check(document=document, approve=True, note="", acting_user=member)
    with pytest.raises(PermissionDenied):
        document_check(document=document, approve=True, note="", acting_user=organiser_worker.user)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


def test_go_online_at_grand_place(group):
    worker = offline_worker(group)
    worker_go_online(worker=worker, lat=LILLE.lat, lon=LILLE.lon, acting_user=worker.user)
    assert Worker.objects.get(pk=worker.pk).is_online
