"""Reading `/metrics` in tests: the samples of Prometheus' text format, parsed by its library."""

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample, by (name, labels)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value; 0 when absent (a label set not counted yet)."""
    return samples(text).get((name, frozenset(labels.items())), 0.0)
