"""Drives the official Python SDK (PyPI `limitless-sdk`), unmodified, against
a running limitless-rs sandbox, and reports each check as PASS or FAIL.

Checked: market discovery including AMM markets (`GET /markets/active`,
`GET /markets/{slug}` by slug and by FPMM address), a market page's filter
groups, the AMM calls with the per-call identity token, and a cancel-replace
of an EOA sub-account's self-signed order.

Usage (see README.md beside this file):

    LIMITLESS_API_URL=http://127.0.0.1:PORT \
    SANDBOX_IDENTITY_TOKEN=<the partner identity token the sandbox prints> \
    python check_python.py

Exit status 0 when every check passes.
"""

import asyncio
import os
import sys
import traceback
import uuid

from eth_account import Account
from eth_account.messages import encode_defunct

from limitless_sdk import OrderClient
from limitless_sdk.sdk_client import Client
from limitless_sdk.types.api_tokens import DeriveApiTokenInput, HMACCredentials
from limitless_sdk.types.markets import ActiveMarketsParams
from limitless_sdk.types.partner_accounts import (
    CreatePartnerAccountEOAHeaders,
    CreatePartnerAccountInput,
)
from limitless_sdk.types.partner_amm import AmmAllowanceParams, AmmBuyParams
from limitless_sdk.types.orders import OrderType, Side

RESULTS = []


async def check(name, run):
    try:
        detail = await run()
        RESULTS.append((name, True, detail or ""))
    except Exception as error:  # report every failure, keep going
        RESULTS.append((name, False, f"{type(error).__name__}: {error}"))
        if os.environ.get("CHECK_VERBOSE"):
            traceback.print_exc()


async def main():
    base_url = os.environ["LIMITLESS_API_URL"]
    identity = os.environ["SANDBOX_IDENTITY_TOKEN"]

    public = Client(base_url=base_url)
    derived = await public.api_tokens.derive_token(
        identity,
        DeriveApiTokenInput(
            label="official-python-check",
            scopes=["trading", "account_creation", "delegated_signing"],
        ),
    )
    token_id = derived.token_id if hasattr(derived, "token_id") else derived["tokenId"]
    secret = derived.secret if hasattr(derived, "secret") else derived["secret"]
    client = Client(
        base_url=base_url,
        hmac_credentials=HMACCredentials(token_id=token_id, secret=secret),
    )

    amm = {}

    async def discovery():
        found = []
        page = 1
        while True:
            response = await client.markets.get_active_markets(
                ActiveMarketsParams(limit=25, page=page)
            )
            found.extend(response.data)
            if len(found) >= response.total_markets_count or not response.data:
                break
            page += 1
        amm_markets = [m for m in found if m.trade_type == "amm"]
        assert amm_markets, "no market with tradeType amm in /markets/active"
        amm["market"] = amm_markets[0]
        return f"{len(found)} markets, AMM: {[m.slug for m in amm_markets]}"

    async def amm_detail():
        market = amm["market"]
        by_slug = await client.markets.get_market(market.slug)
        by_address = await client.markets.get_market(market.address)
        assert by_slug.trade_type == "amm" and by_slug.address == market.address
        assert by_address.slug == market.slug
        return f"{by_slug.slug} at {by_slug.address}, prices {by_slug.prices}"

    async def market_page():
        page = await client.market_pages.get_market_page_by_path("/crypto")
        sources = [group.source for group in page.filter_groups]
        assert sources and all(isinstance(s, dict) for s in sources), sources
        markets = await client.market_pages.get_markets(page.id, {"limit": 5})
        return f"page {page.id}: sources {sources}, {len(markets.data)} markets"

    async def amm_identity():
        slug = amm["market"].slug
        allowance = AmmAllowanceParams(market=slug, side="BUY")
        ensured = await client.partner_amm.ensure_allowance(
            allowance, identity_token=identity
        )
        assert ensured.confirmed, ensured
        bought = await client.partner_amm.buy(
            AmmBuyParams(
                market=slug,
                outcome_index=0,
                collateral_amount="1000000",
                idempotency_key=str(uuid.uuid4()),
            ),
            identity_token=identity,
        )
        return f"allowance confirmed; buy {bought.status}, expected shares {bought.expected_shares}"

    async def eoa_cancel_replace():
        wallet = Account.create()
        message = "Create an EOA sub-account with the official Python SDK"
        proof = wallet.sign_message(encode_defunct(text=message))
        account = await client.partner_accounts.create_account(
            CreatePartnerAccountInput(display_name="eoa-python"),
            eoa_headers=CreatePartnerAccountEOAHeaders(
                account=wallet.address,
                signing_message="0x" + message.encode().hex(),
                signature="0x" + proof.signature.hex().removeprefix("0x"),
            ),
        )
        active = await client.markets.get_active_markets(ActiveMarketsParams(limit=25))
        market = next(
            m for m in active.data
            if m.trade_type == "clob" and m.venue and not m.venue.fee_module_type
        )
        orders = OrderClient(http_client=client.http, wallet=wallet)
        placed = await orders.create_order(
            token_id=market.tokens.yes,
            side=Side.BUY,
            order_type=OrderType.GTC,
            market_slug=market.slug,
            price=0.3,
            size=2,
        )
        replaced = await orders.cancel_replace(
            order_id=placed.order.id,
            token_id=market.tokens.yes,
            side=Side.BUY,
            order_type=OrderType.GTC,
            market_slug=market.slug,
            price=0.31,
            size=2,
        )
        return f"profile {account.profile_id}: {str(replaced)[:160]}"

    await check("market discovery lists AMM markets", discovery)
    if amm:
        await check("GET /markets/{slug} reads an AMM market by slug and address", amm_detail)
        await check("AMM allowance and buy with the identity token", amm_identity)
    await check("market page filterGroups[].source", market_page)
    await check("EOA sub-account cancel-replace with a self-signed order", eoa_cancel_replace)

    await public.http.close()
    await client.http.close()
    for name, passed, detail in RESULTS:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
    return 0 if all(passed for _, passed, _ in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
