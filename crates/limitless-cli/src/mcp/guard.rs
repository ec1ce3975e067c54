//! What keeps an agent's writes safe: the scope named on the command line
//! (`--allow-trading`, `--sub-account`, `--market`), the session's caps
//! (`--max-notional`, `--max-orders`), and the one-time confirmation
//! tokens every write needs before it is sent.
//!
//! Nothing here reads a clock: the caller passes `now`, so the expiry of a
//! token is tested without waiting.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use limitless_client::Decimal;
use serde_json::{Value, json};

use crate::exit::CliError;

/// How long a confirmation token stays valid: long enough for a person
/// to read the preview the agent shows, short enough that a forgotten
/// preview does not become a live order later.
pub(crate) const CONFIRMATION_TTL: Duration = Duration::from_secs(120);

/// What the command line allows the trading tools to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    /// `--allow-trading`: without it no tool writes.
    pub(crate) allow_trading: bool,
    /// `--sub-account`: the only sub-accounts a write may act for.
    pub(crate) sub_accounts: BTreeSet<i64>,
    /// `--market`: the only markets a write may touch.
    pub(crate) markets: BTreeSet<String>,
    /// `--max-notional`: USDC all the session's orders may commit together.
    pub(crate) max_notional: Decimal,
    /// `--max-orders`: orders the session may send.
    pub(crate) max_orders: u32,
}

impl Policy {
    /// No writes at all.
    pub(crate) fn read_only() -> Self {
        Self {
            allow_trading: false,
            sub_accounts: BTreeSet::new(),
            markets: BTreeSet::new(),
            max_notional: Decimal::ZERO,
            max_orders: 0,
        }
    }

    /// Refuses a write when trading is off, or for a sub-account or market
    /// the command line did not name.
    pub(crate) fn check_scope(&self, sub_account: i64, market: &str) -> Result<(), CliError> {
        self.check_trading()?;
        if !self.sub_accounts.contains(&sub_account) {
            return Err(refused(format!(
                "sub-account {sub_account} is not one this session may trade for (--sub-account: {})",
                list(self.sub_accounts.iter())
            )));
        }
        if !self.markets.contains(market.trim()) {
            return Err(refused(format!(
                "market {market:?} is not one this session may trade on (--market: {})",
                list(self.markets.iter())
            )));
        }
        Ok(())
    }

    /// Refuses every write when `lmts mcp` was started without
    /// `--allow-trading`.
    pub(crate) fn check_trading(&self) -> Result<(), CliError> {
        if self.allow_trading {
            Ok(())
        } else {
            Err(refused(
                "this MCP server is read-only: it was started without --allow-trading, so no tool may write",
            )
            .hint("restart it with --allow-trading --sub-account ID --market SLUG --max-notional USDC --max-orders N"))
        }
    }
}

/// A refusal by the session's own rules: nothing was sent.
fn refused(message: impl Into<String>) -> CliError {
    CliError::usage(message)
}

fn list<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    let items: Vec<String> = items.map(|item| item.to_string()).collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// What one write commits against the session's caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Commitment {
    /// USDC, at most (a sell's USDC, or for a fill-or-kill sell its shares
    /// at the highest price, 1).
    pub(crate) notional: Decimal,
    /// Orders placed (a cancel places none).
    pub(crate) orders: u32,
}

/// What the session has committed so far: orders sent, or whose outcome
/// is unknown (an order that may have been placed counts).
#[derive(Debug, Clone, Default)]
pub(crate) struct Budget {
    notional: Decimal,
    orders: u32,
}

impl Budget {
    /// Refuses `commitment` when it would take the session past a cap.
    pub(crate) fn check(&self, policy: &Policy, commitment: Commitment) -> Result<(), CliError> {
        let orders = self.orders.saturating_add(commitment.orders);
        if orders > policy.max_orders {
            return Err(refused(format!(
                "past the session's cap on orders: {} sent, this one would make {orders}, --max-orders is {}",
                self.orders, policy.max_orders
            )));
        }
        let notional = self.notional + commitment.notional;
        if notional > policy.max_notional {
            return Err(refused(format!(
                "past the session's cap on notional: {} USDC committed, this order adds {}, --max-notional is {} USDC",
                self.notional.normalize(),
                commitment.notional.normalize(),
                policy.max_notional.normalize()
            )));
        }
        Ok(())
    }

    /// Counts `commitment` (checked first).
    pub(crate) fn reserve(
        &mut self,
        policy: &Policy,
        commitment: Commitment,
    ) -> Result<(), CliError> {
        self.check(policy, commitment)?;
        self.notional += commitment.notional;
        self.orders += commitment.orders;
        Ok(())
    }

    /// Gives back a reservation whose request was certainly not carried
    /// out.
    pub(crate) fn release(&mut self, commitment: Commitment) {
        self.notional = (self.notional - commitment.notional).max(Decimal::ZERO);
        self.orders = self.orders.saturating_sub(commitment.orders);
    }

    /// The caps and what is used of them, for previews.
    pub(crate) fn report(&self, policy: &Policy) -> Value {
        json!({
            "notionalUsed": self.notional.normalize().to_string(),
            "maxNotional": policy.max_notional.normalize().to_string(),
            "ordersUsed": self.orders,
            "maxOrders": policy.max_orders,
        })
    }
}

/// A previewed write waiting for its confirmation.
#[derive(Debug)]
struct Pending<W> {
    tool: String,
    arguments: Value,
    write: W,
    expires: Instant,
}

/// The one-time confirmation tokens of previewed writes, each bound to one
/// tool call's exact arguments and the request built from them.
#[derive(Debug)]
pub(crate) struct Confirmations<W> {
    pending: HashMap<String, Pending<W>>,
}

impl<W> Default for Confirmations<W> {
    fn default() -> Self {
        Self {
            pending: HashMap::new(),
        }
    }
}

impl<W> Confirmations<W> {
    /// Keeps `write` for a second call of `tool` with `arguments`, and
    /// returns its token: 128 random bits, hex. Expired tokens are dropped
    /// on the way.
    pub(crate) fn issue(&mut self, tool: &str, arguments: Value, write: W, now: Instant) -> String {
        self.pending.retain(|_, pending| pending.expires > now);
        let token = random_token();
        self.pending.insert(
            token.clone(),
            Pending {
                tool: tool.to_owned(),
                arguments,
                write,
                expires: now + CONFIRMATION_TTL,
            },
        );
        token
    }

    /// The write `token` confirms, taken (a token works once, whatever
    /// the outcome). Refused for a token never issued or already used, an
    /// expired one, or a call that is not the previewed one (another tool,
    /// other arguments).
    pub(crate) fn redeem(
        &mut self,
        token: &str,
        tool: &str,
        arguments: &Value,
        now: Instant,
    ) -> Result<W, CliError> {
        let Some(pending) = self.pending.remove(token) else {
            return Err(refused(
                "unknown confirmation token: it was never issued, or was used already (a token confirms one write, once)",
            )
            .hint("call the tool without confirmationToken for a new preview"));
        };
        if pending.expires <= now {
            return Err(refused(format!(
                "the confirmation token expired ({} s after its preview); nothing was sent",
                CONFIRMATION_TTL.as_secs()
            ))
            .hint("call the tool without confirmationToken for a new preview"));
        }
        if pending.tool != tool || &pending.arguments != arguments {
            return Err(refused(format!(
                "the confirmation token belongs to another call (`{}` with other arguments); nothing was sent and the token is spent",
                pending.tool
            ))
            .hint("call the tool without confirmationToken for a new preview"));
        }
        Ok(pending.write)
    }
}

/// 128 bits from the operating system's generator, as 32 hex digits.
fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes
        .iter()
        .fold(String::with_capacity(32), |mut text, byte| {
            let _ = write!(text, "{byte:02x}");
            text
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    fn policy() -> Policy {
        Policy {
            allow_trading: true,
            sub_accounts: [2001].into(),
            markets: ["btc".to_owned()].into(),
            max_notional: Decimal::from(10),
            max_orders: 2,
        }
    }

    fn message(error: &CliError) -> String {
        error.to_json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn writes_stay_inside_the_named_sub_accounts_and_markets() {
        let policy = policy();
        assert!(policy.check_scope(2001, "btc").is_ok());
        let error = policy.check_scope(2002, "btc").unwrap_err();
        assert_eq!(error.exit(), Exit::Usage);
        assert!(message(&error).contains("sub-account 2002"), "{error:?}");
        let error = policy.check_scope(2001, "eth").unwrap_err();
        assert!(message(&error).contains("market \"eth\""), "{error:?}");

        let error = Policy::read_only().check_scope(2001, "btc").unwrap_err();
        assert!(message(&error).contains("--allow-trading"), "{error:?}");
    }

    #[test]
    fn the_caps_count_every_order_and_refuse_past_them() {
        let policy = policy();
        let mut budget = Budget::default();
        let four = Commitment {
            notional: Decimal::new(42, 1),
            orders: 1,
        };
        budget.reserve(&policy, four).unwrap();
        budget.reserve(&policy, four).unwrap();
        // 8.4 USDC and 2 orders used: a third order is past --max-orders.
        let error = budget.reserve(&policy, four).unwrap_err();
        assert!(message(&error).contains("cap on orders"), "{error:?}");
        // A cancel places nothing and commits nothing.
        budget.reserve(&policy, Commitment::default()).unwrap();

        let mut budget = Budget::default();
        budget.reserve(&policy, four).unwrap();
        let error = budget
            .reserve(
                &policy,
                Commitment {
                    notional: Decimal::new(59, 1),
                    orders: 1,
                },
            )
            .unwrap_err();
        assert!(message(&error).contains("cap on notional"), "{error:?}");
        assert!(message(&error).contains("4.2 USDC committed"), "{error:?}");
        // Exactly at the cap is allowed.
        budget
            .reserve(
                &policy,
                Commitment {
                    notional: Decimal::new(58, 1),
                    orders: 1,
                },
            )
            .unwrap();
        assert_eq!(budget.report(&policy)["notionalUsed"], "10");

        // A request certainly not carried out gives its share back.
        budget.release(four);
        assert_eq!(budget.report(&policy)["notionalUsed"], "5.8");
        assert_eq!(budget.report(&policy)["ordersUsed"], 1);
    }

    #[test]
    fn a_token_confirms_its_own_call_once() {
        let start = Instant::now();
        let mut confirmations = Confirmations::default();
        let arguments = json!({"marketSlug": "btc", "size": "10"});
        let token = confirmations.issue("place_limit_order", arguments.clone(), 7, start);
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        let other = confirmations.issue("place_limit_order", arguments.clone(), 8, start);
        assert_ne!(token, other, "tokens are random");

        assert_eq!(
            confirmations
                .redeem(&token, "place_limit_order", &arguments, start)
                .unwrap(),
            7
        );
        // Used: refused, whatever the call.
        let error = confirmations
            .redeem(&token, "place_limit_order", &arguments, start)
            .unwrap_err();
        assert!(message(&error).contains("unknown confirmation token"));
        let error = confirmations
            .redeem("0123", "place_limit_order", &arguments, start)
            .unwrap_err();
        assert!(message(&error).contains("unknown confirmation token"));
    }

    #[test]
    fn a_token_is_bound_to_the_previewed_arguments_and_expires() {
        let start = Instant::now();
        let mut confirmations = Confirmations::default();
        let arguments = json!({"marketSlug": "btc", "size": "10"});
        let token = confirmations.issue("place_limit_order", arguments.clone(), 1, start);
        let changed = json!({"marketSlug": "btc", "size": "100"});
        let error = confirmations
            .redeem(&token, "place_limit_order", &changed, start)
            .unwrap_err();
        assert!(message(&error).contains("another call"), "{error:?}");
        // Spent by the attempt.
        assert!(
            confirmations
                .redeem(&token, "place_limit_order", &arguments, start)
                .is_err()
        );

        let token = confirmations.issue("cancel_order", arguments.clone(), 2, start);
        let error = confirmations
            .redeem(&token, "place_limit_order", &arguments, start)
            .unwrap_err();
        assert!(message(&error).contains("`cancel_order`"), "{error:?}");

        let token = confirmations.issue("cancel_order", arguments.clone(), 3, start);
        let late = start + CONFIRMATION_TTL;
        let error = confirmations
            .redeem(&token, "cancel_order", &arguments, late)
            .unwrap_err();
        assert!(message(&error).contains("expired"), "{error:?}");
        let token = confirmations.issue("cancel_order", arguments.clone(), 4, start);
        let in_time = start + CONFIRMATION_TTL - Duration::from_millis(1);
        assert_eq!(
            confirmations
                .redeem(&token, "cancel_order", &arguments, in_time)
                .unwrap(),
            4
        );
    }
}
