"""Demo groups of the Hauts-de-France territory, created through the services so
that audit events and notifications are those a real territory would have."""

from coops.core.demo import DemoContext

from . import services
from .models import GroupKind, JoinPolicy, Membership, Role, Visibility

NETWORK = "hauts-de-france"

# slug, name, kind, parent, city, join policy, visibility, creator, description
GROUPS = [
    (
        NETWORK,
        "Réseau de l'économie coopérative des Hauts-de-France",
        GroupKind.NETWORK,
        None,
        "Lille",
        JoinPolicy.OPEN,
        Visibility.PUBLIC,
        "camille",
        "Le réseau régional des coopératives, associations, producteurs et indépendants "
        "qui partagent une éthique coopérative. Agora mensuelle le premier jeudi du mois.",
    ),
    (
        "federation-circuits-courts",
        "Fédération des AMAP et circuits courts",
        GroupKind.FEDERATION,
        NETWORK,
        "Arras",
        JoinPolicy.REQUEST,
        Visibility.PUBLIC,
        "sophie",
        "Les AMAP, épiceries coopératives et groupements d'achat de la région : "
        "contrats de saison, distributions et achats groupés.",
    ),
    (
        "amap-des-weppes",
        "AMAP des Weppes",
        GroupKind.FOOD_HUB,
        "federation-circuits-courts",
        "Wavrin",
        JoinPolicy.REQUEST,
        Visibility.PUBLIC,
        "karim",
        "Paniers de légumes bio de la ferme Vandamme, œufs et pain au levain. "
        "Distribution le jeudi de 18 h à 19 h 30 à la salle des fêtes de Wavrin.",
    ),
    (
        "amap-vieux-lille",
        "AMAP du Vieux-Lille",
        GroupKind.FOOD_HUB,
        "federation-circuits-courts",
        "Lille",
        JoinPolicy.OPEN,
        Visibility.PUBLIC,
        "ines",
        "Légumes, fromages et jus de pomme de producteurs à moins de 50 km. "
        "Distribution le mardi soir rue de Gand.",
    ),
    (
        "paniers-de-la-somme",
        "Les Paniers de la Somme",
        GroupKind.FOOD_HUB,
        "federation-circuits-courts",
        "Amiens",
        JoinPolicy.OPEN,
        Visibility.PUBLIC,
        "fatima",
        "Groupement d'achat amiénois : commandes groupées au carton auprès des "
        "producteurs des hortillonnages et du Santerre.",
    ),
    (
        "federation-plateformes",
        "Fédération des coopératives de plateforme",
        GroupKind.FEDERATION,
        NETWORK,
        "Lille",
        JoinPolicy.REQUEST,
        Visibility.PUBLIC,
        "youssef",
        "Livreurs, chauffeurs et artisans à la demande qui possèdent leur outil : "
        "taux horaire minimum et commission votés par les travailleurs.",
    ),
    (
        "commission-tarifs",
        "Commission tarifs et conditions de travail",
        GroupKind.COMMISSION,
        "federation-plateformes",
        "Lille",
        JoinPolicy.REQUEST,
        Visibility.PUBLIC,
        "youssef",
        "Prépare les propositions de taux horaire minimum, de commission et de "
        "durée maximale de travail soumises à la fédération.",
    ),
    (
        "commission-numerique",
        "Commission numérique",
        GroupKind.COMMISSION,
        NETWORK,
        "Arras",
        JoinPolicy.OPEN,
        Visibility.PUBLIC,
        "sophie",
        "Compétences : sites web, outils libres, formation au numérique. "
        "Accompagne les membres du réseau dans leurs outils.",
    ),
    (
        "commission-juridique",
        "Commission juridique et statuts",
        GroupKind.COMMISSION,
        NETWORK,
        "Lille",
        JoinPolicy.REQUEST,
        Visibility.PUBLIC,
        "claire",
        "Statuts de SCOP et de SCIC, pactes d'associés, accompagnement à la création.",
    ),
    (
        "groupe-local-metropole-lilloise",
        "Groupe local Métropole lilloise",
        GroupKind.LOCAL,
        NETWORK,
        "Lille",
        JoinPolicy.OPEN,
        Visibility.PUBLIC,
        "nadia",
        "Rencontres mensuelles entre acteurs de la métropole, du Vieux-Lille à Roubaix.",
    ),
    (
        "groupe-local-amiens",
        "Groupe local Amiens",
        GroupKind.LOCAL,
        NETWORK,
        "Amiens",
        JoinPolicy.OPEN,
        Visibility.PUBLIC,
        "thomas",
        "Les acteurs coopératifs d'Amiens et de la Somme.",
    ),
    (
        "groupe-local-cote-opale",
        "Groupe local Côte d'Opale",
        GroupKind.LOCAL,
        NETWORK,
        "Boulogne-sur-Mer",
        JoinPolicy.REQUEST,
        Visibility.PUBLIC,
        "pierre",
        "De Calais à Berck : pêche artisanale, tourisme solidaire et circuits courts.",
    ),
    (
        "scic-energies-flandres",
        "SCIC Énergies citoyennes des Flandres",
        GroupKind.SCIC,
        NETWORK,
        "Dunkerque",
        JoinPolicy.REQUEST,
        Visibility.PUBLIC,
        "julien",
        "Société coopérative d'intérêt collectif : toitures solaires citoyennes. "
        "Quatre collèges : producteurs, usagers, collectivités, soutiens.",
    ),
    (
        "groupe-travail-agora",
        "Groupe de travail Agora mensuelle",
        GroupKind.WORKING_GROUP,
        NETWORK,
        "Lille",
        JoinPolicy.INVITE,
        Visibility.MEMBERS,
        "camille",
        "Prépare l'ordre du jour de l'Agora et anime la double liste de parole.",
    ),
]

# slug: (organisers, members, pending requests)
PEOPLE = {
    NETWORK: (
        ["sophie", "thomas"],
        [
            "karim",
            "lea",
            "ines",
            "julien",
            "mathieu",
            "nadia",
            "pierre",
            "claire",
            "youssef",
            "marie",
            "antoine",
            "chloe",
            "hugo",
            "emma",
            "lucas",
            "sarah",
            "bernard",
            "martine",
            "olivier",
            "aurelie",
            "fatima",
        ],
        [],
    ),
    "federation-circuits-courts": (
        ["karim"],
        ["ines", "fatima", "bernard", "martine"],
        ["olivier"],
    ),
    "amap-des-weppes": (
        ["martine"],
        ["lea", "claire", "nadia", "bernard", "chloe", "sarah"],
        ["mathieu", "aurelie"],
    ),
    "amap-vieux-lille": ([], ["camille", "sarah", "youssef"], []),
    "paniers-de-la-somme": (["thomas"], ["emma", "hugo"], []),
    "federation-plateformes": (["ines"], ["lucas", "antoine", "mathieu"], ["lea"]),
    "commission-tarifs": ([], ["ines", "lucas"], []),
    "commission-numerique": ([], ["claire", "hugo", "camille"], []),
    "commission-juridique": ([], ["julien", "camille"], ["emma"]),
    "groupe-local-metropole-lilloise": (["lea"], ["claire", "youssef", "camille", "sarah"], []),
    "groupe-local-amiens": ([], ["fatima", "emma"], []),
    "groupe-local-cote-opale": ([], ["lucas", "olivier"], ["antoine"]),
    "scic-energies-flandres": (["olivier"], ["bernard", "marie", "aurelie"], ["chloe"]),
    "groupe-travail-agora": (["sophie"], ["nadia", "thomas"], []),
}


def _add_member(ctx: DemoContext, group, key: str, creator) -> Membership:
    user = ctx.users[key]
    if group.join_policy == JoinPolicy.INVITE:
        invitation = services.invitation_create(
            group=group, email=user.email, role=Role.MEMBER, acting_user=creator
        )
        return services.invitation_accept(invitation=invitation, acting_user=user)
    membership = services.membership_join(group=group, acting_user=user)
    if group.join_policy == JoinPolicy.REQUEST:
        membership = services.membership_accept(membership=membership, acting_user=creator)
    return membership


def load_groups(ctx: DemoContext) -> None:
    for slug, name, kind, parent, city, policy, visibility, creator, description in GROUPS:
        ctx.groups[slug] = services.group_create(
            acting_user=ctx.users[creator],
            name=name,
            slug=slug,
            kind=kind,
            parent=ctx.groups[parent] if parent else None,
            description=description,
            visibility=visibility,
            join_policy=policy,
            city=city,
        )
    creators = {g[0]: ctx.users[g[7]] for g in GROUPS}
    for slug, (organisers, members, pending) in PEOPLE.items():
        group = ctx.groups[slug]
        creator = creators[slug]
        for key in organisers + members:
            membership = _add_member(ctx, group, key, creator)
            if key in organisers:
                services.membership_change_role(
                    membership=membership, role=Role.ORGANISER, acting_user=creator
                )
        for key in pending:
            services.membership_join(
                group=group,
                acting_user=ctx.users[key],
                message="Bonjour, je souhaiterais participer aux activités du groupe.",
            )
    ctx.logins += [
        ("Camille Lefebvre", ctx.users["camille"].email, "admin of the regional network"),
        ("Karim Benali", ctx.users["karim"].email, "admin of the AMAP des Weppes"),
        ("Martine Delcourt", ctx.users["martine"].email, "organiser of the AMAP des Weppes"),
        ("Léa Dubois", ctx.users["lea"].email, "member (AMAP des Weppes, local group)"),
        ("Sarah Walker", ctx.users["sarah"].email, "member who reads in English"),
    ]
    ctx.log(f"{len(GROUPS)} groups, {Membership.objects.count()} memberships")
