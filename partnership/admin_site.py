"""The admin site, speaking grammatical Polish in Django's stock phrases.

``PortalAdminSite.register`` gives every registered ``ModelAdmin`` (the portal's and the
third-party apps') ``GrammarAdminMixin``: titles, the inline "add another" button, the
delete confirmation, the "delete selected" action and the success messages use the forms
of the model's name declared in ``partnership.admin_names`` instead of the nominative
``verbose_name`` that Django's catalogue can only pad with "(-ną)(-ny)". The admin
templates overridden in ``templates/admin/`` do the same for buttons and counts.
"""

from __future__ import annotations

import json
import re

from django.contrib import admin
from django.contrib.admin.helpers import InlineAdminFormSet
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import model_format_dict
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext, pgettext_lazy

from .admin_names import AdminNames, names_for

# Django's own msgids, looked up in Django's catalogue (an alias keeps makemessages from
# copying them into the portal's).
django_gettext = gettext

# Django's stock messages, and the portal's wording of each with the accusative or the
# counted form. The stock message is recognised in the active language, then replaced.
_ADDED = "The {name} “{obj}” was added successfully."
_CHANGED = "The {name} “{obj}” was changed successfully."
_EDIT = "You may edit it again below."
MESSAGES = [
    (
        (_ADDED, _EDIT),
        pgettext_lazy(
            "admin message",
            "The {accusative} “{obj}” was added successfully. You may edit it again below.",
        ),
    ),
    (
        ("The {name} “{obj}” was added successfully. You may add another {name} below.",),
        pgettext_lazy(
            "admin message",
            "The {accusative} “{obj}” was added successfully. You may add another "
            "{accusative} below.",
        ),
    ),
    (
        (_ADDED,),
        pgettext_lazy("admin message", "The {accusative} “{obj}” was added successfully."),
    ),
    (
        ("The {name} “{obj}” was changed successfully. You may edit it again below.",),
        pgettext_lazy(
            "admin message",
            "The {accusative} “{obj}” was changed successfully. You may edit it again below.",
        ),
    ),
    (
        ("The {name} “{obj}” was changed successfully. You may add another {name} below.",),
        pgettext_lazy(
            "admin message",
            "The {accusative} “{obj}” was changed successfully. You may add another "
            "{accusative} below.",
        ),
    ),
    (
        (_CHANGED,),
        pgettext_lazy("admin message", "The {accusative} “{obj}” was changed successfully."),
    ),
    (
        ("The %(name)s “%(obj)s” was deleted successfully.",),
        pgettext_lazy("admin message", "The {accusative} “{obj}” was deleted successfully."),
    ),
    (
        ("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?",),
        pgettext_lazy(
            "admin message", "{name} with ID “{key}” doesn’t exist. Perhaps it was deleted?"
        ),
    ),
    (
        ("Successfully deleted %(count)d %(items)s.",),
        pgettext_lazy("admin message", "Successfully deleted {counted}."),
    ),
]
_PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)[sd]")


def _stock_pattern(parts: tuple[str, ...], opts) -> re.Pattern:
    """The stock message ``parts`` (joined by a space) as Django's catalogue words it in
    the active language, as a pattern capturing ``obj``, ``key`` and ``count``."""
    names = [re.escape(str(opts.verbose_name)), re.escape(str(opts.verbose_name_plural))]
    pattern, seen = [], set()
    # re.split with the two groups yields text, {group}, %(group)s, text...: by index.
    pieces = _PLACEHOLDER.split(" ".join(gettext(part) for part in parts))
    for index, piece in enumerate(pieces):
        kind = index % 3
        if kind == 0:
            pattern.append(re.escape(piece))
        elif piece:
            if piece in ("name", "items"):
                pattern.append(f"(?:{'|'.join(names)})")
            elif piece in seen:
                pattern.append(f"(?P={piece})")
            else:
                seen.add(piece)
                pattern.append(rf"(?P<{piece}>\d+)" if piece == "count" else f"(?P<{piece}>.+?)")
    return re.compile("".join(pattern), re.DOTALL)


def grammatical_message(message, model) -> str | SafeData:
    """``message`` reworded with the forms of ``model``'s name when it is a stock one."""
    names, opts, text = names_for(model), model._meta, str(message)
    for parts, wording in MESSAGES:
        match = _stock_pattern(parts, opts).fullmatch(text)
        if match is None:
            continue
        values = match.groupdict()
        if isinstance(message, SafeData):
            values = {key: mark_safe(value) for key, value in values.items()}  # noqa: S308
        if "count" in values:
            values["counted"] = names.count(int(values.pop("count")))
        return format_html(
            str(wording), accusative=names.accusative, name=capfirst(opts.verbose_name), **values
        )
    return message


PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "Can add %(name)s"),
    "change": pgettext_lazy("permission", "Can change %(name)s"),
    "delete": pgettext_lazy("permission", "Can delete %(name)s"),
    "view": pgettext_lazy("permission", "Can view %(name)s"),
}


def permission_label(permission) -> str:
    """A permission in the active language: Django stores its name in English when it
    creates it ("Can add attendee"), so the standard four are worded from the model's
    translated name; the others' names go through the catalogue."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action = permission.codename.partition("_")[0]
    if action in PERMISSION_ACTIONS and permission.codename == f"{action}_{model._meta.model_name}":
        name = PERMISSION_ACTIONS[action] % {"name": model._meta.verbose_name_plural}
    else:
        name = gettext(permission.name)
    app = model._meta.app_config.verbose_name
    return f"{app} | {capfirst(model._meta.verbose_name)} | {name}"


class GrammaticalInlineAdminFormSet(InlineAdminFormSet):
    """The inline formset whose "add another" button says "Dodaj kolejną sesję"."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = str(capfirst(names_for(self.opts.model).another))
        return json.dumps(data)


class GrammarAdminMixin:
    """Titles and messages of a ``ModelAdmin`` with the model's declared name forms."""

    @property
    def admin_names(self) -> AdminNames:
        return names_for(self.model)

    def changelist_view(self, request, extra_context=None):
        if IS_POPUP_VAR in request.GET:
            title = pgettext("admin title", "Select %s")
        elif self.has_change_permission(request):
            title = pgettext("admin title", "Select %s to change")
        else:
            title = pgettext("admin title", "Select %s to view")
        context = {"title": title % self.admin_names.accusative, **(extra_context or {})}
        return super().changelist_view(request, context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        stock = {
            django_gettext("Add %s") % self.opts.verbose_name: pgettext("admin title", "Add %s"),
            django_gettext("Change %s") % self.opts.verbose_name: pgettext(
                "admin title", "Change %s"
            ),
            django_gettext("View %s") % self.opts.verbose_name: pgettext("admin title", "View %s"),
        }
        if context.get("title") in stock:
            context["title"] = stock[context["title"]] % self.admin_names.accusative
        context["accusative"] = self.admin_names.accusative
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        if context.get("title") == django_gettext("Cannot delete %(name)s") % {
            "name": self.opts.verbose_name
        }:
            # Polish negation wants the genitive: the wording keeps the nominative apart.
            context["title"] = pgettext("admin title", "Cannot delete %(name)s") % {
                "name": self.opts.verbose_name
            }
        context["accusative"] = self.admin_names.accusative
        return super().render_delete_form(request, context)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            if type(inline_formset) is InlineAdminFormSet:
                inline_formset.__class__ = GrammaticalInlineAdminFormSet
        return inline_formsets

    def get_action_choices(self, request, *args, **kwargs):
        wording = pgettext("admin action", "Delete selected %(verbose_name_plural)s")
        return [
            (name, wording % model_format_dict(self.opts) if name == "delete_selected" else text)
            for name, text in super().get_action_choices(request, *args, **kwargs)
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model._meta.label == "auth.Permission":
            field.label_from_instance = permission_label
        return field

    def message_user(self, request, message, *args, **kwargs):
        return super().message_user(
            request, grammatical_message(message, self.model), *args, **kwargs
        )


class PortalAdminSite(admin.AdminSite):
    """The default admin site; every ``ModelAdmin`` registered gets ``GrammarAdminMixin``."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, GrammarAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (GrammarAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        return super().register(model_or_iterable, admin_class, **options)
