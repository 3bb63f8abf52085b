"""The order types of the protocol and what each one asks of an order.

This is the declarative table; `smmpanel.orders.validation` applies it to a request, and the web
forms read it to show exactly a type's fields.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderType(models.TextChoices):
    DEFAULT = "Default", _("Default")
    PACKAGE = "Package", _("Package")
    CUSTOM_COMMENTS = "Custom Comments", _("Custom Comments")
    CUSTOM_COMMENTS_PACKAGE = "Custom Comments Package", _("Custom Comments Package")
    MENTIONS_CUSTOM_LIST = "Mentions Custom List", _("Mentions Custom List")
    MENTIONS_HASHTAG = "Mentions Hashtag", _("Mentions Hashtag")
    MENTIONS_USER_FOLLOWERS = "Mentions User Followers", _("Mentions User Followers")
    MENTIONS_MEDIA_LIKERS = "Mentions Media Likers", _("Mentions Media Likers")
    COMMENT_LIKES = "Comment Likes", _("Comment Likes")
    POLL = "Poll", _("Poll")
    INVITES_FROM_GROUPS = "Invites from Groups", _("Invites from Groups")
    SUBSCRIPTIONS = "Subscriptions", _("Subscriptions")
    WEB_TRAFFIC = "Web Traffic", _("Web Traffic")


class Quantity(models.TextChoices):
    GIVEN = "given"  # the `quantity` parameter
    PACKAGE = "package"  # always 1: the rate is the package's price
    LINES = "lines"  # the number of lines of the type's list field
    NONE = "none"  # subscriptions: priced by min/max and posts


class FieldKind(models.TextChoices):
    TEXT = "text"  # one line
    LINES = "lines"  # one item per line
    URL = "url"
    INTEGER = "integer"
    CHOICE = "choice"
    DATE = "date"  # d/m/Y


@dataclass(frozen=True)
class TypeField:
    name: str
    kind: FieldKind
    required: bool = True
    choices: tuple[int, ...] = ()
    max_length: int = 255


@dataclass(frozen=True)
class TypeSpec:
    quantity: Quantity
    link: bool = True
    fields: tuple[TypeField, ...] = ()
    # The field whose lines count as the quantity (Quantity.LINES).
    lines_field: str | None = None
    # Whether the order may be split into runs (only where the service allows drip-feed too).
    runs: bool = False


COMMENTS = TypeField("comments", FieldKind.LINES, max_length=100_000)
USERNAME = TypeField("username", FieldKind.TEXT)

SPECS: dict[str, TypeSpec] = {
    OrderType.DEFAULT: TypeSpec(Quantity.GIVEN, runs=True),
    OrderType.PACKAGE: TypeSpec(Quantity.PACKAGE),
    OrderType.CUSTOM_COMMENTS: TypeSpec(Quantity.LINES, fields=(COMMENTS,), lines_field="comments"),
    OrderType.CUSTOM_COMMENTS_PACKAGE: TypeSpec(Quantity.PACKAGE, fields=(COMMENTS,)),
    OrderType.MENTIONS_CUSTOM_LIST: TypeSpec(
        Quantity.LINES,
        fields=(TypeField("usernames", FieldKind.LINES, max_length=100_000),),
        lines_field="usernames",
    ),
    OrderType.MENTIONS_HASHTAG: TypeSpec(
        Quantity.GIVEN, fields=(TypeField("hashtag", FieldKind.TEXT),)
    ),
    OrderType.MENTIONS_USER_FOLLOWERS: TypeSpec(Quantity.GIVEN, fields=(USERNAME,)),
    OrderType.MENTIONS_MEDIA_LIKERS: TypeSpec(
        Quantity.GIVEN, fields=(TypeField("media", FieldKind.URL, max_length=2000),)
    ),
    OrderType.COMMENT_LIKES: TypeSpec(Quantity.GIVEN, fields=(USERNAME,)),
    OrderType.POLL: TypeSpec(
        Quantity.GIVEN, fields=(TypeField("answer_number", FieldKind.INTEGER),)
    ),
    OrderType.INVITES_FROM_GROUPS: TypeSpec(
        Quantity.GIVEN, fields=(TypeField("groups", FieldKind.LINES, max_length=100_000),)
    ),
    OrderType.SUBSCRIPTIONS: TypeSpec(
        Quantity.NONE,
        link=False,
        fields=(
            USERNAME,
            TypeField("min", FieldKind.INTEGER),
            TypeField("max", FieldKind.INTEGER),
            TypeField("posts", FieldKind.INTEGER, required=False),
            TypeField("old_posts", FieldKind.INTEGER, required=False),
            TypeField(
                "delay", FieldKind.CHOICE, required=False, choices=(0, 5, 10, 15, 30, 60, 90)
            ),
            TypeField("expiry", FieldKind.DATE, required=False),
        ),
    ),
    OrderType.WEB_TRAFFIC: TypeSpec(
        Quantity.GIVEN,
        runs=True,
        fields=(
            TypeField("country", FieldKind.TEXT, required=False, max_length=64),
            TypeField("device", FieldKind.CHOICE, required=False, choices=(1, 2, 3, 4, 5)),
            TypeField("type_of_traffic", FieldKind.CHOICE, required=False, choices=(1, 2, 3)),
            TypeField("google_keyword", FieldKind.TEXT, required=False),
            TypeField("referring_url", FieldKind.URL, required=False, max_length=2000),
        ),
    ),
}

# Types whose rate is the price of one unit (a package) instead of a price per 1000.
PACKAGE_TYPES = frozenset(t for t, spec in SPECS.items() if spec.quantity == Quantity.PACKAGE)


def spec_for(order_type: str) -> TypeSpec:
    return SPECS[order_type]
