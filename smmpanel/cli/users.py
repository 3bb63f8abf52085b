"""People: operator accounts (createadmin, staff totp) and customer accounts (user)."""

import argparse

from smmpanel.cli.output import format_money, parse_money, show


def cmd_createadmin(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    from django.contrib.auth.models import Group

    user, created = user_model.objects.get_or_create(username=args.username)
    user.is_staff = True
    # An admin is a superuser; support staff get the support group's permissions only.
    user.is_superuser = args.role == "admin"
    user.email = args.email or user.email
    user.set_password(args.password)
    user.save()
    user.groups.set([Group.objects.get(name=args.role)])
    verb = "created" if created else "updated"
    show(
        args,
        {"username": user.username, "created": created, "role": args.role},
        f"{args.role} {user.username} {verb}",
    )


def cmd_user_create(args: argparse.Namespace) -> None:
    from smmpanel.accounts.registration import create_account

    balance = parse_money(args.balance) if args.balance is not None else None
    account, key = create_account(
        username=args.username, password=args.password, email=args.email, balance=balance
    )
    data = {
        "username": account.user.username,
        "api_key": key,
        "balance": format_money(account.balance),
    }
    show(args, data, f"user {account.user.username} created\nAPI key: {key}")


def cmd_user_deposit(args: argparse.Namespace) -> None:
    from smmpanel.accounts import ledger
    from smmpanel.accounts.registration import account_for_username

    account = account_for_username(args.username)
    entry = ledger.deposit(account=account, amount=parse_money(args.amount), reason=args.reason)
    amount, balance = format_money(entry.amount), format_money(entry.balance_after)
    data = {"username": args.username, "amount": amount, "balance": balance}
    show(args, data, f"deposited {amount}: balance of {args.username} is {balance}")


def cmd_staff_totp(args: argparse.Namespace) -> None:
    from smmpanel.staff import totp

    if args.remove:
        count = totp.remove(username=args.username)
        data = {"username": args.username, "removed": count}
        show(args, data, f"two-factor log-in off for {args.username} ({count} devices removed)")
    elif args.confirm:
        totp.confirm(username=args.username, token=args.confirm)
        data = {"username": args.username, "confirmed": True}
        show(args, data, f"two-factor log-in on for {args.username}")
    else:
        device = totp.enrol(username=args.username)
        data = {"username": args.username, "otpauth_uri": device.config_url}
        show(
            args,
            data,
            f"Add this to the authenticator app of {args.username} (or as a QR code):\n"
            f"{device.config_url}\n"
            f"then confirm: smmpanel staff totp {args.username} --confirm TOKEN",
        )


def add_commands(commands: argparse._SubParsersAction) -> None:
    """createadmin, user create, user deposit."""
    admin = commands.add_parser("createadmin", help="create or update an operator account")
    admin.add_argument("username")
    admin.add_argument("--password", required=True)
    admin.add_argument("--email", default="")
    admin.add_argument("--role", choices=["admin", "support"], default="admin")
    admin.add_argument("--json", action="store_true")
    admin.set_defaults(handler=cmd_createadmin)

    user = commands.add_parser("user", help="customer accounts").add_subparsers(
        dest="user_command", required=True
    )
    create = user.add_parser("create", help="create a customer and print its API key")
    create.add_argument("username")
    create.add_argument("--balance")
    create.add_argument("--password")
    create.add_argument("--email", default="")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_user_create)
    deposit = user.add_parser("deposit", help="add funds to a customer's balance")
    deposit.add_argument("username")
    deposit.add_argument("amount")
    deposit.add_argument("--reason", default="Deposit from the command line")
    deposit.add_argument("--json", action="store_true")
    deposit.set_defaults(handler=cmd_user_deposit)


def add_staff_commands(commands: argparse._SubParsersAction) -> None:
    """staff totp (registered last: `smmpanel --help` lists it last)."""
    staff = commands.add_parser("staff", help="operator accounts").add_subparsers(
        dest="staff_command", required=True
    )
    totp = staff.add_parser("totp", help="two-factor log-in (TOTP) of a staff user")
    totp.add_argument("username")
    action = totp.add_mutually_exclusive_group()
    action.add_argument("--confirm", metavar="TOKEN", help="confirm the new device with a token")
    action.add_argument("--remove", action="store_true", help="turn two-factor log-in off")
    totp.add_argument("--json", action="store_true")
    totp.set_defaults(handler=cmd_staff_totp)
