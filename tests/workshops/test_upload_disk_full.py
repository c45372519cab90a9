"""A full upload disk: the attendee import says so, imports nothing, and leaves no file.

Uploads above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` are spooled to ``FILE_UPLOAD_TEMP_DIR``. The
tests lower that threshold to 1 KB so that a small list is spooled, point the directory to
a temporary one, and make the disk "full" by letting the temporary file's writes (or its
creation) fail with ENOSPC. ``benchmarks/faults.py disk-full`` does the same on a real
1 MB tmpfs under gunicorn.
"""

from __future__ import annotations

import csv
import errno
import io
import tempfile

import pytest
from django.core.files import temp as django_temp
from django.urls import reverse

from tests.records import PLOCK_2017
from workshops.models import Attendee, WorkshopCycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DISK_FULL = "The server could not store the uploaded file (its disk is full)."


@pytest.fixture
def spool_dir(settings, tmp_path):
    """Every upload above 1 KB goes to ``tmp_path``."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def import_url():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    return reverse("admin:workshops_workshopcycle_import", args=[cycle.pk])


def attendee_list(rows: int) -> io.BytesIO:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"])
    for n in range(rows):
        writer.writerow([f"Uczestniczka Łęcka {n:04d}", "Gmina Słupno", "", "", "", "1, 2"])
    upload = io.BytesIO(buffer.getvalue().encode("utf-8"))
    upload.name = "lista.csv"
    return upload


def disk_full_after(monkeypatch, written_bytes: int) -> list:
    """Temporary upload files accept ``written_bytes``, then fail with ENOSPC."""
    real = tempfile.NamedTemporaryFile
    opened = []

    def named_temporary_file(*args, **kwargs):
        handle = real(*args, **kwargs)
        opened.append(handle.name)
        budget = [written_bytes]
        real_write = handle.write

        def write(data):
            if len(data) > budget[0]:
                real_write(data[: budget[0]])
                budget[0] = 0
                raise OSError(errno.ENOSPC, "No space left on device")
            budget[0] -= len(data)
            return real_write(data)

        handle.write = write
        return handle

    monkeypatch.setattr(django_temp, "NamedTemporaryFile", named_temporary_file)
    return opened


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_spooled_upload_is_previewed_and_its_temporary_file_removed(
    staff_client, import_url, spool_dir
):
    response = staff_client.post(import_url, {"file": attendee_list(300)})
    assert response.status_code == 200
    assert response.context["preview"].new_count == 300
    assert list(spool_dir.iterdir()) == []


@pytest.mark.parametrize("written_bytes", [0, 5000])
def test_a_full_disk_gives_a_clear_message_and_leaves_no_file(
    staff_client, import_url, spool_dir, monkeypatch, written_bytes
):
    opened = disk_full_after(monkeypatch, written_bytes)
    response = staff_client.post(import_url, {"file": attendee_list(300)})
    assert response.status_code == 200
    assert opened, "the upload was not spooled to disk: the test proves nothing"
    assert any(DISK_FULL in message for message in messages_of(response))
    assert response.context["preview"] is None
    assert list(spool_dir.iterdir()) == []
    assert not Attendee.objects.filter(cycle__slug=PLOCK_2017).exists()


def test_a_temporary_file_that_cannot_be_created_gives_the_same_message(
    staff_client, import_url, spool_dir, monkeypatch
):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(django_temp, "NamedTemporaryFile", no_space)
    response = staff_client.post(import_url, {"file": attendee_list(300)})
    assert response.status_code == 200
    assert any(DISK_FULL in message for message in messages_of(response))
    assert list(spool_dir.iterdir()) == []


def test_without_a_file_the_message_is_still_choose_a_file(staff_client, import_url, spool_dir):
    response = staff_client.post(import_url, {"note": "x" * 2000})
    assert response.status_code == 200
    assert messages_of(response) == ["Choose a file to import."]


def test_a_full_disk_after_the_file_keeps_the_rest_of_the_form(
    staff_client, import_url, spool_dir, monkeypatch
):
    """The CSRF token and other fields posted after the file are still read (no 403)."""
    disk_full_after(monkeypatch, 0)
    staff_client.handler.enforce_csrf_checks = True
    page = staff_client.get(import_url)
    token = page.cookies["csrftoken"].value
    response = staff_client.post(
        import_url, {"file": attendee_list(300), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    assert any(DISK_FULL in message for message in messages_of(response))
