"""An operator to act as, for the tests that call the domain actions directly."""

from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor


def operator(username: str = "alice") -> Actor:
    user, _ = get_user_model().objects.get_or_create(username=username, is_staff=True)
    return Actor.of_user(user, ip="192.0.2.7")
