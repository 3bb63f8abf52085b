"""`python -m smmpanel.client.testing [--seed NAME] [--port P] [--key K] [--dripfeed-only]
[--slow SECONDS]`: a fake panel."""

import argparse
import threading

from . import SEED_PANELS, FakeUpstream, UpstreamDialect


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake API v2 panel for tests.")
    parser.add_argument("--seed", choices=sorted(SEED_PANELS), help="a seed panel's dialect")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="upstream-test-key")
    parser.add_argument(
        "--dripfeed-only",
        action="store_true",
        help="drip-feed services refuse an order without runs, as some panels do",
    )
    parser.add_argument(
        "--slow", type=float, metavar="SECONDS", help="answer each order SECONDS after placing it"
    )
    args = parser.parse_args()
    dialect = SEED_PANELS[args.seed] if args.seed else UpstreamDialect()
    if args.dripfeed_only:
        dialect = dialect.with_(plain_dripfeed=False)
    upstream = FakeUpstream(dialect, key=args.key)
    if args.slow:
        upstream.fail("slow", actions="add", delay=args.slow)
    upstream.start(port=args.port)
    print(f"{upstream.url} key={upstream.key}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        upstream.stop()


if __name__ == "__main__":
    main()
