"""Reading /metrics as Prometheus would, and comparing two readings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

Labels = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Reading:
    families: frozenset[str]
    samples: dict[tuple[str, Labels], float]

    def value(self, name: str, **labels: str) -> float:
        """A sample's value; 0 for a labelled series not seen yet."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def moved(self, before: Reading, name: str) -> dict[Labels, float]:
        """The series of `name` whose value changed since `before`, and by how much."""
        keys = {key for key in self.samples | before.samples if key[0] == name}
        changes = {
            key[1]: self.samples.get(key, 0.0) - before.samples.get(key, 0.0) for key in keys
        }
        return {labels: change for labels, change in changes.items() if change}


def labels(**given: str) -> Labels:
    return frozenset(given.items())


async def scrape(http: httpx.AsyncClient, base: str = "") -> Reading:
    response = await http.get(f"{base}/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    families = set()
    samples = {}
    for family in text_string_to_metric_families(response.text):
        families.add(family.name)
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return Reading(frozenset(families), samples)


async def scrape_until(
    http: httpx.AsyncClient, done: Callable[[Reading], bool], *, within: float = 5.0
) -> Reading:
    """Scrape until the reading satisfies `done` (server-side work a client cannot await)."""
    async with asyncio.timeout(within):
        while True:
            reading = await scrape(http)
            if done(reading):
                return reading
            await asyncio.sleep(0.02)
