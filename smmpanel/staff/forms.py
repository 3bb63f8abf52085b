from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.models import Device


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The admin log-in form: the password, then the TOTP token of staff who enrolled a device.

    Staff without a confirmed device log in with their password alone (2FA is optional per user).
    """

    def clean(self) -> dict:
        cleaned = super(OTPAdminAuthenticationForm, self).clean()
        self.cleaned_data = cleaned
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user) -> Device | None:  # type: ignore[no-untyped-def]
        """The chosen device, or the user's only one: staff enrol one TOTP device each."""
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device
