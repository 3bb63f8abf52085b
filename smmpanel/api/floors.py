"""bench/api.py's floors (SMMPANEL_BENCH_CEILING): an action's database work alone, through the
API's lane, so that its rate shows how fast the action could be at the very best on the stack
measured, whatever the code around it.

- `add_floor`: the order's write as `add` makes it (`placement.new_order`, then
  `ledger.charge_new_order`: on PostgreSQL one statement, the debit, the order and its ledger
  entry, and a commit), without the key's lookup, the order's checks or its price: the key's
  account and the service are read once per process.
- `status_floor`: the key's lookup with the orders' read (`status_rows`: on PostgreSQL one
  statement), without the reply: it answers how many orders it read.

Measuring views, never routed unless SMMPANEL_BENCH_CEILING is set (as `views.ceiling`).
"""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from smmpanel import rows
from smmpanel.accounts import ledger
from smmpanel.accounts.keys import authenticate_key, hash_key
from smmpanel.accounts.models import Account
from smmpanel.api.views import json_response
from smmpanel.catalog.models import Service
from smmpanel.orders.placement import new_order
from smmpanel.orders.status_reads import status_along, status_rows
from smmpanel.orders.validation import OrderDraft
from smmpanel.versions import cache as versions

ADD_FLOOR = "/api/bench/floor/add"
STATUS_FLOOR = "/api/bench/floor/status"
# What each floor order is charged: a bench customer's opening balance (bench/seed.py) pays for
# far more of them than any run places.
CHARGE = Decimal("0.01")

# Read once per process, by key and by id: the floor leaves these reads out.
_accounts: dict[str, Account] = {}
_services: dict[int, Service] = {}


@csrf_exempt
def add_floor(request: HttpRequest) -> HttpResponse:
    """An order of the body's `service`, `link` and `quantity` for the `key`'s account, written as
    `add` writes it; its id."""
    key, service_id = request.POST["key"], int(request.POST["service"])
    if key not in _accounts:
        _accounts[key] = Account.objects.get(api_key_hash=hash_key(key))
    if service_id not in _services:
        _services[service_id] = Service.objects.get(pk=service_id)
    draft = OrderDraft(
        link=request.POST["link"], quantity=int(request.POST["quantity"]), charge=CHARGE
    )
    order = new_order(account=_accounts[key], service=_services[service_id], draft=draft)
    ledger.charge_new_order(order=order, values=rows.insert_params(order), amount=CHARGE)
    return json_response({"order": order.pk})


@csrf_exempt
def status_floor(request: HttpRequest) -> HttpResponse:
    """The `key`'s account's orders among the body's `orders` (ids, comma-separated), read as
    `status` reads them; how many there were."""
    ids = [int(pk) for pk in request.POST["orders"].split(",")]
    along = status_along(ids)
    with versions.scope():
        account = authenticate_key(request.POST["key"], along)
        found, _subscriptions = status_rows(account.pk, ids, along)
    return json_response({"orders": len(found)})
