"""A real WebDAV server for tests: WsgiDAV on cheroot, on a free port of 127.0.0.1.

The documents plugin publishes to ``webdav://``; its tests, the site plugin's and the
runnable console examples of the docs all need a server that answers the way real ones
do (basic authentication, locks, properties). This starts one in a thread::

    with webdav_server({"/dav": folder}, "user", "secret") as (host, port):
        ...  # webdav://user@host:port/dav/

Needs ``wsgidav`` and ``cheroot`` (the test extras).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["webdav_server"]


@contextmanager
def webdav_server(
    mapping: Mapping[str, Path | Mapping[str, Any]], user: str, password: str
) -> Iterator[tuple[str, int]]:
    """Serve each share of ``mapping`` (path on the server → folder, or WsgiDAV's own
    ``{"root": folder, "readonly": True}``) to ``user``/``password`` by basic
    authentication; ``(host, port)`` while the block runs, stopped after it."""
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp  # type: ignore[import-untyped]

    config = {
        "host": "127.0.0.1",
        "port": 0,
        "provider_mapping": {
            share: str(root) if isinstance(root, Path) else dict(root)
            for share, root in mapping.items()
        },
        "http_authenticator": {
            "domain_controller": None,  # WsgiDAV's simple_dc below
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
        "verbose": 0,
        "logging": {"enable": False},
        "dir_browser": {"enable": False},
        "lock_storage": True,
        "property_manager": True,
    }
    server = wsgi.Server(("127.0.0.1", 0), WsgiDAVApp(config), numthreads=4)
    server.prepare()  # binds: the operating system picks a free port
    host, port = server.bind_addr[:2]
    thread = threading.Thread(target=server.serve, name="wsgidav", daemon=True)
    thread.start()
    try:
        yield str(host), int(port)
    finally:
        server.stop()
        thread.join(timeout=10)
