"""The three staff roles and the model permissions each one carries.

Roles are Django groups, so an administrator assigns them in the admin; a role's
permissions are applied by the ``accounts`` data migrations (``0002_roles``,
``0003_axes_roles``). Which *rows* a user may touch is decided in ``scoping.py``.
"""

from __future__ import annotations

COUNTY_STAFF = "county_staff"
COORDINATOR = "coordinator"
ADMINISTRATOR = "administrator"

# Group names as shown in the admin (data, so stored in Polish, the portal's language).
GROUP_NAMES = {
    COUNTY_STAFF: "Pracownicy powiatowych urzędów pracy",
    COORDINATOR: "Koordynatorzy wojewódzcy",
    ADMINISTRATOR: "Administratorzy",
}

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)
# Certificates: also e-mailing them to their holders (``workshops.email_certificate``).
CERTIFICATE = (*ALL, "email")

# app_label -> model -> actions
COUNTY_RECORDS = {
    "workshops": {
        "workshopcycle": ALL,
        "session": ALL,
        "cyclerole": ALL,
        "attendee": ALL,
        "attendance": ALL,
        "certificate": CERTIFICATE,
        # Which templates each role may change is narrowed further by
        # ``CertificateTemplate.objects.editable_by``: county staff their counties',
        # coordinators the editions'.
        "certificatetemplate": ALL,
    },
    "projects": {"projectidea": ALL, "statuschange": ALL, "theme": VIEW},
}

ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    COUNTY_STAFF: {
        **COUNTY_RECORDS,
        "programmes": {
            "partnershipagreement": ALL,
            "agreementparty": ALL,
            "agreementsignatory": ALL,
            "organisation": ("add", "view"),
            "person": ("add", "view"),
            "county": VIEW,
            "municipality": VIEW,
            "voivodeship": VIEW,
            "programme": VIEW,
            "schemesession": VIEW,
            "programmeevent": VIEW,
            "eventspeaker": VIEW,
            "source": VIEW,
        },
    },
    COORDINATOR: {
        "workshops": {
            **{model: VIEW for model in COUNTY_RECORDS["workshops"]},
            "certificatetemplate": ALL,
        },
        "projects": {"projectidea": VIEW, "statuschange": VIEW, "theme": ALL},
        "programmes": {
            "partnershipagreement": ALL,
            "agreementparty": ALL,
            "agreementsignatory": ALL,
            "organisation": ALL,
            "person": ALL,
            "programme": ALL,
            "schemesession": ALL,
            "programmeevent": ALL,
            "eventspeaker": ALL,
            "source": ALL,
            "county": VIEW,
            "municipality": VIEW,
            "voivodeship": VIEW,
        },
    },
    ADMINISTRATOR: {
        "workshops": {
            **dict.fromkeys(COUNTY_RECORDS["workshops"], ALL),
            "certificate": CERTIFICATE,
        },
        "projects": {"projectidea": ALL, "statuschange": ALL, "theme": ALL},
        "programmes": dict.fromkeys(
            [
                "partnershipagreement",
                "agreementparty",
                "agreementsignatory",
                "organisation",
                "person",
                "programme",
                "schemesession",
                "programmeevent",
                "eventspeaker",
                "source",
                "county",
                "municipality",
                "voivodeship",
            ],
            ALL,
        ),
        "accounts": {"staffprofile": ALL},
        "auth": {"user": ALL, "group": VIEW},
        # Login throttling (django-axes): deleting a locked-out attempt lifts the lock.
        "axes": {
            "accessattempt": ("view", "delete"),
            "accessfailurelog": VIEW,
            "accesslog": VIEW,
        },
    },
}


def apply_roles(apps, *, in_migration: bool = False) -> None:
    """Create the role groups and give each exactly its permissions."""
    if in_migration:
        # Permissions are normally created after all migrations ran; create them now.
        from django.contrib.auth.management import create_permissions

        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    installed = {app_config.label for app_config in apps.get_app_configs()}
    for role, per_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        wanted = []
        for app_label, models in per_app.items():
            if in_migration and app_label not in installed:
                # An app whose migrations run later (axes before 0003_axes_roles); the
                # later migration applies the roles again with its permissions.
                continue
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                found = list(
                    Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )
                if len(found) != len(codenames) and not in_migration:
                    raise LookupError(f"Missing permissions for {app_label}.{model}: {codenames}")
                # In a migration, a permission that a later migration of its app adds
                # (``workshops.email_certificate``) is missing from the models as they
                # were then; the migration that follows that one applies the roles again
                # (``0004_email_roles``), and a test checks the groups end up complete.
                wanted.extend(found)
        group.permissions.set(wanted)
