//! Exit codes, and the one error type of `lmts`: what went wrong, what it
//! means for the request (not sent, refused, maybe carried out), and what
//! to do next.

use std::error::Error as _;
use std::fmt;

use limitless_client::Error as ClientError;
use serde_json::{Map, Value, json};

/// How `lmts` ends. The codes are a contract with scripts: see the
/// table in `lmts --help` and the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// A defect, or a failure no other code describes.
    Internal,
    /// Bad arguments (clap's own errors, or the client's checks): nothing
    /// was sent.
    Usage,
    /// The API answered and refused (HTTP 3xx, 4xx, 429): not carried out.
    Refused,
    /// The request may have reached the server and no usable answer says
    /// whether it was carried out (an order may have been placed).
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
            Self::Interrupted => "interrupted",
        }
    }

    /// What a client error means for the caller.
    pub(crate) fn of(error: &ClientError) -> Self {
        match error {
            ClientError::InvalidInput { .. } => Self::Usage,
            ClientError::AuthenticationRequired { .. }
            | ClientError::Credentials { .. }
            | ClientError::Config { .. } => Self::Credentials,
            ClientError::RateLimited { .. } => Self::Refused,
            // A 5xx says nothing about whether the request took effect.
            ClientError::Api(api) if api.status.is_server_error() => Self::OutcomeUnknown,
            ClientError::Api(_) => Self::Refused,
            ClientError::OutcomeUnknown { .. } | ClientError::Decode(_) => Self::OutcomeUnknown,
            ClientError::Transport { .. } if error.may_have_been_sent() => Self::OutcomeUnknown,
            ClientError::Transport { .. } => Self::Network,
            ClientError::DeadlineExceeded { .. } => Self::TimedOut,
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
    quiet: bool,
}

impl CliError {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self(Box::new(Failure {
            exit,
            message: message.into(),
            hints: Vec::new(),
            client: None,
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
        cli.0.client = Some(error);
        cli
    }
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
            (Exit::Interrupted, 130, "interrupted"),
        ];
        for (exit, code, kind) in table {
            assert_eq!((exit.code(), exit.kind()), (code, kind));
        }
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

        let error = CliError::from(invalid);
        assert_eq!(error.exit(), Exit::Usage);
        assert_eq!(
            error.to_json()["error"]["message"],
            "invalid input: price 0.4215 is not on the tick"
        );
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
