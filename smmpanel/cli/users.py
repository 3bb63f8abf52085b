"""People: operator accounts (createadmin, staff totp) and customer accounts (user)."""

import argparse

from smmpanel.cli.output import format_money, parse_money, show


def cmd_createadmin(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.staff.operators import save_operator

    user, created = save_operator(
        username=args.username,
        role=args.role,
        password=args.password,
        email=args.email,
        acting_user=Actor.cli(),
    )
    verb = "created" if created else "updated"
    show(
        args,
        {"username": user.username, "created": created, "role": args.role},
        f"{args.role} {user.username} {verb}",
    )


def cmd_user_create(args: argparse.Namespace) -> None:
    from smmpanel.accounts.actions import create_customer
    from smmpanel.audit.log import Actor

    balance = parse_money(args.balance) if args.balance is not None else None
    account, key = create_customer(
        username=args.username,
        password=args.password,
        email=args.email,
        balance=balance,
        acting_user=Actor.cli(),
    )
    data = {
        "username": account.user.username,
        "api_key": key,
        "balance": format_money(account.balance),
    }
    show(args, data, f"user {account.user.username} created\nAPI key: {key}")


def cmd_user_deposit(args: argparse.Namespace) -> None:
    from smmpanel.accounts.actions import deposit_funds
    from smmpanel.accounts.registration import account_for_username
    from smmpanel.audit.log import Actor

    account = account_for_username(args.username)
    entry = deposit_funds(
        account_id=account.pk,
        amount=parse_money(args.amount),
        reason=args.reason,
        acting_user=Actor.cli(),
    )
    amount, balance = format_money(entry.amount), format_money(entry.balance_after)
    data = {"username": args.username, "amount": amount, "balance": balance}
    show(args, data, f"deposited {amount}: balance of {args.username} is {balance}")


def cmd_user_webhook(args: argparse.Namespace) -> None:
    from smmpanel.accounts.registration import account_for_username
    from smmpanel.audit.log import Actor
    from smmpanel.webhooks import actions

    account = account_for_username(args.username)
    if args.off:
        removed = actions.remove_webhook(account=account, acting_user=Actor.cli())
        text = "webhook removed" if removed else "no webhook to remove"
        show(args, {"removed": removed}, f"{text} for {args.username}")
        return
    if args.rotate:
        webhook, secret = actions.rotate_webhook_secret(account=account, acting_user=Actor.cli())
    else:
        webhook, secret = actions.set_webhook(
            account=account, url=args.url, acting_user=Actor.cli()
        )
    show(
        args,
        {"url": webhook.url, "secret": secret},
        f"events of {args.username} go to {webhook.url}\nsecret (shown once): {secret}",
    )


def cmd_staff_totp(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.staff import totp

    acting_user = Actor.cli()
    if args.remove:
        count = totp.remove(username=args.username, acting_user=acting_user)
        data = {"username": args.username, "removed": count}
        show(args, data, f"two-factor log-in off for {args.username} ({count} devices removed)")
    elif args.confirm:
        totp.confirm(username=args.username, token=args.confirm, acting_user=acting_user)
        data = {"username": args.username, "confirmed": True}
        show(args, data, f"two-factor log-in on for {args.username}")
    else:
        device = totp.enrol(username=args.username, acting_user=acting_user)
        data = {"username": args.username, "otpauth_uri": device.config_url}
        show(
            args,
            data,
            f"Add this to the authenticator app of {args.username} (or as a QR code):\n"
            f"{device.config_url}\n"
            f"then confirm: smmpanel staff totp {args.username} --confirm TOKEN",
        )


def cmd_staff_apikey(args: argparse.Namespace) -> None:
    from smmpanel.adminapi.keys import issue_staff_key, staff_user_named
    from smmpanel.audit.log import Actor

    user = staff_user_named(args.username)
    _, key = issue_staff_key(user_id=user.pk, acting_user=Actor.cli())
    show(args, {"api_key": key}, key)


def add_commands(commands: argparse._SubParsersAction) -> None:
    """createadmin, user create, user deposit, user webhook."""
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
    webhook = user.add_parser(
        "webhook", help="set (new secret), rotate the secret of, or remove a customer's webhook"
    )
    webhook.add_argument("username")
    what = webhook.add_mutually_exclusive_group(required=True)
    what.add_argument("--url", help="send the customer's events here, signed with a new secret")
    what.add_argument("--rotate", action="store_true", help="a new secret for the same URL")
    what.add_argument("--off", action="store_true", help="remove the webhook and its events")
    webhook.add_argument("--json", action="store_true")
    webhook.set_defaults(handler=cmd_user_webhook)


def add_staff_commands(commands: argparse._SubParsersAction) -> None:
    """staff totp, staff apikey (registered last: `smmpanel --help` lists it last)."""
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
    apikey = staff.add_parser(
        "apikey", help="issue the Admin API key of a staff user (replacing the old one)"
    )
    apikey.add_argument("username")
    apikey.add_argument("--json", action="store_true")
    apikey.set_defaults(handler=cmd_staff_apikey)
