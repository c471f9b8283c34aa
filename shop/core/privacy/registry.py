"""Where each app says how to export, erase and age out the personal data it keeps.

An app registers a `Keeper` in its AppConfig.ready(); privacy calls them in turn
without knowing the app's models. Every function takes the normalised address
(shop.core.mailbox.mailbox) a person is known by.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

# exporter(mailbox) -> records (JSON-able dicts) tied to that address
Exporter = Callable[[str], list[dict]]
# eraser(mailbox, remove_text=...) -> what was done, in words without the erased data
Eraser = Callable[..., list[str]]
# retention(now) -> what was done; clears what has been kept long enough
Retention = Callable[[datetime], list[str]]


@dataclass(frozen=True)
class Keeper:
    name: str
    exporter: Exporter | None = None
    eraser: Eraser | None = None
    retention: Retention | None = None


_keepers: dict[str, Keeper] = {}


def register(name: str, *, exporter=None, eraser=None, retention=None) -> None:
    """Register (or replace: ready() may run twice in tests) an app's part, by name.
    Erasers run in registration order."""
    _keepers[name] = Keeper(name, exporter, eraser, retention)


def keepers() -> list[Keeper]:
    return list(_keepers.values())
