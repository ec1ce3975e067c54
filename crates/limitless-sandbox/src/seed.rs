//! What a sandbox starts with: identities (Privy-style identity tokens with
//! their capabilities) and markets.

use std::fmt;

use rust_decimal::Decimal;

use limitless_types::{
    SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, SCOPE_WITHDRAWAL,
};

/// Base mainnet USDC, the collateral token of every seeded market.
pub(crate) const USDC: &str = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
/// Base mainnet conditional-tokens contract.
pub(crate) const CTF: &str = "0xC9c98965297Bc527861c898329Ee280632B76e18";
/// The public CTF exchange; legacy venues use it.
const LEGACY_EXCHANGE: &str = "0xa4409D988CA2218d956BeEFD3874100F444f0DC3";
/// Sandbox-only venue addresses (not deployed contracts).
const COLLATERAL_FEE_EXCHANGE: &str = "0x536b3216fdaeeb975729fae923d5a4fd12aabfe2";
const COLLATERAL_FEE_MODULE: &str = "0x28f219e9cb0eb53f16947ccf25ec84d8dbc74254";
const NEG_RISK_EXCHANGE: &str = "0x770f58904dba41ecccc3fc1626e53a13043b026c";
const NEG_RISK_ADAPTER: &str = "0x48bbf33feff9243a8f506b40928b5b7a767c76fb";

/// A Privy-style identity the sandbox recognises in `identity: Bearer <token>`.
///
/// Each identity is a profile (profile ids are assigned in seeding order from
/// 1001) that may derive scoped API tokens. `Debug` redacts the token.
#[must_use]
#[derive(Clone, PartialEq, Eq)]
pub struct IdentitySeed {
    pub(crate) token: String,
    pub(crate) token_management_enabled: bool,
    pub(crate) allowed_scopes: Vec<String>,
}

impl IdentitySeed {
    /// An identity with token management enabled and only `trading` allowed.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            token_management_enabled: true,
            allowed_scopes: vec![SCOPE_TRADING.to_owned()],
        }
    }

    /// A partner identity: token management enabled and `trading`,
    /// `account_creation`, `delegated_signing` and `withdrawal` allowed.
    pub fn partner(token: impl Into<String>) -> Self {
        Self::new(token).allowed_scopes([
            SCOPE_TRADING,
            SCOPE_ACCOUNT_CREATION,
            SCOPE_DELEGATED_SIGNING,
            SCOPE_WITHDRAWAL,
        ])
    }

    /// The scopes this identity may request when deriving tokens.
    pub fn allowed_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether this identity may derive tokens at all (when `false`, derive
    /// answers 403).
    pub fn token_management(mut self, enabled: bool) -> Self {
        self.token_management_enabled = enabled;
        self
    }
}

impl fmt::Debug for IdentitySeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentitySeed")
            .field("token", &"<redacted>")
            .field("token_management_enabled", &self.token_management_enabled)
            .field("allowed_scopes", &self.allowed_scopes)
            .finish()
    }
}

/// The venue (exchange contracts) a market trades on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MarketVenue {
    /// `{"exchange": ..., "adapter": null}` with no fee module: orders must
    /// carry at least the base fee, `feeRateBps` ≥ 300 (what the SDKs
    /// send), else 400 `FEE_RATE_MISMATCH`.
    Legacy,
    /// A collateral-fee venue (`feeModuleType: "COLLATERAL"`, `feeModule`
    /// address): orders must carry `feeRateBps: 0`, else 400
    /// `FEE_RATE_MISMATCH`.
    CollateralFee,
    /// A negative-risk venue with its own exchange and an adapter address;
    /// fees as on [`Legacy`](Self::Legacy) (`feeRateBps` ≥ 300).
    NegRisk,
}

impl MarketVenue {
    pub(crate) fn exchange(self) -> &'static str {
        match self {
            Self::Legacy => LEGACY_EXCHANGE,
            Self::CollateralFee => COLLATERAL_FEE_EXCHANGE,
            Self::NegRisk => NEG_RISK_EXCHANGE,
        }
    }

    pub(crate) fn adapter(self) -> Option<&'static str> {
        match self {
            Self::NegRisk => Some(NEG_RISK_ADAPTER),
            Self::Legacy | Self::CollateralFee => None,
        }
    }

    pub(crate) fn fee_module(self) -> Option<&'static str> {
        match self {
            Self::CollateralFee => Some(COLLATERAL_FEE_MODULE),
            Self::Legacy | Self::NegRisk => None,
        }
    }

    /// Whether orders on this venue must carry `feeRateBps: 0`.
    #[must_use]
    pub fn is_collateral_fee(self) -> bool {
        matches!(self, Self::CollateralFee)
    }
}

/// A market the sandbox serves and trades.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketSeed {
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) yes_token_id: String,
    pub(crate) no_token_id: String,
    pub(crate) venue: MarketVenue,
    pub(crate) condition_id: Option<String>,
    pub(crate) yes_price: Decimal,
    pub(crate) expiration_ms: i64,
    pub(crate) properties: Vec<(String, String)>,
}

/// The crypto assets market pages know, as `asset` property options.
pub(crate) const ASSETS: &[(&str, &str)] = &[
    ("btc", "BTC"),
    ("eth", "ETH"),
    ("sol", "SOL"),
    ("doge", "DOGE"),
    ("xrp", "XRP"),
    ("ada", "ADA"),
];

/// Market-page properties guessed from a slug: `btc-…` is a crypto market
/// on BTC, `fed-…` an economics one, anything else `other`.
fn properties_for(slug: &str) -> Vec<(String, String)> {
    let first = slug.split('-').next().unwrap_or_default();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    if ASSETS.iter().any(|(value, _)| *value == first) {
        vec![pair("category", "crypto"), pair("asset", first)]
    } else if first == "fed" {
        vec![pair("category", "economics")]
    } else {
        vec![pair("category", "other")]
    }
}

/// 2026-12-31T23:59:59Z, the default expiry of seeded markets.
const DEFAULT_EXPIRATION_MS: i64 = 1_798_761_599_000;

impl MarketSeed {
    /// A market on a [`MarketVenue::Legacy`] venue priced at 0.5.
    ///
    /// Token ids are decimal digit strings, as on chain.
    pub fn new(
        slug: impl Into<String>,
        title: impl Into<String>,
        yes_token_id: impl Into<String>,
        no_token_id: impl Into<String>,
    ) -> Self {
        let slug = slug.into();
        Self {
            properties: properties_for(&slug),
            slug,
            title: title.into(),
            yes_token_id: yes_token_id.into(),
            no_token_id: no_token_id.into(),
            venue: MarketVenue::Legacy,
            condition_id: None,
            yes_price: Decimal::new(5, 1),
            expiration_ms: DEFAULT_EXPIRATION_MS,
        }
    }

    /// The venue the market trades on.
    pub fn venue(mut self, venue: MarketVenue) -> Self {
        self.venue = venue;
        self
    }

    /// The market's condition id (`0x` + 64 hex), used by redeem. A random
    /// one is generated when unset.
    pub fn condition_id(mut self, condition_id: impl Into<String>) -> Self {
        self.condition_id = Some(condition_id.into());
        self
    }

    /// When the market expires, in Unix milliseconds (default
    /// 2026-12-31T23:59:59Z).
    pub fn expiration_ms(mut self, unix_millis: i64) -> Self {
        self.expiration_ms = unix_millis;
        self
    }

    /// The displayed YES price (`prices[0]`; NO is `1 - price`), in `[0, 1]`.
    pub fn yes_price(mut self, price: Decimal) -> Self {
        self.yes_price = price;
        self
    }

    /// Sets a market-page property (`category`, `asset`), replacing the one
    /// guessed from the slug (`btc-…` → category `crypto`, asset `btc`;
    /// `fed-…` → `economics`; else `other`).
    pub fn property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.properties.retain(|(k, _)| *k != key);
        self.properties.push((key, value.into()));
        self
    }

    pub(crate) fn properties(&self) -> Vec<(String, String)> {
        self.properties.clone()
    }
}

/// How many generated markets follow the three hand-written ones, enough
/// for several pages at the API's page sizes.
const GENERATED_MARKETS: usize = 30;

/// Thirty crypto price markets, five per asset: `{asset}-above-{level}-…`.
fn generated_markets() -> Vec<MarketSeed> {
    (0..GENERATED_MARKETS)
        .map(|i| {
            let (asset, name) = ASSETS[i % ASSETS.len()];
            let level = 100 + 25 * (i / ASSETS.len());
            // Distinct 77-digit token ids, far from the hand-written ones.
            let yes = format!("6{:076}", 2 * i + 1);
            let no = format!("6{:076}", 2 * i + 2);
            let month = i % 12 + 1;
            let expiration_ms =
                1_798_761_599_000 - (12 - i64::try_from(month).unwrap_or(12)) * 2_592_000_000;
            MarketSeed::new(
                format!("{asset}-above-{level}-index-2026-{month:02}"),
                format!("Will the {name} index close above {level} in 2026-{month:02}?"),
                yes,
                no,
            )
            .yes_price(Decimal::new(i64::try_from(5 + 3 * i).unwrap_or(50), 2))
            .expiration_ms(expiration_ms)
        })
        .collect()
}

/// The markets a sandbox starts with unless told otherwise: one per venue
/// kind, then thirty generated legacy-venue crypto markets.
pub(crate) fn default_markets() -> Vec<MarketSeed> {
    let mut markets = vec![
        MarketSeed::new(
            "btc-above-120k-dec-31-2026",
            "Will BTC close above $120,000 on Dec 31, 2026?",
            "34860351219264002510127502876930881678393989031736188690584879294552619323435",
            "73806912798634571738808025034475386892157271856625203989141421814633861828824",
        )
        .condition_id("0x3176813e02ea68ef786e4d3cea27d26934b484e73cf575dcad6ba2b0aee0ca92")
        .yes_price(Decimal::new(42, 2)),
        MarketSeed::new(
            "eth-above-6k-dec-31-2026",
            "Will ETH close above $6,000 on Dec 31, 2026?",
            "83021492421532667060410026606111736389590672304807578143368807500707988851238",
            "15742050124585509989473606131551554389540431042732688023993112172183871780533",
        )
        .venue(MarketVenue::CollateralFee)
        .condition_id("0x3732881584d8c4fa2815d2802827283e0ad84173581569969e58b081006f7e3d")
        .yes_price(Decimal::new(31, 2)),
        MarketSeed::new(
            "fed-rate-cut-june-2026",
            "Will the Fed cut rates at the June 2026 meeting?",
            "58532985473346720485844837304523676237332502933404452067321061117716100537036",
            "88970517297165220470097819558876667240451321748126200713037315422462371817124",
        )
        .venue(MarketVenue::NegRisk)
        .condition_id("0xfc967a64cb14028d512c9791e558e08baa7196b50ac2f86702824c1c099724ca")
        .expiration_ms(1_781_719_200_000)
        .yes_price(Decimal::new(655, 3)),
    ];
    markets.extend(generated_markets());
    markets
}
