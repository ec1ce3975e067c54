//! Exit codes, and the one error type of `lmts`: what went wrong, what it
//! means for the request (not sent, refused, maybe carried out), and what
//! to do next.

use std::error::Error as _;
use std::fmt;

use limitless_client::{Error as ClientError, Outcome};
use limitless_ws::Error as StreamError;
use serde_json::{Map, Value, json};

/// How `lmts` ends. The codes are a contract with scripts; their table,
/// in `lmts --help` and `docs/cli.md`, is rendered from [`Exit::ALL`] and
/// [`Exit::meaning`] (a test keeps the page equal to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// A defect, or a failure no other code describes.
    Internal,
    /// Bad arguments (clap's own errors, or the client's checks): nothing
    /// was sent.
    Usage,
    /// The API answered and refused (HTTP 3xx, 4xx, 429): not carried out.
    Refused,
    /// A write that is not idempotent may have reached the server and no
    /// usable answer says whether it was carried out (an order may have
    /// been placed).
    OutcomeUnknown,
    /// The network failed before the request reached the server: nothing
    /// was carried out.
    Network,
    /// Credentials or configuration missing or unusable: nothing was sent.
    Credentials,
    /// `lmts verify`: the signature does not match.
    InvalidSignature,
    /// A wait ran out of time (`account allowances --wait`); the state may
    /// still come.
    TimedOut,
    /// Interrupted (Ctrl-C). A write in flight may or may not have been
    /// carried out.
    Interrupted,
    /// The request got no usable answer (a 5xx, a lost connection, an
    /// unreadable body), but it changed nothing or is harmless to repeat:
    /// a read, or an idempotent write.
    Failed,
}

impl Exit {
    /// The process exit code.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Internal => 1,
            Self::Usage => 2,
            Self::Refused => 3,
            Self::OutcomeUnknown => 4,
            Self::Network => 5,
            Self::Credentials => 6,
            Self::InvalidSignature => 7,
            Self::TimedOut => 8,
            Self::Failed => 9,
            Self::Interrupted => 130,
        }
    }

    /// The `kind` of a JSON error object.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::Usage => "usage",
            Self::Refused => "refused",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::Network => "network",
            Self::Credentials => "credentials",
            Self::InvalidSignature => "invalid_signature",
            Self::TimedOut => "timed_out",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    /// Every exit code but success, in the order of the table.
    pub(crate) const ALL: [Self; 10] = [
        Self::Internal,
        Self::Usage,
        Self::Refused,
        Self::OutcomeUnknown,
        Self::Network,
        Self::Credentials,
        Self::InvalidSignature,
        Self::TimedOut,
        Self::Failed,
        Self::Interrupted,
    ];

    /// What the code tells a script: its line in the exit table.
    pub(crate) fn meaning(self) -> &'static str {
        match self {
            Self::Internal => "internal error (a defect: please report it)",
            Self::Usage => {
                "usage: bad arguments, or refused by the client's checks; nothing was sent"
            }
            Self::Refused => {
                "the API refused the request (HTTP 3xx, 4xx, 429, maintenance, 425, a duplicate client order id), or the socket's handshake (401) or a subscription: not carried out"
            }
            Self::OutcomeUnknown => {
                "outcome unknown: a write that may have been carried out (an order may have been placed) got no usable answer; check before sending it again (`--json`: `error.sentOrders`)"
            }
            Self::Network => {
                "network failure before the request reached the server (socket commands: the socket cannot be reached, or was lost for good): not carried out"
            }
            Self::Credentials => {
                "credentials or configuration missing or unusable; nothing was sent"
            }
            Self::InvalidSignature => "`verify`: the signature is not valid",
            Self::TimedOut => {
                "a wait ran out of time (`account allowances --wait`; a watch's `--count` not reached within `--timeout`)"
            }
            Self::Failed => {
                "failed without changing anything: a read (or a write that is harmless to repeat, such as cancelling one order) got no usable answer (HTTP 5xx, a lost connection, an unreadable body; socket commands: a subscription never acknowledged); send it again"
            }
            Self::Interrupted => {
                "interrupted (Ctrl-C; the socket commands close the socket first): a write in flight may or may not have been carried out"
            }
        }
    }

    /// The exit code of a client error: the client's own classification
    /// ([`ClientError::outcome`]), one code each. Only a write that is not
    /// idempotent ends "outcome unknown"; a read that gets a 5xx or an
    /// unreadable answer is [`Exit::Failed`].
    pub(crate) fn of(error: &ClientError) -> Self {
        match error.outcome() {
            Outcome::Invalid => Self::Usage,
            Outcome::Misconfigured => Self::Credentials,
            Outcome::NotSent => Self::Network,
            Outcome::Refused => Self::Refused,
            Outcome::Failed => Self::Failed,
            Outcome::Unknown => Self::OutcomeUnknown,
            Outcome::TimedOut => Self::TimedOut,
            // `Outcome::Internal`, a defect of the client; or a kind added
            // to the client after this build: reported, not guessed.
            _ => Self::Internal,
        }
    }

    /// What a stream client error means. Subscribing changes nothing on
    /// the server, so no code says "maybe carried out": a handshake the
    /// server answered with an HTTP status (401 for a token it does not
    /// accept) or a refused namespace or subscription is 3, as a REST 4xx
    /// is; credentials that cannot sign or a URL that cannot work are 6;
    /// a server that cannot be reached, or a connection lost for good, is
    /// 5; a subscription sent and never acknowledged is 9, as a REST read
    /// with no usable answer is (subscribing again is harmless).
    pub(crate) fn of_stream(error: &StreamError) -> Self {
        match error {
            StreamError::InvalidInput(_) => Self::Usage,
            StreamError::Config(_)
            | StreamError::Credentials(_)
            | StreamError::AuthenticationRequired { .. } => Self::Credentials,
            StreamError::HandshakeRefused { .. }
            | StreamError::ConnectRefused { .. }
            | StreamError::Refused { .. } => Self::Refused,
            StreamError::WebSocket(_)
            | StreamError::ConnectTimeout(_)
            | StreamError::Protocol(_)
            | StreamError::ConnectionLost(_)
            | StreamError::HeartbeatTimeout(_)
            | StreamError::ReconnectFailed { .. } => Self::Network,
            // Sent, and unanswered: the server may have subscribed, which
            // changes nothing on the exchange and is harmless to repeat.
            StreamError::AckTimeout { .. } => Self::Failed,
            _ => Self::Internal,
        }
    }
}

/// A failure of a command: its exit code, a message that never carries a
/// secret, hints on what to do, and the client error behind it (for the
/// request, the status and the orders it carried). Boxed: it travels in
/// every `Result` of the crate.
pub(crate) struct CliError(Box<Failure>);

struct Failure {
    exit: Exit,
    message: String,
    hints: Vec<String>,
    client: Option<ClientError>,
    /// The HTTP status of a failure that is not a client error (a refused
    /// socket handshake).
    status: Option<u16>,
    quiet: bool,
}

impl CliError {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self(Box::new(Failure {
            exit,
            message: message.into(),
            hints: Vec::new(),
            client: None,
            status: None,
            quiet: false,
        }))
    }

    /// An exit code whose reason the command has printed already as its
    /// result (`lmts verify`'s verdict): nothing more goes to stderr.
    pub(crate) fn quiet(exit: Exit) -> Self {
        let mut error = Self::new(exit, "");
        error.0.quiet = true;
        error
    }

    pub(crate) fn is_quiet(&self) -> bool {
        self.0.quiet
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub(crate) fn credentials(message: impl Into<String>) -> Self {
        Self::new(Exit::Credentials, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(Exit::Internal, message)
    }

    /// Puts `context` before the message (`context: message`).
    #[must_use]
    pub(crate) fn context(mut self, context: &str) -> Self {
        self.0.message = format!("{context}: {}", self.0.message);
        self
    }

    /// Adds a line saying what to do.
    #[must_use]
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hints.push(hint.into());
        self
    }

    pub(crate) fn exit(&self) -> Exit {
        self.0.exit
    }

    pub(crate) fn client_error(&self) -> Option<&ClientError> {
        self.0.client.as_ref()
    }

    /// The human form: the message and the hints, one per line.
    pub(crate) fn render(&self) -> String {
        let mut text = format!("lmts: error: {}", self.0.message);
        for hint in &self.0.hints {
            text.push_str("\n  hint: ");
            text.push_str(hint);
        }
        text
    }

    /// The JSON form: `{"error": {...}}` (see the crate docs for its keys).
    pub(crate) fn to_json(&self) -> Value {
        let failure = &self.0;
        let mut error = Map::new();
        error.insert("kind".into(), failure.exit.kind().into());
        error.insert("exitCode".into(), failure.exit.code().into());
        error.insert("message".into(), failure.message.clone().into());
        if !failure.hints.is_empty() {
            error.insert("hints".into(), failure.hints.clone().into());
        }
        if let Some(status) = failure.status {
            error.insert("status".into(), status.into());
        }
        if let Some(client) = &failure.client {
            if let Some(status) = client.status() {
                error.insert("status".into(), status.as_u16().into());
            }
            if let Some(message) = client.api_message() {
                error.insert("apiMessage".into(), message.into());
            }
            if let Some(context) = client.context() {
                error.insert(
                    "request".into(),
                    json!({
                        "operation": context.operation,
                        "method": context.method.as_str(),
                        "path": context.path,
                    }),
                );
            }
            let orders: Vec<Value> = client
                .sent_orders()
                .iter()
                .map(|order| {
                    json!({
                        "marketSlug": order.market_slug,
                        "salt": order.salt,
                        "ownerId": order.owner_id,
                        "clientOrderId": order.client_order_id,
                    })
                })
                .collect();
            if !orders.is_empty() {
                error.insert("sentOrders".into(), orders.into());
            }
        }
        json!({ "error": error })
    }
}

impl fmt::Debug for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliError")
            .field("exit", &self.0.exit)
            .field("message", &self.0.message)
            .field("hints", &self.0.hints)
            .finish_non_exhaustive()
    }
}

impl From<ClientError> for CliError {
    fn from(error: ClientError) -> Self {
        let exit = Exit::of(&error);
        let message = chain(&error);
        let mut cli = Self::new(exit, message);
        if exit == Exit::OutcomeUnknown && error.sent_orders().is_empty() {
            cli = cli.hint("the request may have been carried out: check before sending it again");
        }
        if error.is_maintenance() {
            cli = cli.hint(
                "the API is in maintenance: `lmts maintenance` shows when trading resumes; send the request again then",
            );
        }
        cli.0.client = Some(error);
        cli
    }
}

impl From<StreamError> for CliError {
    fn from(error: StreamError) -> Self {
        let mut cli = Self::new(Exit::of_stream(&error), stream_chain(&error));
        if let StreamError::HandshakeRefused { status, .. } = &error {
            cli.0.status = Some(*status);
            if matches!(status, 401 | 403) {
                cli = cli.hint(
                    "the API did not accept the token: check it with `lmts token list` (a revoked token, or a secret that is not its own)",
                );
            }
        }
        cli
    }
}

/// The exit table as Markdown, for `docs/cli.md`: code, `--json` kind,
/// meaning. The page is checked against it, not written by the build.
#[cfg(test)]
pub(crate) fn table_markdown() -> String {
    let mut table =
        String::from("| exit code | `--json` kind | meaning |\n|---|---|---|\n| 0 | | success |\n");
    for exit in Exit::ALL {
        table.push_str(&format!(
            "| {} | `{}` | {} |\n",
            exit.code(),
            exit.kind(),
            exit.meaning()
        ));
    }
    table
}

/// The exit table as text, for `lmts --help`: the code, then the meaning
/// wrapped under itself. (clap rewraps help text only past the terminal's
/// width and keeps only a line's leading indentation, so the hanging indent
/// is made here.)
pub(crate) fn table_text() -> String {
    const WIDTH: usize = 80;
    const INDENT: &str = "       ";
    let mut text = String::from("Exit codes:\n  0    success\n");
    for exit in Exit::ALL {
        let mut line = format!("  {:<4} ", exit.code());
        for word in exit.meaning().replace('`', "").split(' ') {
            if line.len() + word.len() > WIDTH && line.len() > INDENT.len() {
                text.push_str(line.trim_end());
                text.push('\n');
                line = INDENT.to_owned();
            }
            line.push_str(word);
            line.push(' ');
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A stream error's message followed by its sources' (the socket's
/// `Display` is short: "WebSocket error").
pub(crate) fn stream_chain(error: &StreamError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

/// The error's message followed by its sources', each once: the client's
/// `Display` is short and the detail is in `source()`. A source that
/// repeats the request context drops that prefix.
fn chain(error: &ClientError) -> String {
    let prefix = error.context().map(|context| format!("{context}: "));
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let mut part = cause.to_string();
        if let Some(rest) = prefix.as_deref().and_then(|p| part.strip_prefix(p)) {
            part = rest.to_owned();
        }
        if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        let table = [
            (Exit::Internal, 1, "internal"),
            (Exit::Usage, 2, "usage"),
            (Exit::Refused, 3, "refused"),
            (Exit::OutcomeUnknown, 4, "outcome_unknown"),
            (Exit::Network, 5, "network"),
            (Exit::Credentials, 6, "credentials"),
            (Exit::InvalidSignature, 7, "invalid_signature"),
            (Exit::TimedOut, 8, "timed_out"),
            (Exit::Failed, 9, "failed"),
            (Exit::Interrupted, 130, "interrupted"),
        ];
        for (exit, code, kind) in table {
            assert_eq!((exit.code(), exit.kind()), (code, kind));
        }
        assert_eq!(Exit::ALL.map(Exit::code), table.map(|(_, code, _)| code));
    }

    /// The exit table is written once, in [`Exit`]: `docs/cli.md` carries
    /// it verbatim, and the README carries no copy of its own (it links the
    /// page). On a change, paste the table printed here into the page.
    #[test]
    fn the_docs_carry_the_exit_table_verbatim() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let table = table_markdown();
        let page = std::fs::read_to_string(format!("{root}/docs/cli.md")).expect("docs/cli.md");
        assert!(
            page.contains(&table),
            "docs/cli.md must carry the exit table exactly as Exit renders it:\n\n{table}"
        );
        let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
        assert!(
            readme.contains("docs/cli.md")
                && !readme.lines().any(|line| line.starts_with("| 130 ")),
            "the README links docs/cli.md for the exit codes instead of copying them"
        );
    }

    #[test]
    fn the_help_table_wraps_under_each_code() {
        let text = table_text();
        assert!(text.starts_with("Exit codes"), "{text}");
        for line in text.lines() {
            assert!(line.len() <= 80, "{line:?}");
            assert!(!line.contains('`'), "{line:?}");
        }
        assert!(
            text.contains("\n  0    success\n  1    internal error"),
            "{text}"
        );
        assert!(text.contains("\n  4    outcome unknown: a write"), "{text}");
        assert!(text.contains("\n  130  interrupted"), "{text}");
        // A meaning's following lines sit under its first word.
        assert!(text.contains("\n       "), "{text}");
    }

    #[test]
    fn client_errors_map_to_what_they_mean_for_the_request() {
        let invalid = ClientError::InvalidInput {
            field: Some("price".into()),
            message: "price 0.4215 is not on the tick".into(),
        };
        assert_eq!(Exit::of(&invalid), Exit::Usage);
        let unauthenticated = ClientError::AuthenticationRequired {
            operation: "list_tokens",
        };
        assert_eq!(Exit::of(&unauthenticated), Exit::Credentials);
        let waited = ClientError::DeadlineExceeded {
            operation: "wait_until_ready",
            waited: std::time::Duration::from_secs(1),
        };
        assert_eq!(Exit::of(&waited), Exit::TimedOut);
        let defect = ClientError::Internal {
            message: "a rule".into(),
        };
        assert_eq!(Exit::of(&defect), Exit::Internal);

        let error = CliError::from(invalid);
        assert_eq!(error.exit(), Exit::Usage);
        assert_eq!(
            error.to_json()["error"]["message"],
            "invalid input: price 0.4215 is not on the tick"
        );
    }

    #[test]
    fn stream_errors_map_like_their_rest_counterparts() {
        let refused = StreamError::HandshakeRefused {
            status: 401,
            body: r#"{"message":"Invalid signature"}"#.into(),
        };
        assert_eq!(Exit::of_stream(&refused), Exit::Refused);
        let error = CliError::from(refused);
        let json = error.to_json();
        assert_eq!(json["error"]["kind"], "refused");
        assert_eq!(json["error"]["exitCode"], 3);
        assert_eq!(json["error"]["status"], 401);
        assert_eq!(
            json["error"]["message"],
            r#"the server refused the WebSocket handshake with HTTP 401: {"message":"Invalid signature"}"#
        );
        let table = [
            (
                StreamError::AuthenticationRequired {
                    channel: limitless_ws::Channel::OrderEvents,
                },
                Exit::Credentials,
            ),
            (StreamError::Config("bad url".into()), Exit::Credentials),
            (
                StreamError::ConnectTimeout(std::time::Duration::from_secs(10)),
                Exit::Network,
            ),
            (
                StreamError::Refused {
                    event: "subscribe_market_prices",
                    message: "unknown market".into(),
                },
                Exit::Refused,
            ),
            (
                StreamError::AckTimeout {
                    event: "unsubscribe",
                    timeout: std::time::Duration::from_secs(5),
                },
                Exit::Failed,
            ),
            (StreamError::Closed, Exit::Internal),
        ];
        for (error, exit) in table {
            assert_eq!(Exit::of_stream(&error), exit, "{error}");
        }
    }

    #[test]
    fn json_error_has_kind_code_message_and_hints() {
        let error = CliError::credentials("no API token").hint("set LIMITLESS_API_TOKEN_ID");
        assert_eq!(
            error.to_json(),
            json!({"error": {
                "kind": "credentials",
                "exitCode": 6,
                "message": "no API token",
                "hints": ["set LIMITLESS_API_TOKEN_ID"],
            }})
        );
        assert_eq!(
            error.render(),
            "lmts: error: no API token\n  hint: set LIMITLESS_API_TOKEN_ID"
        );
    }
}
