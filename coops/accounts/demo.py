"""Demo people of the Hauts-de-France territory (registered as the "people" step)."""

from allauth.account.models import EmailAddress

from coops.core.demo import DEMO_PASSWORD, DemoContext

from .models import User

# key, display name, town, postcode, language
PEOPLE = [
    ("camille", "Camille Lefebvre", "Lille", "59000", "fr"),
    ("karim", "Karim Benali", "Wavrin", "59136", "fr"),
    ("lea", "Léa Dubois", "Roubaix", "59100", "fr"),
    ("thomas", "Thomas Vasseur", "Amiens", "80000", "fr"),
    ("ines", "Inès Moreau", "Lille", "59000", "fr"),
    ("julien", "Julien Caron", "Dunkerque", "59140", "fr"),
    ("sophie", "Sophie Lambert", "Arras", "62000", "fr"),
    ("mathieu", "Mathieu Delattre", "Lens", "62300", "fr"),
    ("nadia", "Nadia Haddad", "Tourcoing", "59200", "fr"),
    ("pierre", "Pierre Lemaire", "Boulogne-sur-Mer", "62200", "fr"),
    ("claire", "Claire Fontaine", "Villeneuve-d'Ascq", "59650", "fr"),
    ("youssef", "Youssef El Amrani", "Lille", "59000", "fr"),
    ("marie", "Marie Dupont", "Beauvais", "60000", "fr"),
    ("antoine", "Antoine Leroy", "Valenciennes", "59300", "fr"),
    ("chloe", "Chloé Martin", "Douai", "59500", "fr"),
    ("hugo", "Hugo Petit", "Compiègne", "60200", "fr"),
    ("emma", "Emma Roussel", "Saint-Quentin", "02100", "fr"),
    ("lucas", "Lucas Bernard", "Calais", "62100", "fr"),
    ("sarah", "Sarah Walker", "Lille", "59000", "en"),
    ("bernard", "Bernard Vandamme", "Hazebrouck", "59190", "fr"),
    ("martine", "Martine Delcourt", "Armentières", "59280", "fr"),
    ("olivier", "Olivier Dhainaut", "Saint-Omer", "62500", "fr"),
    ("aurelie", "Aurélie Lefort", "Béthune", "62400", "fr"),
    ("fatima", "Fatima Zeroual", "Amiens", "80000", "fr"),
]


def _locate(town: str, postcode: str) -> tuple[float | None, float | None]:
    from coops.core.geocoding import geocode

    found = geocode(f"{postcode} {town}") or geocode(town)
    return (found.lat, found.lon) if found else (None, None)


def load_people(ctx: DemoContext) -> None:
    admin = User.objects.create_superuser(
        "admin@example.org", DEMO_PASSWORD, display_name="Administration Coops"
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    ctx.users["admin"] = admin
    ctx.logins.append(("Administration Coops", admin.email, "platform administrator"))
    for key, name, town, postcode, language in PEOPLE:
        lat, lon = _locate(town, postcode)
        user = User.objects.create_user(
            f"{key}@example.org",
            DEMO_PASSWORD,
            display_name=name,
            home_town=town,
            home_postcode=postcode,
            home_lat=lat,
            home_lon=lon,
            language=language,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        ctx.users[key] = user
    ctx.log(f"{len(PEOPLE) + 1} people")
