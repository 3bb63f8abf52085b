"""`python -m smmpanel.client.testing [--seed NAME] [--port P] [--key K]`: a fake panel."""

import argparse
import threading

from . import SEED_PANELS, FakeUpstream, UpstreamDialect


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake API v2 panel for tests.")
    parser.add_argument("--seed", choices=sorted(SEED_PANELS), help="a seed panel's dialect")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="upstream-test-key")
    args = parser.parse_args()
    upstream = FakeUpstream(
        SEED_PANELS[args.seed] if args.seed else UpstreamDialect(), key=args.key
    )
    upstream.start(port=args.port)
    print(f"{upstream.url} key={upstream.key}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        upstream.stop()


if __name__ == "__main__":
    main()
