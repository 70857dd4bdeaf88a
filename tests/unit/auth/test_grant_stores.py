"""The stores of clients, codes and refresh tokens: the embedded sqlite one and DynamoDB (moto). A record taken is
gone, even for a second taker; an expired one is not there."""

from __future__ import annotations

import threading
import time

import boto3
import pytest
from moto import mock_aws

from chalice_mcp.auth.authorization_server.stores import DynamoDBGrantStore, SqliteGrantStore, hashed


@pytest.fixture
def dynamodb_store(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="grants",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield DynamoDBGrantStore("grants", client)


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteGrantStore(str(tmp_path / "grants.sqlite3"))
    return request.getfixturevalue("dynamodb_store")


def test_a_record_is_read_until_it_is_taken_and_then_gone(store):
    store.put("code", hashed("abc"), {"client_id": "c"}, 60)
    assert store.get("code", hashed("abc")) == {"client_id": "c"}
    assert store.take("code", hashed("abc")) == {"client_id": "c"}
    assert store.take("code", hashed("abc")) is None
    assert store.get("code", hashed("abc")) is None


def test_an_expired_record_is_not_there(store, monkeypatch):
    store.put("code", hashed("abc"), {"client_id": "c"}, 60)
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert store.get("code", hashed("abc")) is None
    assert store.take("code", hashed("abc")) is None


def test_kinds_do_not_mix(store):
    store.put("code", "k", {"a": 1}, None)
    assert store.get("refresh", "k") is None


def test_the_store_keeps_the_hash_of_a_code_never_the_code(tmp_path):
    store = SqliteGrantStore(str(tmp_path / "grants.sqlite3"))
    store.put("code", hashed("the-code-itself"), {"client_id": "c"}, 60)
    assert b"the-code-itself" not in (tmp_path / "grants.sqlite3").read_bytes()


def test_two_stores_on_one_file_take_a_code_once_between_them(tmp_path):
    path = str(tmp_path / "grants.sqlite3")
    first, second = SqliteGrantStore(path), SqliteGrantStore(path)
    first.put("code", "k", {"n": 1}, 60)
    taken: list[object] = []
    threads = [threading.Thread(target=lambda s=s: taken.append(s.take("code", "k"))) for s in (first, second) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(taken, key=str) == [None] * 7 + [{"n": 1}]
