"""`lmts mcp` driven by the official MCP Python SDK (`mcp` from PyPI, the
version pinned by `cargo xtask ci`) over stdio, against the sandbox that
`lmts sandbox` embeds.

`LMTS_BIN` names the `lmts` binary under test (`cargo xtask ci` builds it).
"""

import asyncio
import json
import os
import signal
import subprocess
import tempfile

import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

LMTS = os.environ.get("LMTS_BIN", "lmts")
MARKET = "btc-above-120k-dec-31-2026"
SCOPES = "trading,account_creation,delegated_signing"


def lmts_json(env, *args):
    """Runs `lmts --json ARGS` and returns its one JSON document."""
    done = subprocess.run(
        [LMTS, "--json", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def sandbox():
    """A running `lmts sandbox`, a token saved as its profile, and one
    ready sub-account: (environment, sub-account id, the sandbox's start-up
    document with its markets)."""
    config = tempfile.TemporaryDirectory()
    base = {"LMTS_CONFIG_DIR": config.name, "PATH": os.environ.get("PATH", "")}
    process = subprocess.Popen(
        [LMTS, "--json", "sandbox", "--port", "0"],
        env=base,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = json.loads(process.stdout.readline())
        env = {**base, **started["env"]}
        lmts_json(env, "token", "derive", "--scopes", SCOPES, "--save", "sandbox")
        account = lmts_json(env, "account", "create", "--server-wallet", "--name", "agent")
        profile_id = account["profileId"]
        lmts_json(env, "account", "allowances", str(profile_id), "--wait")
        yield env, profile_id, started
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        config.cleanup()


def run_session(env, args, body):
    """Starts `lmts mcp ARGS`, initializes a session and runs `body` on it."""

    async def main():
        server = StdioServerParameters(command=LMTS, args=["mcp", *args], env=env)
        async with stdio_client(server) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await body(session)

    return asyncio.run(main())


def answer(result):
    """The JSON a tool answered (success or failure)."""
    assert result.content, result
    return json.loads(result.content[0].text)


def trading_args(profile_id, notional="5", orders="2"):
    return [
        "--allow-trading",
        "--sub-account",
        str(profile_id),
        "--market",
        MARKET,
        "--max-notional",
        notional,
        "--max-orders",
        orders,
    ]


def limit_order(yes_token, profile_id, price="0.42", size="10"):
    return {
        "orderType": "GTC",
        "marketSlug": MARKET,
        "tokenId": yes_token,
        "side": "BUY",
        "price": price,
        "size": size,
        "onBehalfOf": profile_id,
    }


def test_reads_markets_and_a_live_book(sandbox):
    env, _, _ = sandbox

    async def body(session):
        tools = (await session.list_tools()).tools
        names = {tool.name for tool in tools}
        assert {"get_active_markets", "get_market", "get_order_book", "search_markets",
                "get_price_history", "subscribe_book"} <= names
        # Read-only without --allow-trading: no write is even offered.
        assert "place_limit_order" not in names
        for tool in tools:
            assert tool.annotations.read_only_hint is True, tool.name
            assert tool.input_schema["type"] == "object", tool.name

        page = answer(await session.call_tool("get_active_markets", {"limit": 2}))
        assert len(page["data"]) == 2
        assert page["totalMarketsCount"] >= 2

        market = answer(await session.call_tool("get_market", {"slug": MARKET}))
        assert market["slug"] == MARKET
        assert market["tokens"]["yes"]

        found = answer(await session.call_tool("search_markets", {"query": "btc"}))
        assert MARKET in [m["slug"] for m in found["markets"]]

        history = answer(await session.call_tool("get_price_history", {"slug": MARKET}))
        assert history[0]["prices"], history

        book = answer(await session.call_tool("get_order_book", {"slug": MARKET}))
        assert "bids" in book and "asks" in book

        subscribed = answer(await session.call_tool("subscribe_book", {"slug": MARKET}))
        uri = subscribed["resource"]
        assert uri == f"limitless://books/{MARKET}"
        listed = {str(r.uri) for r in (await session.list_resources()).resources}
        assert uri in listed and "limitless://session/orders" in listed
        live = json.loads((await session.read_resource(uri)).contents[0].text)
        assert live["marketSlug"] == MARKET and live["live"] is True
        assert live["book"]["type"] == "book"

        # A bad argument is refused before the network, as a tool error.
        refused = await session.call_tool("get_active_markets", {"limit": 99})
        assert refused.is_error
        assert "at most 25" in answer(refused)["error"]["message"]

    run_session(env, [], body)


def test_a_write_is_refused_without_allow_trading(sandbox):
    env, profile_id, started = sandbox
    yes = started["markets"][0]["yesTokenId"]

    async def body(session):
        result = await session.call_tool("place_limit_order", limit_order(yes, profile_id))
        assert result.is_error
        assert "--allow-trading" in answer(result)["error"]["message"]

    run_session(env, [], body)
    # Nothing was placed.
    orders = lmts_json(env, "order", "list", "--market", MARKET, "--for", str(profile_id))
    assert orders == []


def test_preview_confirm_and_the_caps(sandbox):
    env, profile_id, started = sandbox
    yes = started["markets"][0]["yesTokenId"]

    async def body(session):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        place = tools["place_limit_order"]
        assert place.annotations.destructive_hint is True
        assert place.annotations.idempotent_hint is False
        assert "confirmationToken" in place.input_schema["properties"]

        order = limit_order(yes, profile_id, price="0.42", size="10")
        preview = await session.call_tool("place_limit_order", order)
        assert not preview.is_error, preview
        preview = answer(preview)
        signed = preview["preview"]
        assert signed["method"] == "POST" and signed["url"].endswith("/orders")
        assert signed["idempotent"] is False
        assert "lmts-signature" in signed["headers"]
        body = json.loads(signed["body"])
        assert body["marketSlug"] == MARKET and body["onBehalfOf"] == profile_id
        assert preview["amounts"]["pays"] == {"usdc": "4.2"}
        assert preview["amounts"]["receives"] == {"shares": "10"}
        token = preview["confirmationToken"]
        # Nothing is sent by a preview.
        listed = answer(await session.call_tool(
            "get_user_orders", {"marketSlug": MARKET, "onBehalfOf": profile_id}))
        assert listed == []

        # Another call's arguments with the token: refused, and the token spent.
        other = await session.call_tool(
            "place_limit_order", {**order, "size": "11", "confirmationToken": token})
        assert other.is_error
        reused = await session.call_tool(
            "place_limit_order", {**order, "confirmationToken": token})
        assert reused.is_error
        assert "unknown confirmation token" in answer(reused)["error"]["message"]

        # A fresh preview, confirmed: the very request previewed is sent.
        preview = answer(await session.call_tool("place_limit_order", order))
        token = preview["confirmationToken"]
        salt = preview["preview"]["orders"][0]["salt"]
        sent = await session.call_tool("place_limit_order", {**order, "confirmationToken": token})
        assert not sent.is_error, sent
        placed = answer(sent)["answer"]["order"]
        assert placed["salt"] == salt
        again = await session.call_tool("place_limit_order", {**order, "confirmationToken": token})
        assert again.is_error, "a token confirms once"

        orders = json.loads(
            (await session.read_resource("limitless://session/orders")).contents[0].text)
        assert [o["outcome"] for o in orders] == ["sent"]
        assert orders[0]["orders"][0]["salt"] == salt

        # 4.2 USDC of 5 used: another 4.2 is past --max-notional.
        past = await session.call_tool("place_limit_order", order)
        assert past.is_error
        assert "cap on notional" in answer(past)["error"]["message"]

        # Outside the named scope: refused before any request.
        elsewhere = await session.call_tool(
            "place_limit_order", {**order, "marketSlug": "eth-above-5k-dec-31-2026", "size": "1"})
        assert elsewhere.is_error
        assert "not one this session may trade on" in answer(elsewhere)["error"]["message"]

        # A cancel commits nothing; previewed and confirmed the same way.
        cancel = {"marketSlug": MARKET, "orderId": placed["id"], "onBehalfOf": profile_id}
        preview = answer(await session.call_tool("cancel_order", cancel))
        assert preview["preview"]["method"] == "DELETE"
        done = await session.call_tool(
            "cancel_order", {**cancel, "confirmationToken": preview["confirmationToken"]})
        assert not done.is_error, done

        # A second order fits the notional once the caps allow it; a third
        # is past --max-orders.
        small = limit_order(yes, profile_id, price="0.1", size="1")
        preview = answer(await session.call_tool("place_limit_order", small))
        sent = await session.call_tool(
            "place_limit_order", {**small, "confirmationToken": preview["confirmationToken"]})
        assert not sent.is_error, sent
        past = await session.call_tool("place_limit_order", small)
        assert past.is_error
        assert "cap on orders" in answer(past)["error"]["message"]

    run_session(env, trading_args(profile_id), body)


def test_no_secret_in_any_answer(sandbox):
    env, profile_id, started = sandbox
    yes = started["markets"][0]["yesTokenId"]
    # The token's secret, as saved in the profile the server signs with,
    # is looked for in everything the server answers.
    profile = os.path.join(env["LMTS_CONFIG_DIR"], "profiles", "sandbox.toml")
    with open(profile) as file:
        secret = [line.split('"')[1] for line in file if line.startswith("secret")][0]
    texts = []

    async def body(session):
        for name, arguments in [
            ("get_market", {"slug": MARKET}),
            ("get_positions", {"onBehalfOf": profile_id}),
            ("place_limit_order", limit_order(yes, profile_id, price="0.2", size="1")),
            ("place_limit_order", {**limit_order(yes, profile_id), "confirmationToken": "nope"}),
            ("get_market", {"slug": "no-such-market"}),
        ]:
            result = await session.call_tool(name, arguments)
            texts.extend(block.text for block in result.content)
        for resource in (await session.list_resources()).resources:
            contents = (await session.read_resource(str(resource.uri))).contents
            texts.extend(content.text for content in contents)

    run_session(env, trading_args(profile_id, notional="1", orders="1"), body)
    assert texts
    for text in texts:
        assert secret not in text
