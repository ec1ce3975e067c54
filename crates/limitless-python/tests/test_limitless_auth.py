"""limitless_auth against Python's own hmac, over the signing vectors and random cases."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import pathlib
import random

import pytest

from limitless_auth import DEFAULT_MAX_SKEW_MS, Signer, VerificationError, Verifier, canonical_message

VECTORS = pathlib.Path(
    os.environ.get(
        "LIMITLESS_VECTORS",
        pathlib.Path(__file__).resolve().parents[1].parent / "limitless-auth" / "tests" / "vectors" / "hmac.json",
    )
)


def reference_signature(secret: str, canonical: bytes) -> str:
    """The signature computed with nothing but the standard library."""
    key = base64.b64decode(secret, validate=True)
    return base64.b64encode(hmac.new(key, canonical, hashlib.sha256).digest()).decode()


def reference_canonical(timestamp: str, method: str, path: str, body: bytes) -> bytes:
    return f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body


def reference_timestamp(millis: int) -> str:
    at = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=millis)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load_cases():
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 7
    return cases


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: c["name"])
def test_vector(case):
    body = case["body"].encode()
    assert canonical_message(case["timestamp"], case["method"], case["path"], body) == case["canonical"]
    assert reference_signature(case["secret"], case["canonical"].encode()) == case["signature"]

    headers = Signer("tok_py", case["secret"]).sign(case["method"], case["path"], body, timestamp=case["timestamp"])
    assert headers == {
        "lmts-api-key": "tok_py",
        "lmts-timestamp": case["timestamp"],
        "lmts-signature": case["signature"],
    }
    verifier = Verifier({"tok_py": case["secret"]})
    assert verifier.verify(headers, case["method"], case["path"], body, now=case["timestamp"]) == "tok_py"


def test_random_requests_match_the_standard_library():
    rng = random.Random(20261122)
    methods = ["GET", "post", "Delete", "PATCH", "put"]
    path_chars = "abcxyz0129-_.~/%?=&+:@"
    for _ in range(500):
        secret = base64.b64encode(rng.randbytes(rng.randint(1, 80))).decode()
        method = rng.choice(methods)
        path = "/" + "".join(rng.choice(path_chars) for _ in range(rng.randint(0, 60)))
        body = rng.randbytes(rng.randint(0, 300))
        millis = rng.randint(0, 4_102_444_800_000)  # up to 2100-01-01
        timestamp = reference_timestamp(millis)

        headers = Signer("tok_rand", secret).sign(method, path, body, timestamp=millis)

        assert headers["lmts-timestamp"] == timestamp
        expected = reference_signature(secret, reference_canonical(timestamp, method, path, body))
        assert headers["lmts-signature"] == expected, (method, path)
        if body.isascii():
            assert canonical_message(timestamp, method, path, body) == reference_canonical(
                timestamp, method, path, body
            ).decode()
        assert Verifier({"tok_rand": secret}).verify(headers, method, path, body, now=millis + 29_999) == "tok_rand"


def test_str_body_is_utf8_and_no_body_is_empty():
    signer = Signer("tok", "c2VjcmV0")
    ts = "2026-11-22T00:00:00.000Z"
    assert signer.sign("POST", "/x", "usér ✓", timestamp=ts) == signer.sign("POST", "/x", "usér ✓".encode(), timestamp=ts)
    assert signer.sign("GET", "/x", timestamp=ts) == signer.sign("GET", "/x", b"", timestamp=ts)
    with pytest.raises(TypeError):
        signer.sign("POST", "/x", 42, timestamp=ts)


def test_without_a_timestamp_the_current_time_is_signed():
    before = reference_timestamp(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000 // 1)
    headers = Signer("tok", "c2VjcmV0").sign("GET", "/x")
    after = reference_timestamp(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000 // 1 + 1)
    assert before <= headers["lmts-timestamp"] <= after
    assert Verifier({"tok": "c2VjcmV0"}).verify(headers, "GET", "/x") == "tok"


def verify_error(verifier, headers, **overrides):
    args = {"method": "POST", "path_and_query": "/orders", "body": b"{}", "now": "2026-11-22T00:00:00.000Z"}
    args.update(overrides)
    with pytest.raises(VerificationError) as raised:
        verifier.verify(headers, **args)
    assert isinstance(raised.value, ValueError)
    return raised.value


def test_verifier_rejections_have_kinds():
    at = 1_795_305_600_000  # 2026-11-22T00:00:00.000Z
    assert reference_timestamp(at) == "2026-11-22T00:00:00.000Z"
    secret = "c2VjcmV0"
    verifier = Verifier({"tok": secret})
    headers = Signer("tok", secret).sign("POST", "/orders", b"{}", timestamp="2026-11-22T00:00:00.000Z")

    upper = {name.upper(): value for name, value in headers.items()}
    assert verifier.verify(upper, "POST", "/orders", b"{}", now="2026-11-22T00:00:00.000Z") == "tok"
    assert verify_error(verifier, headers, body=b"{ }").kind == "bad_signature"
    assert verify_error(verifier, headers, path_and_query="/orders?x=1").kind == "bad_signature"
    assert verify_error(verifier, headers, now=at + DEFAULT_MAX_SKEW_MS + 1).kind == "outside_window"
    assert verifier.verify(headers, "POST", "/orders", b"{}", now=at + DEFAULT_MAX_SKEW_MS) == "tok"
    assert verify_error(verifier, {**headers, "lmts-api-key": "other"}).kind == "unknown_token"
    assert verify_error(verifier, {k: v for k, v in headers.items() if k != "lmts-signature"}).kind == "missing_header"
    assert verify_error(verifier, {**headers, "lmts-timestamp": "2026-11-22"}).kind == "malformed_timestamp"
    assert verify_error(Verifier({"tok": secret}, max_skew_ms=0), headers, now=1_763_769_600_001).kind == "outside_window"


def test_secrets_stay_out_of_reprs_and_errors():
    secret = "c3VwZXItc2VjcmV0LWtleQ=="
    assert repr(Signer("tok_repr", secret)) == "Signer(token_id='tok_repr')"
    assert secret not in repr(Verifier({"tok_repr": secret}))
    broken = secret[:12] + "*" + secret[12:]
    with pytest.raises(ValueError) as raised:
        Signer("tok", broken)
    assert "base64" in str(raised.value)
    assert secret[:8] not in str(raised.value)
    with pytest.raises(ValueError):
        Signer("", secret)
    with pytest.raises(ValueError):
        Signer("tok", "c2VjcmV0").sign("GET", "/", timestamp="yesterday")
