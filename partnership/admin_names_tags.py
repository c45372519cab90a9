"""Template tags for the admin templates overridden in ``templates/admin/``: the forms
of a model's name declared in ``partnership.admin_names`` (``{% load admin_names %}``)."""

from django import template

from .admin_names import names_for

register = template.Library()


@register.filter
def accusative(opts):
    """``opts``' model name as the object of a verb: "Dodaj {{ opts|accusative }}"."""
    return names_for(opts.model).accusative


@register.simple_tag
def counted(opts, number):
    """``number`` followed by ``opts``' model name in the right plural form."""
    return names_for(opts.model).count(number)
