"""Favorites: the services a customer starred. The customer's own preference, not an operator's
decision: no audit entry."""

from django.db import IntegrityError, transaction

from smmpanel.accounts.models import Account
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import Favorite, Service


def set_favorite(*, account: Account, service_id: int, starred: bool) -> bool:
    """Star or unstar an active service; whether it is starred now. Starring twice keeps one
    star (a database constraint); CatalogError NO_SUCH_SERVICE for an unknown or disabled one."""
    if not Service.objects.filter(pk=service_id, active=True).exists():
        raise CatalogError(CatalogErrorCode.NO_SUCH_SERVICE)
    if not starred:
        Favorite.objects.filter(account=account, service_id=service_id).delete()
        return False
    try:
        with transaction.atomic():
            Favorite.objects.create(account=account, service_id=service_id)
    except IntegrityError:
        pass  # starred already (perhaps by a second click meanwhile)
    return True


def favorite_ids(account: Account) -> set[int]:
    return set(Favorite.objects.filter(account=account).values_list("service_id", flat=True))
