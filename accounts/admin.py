import axes.admin  # noqa: F401 - axes registers its admins first (accounts precedes axes)
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import StaffProfile
from .security import log_event
from .twofactor import second_factor_reset

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["counties", "voivodeships"]
    extra = 0
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "roles"]
    list_filter = [
        "is_active",
        "is_superuser",
        "groups",
        "staff_profile__voivodeships",
        "staff_profile__counties",
    ]

    actions = ["second_factor_reset"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.action(
        description=_("Reset two-factor authentication (a lost phone)"), permissions=["change"]
    )
    def second_factor_reset(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user)
            log_event("otp_reset", request, reset_user=user.pk)
        self.message_user(
            request,
            _(
                "Two-factor authentication reset for %(count)d account(s): they set up an "
                "authenticator again at their next login."
            )
            % {"count": queryset.count()},
        )

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())


# django-axes: keep "Access attempts" (the failed-login counters; deleting one lifts a
# lockout). The access and failure logs are switched off (AXES_DISABLE_ACCESS_LOG), so
# their empty lists would only mislead.
for _model in (AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

# django-otp names its TOTP device in English only (a plain string, not translatable):
# the admin shows the portal's translation of it (partnership.admin_names).
TOTPDevice._meta.verbose_name = _("TOTP device")
TOTPDevice._meta.verbose_name_plural = _("TOTP devices")
