"""The API documentation shown on the API page: one declarative table of the actions of API v2
(`../shared/protocol.md`, section 2), with their parameters and reply examples."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Param:
    name: str
    description: str | Promise
    required: bool = True


@dataclass(frozen=True)
class Action:
    name: str
    title: str | Promise
    params: tuple[Param, ...]
    reply: str
    # Example values for the code samples (besides key and action).
    example: tuple[tuple[str, str], ...] = ()


ORDER_ID = Param("order", _("Order ID"))
ORDERS = Param("orders", _("Order IDs separated by commas (up to 100)"))

ACTIONS: tuple[Action, ...] = (
    Action(
        "services",
        _("Service list"),
        (),
        '[{"service": 1, "name": "Followers", "type": "Default", "category": "First Category",\n'
        '  "rate": "0.90", "min": "50", "max": "10000", "refill": true, "cancel": true,\n'
        '  "dripfeed": false}]',
    ),
    Action(
        "add",
        _("Add order"),
        (
            Param("service", _("Service ID")),
            Param("link", _("Link to the page or post")),
            Param("quantity", _("Needed quantity")),
            Param("runs", _("Drip-feed: runs to deliver (2 or more)"), required=False),
            Param("interval", _("Drip-feed: minutes between runs"), required=False),
            Param("comments", _("Custom Comments: one comment per line"), required=False),
            Param("usernames", _("Mentions Custom List: one username per line"), required=False),
            Param("username", _("Mentions, Comment Likes, Subscriptions: username"), False),
            Param("hashtag", _("Mentions Hashtag: hashtag"), required=False),
            Param("media", _("Mentions Media Likers: the post's URL"), required=False),
            Param("answer_number", _("Poll: answer number"), required=False),
            Param("groups", _("Invites from Groups: one group per line"), required=False),
            Param("min", _("Subscriptions: minimum per post"), required=False),
            Param("max", _("Subscriptions: maximum per post"), required=False),
            Param("posts", _("Subscriptions: new posts to serve (absent: unlimited)"), False),
            Param("old_posts", _("Subscriptions: old posts"), required=False),
            Param("delay", _("Subscriptions: delay in minutes (0, 5, 10, 15, 30, 60, 90)"), False),
            Param("expiry", _("Subscriptions: expiry date, d/m/Y"), required=False),
        ),
        '{"order": 23501}',
        (("service", "1"), ("link", "https://instagram.com/example"), ("quantity", "100")),
    ),
    Action(
        "status",
        _("Order status"),
        (ORDER_ID,),
        '{"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157",\n'
        ' "currency": "USD"}',
        (("order", "23501"),),
    ),
    Action(
        "status",
        _("Multiple orders status"),
        (ORDERS,),
        '{"1": {"charge": "0.27819", "start_count": "3572", "status": "Partial",\n'
        '       "remains": "157", "currency": "USD"},\n'
        ' "10": {"error": "Incorrect order ID"}}',
        (("orders", "1,10,100"),),
    ),
    Action(
        "refill",
        _("Create refill"),
        (ORDER_ID,),
        '{"refill": "1"}',
        (("order", "23501"),),
    ),
    Action(
        "refill",
        _("Create multiple refills"),
        (ORDERS,),
        '[{"order": 1, "refill": 1}, {"order": 3, "refill": {"error": "Incorrect order ID"}}]',
        (("orders", "1,2,3"),),
    ),
    Action(
        "refill_status",
        _("Refill status"),
        (Param("refill", _("Refill ID")),),
        '{"status": "Completed"}',
        (("refill", "1"),),
    ),
    Action(
        "refill_status",
        _("Multiple refills status"),
        (Param("refills", _("Refill IDs separated by commas (up to 100)")),),
        '[{"refill": 1, "status": "Completed"},\n'
        ' {"refill": 3, "status": {"error": "Refill not found"}}]',
        (("refills", "1,2,3"),),
    ),
    Action(
        "cancel",
        _("Create cancel"),
        (ORDERS,),
        '[{"order": 9, "cancel": {"error": "Incorrect order ID"}}, {"order": 2, "cancel": 1}]',
        (("orders", "2,9"),),
    ),
    Action(
        "balance",
        _("User balance"),
        (),
        '{"balance": "100.84292", "currency": "USD"}',
    ),
    # The digital-goods extension.
    Action(
        "products",
        _("Digital products"),
        (),
        '[{"product": 1, "name": "Netflix premium 1 month", "require": "Input your account",\n'
        '  "rate": 2.5, "min": 1, "max": 10, "category": "Netflix", "status": "In stock",\n'
        '  "inventory": 40, "type": "Auto"}]',
    ),
    Action(
        "add_product_order",
        _("Order a digital product"),
        (
            Param("product", _("Product ID")),
            Param("quantity", _("Needed quantity")),
            Param("require", _("What the product asks for, e.g. your account"), False),
        ),
        '{"order": 99999}',
        (("product", "1"), ("quantity", "1"), ("require", "me@example.com")),
    ),
    Action(
        "product_order_status",
        _("Digital product order status"),
        (Param("order", _("Order ID (or orders: IDs separated by commas)")),),
        '{"charge": 7.5, "status": "Completed", "result": "…"}',
        (("order", "99999"),),
    ),
    Action(
        "result_product",
        _("Delivered items of a digital product order"),
        (ORDER_ID,),
        '{"result": ["line 1", "line 2"]}',
        (("order", "99999"),),
    ),
)

# The protocol's error messages, answered as {"error": "…"} with HTTP 200.
ERRORS = (
    "Incorrect request",
    "Invalid API key",
    "Incorrect service ID",
    "Service is disabled",
    "Incorrect link",
    "Quantity less than minimal N",
    "Quantity more than maximal N",
    "Not enough funds on balance",
    "Incorrect order ID",
    "Incorrect refill ID",
    "Refill not found",
    "Refill is not available for this service",
    "Cancel is not available for this service",
    "Too many IDs: maximum is 100",
    "Too many requests",
)


def _fields(action: Action, key: str) -> list[tuple[str, str]]:
    return [("key", key), ("action", action.name), *action.example]


def curl(action: Action, url: str, key: str) -> str:
    data = " \\\n  ".join(f"-d {name}={value}" for name, value in _fields(action, key))
    return f"curl -s {url} \\\n  {data}"


def php(action: Action, url: str, key: str) -> str:
    fields = ",\n    ".join(f"'{name}' => '{value}'" for name, value in _fields(action, key))
    return (
        f"$ch = curl_init('{url}');\n"
        "curl_setopt($ch, CURLOPT_POST, true);\n"
        f"curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query([\n    {fields},\n]));\n"
        "curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);\n"
        "$reply = json_decode(curl_exec($ch), true);"
    )


def python(action: Action, url: str, key: str) -> str:
    fields = ", ".join(f'"{name}": "{value}"' for name, value in _fields(action, key))
    return (
        "import requests\n\n"
        f'reply = requests.post("{url}", data={{{fields}}}, timeout=30).json()\n'
        'if "error" in reply:\n'
        '    raise RuntimeError(reply["error"])'
    )
