"""factory_boy factories for the objects tests make: users of each role, workshop cycles,
their sessions, attendees, attendance and certificates.

Every test database already holds the Mazovian records (``loadrecords``; their identifiers
are in ``tests/records.py``), so a factory defaults to them: a new cycle belongs to the 2017
edition in Płock county, a new attendee to a new cycle. Give only what a test is about::

    clerk = CountyStaffFactory(username="anna", counties=[LOSICE])
    lodz = CoordinatorFactory(voivodeships=[LODZKIE])  # Mazowieckie unless told
    cycle = CycleFactory(county_code=LOSICE, certificate_min_sessions=2)
    session = SessionFactory(cycle=cycle, ordinal=1)
    AttendanceFactory(attendee=AttendeeFactory(cycle=cycle), session=session)

``FooFactory.build()`` makes an unsaved object; ``FooFactory.create_batch(n)`` makes n.
"""

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.db.models import Max
from factory.django import DjangoModelFactory

from accounts.models import StaffProfile
from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF, GROUP_NAMES
from programmes.models import County, Programme, Voivodeship
from tests.records import MAZOWIECKIE, PLOCK, PROGRAMME_2017
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle


class UserFactory(DjangoModelFactory):
    """A user of the public site: no staff flag, no role, no password (unless given)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"uzytkownik{n}")
    is_staff = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # create_user hashes the password, or stores an unusable one when none is given.
        return model_class.objects.create_user(*args, **kwargs)


class StaffFactory(UserFactory):
    """A staff member: ``role`` is one of ``accounts.roles`` (or None for none), ``counties``
    the TERYT codes of the counties they work for and ``voivodeships`` those of the
    voivodeships they coordinate (their ``StaffProfile``)."""

    is_staff = True
    role = None
    counties = ()
    voivodeships = ()

    @classmethod
    def _create(cls, model_class, *args, role=None, counties=(), voivodeships=(), **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if role:
            user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
        profile = StaffProfile.objects.create(user=user)
        profile.counties.set(County.objects.filter(code__in=counties))
        profile.voivodeships.set(Voivodeship.objects.filter(code__in=voivodeships))
        return user

    @classmethod
    def _build(cls, model_class, *args, role=None, counties=(), voivodeships=(), **kwargs):
        return super()._build(model_class, *args, **kwargs)


class CountyStaffFactory(StaffFactory):
    """A county labour office's clerk: sees and changes the records of their counties only
    (Płock county unless told)."""

    username = factory.Sequence(lambda n: f"urzednik{n}")
    role = COUNTY_STAFF
    counties = (PLOCK,)


class CoordinatorFactory(StaffFactory):
    """A voivodeship's coordinator: reads the counties of their voivodeships (Mazowieckie,
    the records' voivodeship, unless told); needs the second factor."""

    username = factory.Sequence(lambda n: f"koordynator{n}")
    role = COORDINATOR
    voivodeships = (MAZOWIECKIE,)


class AdministratorFactory(StaffFactory):
    """An administrator: manages accounts and reference data; needs the second factor."""

    username = factory.Sequence(lambda n: f"administrator{n}")
    role = ADMINISTRATOR


def make_user(username, role=None, counties=(), voivodeships=None, **extra):
    """A staff member with ``role`` (or none) working for ``counties`` and coordinating
    ``voivodeships`` (TERYT codes; a coordinator's default is Mazowieckie, the records'),
    loaded afresh as the next request would load them. ``extra``: other ``User`` fields
    (``password``, ``is_active``, ``is_staff``, ``is_superuser``, ...)."""
    if voivodeships is None:
        voivodeships = (MAZOWIECKIE,) if role == COORDINATOR else ()
    user = StaffFactory(
        username=username, role=role, counties=counties, voivodeships=voivodeships, **extra
    )
    return User.objects.get(pk=user.pk)


class CycleFactory(DjangoModelFactory):
    """A workshop cycle; of the 2017 edition in Płock county unless told (``county_code``,
    ``programme_slug``, or the objects themselves)."""

    class Meta:
        model = WorkshopCycle

    class Params:
        county_code = PLOCK
        programme_slug = PROGRAMME_2017

    slug = factory.Sequence(lambda n: f"cykl-testowy-{n}")
    title = factory.Sequence(lambda n: f"Cykl testowy {n}")
    programme = factory.LazyAttribute(lambda o: Programme.objects.get(slug=o.programme_slug))
    county = factory.LazyAttribute(lambda o: County.objects.get(code=o.county_code))
    status = WorkshopCycle.Status.IN_PROGRESS
    date_start = datetime.date(2025, 3, 1)
    date_end = datetime.date(2025, 11, 30)


class SessionFactory(DjangoModelFactory):
    """A workshop (session) of a cycle, numbered after the cycle's last one unless told."""

    class Meta:
        model = Session

    cycle = factory.SubFactory(CycleFactory)
    ordinal = factory.LazyAttribute(
        lambda o: (o.cycle.sessions.aggregate(last=Max("ordinal"))["last"] or 0) + 1
    )
    kind = Session.Kind.WORKSHOP


class AttendeeFactory(DjangoModelFactory):
    """A person registered for a cycle (personal data: never on a public page)."""

    class Meta:
        model = Attendee

    cycle = factory.SubFactory(CycleFactory)
    full_name = factory.Sequence(lambda n: f"Uczestnik Testowy {n}")


class AttendanceFactory(DjangoModelFactory):
    """An attendee's presence at one session of their cycle."""

    class Meta:
        model = Attendance

    attendee = factory.SubFactory(AttendeeFactory)
    session = factory.SubFactory(SessionFactory, cycle=factory.SelfAttribute("..attendee.cycle"))


class CertificateFactory(DjangoModelFactory):
    """A certificate held by an attendee, written directly; to test issuing itself (numbers,
    the sessions needed) call ``workshops.certificates.certificates_issue``."""

    class Meta:
        model = Certificate

    attendee = factory.SubFactory(AttendeeFactory)
    cycle = factory.SelfAttribute("attendee.cycle")
    number = factory.Sequence(lambda n: f"TEST/{n:04d}")
    issued_on = datetime.date(2025, 12, 1)
    issued_by = "Dyrektor Powiatowego Urzędu Pracy"
