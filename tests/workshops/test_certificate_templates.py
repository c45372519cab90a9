"""Certificate templates: the issuer's logo and a signature image, for an edition or a
county (a county's overrides its edition's).

Uploaded images are checked and re-encoded; county staff manage only their counties'
templates, coordinators the editions'; the PDF prints the images a certificate was issued
with, even after the template changes.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, translation
from PIL import Image
from pypdf import PdfReader

from accounts.roles import COORDINATOR
from programmes.models import County, Programme
from tests.conftest import county_staff_user, staff_login
from tests.factories import make_user
from tests.records import LODZKIE
from workshops.certificate_images import certificate_image_clean
from workshops.certificates import certificates_for_pdf, certificates_issue, certificates_pdf
from workshops.models import Attendance, Attendee, Certificate, CertificateTemplate, WorkshopCycle

pytestmark = pytest.mark.django_db

ADD = reverse("admin:workshops_certificatetemplate_add")


def picture(fmt="PNG", size=(240, 80), colour=(200, 30, 30), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Jan Kowalski"  # Artist
    exif[0x010F] = "Aparat Sp. z o.o."  # Make
    return picture("JPEG", exif=exif.tobytes())


def upload(content: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def cycle():
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    cycle.certificate_min_sessions = 2
    cycle.save()
    return cycle


def register(cycle, name, sessions=(1, 2)):
    attendee = Attendee.objects.create(cycle=cycle, full_name=name)
    Attendance.objects.bulk_create(
        Attendance(attendee=attendee, session=s)
        for s in cycle.sessions.filter(ordinal__in=sessions)
    )
    return attendee


def template_for(*, county=None, programme=None, logo=None, signature=None):
    template = CertificateTemplate(county=county, programme=programme)
    if logo:
        template.logo.save("logo.png", ContentFile(logo), save=False)
    if signature:
        template.signature.save("podpis.png", ContentFile(signature), save=False)
    template.save()
    return template


def coordinator():
    user = make_user("koordynator", COORDINATOR)  # Mazowieckie's
    return user


# -- Images: checked, re-encoded ------------------------------------------------------------


def test_a_png_is_accepted_and_written_anew():
    original = picture() + b"appended bytes, perhaps a script"
    cleaned = certificate_image_clean(upload(original))
    content = cleaned.read()
    assert content.startswith(b"\x89PNG") and b"appended" not in content
    assert Image.open(io.BytesIO(content)).size == (240, 80)


def test_a_jpeg_loses_its_metadata():
    original = jpeg_with_exif()
    assert b"Jan Kowalski" in original
    content = certificate_image_clean(upload(original, "foto.jpg", "image/jpeg")).read()
    assert b"Jan Kowalski" not in content and b"Aparat" not in content
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG" and not image.getexif()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "logo.png",
            "SVG",
        ),
        (b"<svg onload='alert(1)'></svg>", "logo.jpg", "SVG"),
        (b"\xef\xbb\xbf  <html><body>hej</body></html>", "podpis.png", "HTML"),
        (picture("GIF"), "logo.gif", "Only PNG and JPEG"),
        (picture("BMP"), "logo.png", "Only PNG and JPEG"),
        (b"%PDF-1.4 not an image", "logo.png", "Only PNG and JPEG"),
        (b"\x00\x01\x02 random bytes", "logo.png", "Only PNG and JPEG"),
        (picture()[:60], "logo.png", "damaged"),
        (picture(size=(5000, 4000)), "logo.png", "too large"),
        (picture(size=(7000, 20)), "logo.png", "too large"),
        (picture(size=(10, 10)), "logo.png", "too small"),
    ],
    ids=[
        "svg-as-png",
        "svg-as-jpg",
        "html",
        "gif",
        "bmp",
        "pdf",
        "bytes",
        "truncated",
        "pixels",
        "side",
        "tiny",
    ],
)
def test_what_is_not_a_plain_png_or_jpeg_is_refused(content, name, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        certificate_image_clean(upload(content, name))
    assert message.lower() in " ".join(error.value.messages).lower()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    big = upload(b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1))
    with translation.override("en"), pytest.raises(ValidationError, match="too large"):
        certificate_image_clean(big)


# -- Who manages which template ---------------------------------------------------------------


def form(**values):
    return {"programme": "", "county": "", **values}


def test_county_staff_upload_their_countys_template(staff_client, media_root):
    plock = County.objects.get(code="1419")
    response = staff_client.post(
        ADD, form(county=plock.pk, logo=upload(jpeg_with_exif(), "logo.jpg", "image/jpeg"))
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    template = CertificateTemplate.objects.get(county=plock)
    assert template.logo.name.startswith("certificate-templates/")
    stored = (media_root / template.logo.name).read_bytes()
    assert b"Jan Kowalski" not in stored  # re-encoded before it was stored


def test_a_disguised_svg_is_refused_with_a_clear_message(staff_client):
    plock = County.objects.get(code="1419")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = staff_client.post(ADD, form(county=plock.pk, signature=upload(svg, "podpis.png")))
    assert response.status_code == 200
    assert "nie obraz" in response.content.decode()  # Polish: "tekst (SVG), nie obraz"
    assert not CertificateTemplate.objects.exists()
    assert not default_storage.exists("certificate-templates")


@pytest.mark.parametrize("target", ["other county", "edition"])
def test_county_staff_cannot_make_another_countys_or_an_editions_template(staff_client, target):
    values = (
        form(county=County.objects.get(code="1401").pk)
        if target == "other county"
        else form(programme=Programme.objects.get(slug="wlosg-2017").pk)
    )
    response = staff_client.post(ADD, {**values, "logo": upload(picture())})
    assert response.status_code == 200
    assert not CertificateTemplate.objects.exists()


def test_county_staff_see_only_their_countys_templates(staff_client):
    own = template_for(county=County.objects.get(code="1419"))
    other = template_for(county=County.objects.get(code="1401"))
    edition = template_for(programme=Programme.objects.get(slug="wlosg-2017"))
    changelist = staff_client.get(reverse("admin:workshops_certificatetemplate_changelist"))
    assert list(changelist.context["cl"].queryset) == [own]
    for template, status in ((own, 200), (other, 404), (edition, 404)):
        url = reverse("admin:workshops_certificatetemplate_change", args=[template.pk])
        assert staff_client.get(url).status_code == status


def test_coordinators_manage_the_editions_templates_not_the_counties(client):
    staff_login(client, coordinator())
    edition = Programme.objects.get(slug="wlosg-2017")
    response = client.post(ADD, form(programme=edition.pk, logo=upload(picture())))
    assert response.status_code == 302
    assert CertificateTemplate.objects.get(programme=edition).logo
    county_template = template_for(county=County.objects.get(code="1419"))
    url = reverse("admin:workshops_certificatetemplate_change", args=[county_template.pk])
    assert client.get(url).status_code == 200  # seen, read-only
    assert client.post(url, form(county=county_template.county_id)).status_code == 403
    response = client.post(ADD, form(county=County.objects.get(code="1401").pk))
    assert response.status_code == 200
    assert CertificateTemplate.objects.count() == 2


def test_another_voivodeship_s_coordinator_sees_the_editions_not_mazovian_counties(client):
    edition = template_for(programme=Programme.objects.get(slug="wlosg-2017"))
    plock = template_for(county=County.objects.get(code="1419"), logo=picture())
    image = reverse("admin:workshops_certificatetemplate_logo", args=[plock.pk])
    staff_login(client, coordinator())  # Mazowieckie's sees it
    assert client.get(image).status_code == 200
    staff_login(client, make_user("koordynator.lodz", COORDINATOR, voivodeships=[LODZKIE]))
    changelist = client.get(reverse("admin:workshops_certificatetemplate_changelist"))
    assert list(changelist.context["cl"].queryset) == [edition]
    url = reverse("admin:workshops_certificatetemplate_change", args=[plock.pk])
    assert client.get(url).status_code == 404
    assert client.get(image).status_code == 404


def test_a_template_is_for_an_edition_or_a_county_not_both(admin_client):
    response = admin_client.post(
        ADD,
        form(
            programme=Programme.objects.get(slug="wlosg-2017").pk,
            county=County.objects.get(code="1419").pk,
        ),
    )
    assert response.status_code == 200
    assert not CertificateTemplate.objects.exists()


def test_anonymous_and_unscoped_users_reach_no_template(client):
    assert client.get(ADD).status_code == 302  # to the login page
    client.force_login(User.objects.create_user("bez-roli", is_staff=True))
    assert client.get(ADD).status_code == 403


# -- The template a cycle uses, and the PDF ------------------------------------------------


def test_a_countys_template_overrides_its_editions(cycle):
    edition = template_for(programme=cycle.programme, logo=picture())
    assert CertificateTemplate.objects.for_cycle(cycle) == edition
    county = template_for(county=cycle.county, logo=picture())
    assert CertificateTemplate.objects.for_cycle(cycle) == county
    other = WorkshopCycle.objects.exclude(county=cycle.county).filter(programme=cycle.programme)
    assert CertificateTemplate.objects.for_cycle(other.first()) == edition


def pdf_images(certificates) -> list[tuple[int, int]]:
    pdf = certificates_pdf(certificates, verify_url_for=lambda c: "https://x/")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return sorted(Image.open(io.BytesIO(image.data)).size for image in page.images)


def test_the_pdf_prints_the_logo_the_signature_and_the_sessions(cycle):
    template_for(
        county=cycle.county, logo=picture(size=(300, 100)), signature=picture(size=(400, 120))
    )
    register(cycle, "Anna Nowak", sessions=(1, 3, 4))
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    assert [s["ordinal"] for s in certificate.sessions_attended] == [1, 3, 4]
    assert pdf_images([certificate]) == [(300, 100), (400, 120)]
    pdf = certificates_pdf([certificate], verify_url_for=lambda c: "https://x/")
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    first = formats.date_format(cycle.sessions.get(ordinal=1).date_start, "SHORT_DATE_FORMAT")
    # Sessions III and IV of this cycle have no date on record: their numbers alone.
    assert f"Zajęcia, w których uczestniczył(a): I ({first}), III, IV" in text


def test_an_issued_certificate_keeps_the_images_it_was_issued_with(cycle):
    """The template changes; the certificate issued before prints as it did, the one
    issued after prints the new images."""
    template = template_for(county=cycle.county, logo=picture(size=(300, 100)))
    register(cycle, "Anna Nowak")
    [before] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    old_pdf = pdf_images([before])

    template.logo.save("nowe.png", ContentFile(picture(size=(500, 100))))
    template.signature.save("podpis.png", ContentFile(picture(size=(400, 120))))
    register(cycle, "Bartosz Kowal")
    [after] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")

    before = Certificate.objects.get(pk=before.pk)
    assert pdf_images([before]) == old_pdf == [(300, 100)]
    assert pdf_images([after]) == [(400, 120), (500, 100)]


def test_a_certificate_issued_without_a_template_stays_without_images(cycle):
    register(cycle, "Anna Nowak")
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    template_for(county=cycle.county, logo=picture(), signature=picture())
    assert pdf_images(certificates_for_pdf(cycle=cycle)) == []
    assert (certificate.logo, certificate.signature) == ("", "")


def test_a_missing_image_file_leaves_the_image_out_without_an_error(cycle):
    template = template_for(county=cycle.county, logo=picture())
    register(cycle, "Anna Nowak")
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    default_storage.delete(template.logo.name)
    assert pdf_images([certificate]) == []


def test_county_staff_of_another_county_cannot_use_a_template(client):
    client.force_login(county_staff_user("ewa.ciechanow", "1402"))
    template = template_for(county=County.objects.get(code="1419"), logo=picture())
    url = reverse("admin:workshops_certificatetemplate_change", args=[template.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form(county=1)).status_code == 404
    delete = reverse("admin:workshops_certificatetemplate_delete", args=[template.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 404
    assert CertificateTemplate.objects.filter(pk=template.pk).exists()


def test_the_stored_image_is_shown_to_its_countys_staff_only(staff_client, client):
    template = template_for(county=County.objects.get(code="1419"), logo=picture())
    image_url = reverse("admin:workshops_certificatetemplate_logo", args=[template.pk])
    change = reverse("admin:workshops_certificatetemplate_change", args=[template.pk])
    page = staff_client.get(change).content.decode()
    assert f'<img src="{image_url}"' in page and "/media/" not in page
    response = staff_client.get(image_url)
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    missing = reverse("admin:workshops_certificatetemplate_signature", args=[template.pk])
    assert staff_client.get(missing).status_code == 404  # no signature uploaded

    client.force_login(county_staff_user("ewa.losice", "1410"))
    assert client.get(image_url).status_code == 404
    client.logout()
    assert client.get(image_url).status_code == 302  # to the login page
