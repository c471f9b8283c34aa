"""The order the tests run in, so that two test processes finish together.

pytest-xdist's `--dist worksteal` hands each process an equal share of the
collected list, in order, and an idle process then takes half of what another
has not started. A long test started last keeps the run going alone; so the
long tests are dealt out so that the shares are about as long, and each share
runs its long tests first. Short tests keep their order (and so their module's
fixtures). Within a share, pytest-django's order holds: tests in a transaction
first, then tests that commit (whose tables are emptied after them), then tests
without the database. Without xdist, the long tests run first in that order.

The weights are seconds measured (`--durations`) in a loaded `make test` on the
2-core machine; they only need to tell long from short. A test not listed
counts by what it starts.
"""

import pytest

# Tests measured as the longest, by node id prefix.
LONG = {
    "tests/e2e/test_page_quality.py::test_every_page_passes_the_page_checks[shopper]": 115,
    "tests/e2e/test_page_quality.py::test_every_page_passes_the_page_checks[customer]": 95,
    "tests/e2e/test_page_quality.py::test_every_page_passes_the_page_checks[staff]": 75,
    "tests/e2e/test_page_quality.py::test_every_page_passes_the_page_checks[subscriber]": 55,
    "tests/e2e/test_page_quality.py": 20,
    "tests/shop/test_concurrency.py::test_twenty_shoppers_with_one": 110,
    "tests/shop/test_concurrency.py::test_twenty_shoppers_and_five": 35,
    "tests/newsletter/test_with_a_worker.py::test_a_newsletter_reaches": 80,
    "tests/blog/test_hostile_input.py": 50,
    "tests/reliability/test_email_faults.py::test_a_worker_holding": 20,
    "tests/security/test_login_lockout.py::test_forty_wrong_passwords": 15,
    "tests/shop/core/test_email_kinds.py::test_spamassassin": 15,
    "tests/shop/test_words.py::test_oscars_own_messages": 13,
    "tests/reliability/test_cache_outage.py::test_with_the_cache_down_pages": 12,
    "tests/shop/test_settings.py::test_production_settings_pass": 11,
    "tests/shop/test_security_headers.py::test_production_serves": 10,
}
# Otherwise, what a test starts tells roughly how long it takes.
BY_FIXTURE = {
    "celery_worker_factory": 8,
    "browser": 8,
    "live_server": 4,
    "celery_worker": 3,
    "stripe_api": 2,
    "transactional_db": 1,
}


def weight(item) -> float:
    for prefix, seconds in LONG.items():
        if item.nodeid.startswith(prefix):
            return seconds
    return max((BY_FIXTURE.get(name, 0) for name in item.fixturenames), default=0)


def shares(count: int, processes: int) -> list[int]:
    """How many tests each process is handed first (as worksteal splits them)."""
    sizes, left = [], count
    for remaining in range(processes, 0, -1):
        sizes.append(left // remaining)
        left -= sizes[-1]
    return sizes


def tier(item) -> int:
    """pytest-django's order: 0 in a transaction, 1 committing, 2 no database."""
    marker = item.get_closest_marker("django_db")
    names = item.fixturenames
    kwargs = marker.kwargs if marker else {}
    committing = kwargs.get("transaction") or kwargs.get("reset_sequences")
    if committing or "transactional_db" in names or "live_server" in names:
        return 1
    return 0 if marker or "db" in names else 2


def deal(items: list, processes: int) -> list:
    """The tests that start something dealt out (longest first, to the lightest
    share), each share filled up with the others in their order, then put in
    pytest-django's order with its long tests first."""
    position = {id(item): n for n, item in enumerate(items)}
    long = sorted((i for i in items if weight(i)), key=weight, reverse=True)
    short = [i for i in items if not weight(i)]
    sizes = shares(len(items), processes)
    piles: list[list] = [[] for _ in sizes]
    loads = [0.0] * len(sizes)
    for item in long:
        n = min((n for n in range(len(sizes)) if len(piles[n]) < sizes[n]), key=loads.__getitem__)
        piles[n].append(item)
        loads[n] += weight(item)
    for n, size in enumerate(sizes):
        take = size - len(piles[n])
        piles[n], short = piles[n] + short[:take], short[take:]
    return [
        item
        for pile in piles
        for item in sorted(
            pile,
            key=lambda i: (tier(i), (0, -weight(i)) if weight(i) >= 10 else (1, position[id(i)])),
        )
    ]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    workerinput = getattr(config, "workerinput", None)
    processes = int(workerinput["workercount"]) if workerinput else 1
    items[:] = deal(items, processes)
