"""The metrics each process counts itself: API requests and provider calls.

In the processes of `smmpanel serve` they live in files of PROMETHEUS_MULTIPROC_DIR (set by
`serve`), which `/metrics` adds up (prometheus_client's multi-process mode). The API's is
observed on every request: a label set's child is resolved once and kept (`_api_children`).
"""

from prometheus_client import Histogram
from prometheus_client.metrics import MetricWrapperBase

# An API request takes milliseconds; a provider call up to its timeout (30 s by default).
API_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
PROVIDER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

API_REQUESTS = Histogram(
    "smmpanel_api_request_seconds",
    "API v2 requests by action and outcome, and how long they took.",
    ["action", "outcome"],
    buckets=API_BUCKETS,
)
PROVIDER_CALLS = Histogram(
    "smmpanel_provider_call_seconds",
    "HTTP calls to upstream providers by provider, action and outcome, and how long they took.",
    ["provider", "action", "outcome"],
    buckets=PROVIDER_BUCKETS,
)

# API outcomes: a reply, the protocol's `{"error": …}`, refused by a rate limit, failed (500).
OK, ERROR, RATE_LIMITED, FAILED = "ok", "error", "rate_limited", "failed"
# The label of an action the API does not know (the client chooses the text: not a label).
OTHER = "other"

_api_children: dict[tuple[str, str], MetricWrapperBase] = {}


def _api_child(action: str, outcome: str, known: frozenset[str]) -> MetricWrapperBase:
    label = action if action in known else OTHER
    child = API_REQUESTS.labels(label, outcome)
    if label == action:  # kept only for known actions: unknown ones can't fill the dict
        _api_children[action, outcome] = child
    return child


def observe_api_request(action: str, outcome: str, seconds: float, known: frozenset[str]) -> None:
    """Count one API request of `action` (a name of `known`, else "other")."""
    child = _api_children.get((action, outcome)) or _api_child(action, outcome, known)
    child.observe(seconds)  # type: ignore[attr-defined]
