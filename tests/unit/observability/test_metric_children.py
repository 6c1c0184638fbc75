"""The metrics' children kept at hand for the request path: the same child `labels()` gives,
each label combination its own, and no more than the bound kept."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

from salonbook.observability.metrics import Children, Metrics


def _counter() -> Counter:
    return Counter("things", "things", ["kind", "outcome"], registry=CollectorRegistry())


def test_a_kept_child_is_the_metrics_own() -> None:
    counter = _counter()
    children = Children(counter)
    children("query", "ok").inc()
    children("query", "ok").inc()
    children("mutation", "ok").inc(5)
    assert counter.labels("query", "ok")._value.get() == 2
    assert counter.labels("mutation", "ok")._value.get() == 5
    assert children("query", "ok") is counter.labels("query", "ok")
    assert children("query", "NOT_FOUND") is not children("query", "ok")


def test_no_more_than_the_bound_is_kept_and_past_it_labels_answers() -> None:
    counter = _counter()
    children = Children(counter, most=3)
    for n in range(10):
        children("query", f"CODE_{n}").inc()
    assert len(children) == 3
    for n in range(10):  # every combination counted once, kept or not
        children("query", f"CODE_{n}").inc()
        assert counter.labels("query", f"CODE_{n}")._value.get() == 2


def test_the_request_path_counts_through_the_registrys_metrics() -> None:
    metrics = Metrics()
    metrics.requests_of("mutation", "ok").inc()
    metrics.request_duration_of("mutation").observe(0.01)
    metrics.mutation_results_of("transitionBooking", "TransitionBookingSuccess").inc()
    text = metrics.exposition().decode()
    assert 'salonbook_requests_total{operation_type="mutation",outcome="ok"} 1.0' in text
    assert 'salonbook_request_duration_seconds_count{operation_type="mutation"} 1.0' in text
    assert (
        'salonbook_mutation_results_total{mutation="transitionBooking",'
        'result="TransitionBookingSuccess"} 1.0'
    ) in text
