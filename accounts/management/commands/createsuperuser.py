"""``createsuperuser`` (``make superuser``) wholly in English.

Django writes this command's prompts and messages in English in its code ("Password
(again): ", "Superuser created successfully."), while the field names and the password
validators' messages come from the catalogue in the active language, Polish: the
questions came out half Polish, half English ("Nazwa użytkownika (leave blank to use
'root'):"). The command runs in English throughout instead.
"""

from django.contrib.auth.management.commands import createsuperuser
from django.utils import translation


class Command(createsuperuser.Command):
    def execute(self, *args, **options):
        with translation.override("en"):
            return super().execute(*args, **options)
