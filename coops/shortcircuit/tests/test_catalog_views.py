"""Every page of the producer space, as each kind of visitor: anonymous visitors are
sent to log in, people who do not manage the producer (staff included) are refused with
the rule's message and change nothing, the producer's managers are served."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.directory.tests.factories import ActorFactory
from coops.directory.tests.shared_data import SHARED_DATA
from coops.groups.tests.helpers import fr, page

from ..catalog_csv import COLUMNS
from ..models import Product, Variant
from ..taxonomy import product_types_sync
from .factories import ProducerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

SHARED = SHARED_DATA
WHO = ["anonymous", "stranger", "staff", "owner"]
REFUSAL = "Only the producer's own managers can do this."
CSV = (";".join(COLUMNS) + "\nNavets;;;;1 kg;kg;1;2.10;5.5;8;0;;NAV;\n").encode()


class Space:
    def __init__(self) -> None:
        self.owner = UserFactory()
        self.stranger = UserFactory()
        self.staff = UserFactory(is_staff=True)
        self.producer = ProducerFactory(owners=[self.owner])
        self.product = ProductFactory(producer=self.producer, name="Pommes")
        self.variant = VariantFactory(product=self.product, stock=Decimal("4"))

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(self, who))
        return client

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"producer:{name}", kwargs={"producer": self.producer.pk, **kwargs})


@pytest.fixture
def s():
    product_types_sync()
    return Space()


def snapshot() -> tuple:
    return (
        list(Product.objects.order_by("pk").values_list("pk", "name", "active")),
        list(Variant.objects.order_by("pk").values_list("pk", "price", "stock", "active")),
        Event.objects.count(),
    )


def refused(who: str, response) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        return
    assert response.status_code == 403
    assert fr(REFUSAL) in page(response)


def test_my_producers(s):
    response = s.client("anonymous").get(reverse("producer:home"))
    refused("anonymous", response)
    mine = page(s.client("owner").get(reverse("producer:home")))
    assert s.producer.name in mine
    theirs = page(s.client("stranger").get(reverse("producer:home")))
    assert s.producer.name not in theirs and 'data-testid="no-producers"' in theirs


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "name",
    [
        "catalog",
        "product_create",
        "product_edit",
        "csv_export",
        "dfc_export",
        "csv_import",
        "dfc_import",
    ],
)
def test_pages(s, who, name):
    kwargs = {"product": s.product.pk} if name == "product_edit" else {}
    response = s.client(who).get(s.url(name, **kwargs))
    if who != "owner":
        refused(who, response)
        return
    assert response.status_code == 200
    if name == "catalog":
        assert f'data-testid="variant-{s.variant.pk}"' in page(response)
    if name == "csv_export":
        assert response.content.decode("utf-8").startswith("\ufeff" + ";".join(COLUMNS))
    if name == "dfc_export":
        assert b'"dfc-b:SuppliedProduct"' in response.content


def test_catalog_search(s):
    ProductFactory(producer=s.producer, name="Céleri", search_text="celeri cultive")
    html = page(s.client("owner").get(s.url("catalog"), {"q": "CÉLERI"}))
    assert "Céleri" in html and "Pommes" not in html


@pytest.mark.parametrize("who", WHO)
def test_creating_a_product(s, who):
    before = snapshot()
    data = {
        "name": "Poireaux",
        "description": "D’hiver",
        "active": "on",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-0-name": "Botte",
        "variants-0-unit": "bunch",
        "variants-0-unit_size": "1",
        "variants-0-price": "2.30",
        "variants-0-vat_rate": "5.5",
        "variants-0-stock": "",
        "variants-0-step": "1",
        "variants-0-active": "on",
    }
    response = s.client(who).post(s.url("product_create"), data)
    if who != "owner":
        refused(who, response)
        assert snapshot() == before
        return
    assert response.status_code == 302 and response["Location"] == s.url("catalog")
    product = Product.objects.get(name="Poireaux")
    assert (product.search_text, product.producer) == ("poireaux d hiver", s.producer)
    assert list(product.variants.values_list("name", "price", "stock")) == [
        ("Botte", Decimal("2.30"), None)
    ]


def test_a_bad_product_form_shows_the_errors(s):
    data = {
        "name": "Poulet",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-0-unit": "piece",
        "variants-0-unit_size": "1",
        "variants-0-price": "9",
        "variants-0-vat_rate": "7",
        "variants-0-step": "1",
        "variants-0-variable_weight": "on",
    }
    response = s.client("owner").post(s.url("product_create"), data)
    assert response.status_code == 400
    html = page(response)
    assert fr("A variable-weight product needs the estimated weight of one item.") in html
    assert not Product.objects.filter(name="Poulet").exists()


def test_a_photo_must_be_an_image(s):
    data = {
        "name": "Pommes",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-0-id": str(s.variant.pk),
        "variants-0-name": "1 kg",
        "variants-0-unit": "kg",
        "variants-0-unit_size": "1",
        "variants-0-price": "3.20",
        "variants-0-vat_rate": "5.5",
        "variants-0-step": "1",
        "variants-0-stock": "4",
        "photo": SimpleUploadedFile("pommes.jpg", b"not an image", content_type="image/jpeg"),
    }
    response = s.client("owner").post(s.url("product_edit", product=s.product.pk), data)
    assert response.status_code == 400
    s.product.refresh_from_db()
    assert not s.product.photo


@pytest.mark.parametrize("who", WHO)
def test_editing_a_product(s, who):
    data = {
        "name": "Pommes reinettes",
        "active": "on",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-0-id": str(s.variant.pk),
        "variants-0-name": "1 kg",
        "variants-0-unit": "kg",
        "variants-0-unit_size": "1",
        "variants-0-price": "3.60",
        "variants-0-vat_rate": "5.5",
        "variants-0-step": "1",
        "variants-0-stock": "4",
        "variants-0-stock_seen": "4",
        "variants-0-active": "on",
    }
    Variant.objects.filter(pk=s.variant.pk).update(stock=Decimal("3"))  # an order took one
    before = snapshot()
    response = s.client(who).post(s.url("product_edit", product=s.product.pk), data)
    if who != "owner":
        refused(who, response)
        assert snapshot() == before
        return
    assert response.status_code == 302
    s.variant.refresh_from_db()
    assert (s.variant.price, s.variant.stock) == (Decimal("3.60"), Decimal("3"))


@pytest.mark.parametrize("who", WHO)
def test_deleting_a_product(s, who):
    before = snapshot()
    response = s.client(who).post(s.url("product_delete", product=s.product.pk))
    if who != "owner":
        refused(who, response)
        assert snapshot() == before
        return
    assert response.status_code == 302
    assert not Product.objects.filter(pk=s.product.pk).exists()


@pytest.mark.parametrize("who", WHO)
def test_setting_a_stock(s, who):
    before = snapshot()
    response = s.client(who).post(s.url("variant_stock", variant=s.variant.pk), {"stock": "9"})
    if who != "owner":
        refused(who, response)
        assert snapshot() == before
        return
    assert response.status_code == 302
    s.variant.refresh_from_db()
    assert s.variant.stock == Decimal("9")


def test_another_producers_variant_is_not_found(s):
    foreign = VariantFactory()
    response = s.client("owner").post(s.url("variant_stock", variant=foreign.pk), {"stock": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", WHO)
def test_csv_import_preview_then_confirm(s, who):
    before = snapshot()
    upload = SimpleUploadedFile("catalogue.csv", CSV, content_type="text/csv")
    response = s.client(who).post(s.url("csv_import"), {"file": upload})
    if who != "owner":
        refused(who, response)
        assert snapshot() == before
        confirm = s.client(who).post(
            s.url("csv_import"), {"content": base64.b64encode(CSV).decode()}
        )
        refused(who, confirm)
        assert snapshot() == before
        return
    assert response.status_code == 200
    html = page(response)
    assert (
        fr(
            "%(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(invalid)s invalid.",
            created=1,
            updated=0,
            unchanged=0,
            invalid=0,
        )
        in html
    )
    assert 'data-testid="confirm-import"' in html
    assert snapshot() == before  # the preview wrote nothing
    confirm = s.client(who).post(s.url("csv_import"), {"content": base64.b64encode(CSV).decode()})
    assert confirm.status_code == 302 and confirm["Location"] == s.url("catalog")
    assert Variant.objects.get(sku="NAV").stock == Decimal("8")


def test_a_bad_csv_shows_its_errors_and_no_confirm_button(s):
    bad = CSV.replace(b"2.10", b"cher")
    upload = SimpleUploadedFile("catalogue.csv", bad, content_type="text/csv")
    response = s.client("owner").post(s.url("csv_import"), {"file": upload})
    assert response.status_code == 400
    html = page(response)
    assert fr("line %(line)s", line=2) in html
    assert 'data-testid="confirm-import"' not in html


@pytest.mark.parametrize("who", WHO)
def test_dfc_import(s, who):
    before = snapshot()
    data = (SHARED / "ofn_dfc_product.GET.json").read_bytes()
    response = s.client(who).post(s.url("dfc_import"), {"file": SimpleUploadedFile("p.json", data)})
    if who != "owner":
        refused(who, response)
        assert snapshot() == before
        return
    assert response.status_code == 200 and snapshot() == before
    assert fr("VAT rate %(rate)s %% is not a French rate: check it.", rate="1") in page(response)
    confirm = s.client(who).post(s.url("dfc_import"), {"content": base64.b64encode(data).decode()})
    assert confirm.status_code == 302
    assert Variant.objects.filter(product__producer=s.producer, price=Decimal("12.06")).exists()


def test_an_actor_that_is_not_a_producer_is_not_found(s):
    shop = ActorFactory(kind="shop", owners=[s.owner])
    url = reverse("producer:catalog", kwargs={"producer": shop.pk})
    assert s.client("owner").get(url).status_code == 404
