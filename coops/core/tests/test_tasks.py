import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from coops.core.mail import mail_after_commit

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_email_waits_for_commit_then_for_the_worker():
    from django.db import transaction

    with transaction.atomic():
        mail_after_commit(subject="Convocation", body="Agora jeudi", to=["lea@example.org"])
        assert DBTaskResult.objects.count() == 0  # nothing queued before commit
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []  # queued, not sent by the web process

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay")

    assert [(m.subject, m.to) for m in mail.outbox] == [("Convocation", ["lea@example.org"])]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_rolled_back_change_sends_nothing():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        mail_after_commit(subject="Jamais", body="", to=["lea@example.org"])
        raise RuntimeError
    assert DBTaskResult.objects.count() == 0
    assert mail.outbox == []
