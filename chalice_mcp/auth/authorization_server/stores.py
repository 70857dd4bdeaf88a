"""Where the authorization server keeps what must be shared by every container and used at most once: registered
clients, authorization codes and refresh tokens. One DynamoDB table with a TTL attribute (MCP_OAUTH_TABLE) in AWS;
a sqlite file under `chalice local` (MCP_OAUTH_STORE_PATH, else one per public URL in the temp directory), which two
processes on one machine share.

Codes and refresh tokens are stored under the SHA-256 of their value, never the value: whoever reads the table
cannot use what is in it. `take` reads and deletes in one step, so a code or refresh token is used once even when
two requests race.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from typing import Any, Protocol

# DynamoDB deletes expired items within days, not at once: every read checks the expiry itself.
EXPIRES_ATTRIBUTE = "expires_at"


class StoreUnavailable(RuntimeError):
    """The store could not be read or written; the message names the operation, never a value."""


class GrantStore(Protocol):
    def put(self, kind: str, key: str, record: dict[str, Any], lifetime_seconds: int | None) -> None: ...

    def get(self, kind: str, key: str) -> dict[str, Any] | None: ...

    def take(self, kind: str, key: str) -> dict[str, Any] | None:
        """The record, deleted in the same step; None when it is not there (or already taken)."""
        ...

    def delete(self, kind: str, key: str) -> None: ...


def hashed(secret_value: str) -> str:
    """The store key of a code or token: its SHA-256, hex."""
    return hashlib.sha256(secret_value.encode()).hexdigest()


def _expires_at(lifetime_seconds: int | None) -> int | None:
    return int(time.time()) + lifetime_seconds if lifetime_seconds is not None else None


def _live(expires_at: Any) -> bool:
    return expires_at is None or int(expires_at) > time.time()


class SqliteGrantStore:
    """The embedded store: one sqlite file, safe for threads and for processes on one machine."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        with self._connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS grants (kind TEXT, key TEXT, record TEXT, expires_at INTEGER, "
                "PRIMARY KEY (kind, key))"
            )

    def _connection(self) -> sqlite3.Connection:
        # A connection per call: sqlite's own file locks then order the writers of both processes.
        return sqlite3.connect(self.path, timeout=5.0, isolation_level=None)

    def put(self, kind: str, key: str, record: dict[str, Any], lifetime_seconds: int | None) -> None:
        with self._lock, self._connection() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO grants VALUES (?, ?, ?, ?)",
                (kind, key, json.dumps(record), _expires_at(lifetime_seconds)),
            )

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        with self._lock, self._connection() as connection:
            row = connection.execute(
                "SELECT record, expires_at FROM grants WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        return json.loads(row[0]) if row is not None and _live(row[1]) else None

    def take(self, kind: str, key: str) -> dict[str, Any] | None:
        with self._lock, self._connection() as connection:
            row = connection.execute(
                "DELETE FROM grants WHERE kind = ? AND key = ? RETURNING record, expires_at", (kind, key)
            ).fetchone()
        return json.loads(row[0]) if row is not None and _live(row[1]) else None

    def delete(self, kind: str, key: str) -> None:
        with self._lock, self._connection() as connection:
            connection.execute("DELETE FROM grants WHERE kind = ? AND key = ?", (kind, key))


class DynamoDBGrantStore:
    """One table: partition key `pk` (`<kind>#<key>`), the record as a JSON string, `expires_at` as its TTL."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # type: ignore[import-untyped]  # in the Lambda runtime; loaded at the first grant

            self._client = boto3.client("dynamodb")
        return self._client

    def _call(self, operation: str, **arguments: Any) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = getattr(self.client, operation)(TableName=self.table_name, **arguments)
        except Exception as error:
            # botocore's errors name the table and the operation; no value of a grant is in them.
            raise StoreUnavailable(
                f"DynamoDB {operation} on {self.table_name} failed: {type(error).__name__}"
            ) from None
        return answer

    def put(self, kind: str, key: str, record: dict[str, Any], lifetime_seconds: int | None) -> None:
        item = {"pk": {"S": f"{kind}#{key}"}, "record": {"S": json.dumps(record)}}
        if (expires_at := _expires_at(lifetime_seconds)) is not None:
            item[EXPIRES_ATTRIBUTE] = {"N": str(expires_at)}
        self._call("put_item", Item=item)

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        answer = self._call("get_item", Key={"pk": {"S": f"{kind}#{key}"}}, ConsistentRead=True)
        return _record(answer.get("Item"))

    def take(self, kind: str, key: str) -> dict[str, Any] | None:
        answer = self._call("delete_item", Key={"pk": {"S": f"{kind}#{key}"}}, ReturnValues="ALL_OLD")
        return _record(answer.get("Attributes"))

    def delete(self, kind: str, key: str) -> None:
        self._call("delete_item", Key={"pk": {"S": f"{kind}#{key}"}})


def _record(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if not item:
        return None
    expires_at = item.get(EXPIRES_ATTRIBUTE, {}).get("N")
    if not _live(expires_at):
        return None
    record: dict[str, Any] = json.loads(item["record"]["S"])
    return record


def default_store_path(public_url: str) -> str:
    """The sqlite file of a `chalice local` server: one per public URL, so two processes serving one URL share it."""
    name = hashlib.sha256(public_url.encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"chalice-mcp-oauth-{name}.sqlite3")


def grant_store(table: str | None, store_path: str | None, public_url: str) -> GrantStore:
    if table is not None:
        return DynamoDBGrantStore(table)
    return SqliteGrantStore(store_path or default_store_path(public_url))
