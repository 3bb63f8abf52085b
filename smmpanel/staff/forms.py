from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm


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
