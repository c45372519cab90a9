"""``{% certificate_mailing_state cycle as mailing %}``: the e-mailing of a cycle's
certificates, for the Certificates screen's partial (``staff/_certificate_mailing.html``)."""

from django import template

from workshops.mailing import mailing_state

register = template.Library()


@register.simple_tag
def certificate_mailing_state(cycle):
    return mailing_state(cycle=cycle)
