"""The time zones a customer picks from: the tz database's zones of places (its zone.tab, one
line per country's zone), plus UTC — not its aliases and legacy names ("W-SU", "US/Eastern",
"Factory", "Etc/GMT+5"). A zone an account already has stays valid (see `zone_choices`)."""

import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

from django.utils.translation import gettext_lazy as _

# The tz database's areas, as a customer reads them.
AREAS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def _zone_tab() -> str | None:
    """zone.tab of the system's tz database, else of the `tzdata` package zoneinfo falls back to."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


@cache
def offered_zones() -> tuple[str, ...]:
    """UTC, then the zones of places, sorted; only those this machine can load."""
    available = zoneinfo.available_timezones()
    text = _zone_tab()
    if text is not None:
        names = {
            line.split("\t")[2]
            for line in text.splitlines()
            if line and not line.startswith("#") and line.count("\t") >= 2
        }
    else:  # no zone.tab: the zones of the areas above, which leaves out the legacy names
        names = {name for name in available if name.split("/")[0] in AREAS}
    return ("UTC", *sorted(name for name in names & available if name.split("/")[0] in AREAS))


def is_offered(name: str) -> bool:
    return name in offered_zones()


def zone_choices(current: str | None = None) -> list:
    """Choices grouped by area, each zone by its place ("America/New York"). `current`, an
    account's zone from before this list (a legacy name), is kept as a choice so that saving the
    profile doesn't refuse it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in offered_zones()[1:]:
        area, _slash, place = name.partition("/")
        groups.setdefault(area, []).append((name, place.replace("_", " ").replace("/", " / ")))
    choices: list = [("UTC", "UTC")]
    if current and not is_offered(current) and current in zoneinfo.available_timezones():
        choices.append((current, current))
    choices += [(AREAS[area], zones) for area, zones in groups.items()]
    return choices
