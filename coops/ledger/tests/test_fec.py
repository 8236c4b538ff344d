"""The FEC export: a worked example line by line, balanced écritures on a multi-kind book,
continuous numbering per journal, only EUR, and the export page."""

import types
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups.models import GroupModule
from coops.groups.tests.factories import GroupFactory
from coops.groups.tests.helpers import fr, page
from coops.ledger import fec, services
from coops.ledger.models import Entry, LedgerAccount, Payment, PaymentMethod, Purpose, Transaction
from coops.ledger.providers import payment_record
from coops.ledger.tests.factories import SOCIAL_CURRENCY, TEST_KIND

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
YEAR_2026 = {"date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31)}


def _dated(tx: Transaction, when: datetime) -> Transaction:
    Transaction.objects.filter(pk=tx.pk).update(created_at=when)  # simulate the posting date
    return tx


def _line(*fields: str) -> str:
    assert len(fields) == 18
    return "\t".join(fields)


class Book:
    """The AMAP's EUR books with accounts opened in a known order (cash, bank, dues,
    Léa, the farm), so entries within a transaction come in that order."""

    def __init__(self, group=None):
        self.group = group or GroupFactory(name="AMAP des Weppes", slug="amap-des-weppes")
        self.treasurer = UserFactory(display_name="Martine Delcourt")
        self.lea = UserFactory(display_name="Léa Dubois")
        farm = UserFactory(display_name="Ferme du Mont")
        self.cash = self.open(self.group, Purpose.CASH, "Caisse")
        self.bank = self.open(self.group, Purpose.BANK, "Compte bancaire")
        self.dues = self.open(self.group, Purpose.DUES, "Cotisations")
        self.member = self.open(self.lea, Purpose.MEMBER, "Léa Dubois")
        self.farm = self.open(farm, Purpose.PRODUCER, "Ferme du Mont")

    def open(self, owner, purpose, name, currency="EUR") -> LedgerAccount:
        return services.account_open(
            group=self.group, currency=currency, owner=owner, purpose=purpose, name=name,
            acting_user=self.treasurer,
        )  # fmt: skip

    def pay(self, amount, when, method=PaymentMethod.CASH, received_on=None, **details):
        payment = payment_record(
            group=self.group, member=self.lea, amount=Decimal(amount), method=method,
            received_on=received_on or when.date(), acting_user=self.treasurer, **details,
        )  # fmt: skip
        return _dated(payment.transaction, when)

    def post(self, legs, when: datetime, memo: str) -> Transaction:
        tx = services.transaction_post(
            group=self.group, kind=TEST_KIND, acting_user=self.treasurer, memo=memo,
            legs=[services.Leg(account, amount) for account, amount in legs],
        )  # fmt: skip
        return _dated(tx, when)


@pytest.fixture
def worked(db):
    book = Book()
    # 31 Dec. 2025 at 23:30 in Paris: still 2025 for the group, so carried over.
    book.pay("30.00", datetime(2025, 12, 31, 23, 30, tzinfo=PARIS))
    txs = {
        "cheque": book.pay(
            "50.00",
            datetime(2026, 1, 10, 10, 0, tzinfo=PARIS),
            method=PaymentMethod.CHEQUE,
            cheque_number="0004127",
            cheque_bank="Crédit Coopératif",
            received_on=date(2026, 1, 8),
        ),
        "basket": book.post(
            [(book.member, -1250), (book.farm, 1250)],
            datetime(2026, 1, 12, 18, 0, tzinfo=PARIS),
            "Panier du 12 janvier\t(2 légumes)\n",
        ),
        "cash": book.pay("20.00", datetime(2026, 1, 20, 18, 0, tzinfo=PARIS)),
    }
    reversal = services.transaction_reverse(
        transaction=txs["cash"], acting_user=book.treasurer, memo="Annulation : billet refusé"
    )
    txs["reversal"] = _dated(reversal, datetime(2026, 1, 21, 9, 0, tzinfo=PARIS))
    txs["dues"] = book.post(
        [(book.dues, 1000), (book.member, -1000)],
        datetime(2026, 2, 1, 12, 0, tzinfo=PARIS),
        "Cotisation 2026",
    )
    txs["last"] = book.pay("5.00", datetime(2026, 12, 31, 23, 30, tzinfo=PARIS))
    # Not in the file: 1 Jan. 2027 in Paris (still 31 Dec. in UTC), a social currency,
    # another group's books.
    book.pay("7.00", datetime(2027, 1, 1, 0, 30, tzinfo=PARIS))
    sol_a = book.open(book.lea, Purpose.MEMBER, "Léa (SOL)", currency=SOCIAL_CURRENCY)
    sol_b = book.open(book.group, Purpose.ISSUANCE, "Émission", currency=SOCIAL_CURRENCY)
    book.post([(sol_b, -900), (sol_a, 900)], datetime(2026, 3, 1, 12, 0, tzinfo=PARIS), "SOL")
    elsewhere = Book(GroupFactory(slug="groupe-local-roubaix"))
    elsewhere.pay("99.00", datetime(2026, 3, 1, 12, 0, tzinfo=PARIS))
    return book, txs


def test_worked_example_line_by_line(worked):
    book, txs = worked
    lea, farm = f"M{book.member.pk:06d}", f"P{book.farm.pk:06d}"
    member = ("419100", "Clients - avances et acomptes reçus", lea, "Léa Dubois")
    cash, bank = ("530000", "Caisse", "", ""), ("512000", "Banque", "", "")
    producer = ("401000", "Fournisseurs", farm, "Ferme du Mont")
    dues = ("756000", "Cotisations", "", "")

    def ecriture(journal, number, day, piece, label, *legs, piece_day=None):
        head, tail = (*journal, number, day), (piece, piece_day or day, label)
        return [
            _line(*head, *account, *tail, debit, credit, "", "", day, "", "")
            for account, debit, credit in legs
        ]

    def piece(name):
        return str(txs[name].pk)

    an, ca, bq = ("AN", "À-nouveaux"), ("CA", "Caisse"), ("BQ", "Banque")
    od = ("OD", "Opérations diverses")
    basket = "Panier du 12 janvier (2 légumes)"
    expected = [
        "\t".join(fec.COLUMNS),
        *ecriture(an, "AN000001", "20260101", "AN", "Report à nouveau",
                  (cash, "30,00", "0,00"), (member, "0,00", "30,00")),
        *ecriture(bq, "BQ000001", "20260110", piece("cheque"),
                  "Chèque n° 0004127 (Crédit Coopératif)",
                  (bank, "50,00", "0,00"), (member, "0,00", "50,00"), piece_day="20260108"),
        *ecriture(od, "OD000001", "20260112", piece("basket"), basket,
                  (member, "12,50", "0,00"), (producer, "0,00", "12,50")),
        *ecriture(ca, "CA000001", "20260120", piece("cash"), "Espèces",
                  (cash, "20,00", "0,00"), (member, "0,00", "20,00")),
        *ecriture(ca, "CA000002", "20260121", piece("reversal"), "Annulation : billet refusé",
                  (cash, "0,00", "20,00"), (member, "20,00", "0,00")),
        *ecriture(od, "OD000002", "20260201", piece("dues"), "Cotisation 2026",
                  (dues, "0,00", "10,00"), (member, "10,00", "0,00")),
        *ecriture(ca, "CA000003", "20261231", piece("last"), "Espèces",
                  (cash, "5,00", "0,00"), (member, "0,00", "5,00")),
    ]  # fmt: skip
    text = "".join(fec.fec_stream(group=book.group, **YEAR_2026))
    assert text == "\r\n".join(expected) + "\r\n"


def test_export_is_a_generator_that_reads_in_chunks(worked):
    book, _txs = worked
    stream = fec.fec_stream(group=book.group, **YEAR_2026)
    assert isinstance(stream, types.GeneratorType)
    assert next(stream) == "\t".join(fec.COLUMNS) + "\r\n"


def test_opening_balances_are_left_out_when_nothing_came_before(worked):
    book, _txs = worked
    rows = list(
        fec.fec_rows(group=book.group, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    )
    assert [row[2] for row in rows[1:]] == ["CA000001", "CA000001"]
    assert rows[1][3] == "20251231"


def _parse(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    by_number: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows[1:]:
        by_number[row[2]].append(row)
    return by_number


def _cents(value: str) -> int:
    return int(Decimal(value.replace(",", ".")) * 100)


@pytest.fixture
def busy(db):
    """Forty movements of every kind, a three-leg split among them, and reversals."""
    book = Book()
    fees = book.open(book.group, Purpose.FEES, "Commissions")
    solidarity = book.open(book.group, Purpose.SOLIDARITY, "Caisse de solidarité")
    posted = []
    for i in range(40):
        when = datetime(2026, 1 + i % 12, 1 + i % 28, 8 + i % 12, 0, tzinfo=PARIS)
        match i % 5:
            case 0:
                tx = book.pay(f"{10 + i}.25", when)
            case 1:
                tx = book.pay("1234.50", when, method=PaymentMethod.TRANSFER, reference=f"VIR {i}")
            case 2:
                legs = [(book.member, -1500), (book.farm, 1350), (fees, 150)]
                tx = book.post(legs, when, f"Commande {i}")
            case 3:
                tx = book.post([(book.member, -200), (solidarity, 200)], when, "Solidarité")
            case _:
                tx = _dated(
                    services.transaction_reverse(
                        transaction=posted[-4] if i % 10 == 4 else posted[-3],
                        acting_user=book.treasurer,
                    ),
                    when,
                )
        posted.append(tx)
    return book


def test_every_ecriture_balances_and_journals_number_without_gaps(busy):
    rows = list(fec.fec_rows(group=busy.group, **YEAR_2026))
    assert all(len(row) == 18 for row in rows)
    numbers = _parse(rows)
    for number, lines in numbers.items():
        debit = sum(_cents(line[11]) for line in lines)
        credit = sum(_cents(line[12]) for line in lines)
        assert debit == credit > 0, number
        assert len({(line[0], line[3]) for line in lines}) == 1, number
    per_journal: dict[str, list[int]] = defaultdict(list)
    for number in numbers:
        per_journal[number[:2]].append(int(number[2:]))
    assert {code: sorted(seq) for code, seq in per_journal.items()} == {
        code: list(range(1, len(seq) + 1)) for code, seq in per_journal.items()
    }
    assert set(per_journal) == {"CA", "BQ", "OD"}
    in_period = Entry.objects.filter(transaction__group=busy.group, currency="EUR").count()
    assert len(rows) - 1 == in_period
    dates = [row[3] for row in rows[1:]]
    assert dates == sorted(dates)
    assert {row[4] for row in rows[1:]} <= {chart.number for chart in fec.CHART.values()}
    assert "1234,50" in {row[12] for row in rows[1:]}


def test_every_purpose_has_an_account_number():
    assert set(fec.CHART) == set(Purpose.values)
    assert all(len(c.number) == 6 and c.number.isdigit() for c in fec.CHART.values())


@pytest.mark.parametrize(
    ("minor", "text"),
    [(0, "0,00"), (5, "0,05"), (1250, "12,50"), (123456789, "1234567,89")],
)
def test_amounts_have_a_decimal_comma_and_no_thousands_separator(minor, text):
    assert fec.amount(minor) == text


def test_journal_follows_the_treasury_account_touched():
    assert fec.journal_for([Purpose.CASH, Purpose.MEMBER]) == ("CA", "Caisse")
    assert fec.journal_for([Purpose.BANK, Purpose.MEMBER]) == ("BQ", "Banque")
    assert fec.journal_for([Purpose.DUES, Purpose.MEMBER]) == ("OD", "Opérations diverses")


def test_filenames():
    group = GroupFactory.build(slug="amap-des-weppes")
    assert fec.fec_filename(group=group, date_to=date(2026, 12, 31)) == (
        "amap-des-weppesFEC20261231.txt"
    )
    assert fec.fec_filename(group=group, date_to=date(2026, 12, 31), siren="123456789") == (
        "123456789FEC20261231.txt"
    )


# --- the export page --------------------------------------------------------------------------


def _url(group) -> str:
    return reverse("groups:ledger:export", kwargs={"slug": group.slug})


@pytest.fixture
def amap(personas):
    GroupModule.objects.create(group=personas.group, module="ledger")
    return personas


@pytest.mark.parametrize("who", PERSONAS)
def test_export_authorisation(amap, who):
    before = (Payment.objects.count(), Transaction.objects.count(), Event.objects.count())
    response = amap.client(who).get(_url(amap.group), {"format": "fec", **YEAR_2026})
    assert (Payment.objects.count(), Transaction.objects.count(), Event.objects.count()) == before
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif who in ("member", "other_member"):
        assert response.status_code == 403
        assert fr("Only the group's organisers and treasurers keep its books.") in page(response)
    else:
        assert response.status_code == 200
        assert response.streaming
        assert b"".join(response.streaming_content).decode().startswith("JournalCode\t")


def test_export_page_defaults_to_the_current_calendar_year(amap):
    response = amap.client("organiser").get(_url(amap.group))
    year = timezone.localdate().year
    form = response.context["form"]
    assert (form.initial["date_from"], form.initial["date_to"]) == (
        date(year, 1, 1),
        date(year, 12, 31),
    )
    assert not response.streaming


def test_fec_download_is_named_after_the_siren_or_the_slug(amap):
    book = Book(amap.group)
    book.pay("12.00", datetime(2026, 5, 4, 18, 0, tzinfo=PARIS))
    client = amap.client("organiser")
    response = client.get(_url(amap.group), {"format": "fec", **YEAR_2026})
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="amap-des-weppesFEC20261231.txt"'
    )
    lines = b"".join(response.streaming_content).decode().split("\r\n")
    assert len(lines) == 4 and lines[-1] == ""
    assert lines[1].startswith("CA\tCaisse\tCA000001\t20260504\t530000\tCaisse\t")
    response = client.get(_url(amap.group), {"format": "fec", "siren": "812345678", **YEAR_2026})
    assert response["Content-Disposition"] == 'attachment; filename="812345678FEC20261231.txt"'


def test_csv_download_has_the_same_lines_for_a_spreadsheet(amap):
    book = Book(amap.group)
    tx = book.pay("12.00", datetime(2026, 5, 4, 18, 0, tzinfo=PARIS))
    response = amap.client("admin").get(_url(amap.group), {"format": "csv", **YEAR_2026})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="amap-des-weppes-2026-01-01-2026-12-31.csv"'
    )
    text = b"".join(response.streaming_content).decode()
    aux = f"M{book.member.pk:06d}"
    assert text == (
        "\ufeff" + ";".join(fec.COLUMNS) + "\r\n"
        f"CA;Caisse;CA000001;20260504;530000;Caisse;;;{tx.pk};20260504;Espèces;12,00;0,00;;;"
        "20260504;;\r\n"
        f"CA;Caisse;CA000001;20260504;419100;Clients - avances et acomptes reçus;{aux};"
        f"Léa Dubois;{tx.pk};20260504;Espèces;0,00;12,00;;;20260504;;\r\n"
    )


def test_invalid_export_requests_show_the_form_with_errors(amap):
    client = amap.client("organiser")
    response = client.get(
        _url(amap.group),
        {"format": "fec", "date_from": "2026-12-31", "date_to": "2026-01-01", "siren": "12AB"},
    )
    assert response.status_code == 200
    assert not response.streaming
    assert response.context["form"].errors == {
        "date_to": [fr("The end of the period comes before its start.")],
        "siren": [fr("A SIREN number has nine digits.")],
    }
