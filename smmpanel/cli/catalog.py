"""The catalog: `smmpanel service create` (providers have their own, in providers/command.py)."""

import argparse

from smmpanel.cli.output import parse_money, show


def cmd_service_create(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.catalog.operations import create_service

    routes = []
    if args.route:
        from smmpanel.providers.command import route_for

        routes = [route_for(spec) for spec in args.route]
    service = create_service(
        acting_user=Actor.cli(),
        name=args.name,
        category=args.category,
        type=args.type,
        rate=parse_money(args.rate),
        min_quantity=args.min,
        max_quantity=args.max,
        refill=args.refill,
        cancel=args.cancel,
        dripfeed=args.dripfeed,
        fulfilment=args.fulfilment,
        description=args.description,
        routes=routes,
    )
    show(args, {"service": service.pk}, f"service {service.pk} created: {service.name}")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """service create."""
    service = commands.add_parser("service", help="the catalog").add_subparsers(
        dest="service_command", required=True
    )
    screate = service.add_parser("create", help="create a service")
    screate.add_argument("--name", required=True)
    screate.add_argument("--category", required=True)
    screate.add_argument("--type", required=True)
    screate.add_argument("--rate", required=True)
    screate.add_argument("--min", type=int, required=True)
    screate.add_argument("--max", type=int, required=True)
    screate.add_argument("--refill", action="store_true")
    screate.add_argument("--cancel", action="store_true")
    screate.add_argument("--dripfeed", action="store_true")
    screate.add_argument(
        "--fulfilment", choices=["simulated", "manual", "provider"], default="manual"
    )
    screate.add_argument(
        "--route",
        action="append",
        metavar="PROVIDER:SERVICE_ID",
        help="a provider service fulfilling it (repeat: first choice first); with provider",
    )
    screate.add_argument("--description", default="")
    screate.add_argument("--json", action="store_true")
    screate.set_defaults(handler=cmd_service_create)
