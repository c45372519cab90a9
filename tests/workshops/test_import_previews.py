"""The attendee import's three screens (template, upload and preview, confirmation) and the
preview kept on the server between upload and confirmation (``workshops.import_previews``):
the session holds nothing of the list; a preview is confirmed only by the user who
uploaded it, for its cycle, before it expires, and once; expired previews are purged.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import COORDINATOR
from partnership import caching
from tests.conftest import county_staff_user, staff_login
from tests.factories import make_user
from tests.records import LOSICE, PLOCK_2017
from workshops.import_previews import (
    IMPORT_PREVIEW_RETENTION,
    import_preview_confirm,
    import_previews_purge,
)
from workshops.models import Attendance, Attendee, ImportPreviewUpload, WorkshopCycle

pytestmark = pytest.mark.django_db

# The screens are the Polish admin (/admin/...), so their messages are in Polish.
EXPIRED = "Podgląd wygasł. Prześlij plik ponownie."  # "The preview has expired. …"


@pytest.fixture
def other_cycle(cycle):
    """Another cycle of the same county, which the same clerk may import into."""
    other = WorkshopCycle.objects.create(
        slug="2025-plocki-drugi",
        title="Drugi cykl",
        programme=cycle.programme,
        county=cycle.county,
        sessions_planned=2,
    )
    for ordinal in (1, 2):
        other.sessions.create(ordinal=ordinal, kind="workshop")
    return other


def url(cycle, suffix: str = "") -> str:
    return reverse(f"admin:workshops_workshopcycle_import{suffix}", args=[cycle.pk])


def attendee_list(people: int, *, prefix: str = "Osoba") -> io.BytesIO:
    lines = ["Imię i nazwisko;E-mail;Sesje"]
    lines += [f"{prefix} Nr{n:05d};osoba{n}@example.org;1, 2" for n in range(people)]
    upload = io.BytesIO("\n".join(lines).encode("utf-8"))
    upload.name = "lista.csv"
    return upload


def upload(client, cycle, people: int = 3, **kwargs) -> str | None:
    """Upload a list; the token of its preview (None when it cannot be confirmed)."""
    response = client.post(url(cycle), {"file": attendee_list(people, **kwargs)})
    assert response.status_code == 200
    return response.context["token"]


def confirm(client, cycle, token: str, **data):
    return client.post(url(cycle, "_confirm"), {"token": token, **data})


def messages_of(client, response) -> list[str]:
    return [str(message) for message in client.get(response["Location"]).context["messages"]]


def imported(cycle) -> int:
    return Attendee.objects.filter(cycle=cycle, full_name__startswith="Osoba Nr").count()


# -- The preview is kept on the server, not in the session ----------------------------------


def test_the_session_keeps_nothing_of_the_list(staff_client, cycle):
    """The whole list used to be kept in the session (about 2 MB for 10,000 people)."""
    before = timezone.now()
    token = upload(staff_client, cycle, 2000)
    session = json.dumps(dict(staff_client.session.items()))
    assert len(session) < 1000
    assert "Osoba Nr" not in session and "osoba1@example.org" not in session
    assert token not in session
    stored = ImportPreviewUpload.objects.get(token=token)
    assert (stored.cycle, stored.user.username, stored.filename) == (
        cycle,
        "anna.plock",
        "lista.csv",
    )
    assert len(stored.rows) == 2000
    assert stored.rows[0] == {
        "row": 2,
        "full_name": "Osoba Nr00000",
        "organisation_name": "",
        "sector": "",
        "email": "osoba0@example.org",
        "phone": "",
        "email_consent": False,
        "sessions": [1, 2],
        "attendee_id": None,
    }
    assert before + IMPORT_PREVIEW_RETENTION <= stored.expires_at
    assert stored.expires_at <= timezone.now() + IMPORT_PREVIEW_RETENTION
    assert len(token) >= 43  # 256 bits


def test_confirming_imports_the_list_and_uses_the_preview_up(staff_client, cycle):
    token = upload(staff_client, cycle)
    response = confirm(staff_client, cycle, token, consent_note="Zgody na listach")
    assert response["Location"] == reverse(
        "admin:workshops_workshopcycle_attendance", args=[cycle.pk]
    )
    assert messages_of(staff_client, response) == [
        "Zaimportowano z pliku lista.csv – nowi uczestnicy: 3, już zarejestrowani: 0, "
        "odnotowane obecności: 6."
    ]
    assert imported(cycle) == 3
    assert Attendance.objects.filter(attendee__full_name__startswith="Osoba Nr").count() == 6
    assert not ImportPreviewUpload.objects.exists()
    # The same confirmation again (a second click, the back button) imports nothing more.
    again = confirm(staff_client, cycle, token)
    assert again["Location"] == url(cycle)
    assert EXPIRED in messages_of(staff_client, again)
    assert imported(cycle) == 3


def test_an_expired_preview_is_refused(staff_client, cycle):
    token = upload(staff_client, cycle)
    ImportPreviewUpload.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = confirm(staff_client, cycle, token)
    assert response["Location"] == url(cycle)
    assert EXPIRED in messages_of(staff_client, response)
    assert imported(cycle) == 0


def test_another_users_preview_is_refused(staff_client, second_staff_client, cycle):
    token = upload(staff_client, cycle)
    response = confirm(second_staff_client, cycle, token)
    assert EXPIRED in messages_of(second_staff_client, response)
    assert imported(cycle) == 0
    # The clerk who uploaded it still can.
    confirm(staff_client, cycle, token)
    assert imported(cycle) == 3


def test_a_preview_is_refused_for_another_cycle(staff_client, cycle, other_cycle):
    token = upload(staff_client, cycle)
    response = confirm(staff_client, other_cycle, token)
    assert response["Location"] == url(other_cycle)
    assert EXPIRED in messages_of(staff_client, response)
    assert imported(cycle) == imported(other_cycle) == 0
    assert ImportPreviewUpload.objects.filter(token=token).exists()


@pytest.mark.parametrize("token", ["", "x", "\x00", "a" * 65, "' OR 1=1 --", "zażółć"])
def test_a_token_of_any_other_shape_is_refused(staff_client, cycle, token):
    upload(staff_client, cycle)
    response = confirm(staff_client, cycle, token)
    assert EXPIRED in messages_of(staff_client, response)
    assert imported(cycle) == 0


def test_a_new_upload_replaces_the_earlier_preview(staff_client, cycle, other_cycle):
    first = upload(staff_client, cycle, prefix="Osoba")
    elsewhere = upload(staff_client, other_cycle)
    second = upload(staff_client, cycle, 2, prefix="Osoba")
    assert EXPIRED in messages_of(staff_client, confirm(staff_client, cycle, first))
    confirm(staff_client, cycle, second)
    assert imported(cycle) == 2
    # A preview for another cycle is not replaced.
    confirm(staff_client, other_cycle, elsewhere)
    assert imported(other_cycle) == 3


def test_a_list_with_errors_keeps_nothing_and_cannot_be_confirmed(staff_client, cycle):
    earlier = upload(staff_client, cycle)
    bad = io.BytesIO("Imię i nazwisko;Sesje\nAnna Nowak;99\n".encode())
    bad.name = "lista.csv"
    response = staff_client.post(url(cycle), {"file": bad})
    assert not response.context["preview"].is_valid
    assert response.context["token"] is None
    assert not ImportPreviewUpload.objects.exists()  # the earlier preview went too
    assert EXPIRED in messages_of(staff_client, confirm(staff_client, cycle, earlier))


def test_a_refused_import_keeps_the_preview(staff_client, cycle):
    token = upload(staff_client, cycle)
    response = confirm(staff_client, cycle, token, consent_note="zgoda\x00")
    assert response["Location"] == url(cycle)
    assert messages_of(staff_client, response) == [
        "Notatka o zgodzie zawiera znaki sterujące (np. NUL); wpisz ją ponownie."
    ]
    assert imported(cycle) == 0
    confirm(staff_client, cycle, token)
    assert imported(cycle) == 3


def test_confirming_invalidates_the_public_pages_after_the_commit(
    staff_client, cycle, django_capture_on_commit_callbacks
):
    token = upload(staff_client, cycle)
    with django_capture_on_commit_callbacks() as callbacks:
        confirm(staff_client, cycle, token)
    assert [getattr(c, "func", None) for c in callbacks] == [caching.bump_scopes]


# -- Retention ------------------------------------------------------------------------------


def stored(cycle, user, *, expires_in: datetime.timedelta) -> ImportPreviewUpload:
    return ImportPreviewUpload.objects.create(
        cycle=cycle,
        user=user,
        filename="lista.csv",
        rows=[{"row": 2, "full_name": "Osoba Nr00001", "sessions": [1]}],
        expires_at=timezone.now() + expires_in,
    )


def test_the_command_purges_the_expired_previews(cycle, django_user_model):
    user = django_user_model.objects.create_user("clerk")
    old = stored(cycle, user, expires_in=-datetime.timedelta(minutes=1))
    fresh = stored(cycle, user, expires_in=datetime.timedelta(minutes=1))
    out = io.StringIO()
    call_command("purge_import_previews", stdout=out)
    assert out.getvalue() == "Deleted 1 import preview(s) older than 2 hours.\n"
    assert list(ImportPreviewUpload.objects.all()) == [fresh]
    assert not ImportPreviewUpload.objects.filter(pk=old.pk).exists()
    assert import_previews_purge(now=fresh.expires_at) == 1
    assert not ImportPreviewUpload.objects.exists()


def test_an_upload_deletes_the_expired_previews_of_anyone(
    staff_client, cycle, other_cycle, django_user_model
):
    other = django_user_model.objects.create_user("dawny")
    expired = stored(other_cycle, other, expires_in=-datetime.timedelta(seconds=1))
    waiting = stored(other_cycle, other, expires_in=datetime.timedelta(minutes=5))
    upload(staff_client, cycle)
    assert not ImportPreviewUpload.objects.filter(pk=expired.pk).exists()
    assert ImportPreviewUpload.objects.filter(pk=waiting.pk).exists()


def test_the_service_refuses_what_the_view_refuses(cycle, other_cycle, django_user_model):
    user = django_user_model.objects.create_user("clerk")
    other = django_user_model.objects.create_user("other")
    preview = stored(cycle, user, expires_in=datetime.timedelta(minutes=1))
    for kwargs in (
        {"cycle": cycle, "user": other, "token": preview.token},
        {"cycle": other_cycle, "user": user, "token": preview.token},
        {"cycle": cycle, "user": user, "token": preview.token + "x"},
    ):
        with pytest.raises(ValidationError) as refused:
            import_preview_confirm(**kwargs)
        assert refused.value.code == "expired"
    filename, result = import_preview_confirm(cycle=cycle, user=user, token=preview.token)
    assert (filename, result.created, result.attendance_added) == ("lista.csv", 1, 1)
    with pytest.raises(ValidationError):
        import_preview_confirm(cycle=cycle, user=user, token=preview.token)


# -- Personal data: no history, no admin, no public page ------------------------------------


def test_the_preview_table_has_no_history_and_no_admin():
    assert not hasattr(ImportPreviewUpload, "history")
    assert "HistoricalImportPreviewUpload" not in {m.__name__ for m in apps.get_models()}
    assert ImportPreviewUpload not in admin.site._registry


# -- The template and the confirmation screens ----------------------------------------------


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_template_screen_downloads_the_template(staff_client, cycle, file_format, content_type):
    response = staff_client.get(url(cycle, "_template"), {"format": file_format})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f"lista-uczestnikow-wzor.{file_format}" in response["Content-Disposition"]


def test_the_import_screen_links_to_the_template_screen(staff_client, cycle):
    page = staff_client.get(url(cycle)).content.decode()
    assert f'href="{url(cycle, "_template")}?format=xlsx"' in page
    assert f'href="{url(cycle, "_template")}?format=csv"' in page


@pytest.mark.parametrize("query", [{}, {"format": "pdf"}])
def test_the_template_screen_without_a_known_format_leads_back(staff_client, cycle, query):
    response = staff_client.get(url(cycle, "_template"), query)
    assert response["Location"] == url(cycle)


def test_the_confirmation_screen_answers_only_posts(staff_client, cycle):
    token = upload(staff_client, cycle)
    response = staff_client.get(url(cycle, "_confirm"), {"token": token})
    assert response["Location"] == url(cycle)
    assert imported(cycle) == 0


@pytest.mark.parametrize("suffix", ["", "_template", "_confirm"])
def test_each_import_screen_needs_the_import_permissions(client, cycle, suffix, django_user_model):
    """A coordinator sees the cycle but may not add attendees: 403 on every screen."""
    user = make_user("koordynator", COORDINATOR)  # Mazowieckie's
    staff_login(client, user)
    assert client.post(url(cycle, suffix), {"format": "csv"}).status_code == 403
    assert client.get(url(cycle, suffix), {"format": "csv"}).status_code == 403


@pytest.mark.parametrize("suffix", ["", "_template", "_confirm"])
def test_each_import_screen_is_a_404_for_another_county(client, suffix):
    client.force_login(county_staff_user("ewa.losice", LOSICE))
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    assert client.get(url(cycle, suffix), {"format": "csv"}).status_code == 404
