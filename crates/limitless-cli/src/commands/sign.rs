//! `lmts sign` (the HMAC headers of a request, or a curl command that
//! sends it) and `lmts verify` (the server side, for partners' proxies).

use std::io::Read;
use std::time::Duration;

use limitless_auth::{
    HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, HmacCredentials, Signer,
    VerificationRequest, Verifier,
};
use limitless_client::http::{Method, Request};
use limitless_client::{Bytes, Clock, SystemClock};
use serde_json::json;
use zeroize::Zeroizing;

use super::Api;
use crate::cli::{SignArgs, VerifyArgs};
use crate::config::read_private_file;
use crate::exit::{CliError, Exit};
use crate::output::Output;

/// Headers curl sets itself from the URL and the body.
const CURL_SETS: &[&str] = &["host", "content-length"];

pub(super) async fn sign(api: &Api, args: &SignArgs) -> Result<(), CliError> {
    let method = parse_method(&args.method)?;
    let mut builder = api.client.request(method, &args.path).require_hmac();
    if let Some(body) = read_body(args.body.as_deref())? {
        builder = builder.body(body);
    }
    let signed = builder
        .call_json()
        .signed_request()
        .await
        .map_err(|error| api.fail(error))?;
    let request = signed.request;
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .unwrap_or_default()
    };
    let lmts =
        [HEADER_API_KEY, HEADER_TIMESTAMP, HEADER_SIGNATURE].map(|name| (name, header(name)));
    let curl = if args.curl {
        Some(curl_command(&request)?)
    } else {
        None
    };
    let body =
        (!request.body().is_empty()).then(|| String::from_utf8_lossy(request.body()).into_owned());
    let mut document = json!({
        "method": request.method().as_str(),
        "url": request.uri().to_string(),
        "headers": lmts.iter().map(|(name, value)| (name.to_string(), json!(value))).collect::<serde_json::Map<_, _>>(),
        "body": body,
    });
    if let Some(curl) = &curl {
        document["curl"] = json!(curl);
    }
    api.out.emit(&document, || match &curl {
        Some(curl) => curl.clone(),
        None => lmts
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// A curl command line that sends `request` exactly: method, URL, every
/// header the client would send, and the body's bytes, each word quoted
/// for a POSIX shell.
fn curl_command(request: &Request<Bytes>) -> Result<String, CliError> {
    let quote = |word: &str| -> Result<String, CliError> {
        shlex::try_quote(word)
            .map(|quoted| quoted.into_owned())
            .map_err(|_| CliError::usage("--curl cannot pass a NUL byte on a command line"))
    };
    let mut words = vec![
        "curl".to_owned(),
        "-sS".to_owned(),
        "-X".to_owned(),
        quote(request.method().as_str())?,
        quote(&request.uri().to_string())?,
    ];
    for (name, value) in request.headers() {
        if CURL_SETS.contains(&name.as_str()) {
            continue;
        }
        let value = value.to_str().map_err(|_| {
            CliError::usage(format!(
                "header {name} is not text; curl cannot send it as given"
            ))
        })?;
        words.push("-H".to_owned());
        words.push(quote(&format!("{name}: {value}"))?);
    }
    if !request.body().is_empty() {
        let body = std::str::from_utf8(request.body())
            .map_err(|_| CliError::usage("--curl needs a UTF-8 body"))?;
        // --data-raw sends the text as is (no `@file` reading, no
        // newline stripping).
        words.push("--data-raw".to_owned());
        words.push(quote(body)?);
    }
    Ok(words.join(" "))
}

fn parse_method(method: &str) -> Result<Method, CliError> {
    Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .map_err(|_| CliError::usage(format!("`{method}` is not an HTTP method")))
}

/// The body named by `--body`: `@FILE` (the file's bytes), `-` (stdin) or
/// the text itself.
fn read_body(body: Option<&str>) -> Result<Option<Vec<u8>>, CliError> {
    let Some(body) = body else {
        return Ok(None);
    };
    let bytes = if body == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|error| {
            CliError::usage(format!("cannot read the body from stdin: {error}"))
        })?;
        bytes
    } else if let Some(path) = body.strip_prefix('@') {
        std::fs::read(path).map_err(|error| {
            CliError::usage(format!("cannot read the body from {path}: {error}"))
        })?
    } else {
        body.as_bytes().to_vec()
    };
    Ok(Some(bytes))
}

pub(super) fn verify(out: Output, args: &VerifyArgs) -> Result<(), CliError> {
    let (secret, source) = match &args.secret_file {
        Some(path) => {
            let text = read_private_file(path)?.ok_or_else(|| {
                CliError::credentials(format!("no secret file at {}", path.display()))
            })?;
            (
                Zeroizing::new(text.trim().to_owned()),
                path.display().to_string(),
            )
        }
        None => {
            let value = std::env::var(&args.secret_env).map_err(|_| {
                CliError::credentials(format!(
                    "the environment variable {} holding the secret is not set",
                    args.secret_env
                ))
                .hint("name the variable with --secret-env VAR, or a file with --secret-file PATH")
            })?;
            (
                Zeroizing::new(value.trim().to_owned()),
                args.secret_env.clone(),
            )
        }
    };
    // A secret that cannot key a MAC is a configuration error, not an
    // invalid signature.
    Signer::new(&HmacCredentials::new("check", secret.as_str())).map_err(|error| {
        CliError::credentials(format!("the secret in {source} cannot be used: {error}"))
    })?;

    let mut api_key = None;
    let mut timestamp = None;
    let mut signature = None;
    for line in &args.headers {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| CliError::usage(format!("-H takes `NAME: VALUE`, got `{line}`")))?;
        let slot = match name.trim().to_ascii_lowercase().as_str() {
            HEADER_API_KEY => &mut api_key,
            HEADER_TIMESTAMP => &mut timestamp,
            HEADER_SIGNATURE => &mut signature,
            _ => continue,
        };
        *slot = Some(value.trim().to_owned());
    }
    let method = parse_method(&args.method)?;
    let body = read_body(args.body.as_deref())?.unwrap_or_default();
    let request = VerificationRequest {
        api_key: api_key.as_deref(),
        timestamp: timestamp.as_deref(),
        signature: signature.as_deref(),
        method: method.as_str(),
        path_and_query: &args.path,
        body: &body,
    };
    let keys = |token_id: &str| Signer::new(&HmacCredentials::new(token_id, secret.as_str())).ok();
    let verifier = Verifier::new(Duration::from_secs(args.max_skew));
    match verifier.verify(&request, &keys, SystemClock.now()) {
        Ok(token_id) => out.emit(
            &json!({ "valid": true, "tokenId": token_id, "reason": null }),
            || format!("valid: signed by token {token_id}"),
        ),
        Err(reason) => {
            out.emit(
                &json!({ "valid": false, "tokenId": api_key, "reason": reason.to_string() }),
                || format!("invalid: {reason}"),
            )?;
            Err(CliError::quiet(Exit::InvalidSignature))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_quotes_every_word_and_keeps_the_body_exact() {
        let request = Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:8080/orders?x=1&y=2")
            .header("content-type", "application/json")
            .header("content-length", "21")
            .header("lmts-signature", "a+b/c=")
            .body(Bytes::from_static(b"{\"name\":\"O'Brien $x\"}"))
            .unwrap();
        let line = curl_command(&request).unwrap();
        assert_eq!(
            shlex::split(&line).unwrap(),
            [
                "curl",
                "-sS",
                "-X",
                "POST",
                "http://127.0.0.1:8080/orders?x=1&y=2",
                "-H",
                "content-type: application/json",
                "-H",
                "lmts-signature: a+b/c=",
                "--data-raw",
                "{\"name\":\"O'Brien $x\"}",
            ]
        );
        // Nothing the shell would expand is left outside quotes.
        assert!(!line.contains("O'Brien $x"), "{line}");
    }

    #[test]
    fn a_body_is_inline_a_file_or_nothing() {
        assert_eq!(read_body(None).unwrap(), None);
        assert_eq!(read_body(Some("{}")).unwrap(), Some(b"{}".to_vec()));
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), b"{\"a\":1}\n").unwrap();
        let arg = format!("@{}", file.path().display());
        assert_eq!(
            read_body(Some(&arg)).unwrap(),
            Some(b"{\"a\":1}\n".to_vec())
        );
    }
}
