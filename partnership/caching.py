"""Whole-page caching of anonymous public pages, invalidated by scope: a write evicts the
pages whose content it can change, not every page.

**Versions.** The cache holds a version (a random token) per *scope*; a cached page is
stored with the versions of the scopes it depends on, read before the page is built, and
served only while they are the current ones (a staff report, ``reports.services``, is
stored under a key that includes them). A write replaces the versions of the scopes it
changed once its transaction has committed (``public_data_changed()``); the pages stored
with the old versions are then never served again. The versions live in the cache
itself, so app servers sharing a cache (Redis in production) see a change made through
any of them at once. A version missing from the cache (never set, or evicted) is replaced
by a new random one, never by a default, so an eviction cannot bring an old page back.

The scopes:

- ``everything`` (``VERSION_KEY``): part of every key; replaced by writes to reference
  data and by structural changes (below), which may show anywhere;
- ``county:<slug>``, ``cycle:<slug>``, ``idea:<slug>``, ``programme:<slug>``: one record's
  page and what it lists; ``county-id:<pk>``: the county's records, for the reports
  (which know counties by id; a cached report then costs no query);
- ``any``: replaced by every write; the report for every county depends on it;
- ``aggregate`` and ``ideas``: the pages that count or list across every county; those
  showing project ideas only (the catalogue, the API's ideas) depend on ``ideas``, which
  only writes to ideas (or to what their cards show) change, the others on ``aggregate``.
  Writes mark them changed; a version is replaced lazily, by the first request that finds
  it marked and older than ``PUBLIC_AGGREGATE_MAX_AGE`` seconds (default 60). So these
  pages show a write within that many seconds (at once when the version was older), and
  while staff write all day they are rebuilt at most once a period, not after every
  write: each depends on every county, so with a write every half second a version
  replaced on each write would hardly ever be read twice. (Browsers and proxies may keep
  any page 5 minutes anyway: ``Cache-Control: max-age=300``.)

**The dependency map** (page kind -> the scopes in its key, besides ``everything``):

===========================================  ==============================================
page (view)                                  scopes
===========================================  ==============================================
county page (``portal:county_detail``)       ``county:<slug>``
cycle page (``workshops:cycle_detail``)      ``cycle:<slug>``
project idea page (``projects:detail``)      ``idea:<slug>``
edition page (``portal:programme_detail``)   ``programme:<slug>``
catalogue (every filter), the API's ideas   ``ideas``
(``projects:list``, ``api:project-*``)
home, county list, edition list, cycle       ``aggregate``
list, events, sources, sitemaps, open-data
files and index, the other API lists,
records and docs
staff report, some counties                  ``county-id:<pk>`` of each county it covers
staff report, every county                   ``any``
===========================================  ==============================================

And what each write replaces (``public_data_changed``'s arguments), with why:

- ``cycle=``: the cycle's record (title, dates, status, sessions, roles): ``cycle:``, its
  ``county:``/``county-id:`` and ``programme:`` (their pages list the cycle with its
  sessions), ``aggregate`` and ``any`` (not ``ideas``). The admin's saves of a cycle (with
  its ideas, whose pages name it), its sessions (with the ideas from them) and roles.
- ``register=``: the cycle's register of people (attendees, attendance, certificates),
  which public pages show only as counts on the cycle's page: ``cycle:``, ``county-id:``
  (the reports), ``aggregate`` (the API's and open data's cycles) and ``any``; not the
  county's or edition's pages, which show no registration. The attendance register, the
  attendee import, certificates (issue, revoke, re-issue), attendee erasure, and the
  admin's saves of attendees and attendance.
- ``idea=``: ``idea:``, the pages of the ideas from the same cycle or event (each lists
  the others with their status), the idea's ``county:``, its cycle's scopes (above) or its
  event's ``programme:``, ``ideas``, ``aggregate`` and ``any``. Status changes
  (``projects.services``) and the admin's saves of ideas and status entries.
- ``ideas=``/``cycles=``/``registers=``: the same for several.
- ``county=``: ``county:``, ``county-id:``, ``aggregate`` and ``any``.
- ``everything=True``: every page and report. Reference data (editions, sources,
  organisations, people, agreements, events, counties, themes) edited in the admin;
  adding or deleting a cycle or an idea, or changing its slug, county, edition or origin
  (a county's participation shows on every county's map; an old address must stop
  answering); the retention job; ``loadrecords`` and ``generate_synthetic_data``.

**A page in the cache** is one key per address, language, method and scope (not per
version: ``_page_key``), holding the versions it was built under with its status, headers
and body as plain data (``_entry``; a response setting a cookie is never kept). A request
reads the page's key with the version keys in one ``get_many`` (one round trip to Redis)
and serves the page only if the versions stored with it equal the current ones; otherwise
it builds the page and stores it over the old one. So a page from before a write is never
served after it, though it stays in the cache until it is rebuilt or expires.

**A hit before the URL is resolved** (``PageHitMiddleware``, right after LocaleMiddleware):
each process remembers, for every address (method, language, path and query) it has seen
``public_cache`` keep or serve for an anonymous visitor, the page's scope and key. A GET
or HEAD with no session cookie (so no logged-in user) and no ``Authorization`` header to
such an address is answered from the same one round trip and the same check of the
versions, without resolving the URL or running the middleware below; the response is byte
for byte the view's hit (``Content-Length`` and the session's ``Vary: Cookie`` added as
CommonMiddleware and SessionMiddleware would; the security headers and CSP come from the
middleware above, which still run). When the page is not current the request goes on to
the view, which uses what was read (no second round trip). Only views the URL reaches
directly (or through ``require_safe``) are remembered: not the API, whose rate limit and
credentials are checked before its cache, nor any view with another decorator above
``public_cache``.

Invalidating after the commit, not before, matters: a page rendered by another request
between an early bump and the commit would show the old data under the new version. And
a page reads its versions *before* reading the database, so a write committed while it is
built leaves it stored with versions that the write then replaced: never served (at
worst, stored last over a newer page, it costs one more rebuild).

With a read replica (``partnership.dbrouting``), the primary's WAL position is noted just
before the versions are replaced, and a request reads from the replica only once it has
replayed that far: a page rebuilt after a write's versions were replaced is never built
from a replica that lacks the write.

Model signals are not used (bulk inserts, updates and deletes never send them): each
write path calls ``public_data_changed()`` itself, and a call without a scope is refused,
so that each says what it changed.
"""

from __future__ import annotations

import functools
import hashlib
import time
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from partnership import dbrouting

VERSION_KEY = "public-data-version"  # the ``everything`` scope
SCOPE_PREFIX = "public-scope:"
ANY = "any"
AGGREGATES = ("aggregate", "ideas")  # versions replaced at most every max age
AGGREGATE_KEY = "public-aggregate-version:"  # + name: "<token>:<created, epoch seconds>"
AGGREGATE_CHANGED_KEY = "public-aggregate-changed:"  # + name
AGGREGATE_LOCK_KEY = "public-aggregate-refreshing:"  # + name
PAGE_TIMEOUT = 60 * 60  # an hour; a data change invalidates sooner
PAGE_SCOPES = ("county", "cycle", "idea", "programme")  # one record's page, by its slug
PAGE_PREFIX = "public-page:"  # + scope:language:method:digest of the address
SHORTCUT_ADDRESSES = 20_000  # the most addresses a process remembers for PageHitMiddleware


def _token() -> str:
    return uuid.uuid4().hex


def _now() -> float:
    return time.time()


def aggregate_max_age() -> float:
    return float(getattr(settings, "PUBLIC_AGGREGATE_MAX_AGE", 60))


# -- Reading versions --------------------------------------------------------------------


def _versions(keys: list[str]) -> dict[str, str]:
    """The versions under ``keys``, a new random one set for each missing."""
    found = cache.get_many(keys)
    missing = {key: _token() for key in keys if key not in found}
    for key, token in missing.items():
        cache.add(key, token, timeout=None)
    if missing:  # another request's token if it added one first (ours with no cache)
        found.update(missing | cache.get_many(list(missing)))
    return found


def data_version() -> str:
    """The ``everything`` version."""
    return _versions([VERSION_KEY])[VERSION_KEY]


def _aggregate_version(name: str, found: dict) -> str:
    """The token of the aggregate ``name``, replaced first when it is marked changed and
    older than ``PUBLIC_AGGREGATE_MAX_AGE``."""
    key, changed_key = AGGREGATE_KEY + name, AGGREGATE_CHANGED_KEY + name
    value = found.get(key)
    now = _now()
    if value is None:
        cache.add(key, f"{_token()}:{now}", timeout=None)
        value = cache.get(key) or f"{_token()}:{now}"
    token, _sep, created = value.partition(":")
    if found.get(changed_key) and now - float(created or 0) >= aggregate_max_age():
        # One request refreshes it (the others keep the old token meanwhile). The mark is
        # removed before the new token is set: a write committed in between marks it again.
        if cache.add(AGGREGATE_LOCK_KEY + name, 1, timeout=5):
            cache.delete(changed_key)
            token = _token()
            cache.set(key, f"{token}:{now}", timeout=None)
            cache.delete(AGGREGATE_LOCK_KEY + name)
    return token


def read_versions(scopes: Iterable[str], also: Iterable[str] = ()) -> tuple[str, dict]:
    """One string for the versions of ``everything`` and of ``scopes`` (names such as
    ``county:plocki``, ``any`` or the aggregates ``aggregate`` and ``ideas``), and what
    the cache holds under the keys ``also``: all read in one round trip (more only when a
    version is missing or an aggregate's is due to be replaced)."""
    scopes = sorted(set(scopes))
    keys = [VERSION_KEY] + [SCOPE_PREFIX + s for s in scopes if s not in AGGREGATES]
    aggregates = [s for s in scopes if s in AGGREGATES]
    extra = [
        prefix + name for name in aggregates for prefix in (AGGREGATE_KEY, AGGREGATE_CHANGED_KEY)
    ]
    found = cache.get_many([*keys, *extra, *also])
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(_versions(missing))
    tokens = [_aggregate_version(name, found) for name in aggregates]
    return "-".join([*(found[key] for key in keys), *tokens]), found


def scoped_version(scopes: Iterable[str]) -> str:
    """One string for the versions of ``everything`` and of ``scopes``, read in one round
    trip (``read_versions``)."""
    return read_versions(scopes)[0]


# -- Writing: what changed ---------------------------------------------------------------


def _county_scopes(county) -> set[str]:
    """A county's page (by its slug) and its reports (by its id, which they know)."""
    return {f"county:{county.slug}", f"county-id:{county.pk}"}


def _cycle_scopes(cycle) -> set[str]:
    return {
        f"cycle:{cycle.slug}",
        f"programme:{cycle.programme.slug}",
        *_county_scopes(cycle.county),
    }


def _register_scopes(cycle) -> set[str]:
    """The cycle's register (attendees, attendance, certificates) shows, as counts, on its
    page only; the reports count it by county."""
    return {f"cycle:{cycle.slug}", f"county-id:{cycle.county_id}"}


def _idea_scopes(ideas: list) -> set[str]:
    scopes = {f"idea:{idea.slug}" for idea in ideas}
    for idea in ideas:
        if idea.county_id:
            scopes |= _county_scopes(idea.county)
        if idea.cycle_id:
            scopes |= _cycle_scopes(idea.cycle)
        elif idea.event_id and idea.event.programme_id:
            scopes.add(f"programme:{idea.event.programme.slug}")
    cycles = {idea.cycle_id for idea in ideas if idea.cycle_id}
    events = {idea.event_id for idea in ideas if idea.event_id and not idea.cycle_id}
    if cycles or events:  # the ideas from the same origin list these ones
        model = type(ideas[0])
        siblings = model.objects.filter(cycle_id__in=cycles) | model.objects.filter(
            event_id__in=events, cycle__isnull=True
        )
        scopes |= {f"idea:{slug}" for slug in siblings.values_list("slug", flat=True)}
    return scopes


def changed_scopes(
    *, cycle=None, idea=None, county=None, register=None, cycles=(), ideas=(), registers=()
) -> set[str]:
    """The scopes a write to these records changes (the dependency map above), with the
    aggregates it marks changed; empty when it names nothing."""
    scopes = _county_scopes(county) if county is not None else set()
    for each in [cycle, *cycles]:
        if each is not None:
            scopes |= _cycle_scopes(each)
    for each in [register, *registers]:
        if each is not None:
            scopes |= _register_scopes(each)
    ideas = [each for each in [idea, *ideas] if each is not None]
    if ideas:
        scopes |= _idea_scopes(ideas) | {"ideas"}
    return scopes | {"aggregate"} if scopes else scopes


def bump_data_version() -> None:
    """Replace the ``everything`` version: every page and report is invalidated."""
    dbrouting.mark_primary_position()
    cache.set(VERSION_KEY, _token(), timeout=None)


def bump_scopes(scopes: Iterable[str]) -> None:
    """Replace the versions of ``scopes`` and of ``any``; mark the aggregates changed."""
    dbrouting.mark_primary_position()
    scopes = [*scopes, ANY]
    values = {SCOPE_PREFIX + s: _token() for s in scopes if s not in AGGREGATES}
    values |= {AGGREGATE_CHANGED_KEY + s: 1 for s in scopes if s in AGGREGATES}
    cache.set_many(values, timeout=None)


def public_data_changed(
    *,
    cycle=None,
    idea=None,
    county=None,
    register=None,
    cycles: Iterable = (),
    ideas: Iterable = (),
    registers: Iterable = (),
    everything: bool = False,
    using: str = "default",
) -> None:
    """Invalidate the cached pages and reports that show these records once the current
    transaction commits (at once outside a transaction; never when it rolls back).

    The scopes are worked out now, from the records as they are; ``everything=True``
    invalidates every page. A call that names nothing is refused."""
    if everything:
        transaction.on_commit(bump_data_version, using=using)
        return
    scopes = changed_scopes(
        cycle=cycle,
        idea=idea,
        county=county,
        register=register,
        cycles=list(cycles),
        ideas=list(ideas),
        registers=list(registers),
    )
    if not scopes:
        raise ValueError("Say what changed: cycle, register, idea, county or everything=True.")
    transaction.on_commit(functools.partial(bump_scopes, scopes), using=using)


# -- The page cache ----------------------------------------------------------------------


def _page_key(request, scope: str) -> str:
    """The one key of a page: its address, language, method and scope, not the versions
    (which are stored with the page, ``_entry``)."""
    path = request.get_full_path().encode("utf-8", "surrogateescape")
    digest = hashlib.sha256(path).hexdigest()
    return f"{PAGE_PREFIX}{scope}:{get_language()}:{request.method}:{digest}"


def _entry(version: str, response) -> tuple:
    """What the cache keeps of a page: the versions it was built under, its status,
    headers and body (plain data, not the response object)."""
    return (version, response.status_code, list(response.items()), response.content)


def _page(entry, version: str) -> HttpResponse | None:
    """The page ``entry`` holds if it was built under ``version``, else None."""
    if not (isinstance(entry, tuple) and len(entry) == 4 and entry[0] == version):
        return None
    _version, status, headers, body = entry
    return HttpResponse(body, status=status, headers=headers)


def public_cache(view=None, *, scope: str = "aggregate"):
    """Cache a public view's 200 responses for anonymous GET/HEAD requests.

    ``scope``: ``"county"``, ``"cycle"``, ``"idea"`` or ``"programme"`` for a page showing
    that one record, named by the view's ``slug`` argument; the page is then served only
    while that record's version is the one it was built under. Otherwise an aggregate:
    ``"ideas"`` for a page showing project ideas only (the catalogue, the API's ideas),
    ``"aggregate"`` (the default) for the others.
    A response that sets a cookie is never cached (the cookie is one visitor's)."""
    if scope not in PAGE_SCOPES + AGGREGATES:
        raise ValueError(f"Unknown page scope {scope!r}")
    if view is None:
        return functools.partial(public_cache, scope=scope)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        cacheable = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        if not cacheable:
            return view(request, *args, **kwargs)
        page_scope = scope if scope in AGGREGATES else f"{scope}:{kwargs['slug']}"
        key = _page_key(request, page_scope)
        # The versions are read before the page is built, with the page, in one round trip
        # (by PageHitMiddleware when it knew the address and found no current page).
        read = getattr(request, "_page_read", None)
        version, found = (
            read[1:] if read and read[0] == key else read_versions([page_scope], also=[key])
        )
        response = _page(found.get(key), version)
        if response is not None:
            _learn(request, wrapped, page_scope, key)
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            patch_cache_control(response, public=True, max_age=300)
            cache.set(key, _entry(version, response), PAGE_TIMEOUT)
            _learn(request, wrapped, page_scope, key)
            response["X-Cache"] = "miss"
        return response

    return wrapped


# -- Hits served before the URL is resolved ----------------------------------------------

# The addresses this process has cached a page for: (method, language, address) -> (the
# page's scope, its key). Learned by public_cache; only a hint (a page is still served
# only when its versions are current), and never what the view would not cache.
_addresses: dict[tuple[str, str, str], tuple[str, str]] = {}


def _probe(request):  # pragma: no cover - never called: require_safe's wrapper's code
    return None


# Decorators that may sit above public_cache and still let the shortcut serve its hits:
# require_safe refuses every method but GET and HEAD, which the shortcut alone serves.
_HARMLESS_WRAPPERS = {require_safe(_probe).__code__}


def _reached_directly(request, wrapped) -> bool:
    """Whether the URL resolved to ``wrapped`` itself, or through decorators known to do
    nothing to an anonymous GET (not the API's views, which count a rate limit and take
    credentials before the cache)."""
    func = getattr(getattr(request, "resolver_match", None), "func", None)
    for _depth in range(4):
        if func is wrapped:
            return True
        if getattr(func, "__code__", None) not in _HARMLESS_WRAPPERS:
            return False
        func = getattr(func, "__wrapped__", None)
    return False


def _learn(request, wrapped, page_scope: str, key: str) -> None:
    """Remember the page's key for its address, when PageHitMiddleware may serve it."""
    if not getattr(request, "_page_shortcut", False) or not _reached_directly(request, wrapped):
        return
    if len(_addresses) >= SHORTCUT_ADDRESSES:
        _addresses.clear()
    _addresses[request._page_shortcut_address] = (page_scope, key)


def _may_shortcut(request) -> bool:
    """An anonymous GET or HEAD: no session cookie (so no logged-in user), no credentials."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _as_through_the_view(request, response: HttpResponse) -> HttpResponse:
    """What the middleware between PageHitMiddleware and the view add to a hit: the
    session read for ``request.user`` (empty: SessionMiddleware then adds ``Vary:
    Cookie``), and the ``Content-Length`` of CommonMiddleware."""
    response["X-Cache"] = "hit"
    response.headers.setdefault("Content-Length", str(len(response.content)))
    request.session.get(SESSION_KEY)
    return response


class PageHitMiddleware:
    """Serve a cached page before the URL is resolved, right after LocaleMiddleware (the
    language is known; the security headers, CSP and the session's ``Vary`` are still
    added by the middleware above), for an anonymous GET or HEAD request to an address
    this process has seen public_cache keep a page for. One round trip, as in the view:
    the page's key with its versions; the page is served only when they are current.
    Otherwise the request goes on unchanged, and the view uses what was read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_shortcut(request):
            return self.get_response(request)
        address = (request.method, get_language(), request.get_full_path())
        request._page_shortcut, request._page_shortcut_address = True, address
        learned = _addresses.get(address)
        if learned is None:
            return self.get_response(request)
        page_scope, key = learned
        version, found = read_versions([page_scope], also=[key])
        response = _page(found.get(key), version)
        if response is None:
            request._page_read = (key, version, found)
            return self.get_response(request)
        return _as_through_the_view(request, response)
