//! The command tree (clap derive). Each leaf is a thin layer over one
//! client call; the help of each says what it sends, shows an example and
//! names its `--json` shape.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use limitless_client::{CancelReplaceMode, MarketSort, Side, StpPolicy};

use crate::exit;

/// What `lmts --help` prints after the commands, before the exit codes.
const HELP_BEFORE_EXITS: &str = "\
Credentials (the environment first, value by value, then the profile):
  LIMITLESS_API_URL         API base URL (default https://api.limitless.exchange)
  LIMITLESS_API_TOKEN_ID    scoped API token id      } one pair: when either is set,
  LIMITLESS_API_SECRET      its base64 HMAC secret   } both come from the environment
  LMTS_TOKEN_ID             } the same pair under the official tutorials' names, read
  LMTS_TOKEN_SECRET         } when neither of the two above is set
  LIMITLESS_IDENTITY_TOKEN  Privy identity token (capabilities, derive, withdrawal addresses)
  --profile NAME / LMTS_PROFILE   profile file <config>/profiles/NAME.toml
                                  (default: `default`, when it exists)
  LMTS_CONFIG_DIR           config directory (default ~/.config/lmts on Linux)
  LIMITLESS_WS_URL          socket URL of `market book --watch` and `order watch` (default
                            wss://ws.limitless.exchange for the production API, else the
                            API URL's host; --ws-url)
Profiles are written owner-only (0600) by `lmts token derive --save NAME`; a
profile that group or others may read is refused. No secret is ever printed,
except the one-time secret of `lmts token derive` when it is not saved.

Output: tables by default. --json prints exactly one JSON document on stdout
(the API's object, camelCase, unless a command's help says otherwise); on
failure stdout is empty and stderr holds {\"error\": {\"kind\", \"exitCode\",
\"message\", \"hints\"?, \"status\"?, \"apiMessage\"?, \"request\"?, \"sentOrders\"?}}.
--dry-run signs the request and prints it (method, url, headers, body)
instead of sending it; with --json: {\"dryRun\": true, \"operation\", \"method\",
\"url\", \"headers\", \"body\", \"idempotent\", \"orders\"}. Identity tokens are
redacted; an order's dry run still reads its market (for the fee and venue).
The socket commands (`market book --watch`, `order watch`) print NDJSON with
--json: one object a line as events arrive, each with a \"type\" (\"book\",
\"subscribed\", \"orderEvent\", \"tx\") and notices {\"type\": \"unconfirmed\",
\"channel\", \"timeoutMs\"}, {\"type\": \"exception\", \"message\", \"event\"},
{\"type\": \"reconnecting\",
\"attempt\", \"reason\"}, {\"type\": \"reconnected\"}, {\"type\": \"lagged\", \"missed\"},
{\"type\": \"unrecognized\", \"event\", \"payload\"}; see their --help for the shapes.
";

/// What `lmts --help` prints after the exit codes.
const HELP_AFTER_EXITS: &str = "\
Quick start against a local sandbox:
  lmts sandbox                           # in one terminal
  eval \"$(lmts sandbox --print-env)\"     # in another
  lmts token derive --scopes trading,account_creation,delegated_signing --save sandbox";

/// What `lmts --help` prints after the commands: the credentials, the
/// output, the exit table (rendered from [`Exit`](crate::exit::Exit)) and
/// a quick start.
fn after_long_help() -> String {
    format!(
        "{HELP_BEFORE_EXITS}\n{}\n{HELP_AFTER_EXITS}",
        exit::table_text()
    )
}

/// `lmts`: the Limitless Exchange programmatic API from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "lmts",
    version,
    about = "The Limitless Exchange programmatic API from the command line",
    long_about = "The Limitless Exchange programmatic API from the command line: scoped API \
tokens, partner sub-accounts, delegated and self-signed orders, market reads, live order \
books and order events, request signing for curl, signature checks, and a local sandbox.",
    after_long_help = after_long_help(),
    propagate_version = true
)]
pub(crate) struct Cli {
    /// Print JSON on stdout: one document (socket commands: one object a line); errors on stderr.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// Read credentials from this profile [default: `default`, when it exists].
    #[arg(long, global = true, value_name = "NAME", env = "LMTS_PROFILE")]
    pub(crate) profile: Option<String>,

    /// Sign the request and print it instead of sending it.
    #[arg(long, global = true)]
    pub(crate) dry_run: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Scoped API tokens: capabilities, derive, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Partner sub-accounts: create, list, recover, allowances, withdrawal addresses.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Orders: for a sub-account (--for) or signed with a key of your own (--key-env); watch them live.
    #[command(subcommand, visible_alias = "orders")]
    Order(OrderCommand),
    /// Market reads: one market, the active ones, an order book (or follow it live).
    #[command(subcommand)]
    Market(MarketCommand),
    /// A sub-account's server wallet: redeem, withdraw.
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// Sign a request with the API token: print its lmts-* headers, or a curl command.
    #[command(after_help = "\
Examples:
  lmts sign GET /auth/api-tokens
  lmts sign POST /orders --body @order.json --curl | sh
  printf '{}' | lmts sign POST /profiles/partner-accounts/2001/allowances/retry --body -

The signature covers the method, the path with its query exactly as given,
and the body's exact bytes; it is valid for 30 s (the API's window).
JSON: {\"method\", \"url\", \"headers\": {\"lmts-api-key\", \"lmts-timestamp\",
\"lmts-signature\"}, \"body\": string|null, \"curl\"?: string}")]
    Sign(SignArgs),
    /// Check a request's lmts-* signature against a secret (for your own proxy).
    #[command(after_help = "\
Example:
  lmts verify POST /orders --body @body.json \\
    -H \"lmts-api-key: $TOKEN_ID\" -H \"lmts-timestamp: $TS\" -H \"lmts-signature: $SIG\" \\
    --secret-env PARTNER_SECRET

The secret is read from an environment variable or a file, never from the
command line. Exit code 0: valid; 7: not valid (missing header, malformed or
stale timestamp, wrong signature).
JSON: {\"valid\": bool, \"tokenId\": string|null, \"reason\": string|null}")]
    Verify(VerifyArgs),
    /// Run a local, in-memory sandbox of the API until Ctrl-C.
    #[command(after_help = "\
Example: the set-up, two commands
  lmts sandbox                          # this terminal: runs until Ctrl-C
  eval \"$(lmts sandbox --print-env)\"    # another terminal: points lmts at it

--print-env sets LIMITLESS_API_URL, LIMITLESS_IDENTITY_TOKEN (the sandbox
partner's throwaway identity token), LMTS_SANDBOX_PARTNER_KEY (the partner's
throwaway private key, for --key-env), and LMTS_CONFIG_DIR / LMTS_PROFILE to a
config directory of the sandbox's own, so what you save against the sandbox
never touches your real profiles. It is removed when the sandbox stops.
JSON (on start): {\"url\", \"configDir\", \"env\": {NAME: value}, \"partner\":
{\"profileId\", \"account\"}, \"markets\": [{\"slug\", \"title\", \"yesTokenId\",
\"noTokenId\"}]}; --print-env --json: {\"env\": {NAME: value}, \"unset\": [NAME]}")]
    Sandbox(SandboxArgs),
    /// The API's maintenance windows: whether trading is restricted now, and what is scheduled.
    #[command(after_help = "\
Examples:
  lmts maintenance
  lmts maintenance --trading --json

Public: no credentials needed. A request refused during maintenance exits
with code 3 (the API refused it; nothing was carried out).
JSON: {\"active\": [window], \"scheduled\": [window]}, window = {\"id\"?,
\"message\"?, \"startsAt\"?, \"endsAt\"?, \"effects\": [{\"target\", \"mode\"}]}")]
    Maintenance(MaintenanceArgs),
    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  lmts completions bash > ~/.local/share/bash-completion/completions/lmts
  lmts completions zsh > \"${fpath[1]}/_lmts\"
  lmts completions fish > ~/.config/fish/completions/lmts.fish")]
    Completions(CompletionsArgs),
    /// Serve the API to AI agents: Model Context Protocol tools over stdio.
    #[command(after_help = "\
Examples:
  lmts mcp                                  # market and portfolio reads only
  lmts mcp --allow-trading --sub-account 2001 --market btc-above-120k-dec-31-2026 \\
           --max-notional 50 --max-orders 10

Reads stdin and writes stdout as MCP's stdio transport (JSON-RPC, one message a
line); an agent host starts it (see docs/mcp.md for the host's JSON). Credentials
and profiles as for every command. Without --allow-trading no tool writes. With
it, the trading tools act only for the --sub-account ids on the --market slugs
given, within --max-notional USDC and --max-orders orders per session, and every
write answers first with a preview (the signed request as --dry-run prints it)
and a one-time confirmation token; only the same call with that token sends it.")]
    Mcp(McpArgs),
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// What the identity may do: partner profile, token management, allowed scopes.
    #[command(after_help = "\
Example:
  LIMITLESS_IDENTITY_TOKEN=... lmts token capabilities

Authenticates with the Privy identity token (LIMITLESS_IDENTITY_TOKEN).
JSON: {\"partnerProfileId\", \"tokenManagementEnabled\", \"allowedScopes\"}")]
    Capabilities,
    /// Derive a scoped API token; its secret is shown once, or saved to a profile.
    #[command(after_help = "\
Examples:
  lmts token derive --label bot --scopes trading,delegated_signing --save prod
  lmts token derive --json > token.json      # the secret is in the output: keep it safe

Authenticates with the Privy identity token. Without --save the secret is
printed once; with --save it goes to the profile file (0600) and is not printed.
JSON: {\"tokenId\", \"apiKey\", \"createdAt\", \"scopes\", \"profile\": {\"id\", \"account\"},
\"secret\"?: only without --save, \"saved\"?: {\"profile\", \"path\"}}")]
    Derive(DeriveArgs),
    /// List the active API tokens.
    #[command(after_help = "\
Example:
  lmts token list
JSON: [{\"tokenId\", \"label\", \"scopes\", \"createdAt\", \"lastUsedAt\"}]")]
    List,
    /// Revoke an API token.
    #[command(after_help = "\
Example:
  lmts token revoke tok_123
JSON: {\"tokenId\", \"message\"}")]
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DeriveArgs {
    /// A name for the token, shown by `lmts token list`.
    #[arg(long)]
    pub(crate) label: Option<String>,
    /// Scopes, comma-separated: trading, account_creation, delegated_signing,
    /// withdrawal [default: the API's, trading].
    #[arg(long, value_name = "SCOPE,...", value_delimiter = ',')]
    pub(crate) scopes: Vec<String>,
    /// Save the token (with the API URL) to this profile instead of printing the secret.
    #[arg(long, value_name = "NAME")]
    pub(crate) save: Option<String>,
    /// Replace the token a profile already holds.
    #[arg(long, requires = "save")]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// The token id.
    pub(crate) token_id: String,
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Subcommand)]
pub(crate) enum AccountCommand {
    /// Create a sub-account: a server wallet, or an EOA whose key you hold.
    #[command(after_help = "\
Examples:
  lmts account create --server-wallet --name alice
  EOA_KEY=0x... lmts account create --eoa-key-env EOA_KEY --name bob

An EOA sub-account proves ownership with an EIP-191 signature made by the key
in the variable (the key itself never leaves this process).
JSON: {\"profileId\", \"account\"}")]
    Create(CreateAccountArgs),
    /// List sub-accounts, a page at a time.
    #[command(after_help = "\
Example:
  lmts account list --page 2
JSON: {\"data\": [{\"profileId\", \"account\", \"displayName\"}], \"page\", \"limit\", \"hasMore\"}")]
    List(ListAccountsArgs),
    /// Find a sub-account by its wallet address.
    #[command(after_help = "\
Example:
  lmts account recover 0x5a4d0000000000000000000000000000000007d1

The API has no separate recovery endpoint: this looks the address up among
your sub-accounts (GET /profiles/partner-accounts?account=...), which gives
back the profile id to act for.
JSON: {\"profileId\", \"account\", \"displayName\"}, or null when there is none")]
    Recover(RecoverArgs),
    /// Check a server-wallet sub-account's trading allowances (or retry, or wait).
    #[command(after_help = "\
Examples:
  lmts account allowances 2001
  lmts account allowances 2001 --retry
  lmts account allowances 2001 --wait --timeout 60

--wait checks, submits the missing ones again once, and polls until every
allowance is confirmed (exit code 8 when the timeout passes first).
JSON: {\"profileId\", \"partnerProfileId\", \"chainId\", \"walletAddress\", \"ready\",
\"summary\": {\"total\", \"confirmed\", \"missing\", \"submitted\", \"failed\"}, \"targets\": [...]}")]
    Allowances(AllowancesArgs),
    /// Allow or remove a withdrawal destination (identity token).
    #[command(subcommand)]
    WithdrawalAddress(WithdrawalAddressCommand),
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["server_wallet", "eoa_key_env"])))]
pub(crate) struct CreateAccountArgs {
    /// A sub-account whose wallet the exchange manages (delegated orders).
    #[arg(long)]
    pub(crate) server_wallet: bool,
    /// An EOA sub-account whose private key is in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub(crate) eoa_key_env: Option<String>,
    /// Display name (at most 44 characters).
    #[arg(long)]
    pub(crate) name: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ListAccountsArgs {
    /// Page number, from 1.
    #[arg(long)]
    pub(crate) page: Option<u32>,
    /// Page size, 1 to 25.
    #[arg(long)]
    pub(crate) limit: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct RecoverArgs {
    /// The sub-account's wallet address.
    pub(crate) address: String,
}

#[derive(Debug, Args)]
pub(crate) struct AllowancesArgs {
    /// The sub-account's profile id.
    pub(crate) profile_id: i64,
    /// Submit the missing or failed allowances again (POST .../allowances/retry).
    #[arg(long, conflicts_with = "wait")]
    pub(crate) retry: bool,
    /// Wait until every allowance is confirmed.
    #[arg(long)]
    pub(crate) wait: bool,
    /// How long --wait waits, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120, requires = "wait")]
    pub(crate) timeout: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum WithdrawalAddressCommand {
    /// Allow a withdrawal destination.
    #[command(after_help = "\
Example:
  lmts account withdrawal-address add 0x1111111111111111111111111111111111111111 --label treasury
Authenticates with the Privy identity token (LIMITLESS_IDENTITY_TOKEN).
JSON: {\"id\", \"profileId\", \"destinationAddress\", \"label\", \"createdAt\", \"deletedAt\"}")]
    Add(AddWithdrawalAddressArgs),
    /// Remove a withdrawal destination.
    #[command(after_help = "\
Example:
  lmts account withdrawal-address remove 0x1111111111111111111111111111111111111111
Authenticates with the Privy identity token (LIMITLESS_IDENTITY_TOKEN).
JSON: {\"removed\": address}")]
    Remove(RemoveWithdrawalAddressArgs),
}

#[derive(Debug, Args)]
pub(crate) struct AddWithdrawalAddressArgs {
    /// The destination address (0x + 40 hex).
    pub(crate) address: String,
    /// A label for it.
    #[arg(long)]
    pub(crate) label: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct RemoveWithdrawalAddressArgs {
    /// The destination address.
    pub(crate) address: String,
}

// ---------------------------------------------------------------- orders

#[derive(Debug, Subcommand)]
pub(crate) enum OrderCommand {
    /// Place an order: gtc, fak (limit) or fok (market).
    #[command(subcommand)]
    Place(PlaceCommand),
    /// Cancel an order.
    #[command(after_help = "\
Examples:
  lmts order cancel 4f1c... --for 2001     # a sub-account's order
  lmts order cancel 4f1c...                # one of your own
JSON: {\"orderId\", \"message\"}")]
    Cancel(CancelArgs),
    /// Cancel every order on a market.
    #[command(after_help = "\
Example:
  lmts order cancel-all --market btc-above-120k-dec-31-2026 --for 2001
JSON: {\"marketSlug\", \"message\", \"canceled\": [id], \"failed\": [{\"orderId\", \"reason\", \"message\"}]}
Orders the API could not cancel (its 207) are listed in \"failed\" and stay live; the exit is still 0.")]
    CancelAll(CancelAllArgs),
    /// Cancel an order and place a replacement in one request.
    #[command(after_help = "\
Example:
  lmts order replace 4f1c... --market btc-above-120k-dec-31-2026 --outcome yes \\
    --side buy --price 0.41 --size 10 --for 2001

--type gtc|fak takes --price and --size; --type fok takes --amount.
JSON: {\"cancel\": {\"status\", ...}, \"replacement\": {\"status\", \"data\"?: {\"order\", ...}}}")]
    Replace(ReplaceArgs),
    /// List the orders on a market: a sub-account's (--for) or your own.
    #[command(after_help = "\
Example:
  lmts order list --market btc-above-120k-dec-31-2026 --for 2001
JSON: [{\"id\", \"side\", \"orderType\", \"price\", \"makerAmount\", \"takerAmount\", \"salt\",
\"status\", \"originalSize\"?, \"remainingSize\"?, ...}] (amounts and sizes in micro-units)")]
    List(OrderListArgs),
    /// Print your order events as they happen (the socket), until Ctrl-C or --count.
    #[command(after_help = "\
Examples:
  lmts order watch                                    # every order of yours and your sub-accounts
  lmts order watch --market btc-above-120k-dec-31-2026 --for 2001 --tx
  lmts order watch --json --count 1 --timeout 30      # wait for the next event, at most 30 s

Authenticates the socket with the API token (HMAC, as the other commands; exit
code 6 before connecting when there is none). One line per event:
  12:00:01  PLACEMENT  <order id>  BUY  0.42 × 10  <market>
--for keeps the events whose userId is PROFILE_ID (the partner's socket hears
its sub-accounts' orders). --count counts events, not notices; --timeout ends
the watch after SECONDS: exit code 8 when --count events were not printed by
then, 0 without --count. Ctrl-C closes the socket and exits with 130.
JSON (NDJSON, one object a line): {\"type\": \"subscribed\", \"channels\", \"markets\"}
once the server has confirmed the subscription; {\"type\": \"orderEvent\", \"event\":
{\"source\", \"type\", \"orderId\", \"side\", \"price\", \"remainingSize\", ...}} and
{\"type\": \"tx\", \"event\": {\"txHash\", \"status\", ...}} (the API's event as decoded,
decimals as strings); notices {\"type\": \"reconnecting\", \"attempt\", \"reason\"},
{\"type\": \"reconnected\"}, {\"type\": \"lagged\", \"missed\"}; {\"type\": \"unrecognized\",
\"event\", \"payload\"} for an event the client cannot decode.")]
    Watch(OrderWatchArgs),
}

/// What `order place` prints with `--json`.
const PLACE_JSON: &str = "JSON: {\"order\": {\"id\", \"side\", \"orderType\", \"price\", \"makerAmount\", \
\"takerAmount\", \"salt\", ...}, \"makerMatches\": [...], \"execution\"?: {\"matched\", \
\"settlementStatus\", ...}} (amounts in micro-units: 1 share or 1 USDC = 1000000)";

#[derive(Debug, Subcommand)]
pub(crate) enum PlaceCommand {
    /// Good till cancelled: --price and --size.
    #[command(after_help = place_help(
        "lmts order place gtc --market btc-above-120k-dec-31-2026 --outcome yes --side buy \\\n    --price 0.42 --size 10 --for 2001"
    ))]
    Gtc(GtcArgs),
    /// Fill and kill: fill what matches now at --price or better, cancel the rest.
    #[command(after_help = place_help(
        "lmts order place fak --market btc-above-120k-dec-31-2026 --outcome no --side sell \\\n    --price 0.55 --size 5 --key-env MY_KEY"
    ))]
    Fak(LimitArgs),
    /// Fill or kill: --amount USDC to spend (buy) or shares to sell (sell), all or nothing.
    #[command(after_help = place_help(
        "lmts order place fok --market btc-above-120k-dec-31-2026 --outcome yes --side buy \\\n    --amount 12.5 --for 2001"
    ))]
    Fok(FokArgs),
}

/// An example and the JSON shape, for each `order place` kind. Written
/// out per call because clap wants a `&'static str` or `StyledStr`.
fn place_help(example: &str) -> String {
    format!(
        "Example:\n  {example}\n\n--for acts for a server-wallet sub-account (the exchange signs); --key-env\n\
signs with your own EIP-712 key from that variable; --sub-account-key-env with an\n\
EOA sub-account's key. --salt fixes the order's salt, so that an order whose outcome\n\
is unknown (exit code 4) can be looked up, and sent again unchanged once it is known\n\
not to have been placed.\n{PLACE_JSON}"
    )
}

/// The market, outcome token and side of an order.
#[derive(Debug, Args)]
pub(crate) struct OrderTarget {
    /// The market's slug.
    #[arg(long, value_name = "SLUG")]
    pub(crate) market: String,
    /// The outcome token id.
    #[arg(long, value_name = "TOKEN_ID", required_unless_present = "outcome")]
    pub(crate) token: Option<String>,
    /// The outcome, instead of --token (reads the market for its token ids).
    #[arg(long, value_enum, conflicts_with = "token")]
    pub(crate) outcome: Option<Outcome>,
    /// Buy or sell.
    #[arg(long, value_enum)]
    pub(crate) side: SideArg,
}

/// Who the order is for, and who signs it.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct Trader {
    /// Place it for this server-wallet sub-account (delegated: the exchange signs).
    #[arg(long = "for", value_name = "PROFILE_ID")]
    pub(crate) on_behalf_of: Option<i64>,
    /// Sign it yourself (EIP-712) with the private key in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub(crate) key_env: Option<String>,
    /// Sign it with an EOA sub-account's private key, in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub(crate) sub_account_key_env: Option<String>,
}

/// Options every order takes.
#[derive(Debug, Args)]
pub(crate) struct OrderOptions {
    /// The order's salt (1 to 2^53-1) [default: a fresh one].
    #[arg(long)]
    pub(crate) salt: Option<u64>,
    /// Fee rate in basis points [default: 300, or your rank's; 0 on collateral-fee venues].
    #[arg(long, value_name = "BPS")]
    pub(crate) fee_rate_bps: Option<u32>,
    /// Expiry in Unix seconds [default: none].
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub(crate) expiration: Option<u64>,
    /// Receive window in milliseconds (1 to 10000): refused if it arrives later.
    #[arg(long, value_name = "MS")]
    pub(crate) recv_window: Option<u64>,
}

#[derive(Debug, Args)]
pub(crate) struct LimitArgs {
    #[command(flatten)]
    pub(crate) target: OrderTarget,
    /// Limit price, 0 < price <= 1, on the market's tick (0.001).
    #[arg(long)]
    pub(crate) price: String,
    /// Shares, on the tick's share step.
    #[arg(long)]
    pub(crate) size: String,
    #[command(flatten)]
    pub(crate) trader: Trader,
    #[command(flatten)]
    pub(crate) options: OrderOptions,
}

#[derive(Debug, Args)]
pub(crate) struct GtcArgs {
    #[command(flatten)]
    pub(crate) limit: LimitArgs,
    /// Only rest on the book, never take.
    #[arg(long)]
    pub(crate) post_only: bool,
}

#[derive(Debug, Args)]
pub(crate) struct FokArgs {
    #[command(flatten)]
    pub(crate) target: OrderTarget,
    /// USDC to spend (buy) or shares to sell (sell), at most 6 decimals.
    #[arg(long)]
    pub(crate) amount: String,
    #[command(flatten)]
    pub(crate) trader: Trader,
    #[command(flatten)]
    pub(crate) options: OrderOptions,
}

#[derive(Debug, Args)]
pub(crate) struct CancelArgs {
    /// The order id.
    pub(crate) order_id: String,
    /// The sub-account whose order it is [default: your own].
    #[arg(long = "for", value_name = "PROFILE_ID")]
    pub(crate) on_behalf_of: Option<i64>,
}

#[derive(Debug, Args)]
pub(crate) struct CancelAllArgs {
    /// The market's slug.
    #[arg(long, value_name = "SLUG")]
    pub(crate) market: String,
    /// The sub-account whose orders to cancel [default: your own].
    #[arg(long = "for", value_name = "PROFILE_ID")]
    pub(crate) on_behalf_of: Option<i64>,
}

#[derive(Debug, Args)]
pub(crate) struct ReplaceArgs {
    /// The order to cancel: its id (or its client order id, with --by-client-id).
    pub(crate) order_id: String,
    /// ORDER_ID is the client order id the order was placed with.
    #[arg(long)]
    pub(crate) by_client_id: bool,
    /// The replacement's type.
    #[arg(long = "type", value_enum, default_value_t = OrderKind::Gtc)]
    pub(crate) order_type: OrderKind,
    #[command(flatten)]
    pub(crate) target: OrderTarget,
    /// Limit price (gtc, fak).
    #[arg(long, required_if_eq_any([("order_type", "gtc"), ("order_type", "fak")]))]
    pub(crate) price: Option<String>,
    /// Shares (gtc, fak).
    #[arg(long, required_if_eq_any([("order_type", "gtc"), ("order_type", "fak")]))]
    pub(crate) size: Option<String>,
    /// USDC to spend or shares to sell (fok).
    #[arg(long, required_if_eq("order_type", "fok"), conflicts_with_all(["price", "size"]))]
    pub(crate) amount: Option<String>,
    /// Only rest on the book (gtc).
    #[arg(long)]
    pub(crate) post_only: bool,
    /// What happens to the replacement when the cancel fails.
    #[arg(long, value_enum, default_value_t = ModeArg::StopOnFailure)]
    pub(crate) mode: ModeArg,
    /// Your id for the replacement (at most 128 characters).
    #[arg(long)]
    pub(crate) client_order_id: Option<String>,
    /// Self-trade prevention for the replacement.
    #[arg(long, value_enum)]
    pub(crate) stp: Option<StpArg>,
    #[command(flatten)]
    pub(crate) trader: Trader,
    #[command(flatten)]
    pub(crate) options: OrderOptions,
}

#[derive(Debug, Args)]
pub(crate) struct OrderWatchArgs {
    /// Only these markets (repeat, or comma-separate) [default: every market].
    #[arg(long = "market", value_name = "SLUG", value_delimiter = ',')]
    pub(crate) markets: Vec<String>,
    /// Only the events of this sub-account (its userId).
    #[arg(long = "for", value_name = "PROFILE_ID")]
    pub(crate) on_behalf_of: Option<i64>,
    /// Transactions (`tx`) as well as order events.
    #[arg(long)]
    pub(crate) tx: bool,
    #[command(flatten)]
    pub(crate) stream: StreamArgs,
}

/// How long a socket command runs, and where it connects.
#[derive(Debug, Args)]
pub(crate) struct StreamArgs {
    /// Stop with exit code 0 once this many events (not notices) were printed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) count: Option<u64>,
    /// Stop after this many seconds: exit code 8 if --count was not reached.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) timeout: Option<u64>,
    /// The socket's URL [default: wss://ws.limitless.exchange for the production
    /// API, else the API URL's host].
    #[arg(long, value_name = "URL", env = crate::config::ENV_WS_URL)]
    pub(crate) ws_url: Option<String>,
}

impl StreamArgs {
    /// Whether any of the options was given (they need a socket command).
    pub(crate) fn any(&self) -> bool {
        self.count.is_some() || self.timeout.is_some()
    }
}

#[derive(Debug, Args)]
pub(crate) struct OrderListArgs {
    /// The market's slug.
    #[arg(long, value_name = "SLUG")]
    pub(crate) market: String,
    /// The sub-account whose orders to list [default: your own].
    #[arg(long = "for", value_name = "PROFILE_ID")]
    pub(crate) on_behalf_of: Option<i64>,
}

/// An outcome of a binary market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Outcome {
    Yes,
    No,
}

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SideArg {
    Buy,
    Sell,
}

impl From<SideArg> for Side {
    fn from(side: SideArg) -> Self {
        match side {
            SideArg::Buy => Self::Buy,
            SideArg::Sell => Self::Sell,
        }
    }
}

/// An order type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OrderKind {
    Gtc,
    Fak,
    Fok,
}

/// Cancel-replace failure mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModeArg {
    /// Skip the replacement when the cancel fails.
    StopOnFailure,
    /// Place the replacement even when the cancel fails.
    AllowFailure,
}

impl From<ModeArg> for CancelReplaceMode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::StopOnFailure => Self::StopOnFailure,
            ModeArg::AllowFailure => Self::AllowFailure,
        }
    }
}

/// Self-trade prevention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[expect(
    clippy::enum_variant_names,
    reason = "the values are the API's: cancel-both, cancel-maker, cancel-taker"
)]
pub(crate) enum StpArg {
    CancelBoth,
    CancelMaker,
    CancelTaker,
}

impl From<StpArg> for StpPolicy {
    fn from(stp: StpArg) -> Self {
        match stp {
            StpArg::CancelBoth => Self::CancelBoth,
            StpArg::CancelMaker => Self::CancelMaker,
            StpArg::CancelTaker => Self::CancelTaker,
        }
    }
}

// ---------------------------------------------------------------- markets

#[derive(Debug, Subcommand)]
pub(crate) enum MarketCommand {
    /// One market: status, outcome token ids, prices, venue.
    #[command(after_help = "\
Example:
  lmts market get btc-above-120k-dec-31-2026
JSON: the API's market: {\"id\", \"slug\", \"title\", \"status\", \"tokens\": {\"yes\", \"no\"},
\"prices\", \"venue\": {\"exchange\", ...}, \"conditionId\", ...}")]
    Get(MarketArgs),
    /// The active markets, a page at a time.
    #[command(after_help = "\
Example:
  lmts market active --sort newest --limit 10
JSON: {\"data\": [market, ...], \"totalMarketsCount\"}")]
    Active(ActiveMarketsArgs),
    /// A market's order book (YES token): bids and asks; --watch follows it live.
    #[command(after_help = "\
Examples:
  lmts market book btc-above-120k-dec-31-2026
  lmts market book btc-above-120k-dec-31-2026 --watch --depth 10
  lmts market book btc-above-120k-dec-31-2026 --watch --json | jq -c '.bids[0]'

JSON: {\"bids\": [{\"price\", \"size\", \"side\"}], \"asks\": [...], \"tokenId\",
\"adjustedMidpoint\", ...} (sizes in micro-shares: 1 share = 1000000)

--watch subscribes to the market's socket channel (public: no credentials) and
prints the book the server sends on subscribing, then a fresh view on every
orderbookUpdate, until Ctrl-C (exit code 130), --count views (0) or --timeout
(8 when --count views were not printed by then, 0 without --count). People get
the best bid and ask, the spread and --depth levels a side, in shares.
--watch --json prints NDJSON, one object a line, every level of the book,
prices and sizes as exact decimal strings, sizes in shares (not micro-shares):
  {\"type\": \"book\", \"marketSlug\", \"tokenId\", \"version\", \"timestamp\",
   \"bids\": [{\"price\", \"size\"}], \"asks\": [...], \"spread\", \"midpoint\"}
and a line per notice: {\"type\": \"reconnecting\", \"attempt\", \"reason\"},
{\"type\": \"reconnected\"}, {\"type\": \"lagged\", \"missed\"} (updates may have been
missed: the next book line is the whole book again), {\"type\": \"unrecognized\",
\"event\", \"payload\"}. --count counts book lines only.")]
    Book(BookArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BookArgs {
    /// The market's slug.
    pub(crate) slug: String,
    /// Follow the book live (the socket) instead of reading it once.
    #[arg(long)]
    pub(crate) watch: bool,
    /// Levels a side in each view (--watch, without --json).
    #[arg(long, value_name = "N", default_value_t = 5, requires = "watch")]
    pub(crate) depth: usize,
    #[command(flatten)]
    pub(crate) stream: StreamArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MaintenanceArgs {
    /// Only the effects on trading (`?target=trading`).
    #[arg(long)]
    pub(crate) trading: bool,
}

#[derive(Debug, Args)]
pub(crate) struct MarketArgs {
    /// The market's slug.
    pub(crate) slug: String,
}

#[derive(Debug, Args)]
pub(crate) struct ActiveMarketsArgs {
    /// Page number, from 1.
    #[arg(long)]
    pub(crate) page: Option<u32>,
    /// Page size, 1 to 25.
    #[arg(long)]
    pub(crate) limit: Option<u32>,
    /// Sort order.
    #[arg(long, value_enum)]
    pub(crate) sort: Option<SortArg>,
}

/// Sort order of the active markets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SortArg {
    LpRewards,
    EndingSoon,
    Newest,
    HighValue,
    Liquidity,
}

impl From<SortArg> for MarketSort {
    fn from(sort: SortArg) -> Self {
        match sort {
            SortArg::LpRewards => Self::LpRewards,
            SortArg::EndingSoon => Self::EndingSoon,
            SortArg::Newest => Self::Newest,
            SortArg::HighValue => Self::HighValue,
            SortArg::Liquidity => Self::Liquidity,
        }
    }
}

// ---------------------------------------------------------------- wallets

#[derive(Debug, Subcommand)]
pub(crate) enum WalletCommand {
    /// Redeem a resolved market's positions held by a sub-account's server wallet.
    #[command(after_help = "\
Example:
  lmts wallet redeem --condition-id 0x3176...ca92 --for 2001
JSON: {\"hash\", \"userOperationHash\", \"transactionId\", \"walletAddress\", \"conditionId\", \"marketId\"}")]
    Redeem(RedeemArgs),
    /// Withdraw from a sub-account's server wallet (needs the withdrawal scope).
    #[command(after_help = "\
Example:
  lmts wallet withdraw --amount 1000000 --for 2001     # 1 USDC

Without --destination the API pays the partner's smart wallet.
JSON: {\"hash\", \"userOperationHash\", \"transactionId\", \"walletAddress\", \"token\",
\"destination\", \"amount\"}")]
    Withdraw(WithdrawArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RedeemArgs {
    /// The market's condition id (0x + 64 hex).
    #[arg(long)]
    pub(crate) condition_id: String,
    /// The sub-account's profile id.
    #[arg(long = "for", value_name = "PROFILE_ID")]
    pub(crate) on_behalf_of: i64,
}

#[derive(Debug, Args)]
pub(crate) struct WithdrawArgs {
    /// Amount in the token's smallest unit, digits only (1000000 = 1 USDC).
    #[arg(long)]
    pub(crate) amount: String,
    /// The sub-account whose server wallet pays.
    #[arg(long = "for", value_name = "PROFILE_ID")]
    pub(crate) on_behalf_of: Option<i64>,
    /// Token contract [default: USDC].
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) token: Option<String>,
    /// Destination: the partner account, its smart wallet, or an allowed address.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) destination: Option<String>,
}

// ---------------------------------------------------------------- sign, verify

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// HTTP method (GET, POST, DELETE, ...).
    pub(crate) method: String,
    /// Path below the API URL, with its query (e.g. /markets/x/user-orders?onBehalfOf=2001).
    pub(crate) path: String,
    /// The body: @FILE for a file's bytes, - for stdin, anything else as is.
    #[arg(long, value_name = "@FILE|-|TEXT", allow_hyphen_values = true)]
    pub(crate) body: Option<String>,
    /// Print a complete curl command line instead of the headers.
    #[arg(long)]
    pub(crate) curl: bool,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The request's HTTP method.
    pub(crate) method: String,
    /// The request's path with its query, exactly as received.
    pub(crate) path: String,
    /// The body: @FILE for a file's bytes, - for stdin, anything else as is.
    #[arg(long, value_name = "@FILE|-|TEXT", allow_hyphen_values = true)]
    pub(crate) body: Option<String>,
    /// A received header, `NAME: VALUE` (lmts-api-key, lmts-timestamp, lmts-signature).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The environment variable holding the token's base64 secret.
    #[arg(long, value_name = "VAR", default_value = "LIMITLESS_API_SECRET")]
    pub(crate) secret_env: String,
    /// A file holding the token's base64 secret (owner-only), instead of --secret-env.
    #[arg(long, value_name = "PATH")]
    pub(crate) secret_file: Option<PathBuf>,
    /// The allowed distance between the timestamp and this machine's clock, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub(crate) max_skew: u64,
}

// ---------------------------------------------------------------- sandbox, completions

#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// Print shell exports that point lmts at the running sandbox, and exit.
    #[arg(long, conflicts_with = "port")]
    pub(crate) print_env: bool,
}

#[derive(Debug, Args)]
pub(crate) struct McpArgs {
    /// Offer the trading tools (place, cancel, cancel-all, cancel-replace).
    #[arg(long, requires_all = ["sub_accounts", "markets", "max_notional", "max_orders"])]
    pub(crate) allow_trading: bool,
    /// A sub-account the trading tools may act for (repeat, or comma-separate).
    #[arg(
        long = "sub-account",
        value_name = "PROFILE_ID",
        value_delimiter = ',',
        requires = "allow_trading"
    )]
    pub(crate) sub_accounts: Vec<i64>,
    /// A market the trading tools may trade on (repeat, or comma-separate).
    #[arg(
        long = "market",
        value_name = "SLUG",
        value_delimiter = ',',
        requires = "allow_trading"
    )]
    pub(crate) markets: Vec<String>,
    /// The most USDC the session's orders may commit, all orders together.
    #[arg(long, value_name = "USDC", requires = "allow_trading")]
    pub(crate) max_notional: Option<String>,
    /// The most orders the session may send.
    #[arg(long, value_name = "N", requires = "allow_trading", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_orders: Option<u32>,
    /// The socket's URL, for the live books [default: as `market book --watch`].
    #[arg(long, value_name = "URL", env = crate::config::ENV_WS_URL)]
    pub(crate) ws_url: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
