//! What `lmts` prints: one JSON document with `--json`, tables otherwise;
//! dry runs; errors; the spinner.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use comfy_table::{Cell, Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use limitless_auth::SignedHeaders;
use limitless_client::http::{HeaderName, HeaderValue};
use limitless_client::{SentOrder, SignedRequest};
use limitless_ws::{Level, LocalOrderBook};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::exit::CliError;

/// Whether a dry run shows a header's value. Which values are secrets is
/// decided once, where the client builds the request: it marks them
/// sensitive (an identity token, an API key, an ownership proof's
/// signature, the HMAC signature as [`SignedHeaders::is_sensitive`] says),
/// and a dry run redacts those. The signed `lmts-*` headers are shown all
/// the same: their signature is bound to this one request and expires
/// with its 30 s window, and showing it is what a dry run (and `lmts
/// sign`) is for.
fn shown(name: &HeaderName, value: &HeaderValue) -> bool {
    !value.is_sensitive() || SignedHeaders::NAMES.contains(&name.as_str())
}

/// Where results go, and in which form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
    stdout_terminal: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self {
            json,
            stdout_terminal: std::io::stdout().is_terminal(),
        }
    }

    /// Whether results are JSON (`--json`).
    pub(crate) fn is_json(&self) -> bool {
        self.json
    }

    /// Prints the command's result: `value` as one JSON document with
    /// `--json`, else `human()`.
    pub(crate) fn emit<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce() -> String,
    ) -> Result<(), CliError> {
        if self.json {
            let text = serde_json::to_string(value)
                .map_err(|error| CliError::internal(format!("cannot write JSON: {error}")))?;
            print_stdout(&text);
        } else {
            print_stdout(&human());
        }
        Ok(())
    }

    /// Prints a signed request instead of sending it.
    pub(crate) fn dry_run(&self, signed: &SignedRequest) -> Result<(), CliError> {
        let request = &signed.request;
        let (document, headers, body) =
            signed_request_document(signed.operation, request, &signed.orders, signed.idempotent);
        self.emit(&document, || {
            let mut text = format!(
                "# dry run: {} was signed but not sent\n{} {}\n",
                signed.operation,
                request.method(),
                request.uri()
            );
            for (name, value) in &headers {
                text.push_str(&format!("{name}: {value}\n"));
            }
            if let Some(body) = &body {
                text.push('\n');
                text.push_str(body);
            }
            text
        })
    }

    /// Prints an error to stderr (as `{"error": ...}` with `--json`) and
    /// returns its exit code.
    pub(crate) fn error(&self, error: &CliError) -> u8 {
        if error.is_quiet() {
            return error.exit().code();
        }
        let text = if self.json {
            error.to_json().to_string()
        } else {
            error.render()
        };
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{text}");
        error.exit().code()
    }

    /// A note for a human on stderr (never with `--json`).
    pub(crate) fn note(&self, text: &str) {
        if !self.json {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }

    /// A spinner on stderr while waiting, only when stdout is a terminal
    /// and not in `--json` mode; cleared when dropped.
    pub(crate) fn spinner(&self, message: &str) -> Option<ProgressBar> {
        if self.json || !self.stdout_terminal {
            return None;
        }
        let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            )
            .with_message(message.to_owned())
            .with_finish(ProgressFinish::AndClear);
        // Drawn now, not at the ticker's first beat: a short wait shows too.
        spinner.tick();
        spinner.enable_steady_tick(Duration::from_millis(100));
        Some(spinner)
    }
}

/// The `--dry-run --json` document of a signed request (`{"dryRun": true,
/// "operation", "method", "url", "headers", "body", "idempotent",
/// "orders"}`), credentials redacted, with the headers and body as shown:
/// one form for the dry run and for `lmts mcp`'s previews.
pub(crate) fn signed_request_document(
    operation: &str,
    request: &limitless_client::http::Request<limitless_client::Bytes>,
    orders: &[SentOrder],
    idempotent: bool,
) -> (Value, Vec<(String, String)>, Option<String>) {
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = if shown(name, value) {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            } else {
                redacted(value.to_str().unwrap_or_default())
            };
            (name.as_str().to_owned(), value)
        })
        .collect();
    let body =
        (!request.body().is_empty()).then(|| String::from_utf8_lossy(request.body()).into_owned());
    let document = json!({
        "dryRun": true,
        "operation": operation,
        "method": request.method().as_str(),
        "url": request.uri().to_string(),
        "headers": headers.iter().map(|(name, value)| (name.clone(), Value::from(value.as_str()))).collect::<Map<String, Value>>(),
        "body": body,
        "idempotent": idempotent,
        "orders": orders.iter().map(|order| json!({
            "marketSlug": order.market_slug,
            "salt": order.salt,
            "ownerId": order.owner_id,
            "clientOrderId": order.client_order_id,
        })).collect::<Vec<_>>(),
    });
    (document, headers, body)
}

/// A level as `{"price", "size"}`, exact decimal strings, the size in
/// shares.
fn level_json(level: &Level) -> Value {
    json!({
        "price": level.price.to_string(),
        "size": level.size.to_shares().to_string(),
    })
}

/// One `--json` line of `market book --watch` (the shape its help shows),
/// and the live book `lmts mcp` serves.
pub(crate) fn book_json(book: &LocalOrderBook) -> Value {
    json!({
        "type": "book",
        "marketSlug": book.market_slug(),
        "tokenId": book.token_id(),
        "version": book.version(),
        "timestamp": book.timestamp(),
        "bids": book.bids().iter().map(level_json).collect::<Vec<_>>(),
        "asks": book.asks().iter().map(level_json).collect::<Vec<_>>(),
        "spread": book.spread().map(|spread| spread.normalize().to_string()),
        "midpoint": book.midpoint().map(|midpoint| midpoint.normalize().to_string()),
    })
}

/// `Bearer abc` → `Bearer <redacted>`; anything else → `<redacted>`.
fn redacted(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("bearer") => {
            format!("{scheme} <redacted>")
        }
        _ => "<redacted>".to_owned(),
    }
}

/// Writes `text` and a newline to stdout; a closed pipe (`lmts … | head`)
/// is not an error.
pub(crate) fn print_stdout(text: &str) {
    let _ = write_stdout(text);
}

/// Writes `text` and a newline to stdout and flushes it, so a reader of a
/// pipe sees each line as it is written; fails when stdout is closed.
pub(crate) fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()
}

/// A table with a header row and aligned columns, no borders.
pub(crate) fn table<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = Vec<C>>,
    C: Into<Cell>,
{
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    trimmed(&mut table)
}

/// A two-column table of fields: name, value.
pub(crate) fn fields<'a>(rows: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    for (name, value) in rows {
        table.add_row(vec![name.to_owned(), value]);
    }
    trimmed(&mut table)
}

/// The table with two spaces between columns and no trailing blanks.
fn trimmed(table: &mut Table) -> String {
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    table
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// An optional value for a table cell: `-` when absent.
pub(crate) fn or_dash(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_without_borders() {
        let text = table(&["ID", "NAME"], [vec!["1", "alice"], vec!["22", "bob"]]);
        assert_eq!(text, "ID  NAME\n1   alice\n22  bob");
        assert_eq!(
            fields([("a", "1".to_owned()), ("bcd", "2".to_owned())]),
            "a    1\nbcd  2"
        );
    }

    #[test]
    fn credentials_in_headers_are_redacted() {
        assert_eq!(redacted("Bearer tok"), "Bearer <redacted>");
        assert_eq!(redacted("key"), "<redacted>");
    }

    #[test]
    fn a_dry_run_redacts_what_the_client_marked_sensitive_but_the_signature() {
        let mut identity = HeaderValue::from_static("Bearer tok");
        identity.set_sensitive(true);
        assert!(!shown(&HeaderName::from_static("identity"), &identity));
        let mut signature = HeaderValue::from_static("c2lnbmF0dXJl");
        signature.set_sensitive(SignedHeaders::is_sensitive("lmts-signature"));
        assert!(signature.is_sensitive());
        assert!(shown(
            &HeaderName::from_static("lmts-signature"),
            &signature
        ));
        let accept = HeaderValue::from_static("application/json");
        assert!(shown(&HeaderName::from_static("accept"), &accept));
    }
}
