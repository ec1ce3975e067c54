// Drives the official TypeScript SDK (npm `@limitless-exchange/sdk`),
// unmodified, against a running limitless-rs sandbox: the same checks as
// check_python.py. Usage and setup: README.md beside this file.
//
//   LIMITLESS_API_URL=http://127.0.0.1:PORT SANDBOX_IDENTITY_TOKEN=<token> \
//   NODE_PATH=<dir with node_modules> node check_ts.mjs

import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";

const require = createRequire(process.env.SDK_DIR ? `${process.env.SDK_DIR}/` : import.meta.url);
const sdk = require("@limitless-exchange/sdk");
const { Wallet, hexlify, toUtf8Bytes } = require("ethers");

const baseURL = process.env.LIMITLESS_API_URL;
const identity = process.env.SANDBOX_IDENTITY_TOKEN;
const results = [];

async function check(name, run) {
  try {
    results.push([name, true, (await run()) ?? ""]);
  } catch (error) {
    results.push([name, false, `${error?.constructor?.name}: ${error?.message}`]);
    if (process.env.CHECK_VERBOSE) console.error(error);
  }
}

const derived = await new sdk.Client({ baseURL }).apiTokens.deriveToken(identity, {
  label: "official-ts-check",
  scopes: ["trading", "account_creation", "delegated_signing"],
});
const client = new sdk.Client({
  baseURL,
  hmacCredentials: { tokenId: derived.tokenId, secret: derived.secret },
});
let amm;

await check("market discovery lists AMM markets", async () => {
  const found = [];
  for (let page = 1; ; page++) {
    const response = await client.markets.getActiveMarkets({ limit: 25, page });
    found.push(...response.data);
    if (found.length >= response.totalMarketsCount || response.data.length === 0) break;
  }
  const amms = found.filter((m) => m.tradeType === "amm");
  if (amms.length === 0) throw new Error("no market with tradeType amm");
  amm = amms[0];
  return `${found.length} markets, AMM: ${amms.map((m) => m.slug).join(", ")}`;
});

if (amm) {
  await check("GET /markets/{slug} reads an AMM market by slug and address", async () => {
    const bySlug = await client.markets.getMarket(amm.slug);
    const byAddress = await client.markets.getMarket(amm.address);
    if (bySlug.tradeType !== "amm" || byAddress.slug !== amm.slug) throw new Error("mismatch");
    return `${bySlug.slug} at ${bySlug.address}, prices ${JSON.stringify(bySlug.prices)}`;
  });
  await check("AMM allowance and buy with the identity token", async () => {
    const ensured = await client.amm.ensureAllowance(
      { market: amm.slug, side: "BUY" },
      { identityToken: identity },
    );
    if (!ensured.confirmed) throw new Error(JSON.stringify(ensured));
    const bought = await client.amm.buy(
      { market: amm.slug, outcomeIndex: 0, collateralAmount: "1000000", idempotencyKey: randomUUID() },
      { identityToken: identity },
    );
    return `allowance confirmed; buy ${bought.status}, expected shares ${bought.expectedShares}`;
  });
}

await check("market page filterGroups[].source", async () => {
  const page = await client.pages.getMarketPageByPath("/crypto");
  const sources = page.filterGroups.map((g) => g.source);
  if (!sources.length || !sources.every((s) => s && typeof s === "object")) {
    throw new Error(JSON.stringify(sources));
  }
  return `page ${page.id}: sources ${JSON.stringify(sources)}`;
});

await check("EOA sub-account cancel-replace with a self-signed order", async () => {
  const wallet = Wallet.createRandom();
  const message = "Create an EOA sub-account with the official TypeScript SDK";
  const account = await client.partnerAccounts.createAccount({ displayName: "eoa-ts" }, {
    account: wallet.address,
    signingMessage: hexlify(toUtf8Bytes(message)),
    signature: await wallet.signMessage(message),
  });
  const active = await client.markets.getActiveMarkets({ limit: 25 });
  const market = active.data.find(
    (m) => m.tradeType === "clob" && m.venue && !m.venue.feeModuleType,
  );
  const orders = client.newOrderClient(wallet.privateKey);
  const placed = await orders.createOrder({
    tokenId: market.tokens.yes, side: sdk.Side.BUY, price: 0.3, size: 2,
    orderType: sdk.OrderType.GTC, marketSlug: market.slug,
  });
  const replaced = await orders.cancelReplace({
    cancel: { orderId: placed.order.id },
    replacement: {
      tokenId: market.tokens.yes, side: sdk.Side.BUY, price: 0.31, size: 2,
      orderType: sdk.OrderType.GTC, marketSlug: market.slug,
    },
    mode: sdk.CancelReplaceMode.STOP_ON_FAILURE ?? "STOP_ON_FAILURE",
  });
  return `profile ${account.profileId}: ${JSON.stringify(replaced).slice(0, 160)}`;
});

for (const [name, passed, detail] of results) {
  console.log(`${passed ? "PASS" : "FAIL"}  ${name}: ${detail}`);
}
process.exit(results.every(([, passed]) => passed) ? 0 : 1);
