"""Services as orders read them, kept in the process until the catalog changes (`versions`).

Every order reads its service, and the catalog changes a few times a day: a service read is kept
with the catalog's version (raised by database triggers with every committed change of a service
or a category, however it is made) and read again once that has changed. The instances are
shared: callers read them and never change them.
"""

from smmpanel import rows
from smmpanel.catalog.models import Service
from smmpanel.versions import cache as versions


def service(pk: int) -> Service | None:
    """The service with this id as the catalog holds it now (None when there is none)."""
    return versions.cached(("catalog",), ("catalog.service", pk), lambda: rows.get(Service, pk))
