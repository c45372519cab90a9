"""Two clerks of one county work on the same cycle at once, through the staff screens.

Their steps interleave: each opens the register, the other imports a list or saves the
register or issues certificates, and then the first saves the page they opened earlier.
Whatever the order, nothing either of them saved is lost: the final marks are the union of
what each saved, and every certificate issued stays issued.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tests.htmlforms import BrowserForm
from workshops.models import Attendance, Attendee, Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate_min_sessions():
    """The ``cycle`` fixture's (Płock 2017) sessions needed for a certificate."""
    return 2


def screen(cycle, name: str) -> str:
    return reverse(f"admin:workshops_workshopcycle_{name}", args=[cycle.pk])


def open_register(client, cycle) -> BrowserForm:
    response = client.get(screen(cycle, "attendance"))
    assert response.status_code == 200
    return BrowserForm(response.content.decode(), form_id="register-form")


def import_list(client, cycle, text: str) -> None:
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "lista.csv"
    preview = client.post(screen(cycle, "import"), {"file": upload})
    assert preview.context["preview"].is_valid, preview.context["preview"].errors
    confirmed = client.post(screen(cycle, "import_confirm"), {"token": preview.context["token"]})
    assert confirmed.status_code == 302


def tick(form: BrowserForm, attendee: Attendee, *ordinals: int, checked: bool = True) -> None:
    for session in attendee.cycle.sessions.filter(ordinal__in=ordinals):
        form.tick(f"a{attendee.pk}", str(session.pk), checked)


def marks(cycle) -> set[tuple[str, int]]:
    return set(
        Attendance.objects.filter(session__cycle=cycle).values_list(
            "attendee__full_name", "session__ordinal"
        )
    )


def test_interleaved_register_saves_imports_and_certificates(
    staff_client, second_staff_client, cycle
):
    anna, bartek = staff_client, second_staff_client
    import_list(anna, cycle, "Imię i nazwisko;Sesje\nCelina Nowak;1\nDawid Lis;1, 2\n")
    celina = Attendee.objects.get(full_name="Celina Nowak")
    dawid = Attendee.objects.get(full_name="Dawid Lis")

    # Both open the register.
    page_a, page_b = open_register(anna, cycle), open_register(bartek, cycle)
    # Bartek imports two more people (five marks) while Anna's page is open.
    import_list(bartek, cycle, "Imię i nazwisko;Sesje\nEwa Zając;1, 2, 3\nFilip Kos;4, 5\n")
    # Anna ticks Celina at session II and saves her (stale) page.
    tick(page_a, celina, 2)
    assert anna.post(screen(cycle, "attendance"), page_a.data()).status_code == 302
    # Bartek, on his page opened before Anna's save, ticks Dawid at III and clears Celina I.
    tick(page_b, dawid, 3)
    tick(page_b, celina, 1, checked=False)
    assert bartek.post(screen(cycle, "attendance"), page_b.data()).status_code == 302
    # Anna issues certificates (two sessions needed) while Bartek reopens and saves.
    page_b = open_register(bartek, cycle)
    assert (
        anna.post(screen(cycle, "certificates"), {"issued_by": "Dyrektor PUP"}).status_code == 302
    )
    tick(page_b, celina, 3)
    assert bartek.post(screen(cycle, "attendance"), page_b.data()).status_code == 302
    # Anna's page from before everything, saved again unchanged, changes nothing.
    assert anna.post(screen(cycle, "attendance"), page_a.data()).status_code == 302

    assert marks(cycle) == {
        ("Celina Nowak", 2),  # Anna
        ("Celina Nowak", 3),  # Bartek, after the certificates
        ("Dawid Lis", 1),
        ("Dawid Lis", 2),
        ("Dawid Lis", 3),  # Bartek
        ("Ewa Zając", 1),
        ("Ewa Zając", 2),
        ("Ewa Zając", 3),  # Bartek's import
        ("Filip Kos", 4),
        ("Filip Kos", 5),
    }
    holders = set(Certificate.objects.valid().values_list("attendee__full_name", flat=True))
    assert holders == {"Dawid Lis", "Ewa Zając", "Filip Kos"}
