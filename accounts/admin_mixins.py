"""County scoping for the admin: every list, form, choice, autocomplete and action.

``CountyScopedAdminMixin`` narrows a ModelAdmin to ``scope_queryset(user, ...)``: another
county's record is a 404 (not a redirect), foreign-key choices and the sidebar filters
offer only the user's own counties, cycles, sessions, attendees..., and a form that
would put a record into a county the user does not work for is refused with a clear
message.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .scoping import (
    counties_for_user,
    county_of,
    county_path,
    may_use_county,
    scope_queryset,
    sees_records_without_county,
)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A sidebar filter on a relation to a county-owned model (a county, a cycle...):
    only the user's own counties' records are offered, not all 42 counties'. Records
    without a county ("(None)") are offered only to those who may see them."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.sees_all = sees_records_without_county(request.user)
        super().__init__(field, request, params, model, model_admin, field_path)

    @property
    def include_empty_choice(self):
        return self.sees_all and super().include_empty_choice

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        allowed = scope_queryset(request.user, related._default_manager.all())
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to=Q(pk__in=allowed.values("pk")),
        )


def scoped_list_filters(model, list_filter) -> list:
    """``list_filter`` with every plain relation to a county-owned model (``"county"``,
    ``"cycle__county"``) filtered by ``ScopedRelatedFieldListFilter``."""
    scoped = []
    for item in list_filter:
        if isinstance(item, str):
            try:
                field = get_fields_from_path(model, item)[-1]
            except FieldDoesNotExist:
                field = None
            related = getattr(field, "related_model", None)
            if related is not None and county_path(related) is not None:
                item = (item, ScopedRelatedFieldListFilter)
        scoped.append(item)
    return scoped


class CountyScopedAdminMixin:
    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request))

    def get_list_filter(self, request):
        return scoped_list_filters(self.model, super().get_list_filter(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record in your counties."))
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # The audit trail of another county's record is as private as the record.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if county_path(related) is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scope_queryset(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if county_path(related) is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scope_queryset(request.user, related._default_manager.all())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class CountyCheckedForm(form):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                if not may_use_county(user, county_of(self.instance)):
                    names = ", ".join(str(c) for c in counties_for_user(user)) or "—"
                    self.add_error(
                        None,
                        _(
                            "You can save records only in your own counties (%(counties)s). "
                            "Nothing was saved."
                        )
                        % {"counties": names},
                    )

        CountyCheckedForm.__name__ = form.__name__
        return CountyCheckedForm
