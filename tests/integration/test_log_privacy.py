"""No tool argument value and no access token ever reaches a log: not the request log, not the SDK's loggers, not
stdout or stderr."""

from __future__ import annotations

import hashlib
import hmac
import logging

from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE
from tests.support.jsonrpc import request_body
from tests.support.oauth_service import AUDIENCE, ISSUER, ISSUER_KEY, REQUIRED_SCOPE, SUBJECT_HASH_KEY, oauth_authorizer
from tests.support.observed_service import observed_service
from tests.support.signing_keys import claims_for, tampered

HANDSHAKE = {"mcp-protocol-version": "2025-11-25"}


def distinctive(arguments: dict) -> tuple[dict, list[str]]:
    """The same call with every number nudged to a value no log field could hold by chance."""
    changed, markers = {}, []
    for name, value in arguments.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and name != "reps":
            value = round(value + 0.0137, 4)
            markers.append(str(value))
        changed[name] = value
    return changed, markers


def test_calling_every_tool_and_failing_some_leaves_no_argument_value_in_any_log(capfd, caplog):
    service = observed_service()
    markers: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for tool in TOOL_CATALOGUE:
            name = tool.name
            valid, valid_markers = distinctive(dict(tool.example.arguments))
            markers += valid_markers
            service.post(request_body("tools/call", {"name": name, "arguments": valid}), HANDSHAKE)
            # Out of range: the tool error quotes the value back to the caller, but never to the log.
            invalid = {**valid, next(iter(valid)): 987654.321}
            service.post(request_body("tools/call", {"name": name, "arguments": invalid}), HANDSHAKE)
    markers.append("987654.321")
    captured = capfd.readouterr()
    everything = "\n".join(
        [service.logs.getvalue(), service.metrics.getvalue(), captured.out, captured.err, caplog.text]
    )
    assert len(service.log_lines()) == 2 * len(TOOL_CATALOGUE)
    leaked = [marker for marker in markers if marker in everything]
    assert leaked == []


def test_with_oauth_neither_the_token_nor_the_subject_nor_any_argument_reaches_a_log(capfd, caplog):
    service = observed_service(authorizer=oauth_authorizer())
    subject = "athlete-7f3e9c21"
    token = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=REQUIRED_SCOPE, sub=subject))
    refused = [tampered(token, sub="intruder-5d1a"), ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope="profile"))]
    markers: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for tool in TOOL_CATALOGUE:
            name = tool.name
            valid, valid_markers = distinctive(dict(tool.example.arguments))
            markers += valid_markers
            body = request_body("tools/call", {"name": name, "arguments": valid})
            reply = service.post(body, {**HANDSHAKE, "authorization": f"Bearer {token}"})
            assert reply.status == 200
        for bad_token in refused:
            assert service.post(
                request_body("tools/list"), {**HANDSHAKE, "authorization": f"Bearer {bad_token}"}
            ).status in (401, 403)
    captured = capfd.readouterr()
    everything = "\n".join(
        [service.logs.getvalue(), service.metrics.getvalue(), captured.out, captured.err, caplog.text]
    )
    lines = service.log_lines()
    assert len(lines) == len(TOOL_CATALOGUE) + len(refused)
    # The request log names who called only by a hash of issuer and subject.
    assert all(line.get("subject_hash") for line in lines[: len(TOOL_CATALOGUE)])
    secrets = [subject, "intruder-5d1a"] + [part for each in (token, *refused) for part in each.split(".")]
    leaked = [secret for secret in markers + secrets if secret in everything]
    assert leaked == []


def subject_hash_logged_by(subject_hash_key: str, subject: str) -> str:
    service = observed_service(authorizer=oauth_authorizer(), subject_hash_key=subject_hash_key)
    token = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=REQUIRED_SCOPE, sub=subject))
    assert service.post(request_body("tools/list"), {**HANDSHAKE, "authorization": f"Bearer {token}"}).status == 200
    (line,) = service.log_lines()
    return line["subject_hash"]


def test_the_subject_hash_is_keyed_by_the_deployments_secret_so_a_dictionary_of_subjects_cannot_reverse_it():
    # Before: an unkeyed SHA-256 of issuer and subject, which anyone with the logs could compute for guessed emails.
    subject = "runner@example.com"
    logged = subject_hash_logged_by(SUBJECT_HASH_KEY, subject)
    assert logged != hashlib.sha256(f"{ISSUER}\x00{subject}".encode()).hexdigest()[:16]
    keyed = hmac.new(SUBJECT_HASH_KEY.encode(), f"{ISSUER}\x00{subject}".encode(), hashlib.sha256)
    assert logged == keyed.hexdigest()[:16]
    assert subject_hash_logged_by(SUBJECT_HASH_KEY, subject) == logged
    assert subject_hash_logged_by("another-deployment-" * 2, subject) != logged
