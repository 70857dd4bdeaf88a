"""HTTP(S) GETs that end by a time limit, whatever the server does.

urllib's `timeout` bounds each socket operation, not the exchange: a server (or a proxy in front of it) that sends
its headers at once and then a byte every few hundred milliseconds keeps every read within it, and so keeps the
caller waiting as long as it likes. Here one timer ends every connection of a fetch, redirects included, when the
fetch's time is up: shutting a socket down wakes a read blocked on it in another thread. Each connect gets no more
than the time left. Name resolution is the one step no timer can interrupt.

Every https connection shares one TLS context per trust store: building one loads the system's CA bundle (~30 ms),
which would otherwise be paid on each key fetch, inside the first token-bearing request's deadline.
"""

from __future__ import annotations

import functools
import http.client
import os
import socket
import ssl
import threading
import time
import urllib.request
from functools import partial
from types import TracebackType
from typing import Any


class FetchTimeLimit:
    """The end of one fetch: `passed` once its time is up, when every socket it watches has been shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends_at = time.monotonic() + seconds
        self.passed = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(seconds, 0.0), self._end)
        self._timer.daemon = True

    def __enter__(self) -> FetchTimeLimit:
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._timer.cancel()

    @property
    def over(self) -> bool:
        """Whether the fetch's time is up: its timer has fired, or a socket timeout of the same length ran out a
        moment before it (a TLS handshake's, say)."""
        return self.passed or time.monotonic() >= self.ends_at

    def connect_timeout(self, timeout: float | None) -> float:
        """The time a connect may take: what is left of the fetch, or less when the caller asked for less."""
        left = self.ends_at - time.monotonic()
        if left <= 0:
            raise TimeoutError("no time left to connect")
        return left if timeout is None else min(timeout, left)

    def watch(self, connection: socket.socket) -> None:
        with self._lock:
            self._sockets.append(connection)
            if not self.passed:
                return
        _shut_down(connection)

    def _end(self) -> None:
        with self._lock:
            self.passed = True
            watched = list(self._sockets)
        for connection in watched:
            _shut_down(connection)


def _shut_down(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass  # closed already, or never connected: nothing left to wake


def default_tls() -> ssl.SSLContext:
    """The default TLS context (certificates and host names verified), built once per process for the trust store
    that `SSL_CERT_FILE` and `SSL_CERT_DIR` name now, as `ssl.create_default_context` reads them when it builds one."""
    return _tls_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _tls_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # The arguments are the cache's key only: OpenSSL reads the same variables itself. A context is safe to share
    # between threads, and nothing changes it after this.
    return ssl.create_default_context()


class _LimitedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *arguments: Any, time_limit: FetchTimeLimit, **options: Any) -> None:
        super().__init__(*arguments, **options)
        self._time_limit = time_limit

    def connect(self) -> None:
        self.timeout = self._time_limit.connect_timeout(self.timeout)
        super().connect()
        self._time_limit.watch(self.sock)


class LimitedHTTPSConnection(http.client.HTTPSConnection):
    """An https connection that ends when `time_limit` passes; to `address` when one is given (an address already
    checked, so that a second DNS answer cannot send it elsewhere), verifying the certificate of the host named."""

    def __init__(
        self,
        *arguments: Any,
        time_limit: FetchTimeLimit,
        tls: ssl.SSLContext,
        address: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(*arguments, context=tls, **options)
        self._time_limit = time_limit
        self._tls = tls
        self._address = address

    def connect(self) -> None:
        # As HTTPSConnection.connect, but with the TLS handshake after the socket is watched: a server that drips
        # its certificate is held to the same limit as one that drips its body.
        self.timeout = self._time_limit.connect_timeout(self.timeout)
        if self._address is None:
            http.client.HTTPConnection.connect(self)
        else:
            self.sock = socket.create_connection((self._address, self.port), self.timeout)
        server_hostname = getattr(self, "_tunnel_host", None) or self.host
        self.sock = self._tls.wrap_socket(self.sock, server_hostname=server_hostname, do_handshake_on_connect=False)
        self._time_limit.watch(self.sock)
        self.sock.do_handshake()


class _LimitedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, time_limit: FetchTimeLimit) -> None:
        super().__init__()
        self._time_limit = time_limit

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_LimitedHTTPConnection, time_limit=self._time_limit), req)


class _LimitedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, time_limit: FetchTimeLimit) -> None:
        self._tls = default_tls()
        # Given the context, the handler builds none of its own (Python 3.12 would build one per handler).
        super().__init__(context=self._tls)
        self._time_limit = time_limit

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = partial(LimitedHTTPSConnection, time_limit=self._time_limit, tls=self._tls)
        return self.do_open(connection, req)


def limited_opener(time_limit: FetchTimeLimit, *handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    """An opener (with `handlers` too, a redirect policy say) whose every connection ends when `time_limit` passes."""
    return urllib.request.build_opener(*handlers, _LimitedHTTPHandler(time_limit), _LimitedHTTPSHandler(time_limit))
