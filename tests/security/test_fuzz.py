"""Property-based tests (hypothesis) of every public query parameter and public form:
whatever arrives — NUL bytes, 10–100 kB values, lone surrogates, right-to-left marks,
combining characters, emoji, line separators, letters in numbers, repeated keys, empty
keys, percent-encoded garbage — the answer is never a server error.

``tests/security/test_hostile_queries.py`` pins 713 hand-picked cases; these generate new ones on
every run (a failing one is printed, with the blob that reproduces it). The number of
examples comes from the hypothesis profile in ``tests/conftest.py`` (``ci`` by default,
``HYPOTHESIS_PROFILE=thorough`` for many more); the inputs tried are counted and printed at
the end of the run.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import given
from hypothesis import strategies as st

from tests.records import PLOCK_2017, PROGRAMME_2017

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _per_address_limits_out_of_the_way(settings):
    """Hypothesis runs all the examples of a test in one cache (emptied per test, not per
    example), all from one address: the certificate pages and the login form are tried
    more often than CERTIFICATE_VERIFY_RATE and LOGIN_FAILURES_PER_ADDRESS allow, and every
    answer after that would be the same 429. The limits have their own tests
    (tests/security/test_rate_limits.py)."""
    settings.CERTIFICATE_VERIFY_RATE = "1000000/m"
    settings.LOGIN_FAILURES_PER_ADDRESS = "1000000/m"


# Values that have broken web apps before, and the real values of the filters (so that
# valid and invalid parameters are combined too).
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u2028",  # line separator
    "\u2029",
    "\ufeff",
    "e\u0301\u0301\u0301",  # combining accents
    "\U0001f4a9",
    "\U0001f1f5\U0001f1f1",
    "\ufdfa",
    "\ud800",  # a lone surrogate (sent as the bytes ED A0 80)
    "\udfff",
    "\U0010ffff",
    "\uffff",
    "２０１７",  # full-width digits
    "١٢",  # Arabic-Indic digits
    "2017",
    "-1",
    "0",
    "1e9",
    "9" * 40,
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    "%",
    "%00",
    "%zz",
    "'",
    '"',
    "<script>",
    "\\",
    "..",
    "/",
    "../../etc/passwd",
    "&",
    "=",
    ";",
    "#",
    "?",
    "+",
    "\t\n\r",
]
REAL = [
    "plocki",
    "losicki",
    PROGRAMME_2017,
    "selected",
    "implemented",
    "all",
    "adopted",
    "title",
    "-year",
    "county",
    "2",
    "1",
    "unknown",
    "csv",
    "xlsx",
]


def _huge(unit: str, count: int) -> str:
    """``unit`` repeated to ``count`` bytes at most (10–100 kB)."""
    return unit * (count // len(unit.encode("utf-8")))


nasty_text = st.one_of(
    st.sampled_from(NASTY + REAL),
    st.text(max_size=30),
    st.text(st.characters(categories=["Cs", "Cc", "Cf", "Mn", "Zl", "Zp", "So"]), max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(st.sampled_from(NASTY + REAL), min_size=2, max_size=5).map("".join),
)
huge_text = st.builds(
    _huge,
    st.sampled_from(["x", "9", "ł", "\x00", "%", " ", "\U0001f4a9"]),
    st.integers(min_value=10_000, max_value=100_000),
)
values = st.one_of(nasty_text, nasty_text, nasty_text, huge_text)


def encode(text: str) -> str:
    """Percent-encode text as UTF-8, lone surrogates included (as their 3 bytes)."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def query_strings(keys: list[str]):
    """Query strings over ``keys`` and stray keys: repeated keys, keys without a value,
    raw (unencoded) garbage, as a browser or a bot might send them."""
    key = st.one_of(st.sampled_from(keys), st.sampled_from(keys), nasty_text)
    pair = st.one_of(
        st.builds(lambda k, v: f"{encode(k)}={encode(v)}", key, values),
        st.builds(encode, key),  # a key without "="
        st.sampled_from(["=", "&", "%", "%zz=%", "a=%ff%fe", "=%00", "%ED%A0%80=1", "q=%C0%AF"]),
    )
    return st.lists(pair, max_size=6).map("&".join)


def path_segments():
    """A path segment for a slug or code: anything but a slash, percent-encoded."""
    return st.one_of(nasty_text, huge_text.map(lambda t: t[:5_000])).map(
        lambda text: encode(text.replace("/", "")) or "x"
    )


def url(name: str, lang: str, **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def form_body(fields: dict[str, str] | list[tuple[str, str]]) -> str:
    """An ``application/x-www-form-urlencoded`` body, lone surrogates and all."""
    pairs = fields.items() if isinstance(fields, dict) else fields
    return "&".join(f"{encode(key)}={encode(value)}" for key, value in pairs)


def fetch(client, tally, method: str, path: str, *, form=None, **extra):
    """Send the request (``form``: fields to post, encoded as a browser would); count it,
    and a 5xx or an exception the view let through."""
    if form is not None:
        extra.update(data=form_body(form), content_type="application/x-www-form-urlencoded")
    try:
        response = getattr(client, method)(path, **extra)
    except Exception:
        tally(500)
        raise
    tally(response.status_code)
    assert response.status_code < 500, (path, extra.get("QUERY_STRING", "")[:200])
    return response


CATALOGUE_KEYS = ["q", "scope", "county", "programme", "year", "status", "theme", "ordering"]
PUBLIC_QUERIES = [
    ("projects:list", {}, [*CATALOGUE_KEYS, "page"]),
    ("projects:detail", {"slug": "dojrzali-wspaniali"}, ["page"]),
    ("portal:home", {}, ["page", "lang"]),
    ("portal:county_list", {}, ["took_part", "page"]),
    ("portal:county_detail", {"slug": "plocki"}, ["page"]),
    ("portal:programme_list", {}, ["page"]),
    ("portal:programme_detail", {"slug": PROGRAMME_2017}, ["page"]),
    ("portal:source_list", {}, ["page"]),
    ("workshops:cycle_list", {}, ["year", "page"]),
    ("workshops:cycle_detail", {"slug": PLOCK_2017}, ["page"]),
    ("workshops:certificate_lookup", {}, ["code"]),
    ("opendata:index", {}, ["format", "dataset"]),
    ("opendata:download", {"dataset": "projekty", "format": "csv"}, ["page", "format"]),
    ("opendata:download", {"dataset": "powiaty", "format": "json"}, ["page", "format"]),
    ("opendata:datapackage", {}, ["format", "dataset"]),
    ("opendata:catalogue", {"format": "rdf"}, ["format"]),
    ("sitemap", {}, ["p", "page"]),
    ("sitemap_section", {"section": "projects"}, ["p", "page"]),
    ("sitemap_section", {"section": "pages"}, ["p"]),
]


@pytest.mark.parametrize(
    "name, kwargs, keys",
    PUBLIC_QUERIES,
    ids=[f"{name}-{i}" for i, (name, _kwargs, _keys) in enumerate(PUBLIC_QUERIES)],
)
@given(query=st.data(), lang=st.sampled_from(["pl", "en"]))
def test_public_query_strings_never_give_a_server_error(
    client, fuzz_tally, name, kwargs, keys, query, lang
):
    qs = query.draw(query_strings(keys), label="query string")
    response = fetch(client, fuzz_tally, "get", url(name, lang, **kwargs), QUERY_STRING=qs)
    assert response.status_code in (200, 301, 302, 400, 404)


@given(qs=query_strings(CATALOGUE_KEYS + ["page"]))
def test_catalogue_shows_results_or_says_which_filter_is_wrong(client, fuzz_tally, qs):
    cache.clear()  # the page as rendered, with its context
    response = fetch(client, fuzz_tally, "get", url("projects:list", "en"), QUERY_STRING=qs)
    if response.status_code != 200:
        assert response.status_code == 400  # too many fields
        return
    page = response.context["page_obj"]
    if response.context["form"].errors:
        assert page.paginator.count == 0
        assert "Some filters could not be used" in response.text
    else:
        assert 1 <= page.number <= max(page.paginator.num_pages, 1)
    assert "\x00" not in response.text


@pytest.mark.parametrize(
    "name, arg",
    [
        ("projects:detail", "slug"),
        ("portal:county_detail", "slug"),
        ("portal:programme_detail", "slug"),
        ("portal:event_detail", "slug"),
        ("portal:source_detail", "slug"),
        ("workshops:cycle_detail", "slug"),
        ("workshops:certificate_verify", "code"),
        ("opendata:download", "dataset"),
    ],
)
@given(segment=path_segments(), lang=st.sampled_from(["pl", "en"]))
def test_odd_paths_are_not_found_never_a_server_error(client, fuzz_tally, name, arg, segment, lang):
    kwargs = {"slug": "x"} if arg == "slug" else {"code": "x"}
    if name == "opendata:download":
        kwargs = {"dataset": "x", "format": "csv"}
    path = url(name, lang, **kwargs).replace("/x/", f"/{segment}/").replace("/x.", f"/{segment}.")
    response = fetch(client, fuzz_tally, "get", path)
    assert response.status_code in (200, 301, 302, 400, 404)


@given(code=st.one_of(nasty_text, huge_text), lang=st.sampled_from(["pl", "en"]))
def test_certificate_lookup_form_redirects_or_explains(client, fuzz_tally, code, lang):
    response = fetch(
        client,
        fuzz_tally,
        "get",
        url("workshops:certificate_lookup", lang),
        QUERY_STRING=f"code={encode(code)}",
    )
    cleaned = code.strip().replace("\x00", "")
    if not cleaned:
        assert response.status_code == 200
    elif response.status_code == 302:
        # Only a plausible code is looked up, and its page answers too.
        assert len(cleaned) <= 64
        fetch(client, fuzz_tally, "get", response["Location"])
    else:
        assert response.status_code == 400


@given(language=st.one_of(st.sampled_from(["pl", "en", "de"]), nasty_text), next_url=values)
def test_language_switch_form(client, fuzz_tally, language, next_url):
    response = fetch(
        client, fuzz_tally, "post", "/i18n/setlang/", form={"language": language, "next": next_url}
    )
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        # Never away from the site.
        assert url_has_allowed_host_and_scheme(response["Location"], allowed_hosts={"testserver"})


@given(username=st.one_of(nasty_text, huge_text), password=st.one_of(nasty_text, huge_text))
def test_admin_login_form(client, fuzz_tally, username, password):
    response = fetch(
        client,
        fuzz_tally,
        "post",
        url("admin:login", "pl"),
        form={"username": username, "password": password, "next": "/admin/"},
    )
    # The form again (200), or locked out after too many failures (429): never a login.
    assert response.status_code in (200, 403, 429)
    assert "_auth_user_id" not in client.session


# Regressions: server errors on PostgreSQL that these tests found.


def test_a_username_longer_than_the_lockout_table_holds_is_a_failed_login(client):
    from axes.models import AccessAttempt

    response = client.post(url("admin:login", "pl"), {"username": "x" * 300, "password": "p"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == "x" * 255


@pytest.mark.parametrize("code", ["%00", "ab%00cd", "%C5%81%00"])
def test_a_verification_code_with_a_nul_byte_is_not_found(client, code):
    assert client.get(f"/certyfikaty/{code}/").status_code == 404
    assert client.get(f"/en/certificates/{code}/").status_code == 404
