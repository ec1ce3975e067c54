//! Hostile input: every response decoder meets arbitrary bytes, arbitrary
//! JSON, mutated real payloads and payloads with extra fields. Decoding
//! returns `Ok` or `Err` and never panics; a value that decodes re-encodes
//! to JSON that decodes to the same value; unknown fields change nothing.
//!
//! The same decoders are the cargo-fuzz targets in `fuzz/`; these
//! properties run them under plain `cargo test`.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::LazyLock;

use limitless_types::{
    ActiveMarketsPage, AllowancesResponse, ApiToken, CancelReplaceBatchResponse,
    CancelReplaceResult, Decimal, DerivedApiToken, Market, MessageResponse, MicroShares, Order,
    OrderBook, OrderBookLevel, OrderResponse, PartnerAccount, PartnerAccountsPage,
    PartnerCapabilities, RedeemResponse, WithdrawResponse, WithdrawalAddress,
};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde::Serialize;
use serde::de::DeserializeOwned;

// ---------------------------------------------------------------------------
// The decoders.

/// What decoding one input as one type gave.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Decoded; the value's `Debug` text, to compare decodes.
    Decoded(String),
    /// Refused with this error text.
    Refused(String),
}

impl Outcome {
    fn is_decoded(&self) -> bool {
        matches!(self, Self::Decoded(_))
    }
}

/// Decodes `bytes` as a `T` the way the client does (`from_slice`). A value
/// that decodes is formatted and re-encoded; when it re-encodes (a decimal
/// too precise for an exact JSON number may refuse), the JSON must decode
/// to the same value.
fn decode<T>(bytes: &[u8]) -> Outcome
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    match serde_json::from_slice::<T>(bytes) {
        Ok(value) => {
            assert_round_trip(&value);
            Outcome::Decoded(format!("{value:?}"))
        }
        Err(error) => Outcome::Refused(error.to_string()),
    }
}

/// Decodes `bytes` through a parsed `serde_json::Value`, the path nested
/// outcomes take; must never panic. `None` when the bytes are not JSON.
fn decode_via_value<T>(bytes: &[u8]) -> Option<Outcome>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::from_slice::<serde_json::Value>(bytes).ok()?;
    Some(match serde_json::from_value::<T>(json) {
        Ok(value) => {
            assert_round_trip(&value);
            Outcome::Decoded(format!("{value:?}"))
        }
        Err(error) => Outcome::Refused(error.to_string()),
    })
}

fn assert_round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let Ok(text) = serde_json::to_string(value) else {
        return;
    };
    let again = serde_json::from_str::<T>(&text);
    if numbers_parse_exactly(&text) {
        let again =
            again.unwrap_or_else(|error| panic!("{value:?} re-encoded as {text} fails: {error}"));
        assert_eq!(&again, value, "re-encoded as {text}");
    }
}

/// Whether `serde_json`'s default number parser reads every number in the
/// JSON text `json` exactly.
///
/// Integers within `u64`/`i64` are exact. A decimal or exponent number is
/// computed as `significand × 10^exponent` with one rounding, which is exact
/// only while the significand has at most 15 digits and the power of ten is
/// itself exact (|exponent| ≤ 22). Beyond that `serde_json` may land one ulp
/// off (its `float_roundtrip` feature trades speed for exactness), so a
/// re-encoded value such as a `1e-28` price or a long float kept in an
/// unrecognized outcome need not come back identical.
fn numbers_parse_exactly(json: &str) -> bool {
    let bytes = json.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && b"+-.eE0123456789".contains(&bytes[i]) {
                    i += 1;
                }
                if !number_parses_exactly(&json[start..i]) {
                    return false;
                }
            }
            _ => i += 1,
        }
    }
    true
}

fn number_parses_exactly(number: &str) -> bool {
    let (mantissa, exponent) = match number.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => match exponent.parse::<i32>() {
            Ok(exponent) => (mantissa, exponent),
            Err(_) => return false,
        },
        None => (number, 0),
    };
    if exponent == 0 && !mantissa.contains('.') {
        return number.parse::<u64>().is_ok() || number.parse::<i64>().is_ok();
    }
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{whole}{fraction}")
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|&c| c == '0')
        .collect();
    let fraction_digits = i32::try_from(fraction.len()).unwrap_or(i32::MAX);
    digits.is_empty()
        || (digits.len() <= 15 && exponent.saturating_sub(fraction_digits).abs() <= 22)
}

/// One response type under test.
struct Decoder {
    name: &'static str,
    decode: fn(&[u8]) -> Outcome,
    via_value: fn(&[u8]) -> Option<Outcome>,
    /// A valid payload of this type.
    fixture: &'static str,
}

macro_rules! decoders {
    ($($ty:ty => $fixture:expr,)+) => {
        vec![$(Decoder {
            name: stringify!($ty),
            decode: decode::<$ty>,
            via_value: decode_via_value::<$ty>,
            fixture: $fixture,
        },)+]
    };
}

/// Every response decoder of the crate, with a valid payload each.
static DECODERS: LazyLock<Vec<Decoder>> = LazyLock::new(|| {
    decoders! {
        DerivedApiToken => DERIVED_TOKEN,
        Vec<ApiToken> => TOKENS,
        PartnerCapabilities => CAPABILITIES,
        MessageResponse => MESSAGE,
        PartnerAccount => PARTNER_ACCOUNT,
        PartnerAccountsPage => PARTNER_ACCOUNTS,
        AllowancesResponse => ALLOWANCES,
        WithdrawalAddress => WITHDRAWAL_ADDRESS,
        OrderResponse => ORDER,
        CancelReplaceResult => CANCEL_REPLACE,
        CancelReplaceBatchResponse => CANCEL_REPLACE_BATCH,
        RedeemResponse => REDEEM,
        WithdrawResponse => WITHDRAW,
        Market => MARKET,
        ActiveMarketsPage => ACTIVE_MARKETS,
        OrderBook => ORDER_BOOK,
        Vec<Order> => USER_ORDERS,
    }
});

/// Runs every decoder on `bytes`, both ways; panics propagate.
fn decode_all(bytes: &[u8]) {
    for decoder in DECODERS.iter() {
        let direct = (decoder.decode)(bytes);
        if let Some(via_value) = (decoder.via_value)(bytes) {
            // A document that decodes from bytes decodes from its `Value`
            // to the same value (the reverse need not hold: a `Value`
            // forgets duplicate keys).
            // (serde_json reads an object with its private number key as a
            // number when a crate in the build turns on its
            // `arbitrary_precision` feature; bytes and `Value` then differ.)
            let private_number = text(bytes).contains("$serde_json::private::Number");
            if direct.is_decoded() && !private_number && !mixes_order_shapes(decoder.name, bytes) {
                assert_eq!(via_value, direct, "{} from {:?}", decoder.name, text(bytes));
            }
        }
    }
}

/// An order answer holding both shapes at once: the wrapper's `order` and a
/// bare order's fields beside it. `OrderResponse` reads in one pass without
/// buffering, and the first of the two it meets decides the shape: the
/// document's key order (bytes) and a `Value`'s sorted keys may then pick
/// differently. A known limit, for documents the API never sends.
fn mixes_order_shapes(decoder: &str, bytes: &[u8]) -> bool {
    if decoder != "OrderResponse" {
        return false;
    }
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(bytes)
    else {
        return false;
    };
    map.contains_key("order")
        && map
            .keys()
            .any(|key| !matches!(key.as_str(), "order" | "makerMatches" | "execution"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------
// Valid payloads.

const DERIVED_TOKEN: &str = r#"{"apiKey":"tok_1","secret":"c2VjcmV0LWJ5dGVz","tokenId":"tok_1","createdAt":"2026-03-23T12:34:56.789Z","scopes":["trading","delegated_signing"],"profile":{"id":326,"account":"0xa00BCB04073B243E8A55f3B5899AefF596bF17C6"}}"#;
const TOKENS: &str = r#"[{"tokenId":"t1","label":"bot","scopes":["trading"],"createdAt":"2026-01-01T00:00:00.000Z","lastUsedAt":"2026-01-02T00:00:00.000Z"},{"tokenId":"t2","label":null,"scopes":[],"createdAt":"2026-01-03T00:00:00.000Z","lastUsedAt":null}]"#;
const CAPABILITIES: &str = r#"{"partnerProfileId":326,"tokenManagementEnabled":true,"allowedScopes":["trading","account_creation","delegated_signing","withdrawal"]}"#;
const MESSAGE: &str = r#"{"message":"Token revoked"}"#;
const PARTNER_ACCOUNT: &str =
    r#"{"profileId":901,"account":"0x1111111111111111111111111111111111111111"}"#;
const PARTNER_ACCOUNTS: &str = r#"{"data":[{"profileId":901,"account":"0x1111111111111111111111111111111111111111","displayName":"alice"},{"profileId":"902","account":"0x2222222222222222222222222222222222222222","displayName":null}],"page":1,"limit":25,"hasMore":true}"#;
const ALLOWANCES: &str = r#"{"profileId":901,"partnerProfileId":326,"chainId":8453,"walletAddress":"0x1111111111111111111111111111111111111111","ready":false,"summary":{"total":2,"confirmed":1,"missing":0,"submitted":0,"failed":1},"targets":[{"type":"CTF_APPROVAL","tokenAddress":"0xC9c98965297Bc527861c898329Ee280632B76e18","spenderOrOperator":"0xa4409D988CA2218d956BeEFD3874100F444f0DC3","label":"ctf-exchange","requiredFor":"SELL","confirmed":true,"status":"confirmed","retryable":false},{"type":"USDC_ALLOWANCE","tokenAddress":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","spenderOrOperator":"0xa4409D988CA2218d956BeEFD3874100F444f0DC3","label":"ctf-exchange","requiredFor":"BUY","confirmed":false,"status":"failed","transactionId":"tx-1","txHash":"0xhash","userOperationHash":"0xop","retryable":true,"errorCode":"RPC_READ_FAILED","errorMessage":"rpc timeout"}]}"#;
const WITHDRAWAL_ADDRESS: &str = r#"{"id":"5b7d3c1e-1111-4a2b-9c3d-222233334444","profileId":326,"destinationAddress":"0x1111111111111111111111111111111111111111","label":"cold","createdAt":"2026-02-01T00:00:00.000Z","deletedAt":null}"#;
const ORDER: &str = r#"{"order":{"id":"o-1","createdAt":"2026-03-23T12:34:56.789Z","makerAmount":"500000","takerAmount":1000000,"expiration":"0","signatureType":0,"salt":1770000000000000,"maker":"0x1111111111111111111111111111111111111111","signer":"0x1111111111111111111111111111111111111111","taker":"0x0000000000000000000000000000000000000000","tokenId":"123","side":0,"feeRateBps":300,"nonce":0,"signature":"0xsig","orderType":"GTC","price":0.5,"marketId":4242},"makerMatches":[{"id":"m1","createdAt":null,"matchedSize":"250000","orderId":"o-9"}],"execution":{"matched":true,"settlementStatus":"MATCHED","tradeEventId":"te-1","txHash":null,"clientOrderId":"c-1","eligibleAt":null,"reason":null,"stpMakerCancels":["o-3"],"feeRateBps":300,"effectiveFeeBps":287.5,"totalsRaw":{"contractsGross":"500000","contractsFee":"0","contractsNet":"500000","usdGross":"250000","usdFee":"7187","usdNet":"242813"}}}"#;
const CANCEL_REPLACE: &str = r#"{"cancel":{"status":"SUCCESS","orderId":"o-1","clientOrderId":"c-1"},"replacement":{"status":"SUCCESS","data":{"order":{"id":"o-2","makerAmount":1,"takerAmount":2,"tokenId":"7","side":"SELL","price":"0.25"},"makerMatches":[]}}}"#;
const CANCEL_REPLACE_BATCH: &str = r#"{"results":[{"index":0,"cancel":{"status":"FAILURE","error":{"code":"ORDER_NOT_FOUND","message":"Order not found"}},"replacement":{"status":"NOT_ATTEMPTED"}},{"index":1,"cancel":{"status":"UNKNOWN","error":{"code":"TIMEOUT","message":"t"}},"replacement":{"status":"FAILURE","error":{"code":"INSUFFICIENT_BALANCE","message":"no funds"}}},{"index":2,"cancel":{"status":"UNKNOWN"},"replacement":{"status":"UNKNOWN","error":null}}]}"#;
const REDEEM: &str = r#"{"hash":"0xhash","userOperationHash":"","transactionId":"tx-9","walletAddress":"0x1111111111111111111111111111111111111111","conditionId":"0xabc","marketId":4242}"#;
const WITHDRAW: &str = r#"{"hash":"","userOperationHash":"0xop","transactionId":"tx-1","walletAddress":"0x1","token":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","destination":"0x2","amount":"1000000"}"#;
const MARKET: &str = r#"{"id":4242,"slug":"btc-above-100k","title":"BTC above 100k?","description":"d","status":"FUNDED","expired":false,"expirationDate":"Dec 31, 2026","expirationTimestamp":1798675200000,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-02T00:00:00.000Z","collateralToken":{"address":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","decimals":6,"symbol":"USDC"},"categories":["Crypto"],"tags":["btc"],"tradeType":"clob","marketType":"group","conditionId":"0xabc","tokens":{"yes":"111","no":"222"},"prices":[0.55,"0.45"],"settings":{"minSize":"10","maxSpread":0.05,"dailyReward":"25","rewardsEpoch":0.1,"c":3,"rebateRate":null},"venue":{"exchange":"0xa4409D988CA2218d956BeEFD3874100F444f0DC3","adapter":null,"feeModule":"0x9999999999999999999999999999999999999999","feeModuleType":"COLLATERAL"},"markets":[{"id":4243,"slug":"child","prices":[0.3,0.7]}]}"#;
const ACTIVE_MARKETS: &str = r#"{"data":[{"id":1,"slug":"a","prices":[0.001,0.999],"venue":{"exchange":"0xex"}},{"id":"2","slug":"b","tokens":{"yes":1,"no":"2"}}],"totalMarketsCount":120}"#;
const ORDER_BOOK: &str = r#"{"bids":[{"price":0.55,"size":100500000,"side":"BUY"},{"price":"0.54","size":"20000000","side":"BUY"}],"asks":[{"price":0.56,"size":3123456,"side":"SELL"}],"tokenId":"1111","adjustedMidpoint":0.555,"maxSpread":"0.05","minSize":"10","lastTradePrice":0.5}"#;
const USER_ORDERS: &str = r#"[{"id":"u1","createdAt":"t","makerAmount":"470154","takerAmount":"1234000","expiration":null,"signatureType":0,"salt":1,"maker":"0x1","signer":"0x1","taker":"0x0","tokenId":"12345","side":0,"feeRateBps":300,"nonce":0,"signature":"0xs","orderType":"GTC","price":"0.381","marketId":1,"status":"LIVE","filledSize":"0.5"},{"id":"u2","makerAmount":1,"takerAmount":1,"tokenId":"1","side":"SELL"}]"#;

#[test]
fn every_fixture_decodes() {
    for decoder in DECODERS.iter() {
        let outcome = (decoder.decode)(decoder.fixture.as_bytes());
        assert!(outcome.is_decoded(), "{}: {outcome:?}", decoder.name);
        let via_value = (decoder.via_value)(decoder.fixture.as_bytes());
        assert_eq!(via_value, Some(outcome), "{}", decoder.name);
    }
}

// ---------------------------------------------------------------------------
// A JSON tree that keeps what `serde_json::Value` cannot: number text of any
// size and precision, and duplicate keys.

#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    /// Number text, written as is.
    Number(String),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn from_value(value: &serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Number(n.to_string()),
            Value::String(s) => Self::Str(s.clone()),
            Value::Array(items) => Self::Array(items.iter().map(Self::from_value).collect()),
            Value::Object(map) => Self::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from_value(v)))
                    .collect(),
            ),
        }
    }

    fn parse(text: &str) -> Self {
        Self::from_value(&serde_json::from_str(text).expect("fixture is JSON"))
    }

    fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(n),
            Self::Str(s) => out.push_str(&quote(s)),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(key));
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// Paths (child positions from the root) of every node, root first.
    fn paths(&self) -> Vec<Vec<usize>> {
        let mut all = vec![Vec::new()];
        let children: Vec<&Json> = match self {
            Self::Array(items) => items.iter().collect(),
            Self::Object(entries) => entries.iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        };
        for (i, child) in children.into_iter().enumerate() {
            for mut path in child.paths() {
                path.insert(0, i);
                all.push(path);
            }
        }
        all
    }

    fn at_mut(&mut self, path: &[usize]) -> &mut Json {
        match path.split_first() {
            None => self,
            Some((&i, rest)) => match self {
                Self::Array(items) => items[i].at_mut(rest),
                Self::Object(entries) => entries[i].1.at_mut(rest),
                _ => unreachable!("paths only lead through containers"),
            },
        }
    }

    /// Paths of every object node.
    fn object_paths(&self) -> Vec<Vec<usize>> {
        let mut copy = self.clone();
        self.paths()
            .into_iter()
            .filter(|path| matches!(copy.at_mut(path), Json::Object(_)))
            .collect()
    }

    fn collect_keys_and_strings(
        &self,
        keys: &mut BTreeSet<String>,
        strings: &mut BTreeSet<String>,
    ) {
        match self {
            Self::Str(s) => {
                strings.insert(s.clone());
            }
            Self::Array(items) => items
                .iter()
                .for_each(|item| item.collect_keys_and_strings(keys, strings)),
            Self::Object(entries) => {
                for (key, value) in entries {
                    keys.insert(key.clone());
                    value.collect_keys_and_strings(keys, strings);
                }
            }
            _ => {}
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings encode")
}

/// Every key and every string value that occurs in a valid payload.
static VOCABULARY: LazyLock<(Vec<String>, Vec<String>)> = LazyLock::new(|| {
    let (mut keys, mut strings) = (BTreeSet::new(), BTreeSet::new());
    for decoder in DECODERS.iter() {
        Json::parse(decoder.fixture).collect_keys_and_strings(&mut keys, &mut strings);
    }
    // The tags and markers the decoders branch on, even where no fixture
    // uses them.
    for extra in [
        "SUCCESS",
        "FAILURE",
        "UNKNOWN",
        "NOT_ATTEMPTED",
        "BUY",
        "sell",
        "1",
    ] {
        strings.insert(extra.to_owned());
    }
    keys.insert("$serde_json::private::Number".to_owned());
    (keys.into_iter().collect(), strings.into_iter().collect())
});

fn field_names() -> Vec<String> {
    VOCABULARY.0.clone()
}

// ---------------------------------------------------------------------------
// Strategies.

/// Number text: small and huge integers, negative, fractional, exponents
/// (including out-of-range ones), and the edges of the integer types and of
/// `Decimal`.
fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(|n| n.to_string()),
        "-?(0|[1-9][0-9]{0,40})(\\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?",
        select(vec![
            "0",
            "-0",
            "0.0",
            "1e-7",
            "1E+2",
            "0.000001",
            "0.55",
            "1e308",
            "1e309",
            "-1e309",
            "1e-400",
            "255",
            "256",
            "-1",
            "4294967295",
            "4294967296",
            "9007199254740993",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "79228162514264337593543950335",
            "79228162514264337593543950336",
            "0.0000000000000000000000000001",
            "0.00000000000000000000000000001",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Strings: arbitrary text, numbers as text (padded or not), blanks, and
/// the strings real payloads carry.
fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        2 => number_text(),
        1 => (number_text(), "[ \t\n]{0,2}", "[ \t\n]{0,2}").prop_map(|(n, a, b)| format!("{a}{n}{b}")),
        1 => select(vec!["", " ", "null", "true", "NaN", "inf", "-", ".", "e5", "0x10", "1_000"]).prop_map(str::to_owned),
        2 => select(VOCABULARY.1.clone()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![4 => select(field_names()), 1 => any::<String>()]
}

/// Arbitrary JSON whose objects mostly use the real field names.
fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number_text().prop_map(Json::Number),
        string_value().prop_map(Json::Str),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Json::Array),
            prop::collection::vec((key(), inner), 0..10).prop_map(Json::Object),
        ]
    })
}

/// A change to one node of a valid payload.
#[derive(Debug, Clone)]
enum Mutation {
    /// Put an arbitrary value in its place.
    Replace(Json),
    /// Remove it from its object or array (the root becomes `null`).
    Drop,
    /// `[node]`.
    WrapInArray,
    /// `{"value": node}`.
    WrapInObject(String),
    /// Its JSON text as a string.
    Stringify,
    /// Repeat it: the same key twice in an object, twice in an array.
    Duplicate,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => json().prop_map(Mutation::Replace),
        2 => Just(Mutation::Drop),
        1 => Just(Mutation::WrapInArray),
        1 => key().prop_map(Mutation::WrapInObject),
        1 => Just(Mutation::Stringify),
        1 => Just(Mutation::Duplicate),
    ]
}

fn apply(root: &mut Json, path: &[usize], mutation: Mutation) {
    let Some((&last, parent_path)) = path.split_last() else {
        // The root itself.
        let node = std::mem::replace(root, Json::Null);
        *root = match mutation {
            Mutation::Replace(json) => json,
            Mutation::Drop => Json::Null,
            Mutation::WrapInArray => Json::Array(vec![node]),
            Mutation::WrapInObject(key) => Json::Object(vec![(key, node)]),
            Mutation::Stringify => Json::Str(node.render()),
            Mutation::Duplicate => Json::Array(vec![node.clone(), node]),
        };
        return;
    };
    let parent = root.at_mut(parent_path);
    match (parent, mutation) {
        (Json::Object(entries), Mutation::Drop) => {
            entries.remove(last);
        }
        (Json::Array(items), Mutation::Drop) => {
            items.remove(last);
        }
        (Json::Object(entries), Mutation::Duplicate) => {
            let entry = entries[last].clone();
            entries.insert(last + 1, entry);
        }
        (Json::Array(items), Mutation::Duplicate) => {
            let item = items[last].clone();
            items.insert(last + 1, item);
        }
        (parent, mutation) => {
            let node = parent.at_mut(&[last]);
            let old = std::mem::replace(node, Json::Null);
            *node = match mutation {
                Mutation::Replace(json) => json,
                Mutation::WrapInArray => Json::Array(vec![old]),
                Mutation::WrapInObject(key) => Json::Object(vec![(key, old)]),
                Mutation::Stringify => Json::Str(old.render()),
                Mutation::Drop | Mutation::Duplicate => unreachable!("handled above"),
            };
        }
    }
}

fn decoder_index() -> impl Strategy<Value = usize> {
    0..DECODERS.len()
}

/// Keys that occur in no payload and carry no meaning to any decoder.
fn unknown_key() -> impl Strategy<Value = String> {
    let known: BTreeSet<String> = field_names().into_iter().collect();
    "[a-zA-Z_][a-zA-Z0-9_]{0,15}".prop_filter("an unknown key", move |k| !known.contains(k))
}

/// 256 cases per property (`PROPTEST_CASES` raises it for a deeper run);
/// no regression files written into the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(json in json()) {
        decode_all(json.render().as_bytes());
    }

    #[test]
    fn arbitrary_objects_with_real_keys_never_panic(
        entries in prop::collection::vec((select(field_names()), json()), 0..12),
    ) {
        // A top-level object of real keys reaches every decoder's own
        // fields, with hostile values.
        decode_all(Json::Object(entries).render().as_bytes());
    }

    #[test]
    fn byte_edits_of_real_payloads_never_panic(
        index in decoder_index(),
        edits in prop::collection::vec((any::<Index>(), any::<u8>(), 0..3_u8), 1..6),
    ) {
        let mut bytes = DECODERS[index].fixture.as_bytes().to_vec();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                break;
            }
            let at = at.index(bytes.len());
            match op {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        decode_all(&bytes);
    }

    #[test]
    fn truncated_payloads_are_errors(index in decoder_index(), cut in any::<Index>()) {
        let decoder = &DECODERS[index];
        let fixture = decoder.fixture.as_bytes();
        let prefix = &fixture[..cut.index(fixture.len())];
        let outcome = (decoder.decode)(prefix);
        prop_assert!(!outcome.is_decoded(), "{} decoded from {:?}", decoder.name, text(prefix));
        decode_all(prefix);
    }

    #[test]
    fn mutated_real_payloads_never_panic(
        index in decoder_index(),
        node in any::<Index>(),
        mutation in mutation(),
    ) {
        let mut json = Json::parse(DECODERS[index].fixture);
        let paths = json.paths();
        let path = paths[node.index(paths.len())].clone();
        apply(&mut json, &path, mutation);
        decode_all(json.render().as_bytes());
    }

    #[test]
    fn repeated_mutations_never_panic(
        index in decoder_index(),
        mutations in prop::collection::vec((any::<Index>(), mutation()), 1..5),
    ) {
        let mut json = Json::parse(DECODERS[index].fixture);
        for (node, mutation) in mutations {
            let paths = json.paths();
            let path = paths[node.index(paths.len())].clone();
            apply(&mut json, &path, mutation);
        }
        decode_all(json.render().as_bytes());
    }

    #[test]
    fn extra_fields_do_not_change_the_value(
        index in decoder_index(),
        extras in prop::collection::vec((any::<Index>(), any::<Index>(), unknown_key(), json()), 1..6),
    ) {
        let decoder = &DECODERS[index];
        let expected = (decoder.decode)(decoder.fixture.as_bytes());
        if decoder.name.starts_with("CancelReplace") {
            // Outcomes are read through a `serde_json::Value`, which cannot
            // hold a number beyond f64: see
            // `unknown_fields_with_huge_numbers_in_outcomes`.
            prop_assume!(extras.iter().all(|(.., value)| {
                serde_json::from_str::<serde_json::Value>(&value.render()).is_ok()
            }));
        }
        let mut json = Json::parse(decoder.fixture);
        for (object, position, key, value) in extras {
            let objects = json.object_paths();
            let path = objects[object.index(objects.len())].clone();
            let Json::Object(entries) = json.at_mut(&path) else {
                unreachable!("object_paths lists objects")
            };
            let position = position.index(entries.len() + 1);
            entries.insert(position, (key, value));
        }
        let bytes = json.render();
        prop_assert_eq!((decoder.decode)(bytes.as_bytes()), expected, "{} from {}", decoder.name, bytes);
    }
}

// ---------------------------------------------------------------------------
// Fixed hostile inputs.

#[test]
fn deep_nesting_never_overflows_the_stack() {
    for depth in [200, 10_000, 100_000] {
        // Nested arrays are never a response; an unterminated nesting is
        // never JSON.
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let unterminated = format!(r#"{{"cancel":{}"#, r#"{"status":"#.repeat(depth));
        for input in [arrays, unterminated] {
            for decoder in DECODERS.iter() {
                let outcome = (decoder.decode)(input.as_bytes());
                assert!(!outcome.is_decoded(), "{} at depth {depth}", decoder.name);
            }
        }
        // Deep values under an unknown key are skipped; under a known key
        // they hit serde_json's nesting limit. Either way: no overflow.
        let deep = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        let under_unknown = format!(r#"{{"extra":{deep}}}"#);
        let under_known =
            format!(r#"{{"cancel":{deep},"replacement":{{"status":"NOT_ATTEMPTED"}}}}"#);
        decode_all(under_unknown.as_bytes());
        assert!(
            serde_json::from_str::<MessageResponse>(&under_unknown).is_ok(),
            "an unknown field is skipped however deep"
        );
        let result = serde_json::from_str::<CancelReplaceResult>(&under_known);
        assert!(result.is_err(), "depth {depth}: {result:?}");
    }
}

#[test]
fn empty_and_blank_bodies_are_errors() {
    for body in [
        "",
        " ",
        "\n\t",
        "\u{feff}{}",
        "{}x",
        "{} {}",
        "nul",
        "\"{}\"",
    ] {
        for decoder in DECODERS.iter() {
            let outcome = (decoder.decode)(body.as_bytes());
            assert!(!outcome.is_decoded(), "{} from {body:?}", decoder.name);
        }
    }
}

#[test]
fn out_of_range_numbers_are_errors_not_wrapped_values() {
    // Integers that do not fit the field are refused, never truncated or
    // wrapped.
    for (body, what) in [
        (
            r#"{"profileId":9223372036854775808,"account":"a"}"#,
            "i64 + 1",
        ),
        (
            r#"{"profileId":-9223372036854775809,"account":"a"}"#,
            "i64 - 1",
        ),
        (
            r#"{"profileId":"9223372036854775808","account":"a"}"#,
            "i64 + 1 as text",
        ),
        (r#"{"profileId":1.5,"account":"a"}"#, "a fraction"),
        (
            r#"{"profileId":9007199254740993.0,"account":"a"}"#,
            "beyond exact f64",
        ),
        (r#"{"profileId":1e400,"account":"a"}"#, "beyond f64"),
    ] {
        let decoded = serde_json::from_str::<PartnerAccount>(body);
        assert!(decoded.is_err(), "{what}: {decoded:?}");
    }
    let page = serde_json::from_str::<PartnerAccountsPage>(r#"{"page":4294967296,"limit":1}"#);
    assert!(page.is_err(), "u32 + 1: {page:?}");
    let level = serde_json::from_str::<OrderBookLevel>(
        r#"{"price":"79228162514264337593543950336","size":1}"#,
    );
    assert!(level.is_err(), "beyond Decimal::MAX: {level:?}");
    // Too many decimal places for a Decimal: refused, not rounded.
    let level = serde_json::from_str::<OrderBookLevel>(
        r#"{"price":"0.00000000000000000000000000001","size":1}"#,
    );
    assert!(level.is_err(), "29 decimal places: {level:?}");
}

#[test]
fn the_edges_that_fit_decode_exactly() {
    let account: PartnerAccount =
        serde_json::from_str(r#"{"profileId":"-9223372036854775808","account":"a"}"#).unwrap();
    assert_eq!(account.profile_id, i64::MIN);
    let level: OrderBookLevel = serde_json::from_str(
        r#"{"price":"0.0000000000000000000000000001","size":"18446744073709551615"}"#,
    )
    .unwrap();
    assert_eq!(level.price, Decimal::new(1, 28));
    assert_eq!(level.size, MicroShares::from_micro(u64::MAX));
    // One more micro-share does not fit: refused, not wrapped.
    let level =
        serde_json::from_str::<OrderBookLevel>(r#"{"price":0.5,"size":"18446744073709551616"}"#);
    assert!(level.is_err(), "u64 + 1: {level:?}");
}

/// An unknown field inside a cancel-replace outcome should be ignored
/// whatever it holds. Outcomes are buffered as a `serde_json::Value` to read
/// their `status` tag first, and a `Value` cannot hold a number beyond f64
/// (`1e309`), so today such a field fails the whole response.
#[test]
#[ignore = "known limitation of limitless-types: outcomes are buffered as serde_json::Value"]
fn unknown_fields_with_huge_numbers_in_outcomes() {
    let body = r#"{"cancel":{"status":"SUCCESS","orderId":"o-1","extra":1e309},"replacement":{"status":"NOT_ATTEMPTED"}}"#;
    let result = serde_json::from_str::<CancelReplaceResult>(body);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn exactness_of_number_parsing_is_judged_correctly() {
    for exact in [
        "0",
        "-7",
        "18446744073709551615",
        "-9223372036854775808",
        "0.55",
        "1e22",
        "1.5e-21",
        "123456789012345",
        "0.000000000000000000001",
    ] {
        assert!(number_parses_exactly(exact), "{exact}");
        let parsed: f64 = serde_json::from_str(exact).unwrap();
        assert_eq!(parsed, exact.parse::<f64>().unwrap(), "{exact}");
    }
    for inexact in [
        "18446744073709551616",
        "1e-28",
        "1e23",
        "0.0000000000000000000000000001",
        "1.0000000000000001e-28",
        "1234567890123456.5",
    ] {
        assert!(!number_parses_exactly(inexact), "{inexact}");
    }
    // The reason the judge exists: serde_json's default parser is one ulp
    // off on 1e-28, which Rust's own parser reads exactly. A build with
    // serde_json's `float_roundtrip` (the workspace's OpenAPI test pulls it
    // in through jsonschema) reads it exactly too; the judge holds either
    // way, since it compares with Rust's parser, not with serde_json's.
    assert!(numbers_parse_exactly(
        r#"{"a":[1,0.5,"1e-28"],"b":"\\\"1e-28"}"#
    ));
    assert!(!numbers_parse_exactly(r#"{"a":[1,0.5,1e-28]}"#));
}
