"""`make run`'s own services listen on loopback only."""

import re
from pathlib import Path

from tests.conftest import ROOT, free_port
from tests.support.payments import localstripe


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on `port` (from /proc)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_localstripe_listens_on_loopback_only():
    port = free_port()
    with localstripe(port):
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_the_procfile_binds_its_servers_to_loopback():
    procfile = (ROOT / "Procfile").read_text()
    assert re.search(r"^web: gunicorn .*--bind \$\{HOST:-127\.0\.0\.1\}:", procfile, re.M)
    assert re.search(r"^payments: python -m shop\.localstripe ", procfile, re.M)
