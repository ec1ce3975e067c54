//! Python bindings for limitless-auth: `Signer`, `Verifier` and
//! `canonical_message`, built into the `limitless_auth` module by maturin.
//!
//! Time is an argument here too: `timestamp=` / `now=` take the wire form
//! or Unix milliseconds. Only when they are omitted is the time read, from
//! Python's own `time.time_ns()`, so the Rust code never reads a clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth::{
    DEFAULT_MAX_SKEW, HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, HmacCredentials,
    Timestamp, VerificationRequest, VerifyError,
};
use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};

create_exception!(
    limitless_auth,
    VerificationError,
    PyValueError,
    "A request failed verification; `kind` says why."
);

/// Signs requests with one API token: `Signer(token_id, secret)`.
///
/// The base64 secret is decoded once, here; a bad one raises `ValueError`
/// with a message that never repeats it. `repr()` shows the token id only.
#[pyclass(frozen, module = "limitless_auth")]
#[derive(Debug)]
struct Signer {
    inner: auth::Signer,
}

#[pymethods]
impl Signer {
    #[new]
    fn new(token_id: &str, secret: &str) -> PyResult<Self> {
        let credentials = HmacCredentials::new(token_id, secret);
        let inner =
            auth::Signer::new(&credentials).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Self { inner })
    }

    /// The token id sent as `lmts-api-key`.
    #[getter]
    fn token_id(&self) -> &str {
        self.inner.token_id()
    }

    /// The three headers for one request, as a dict.
    ///
    /// `path_and_query` is the path and query exactly as sent; `body` the
    /// exact bytes sent (`str` is encoded as UTF-8); `timestamp` the wire
    /// form or Unix milliseconds, the current time when omitted.
    #[pyo3(signature = (method, path_and_query, body = None, timestamp = None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        path_and_query: &str,
        body: Option<&Bound<'py, PyAny>>,
        timestamp: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let timestamp = timestamp_arg(py, timestamp)?;
        let body = body_arg(body)?;
        let signed = self.inner.sign(&auth::SigningInput {
            timestamp: &timestamp,
            method,
            path_and_query,
            body: &body,
        });
        let headers = PyDict::new(py);
        for (name, value) in &signed {
            headers.set_item(name, value)?;
        }
        Ok(headers)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let token_id = PyString::new(py, self.inner.token_id()).repr()?;
        Ok(format!("Signer(token_id={token_id})"))
    }
}

/// Checks signed requests: `Verifier({token_id: secret, ...}, max_skew_ms=30000)`.
#[pyclass(frozen, module = "limitless_auth")]
#[derive(Debug)]
struct Verifier {
    keys: HashMap<String, auth::Signer>,
    inner: auth::Verifier,
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(signature = (keys, max_skew_ms = None))]
    fn new(keys: HashMap<String, String>, max_skew_ms: Option<u64>) -> PyResult<Self> {
        let keys = keys
            .into_iter()
            .map(|(token_id, secret)| {
                let signer = auth::Signer::new(&HmacCredentials::new(token_id.as_str(), secret))
                    .map_err(|e| PyValueError::new_err(format!("token {token_id:?}: {e}")))?;
                Ok((signer.token_id().to_owned(), signer))
            })
            .collect::<PyResult<_>>()?;
        let max_skew = max_skew_ms.map_or(DEFAULT_MAX_SKEW, Duration::from_millis);
        Ok(Self {
            keys,
            inner: auth::Verifier::new(max_skew),
        })
    }

    /// Verifies a request and returns its token id, or raises
    /// `VerificationError`. Header names are matched case-insensitively;
    /// `now` is the wire form or Unix milliseconds, the current time when
    /// omitted.
    #[pyo3(signature = (headers, method, path_and_query, body = None, now = None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        headers: &Bound<'py, PyMapping>,
        method: &str,
        path_and_query: &str,
        body: Option<&Bound<'py, PyAny>>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        let mut found: [Option<String>; 3] = Default::default();
        for item in headers.items()?.iter() {
            let (name, value): (String, String) = item.extract()?;
            let slot = [HEADER_API_KEY, HEADER_TIMESTAMP, HEADER_SIGNATURE]
                .iter()
                .position(|header| name.eq_ignore_ascii_case(header));
            if let Some(slot) = slot {
                found[slot] = Some(value);
            }
        }
        let now = timestamp_arg(py, now)?.to_system_time();
        let body = body_arg(body)?;
        let [api_key, timestamp, signature] = &found;
        let request = VerificationRequest {
            api_key: api_key.as_deref(),
            timestamp: timestamp.as_deref(),
            signature: signature.as_deref(),
            method,
            path_and_query,
            body: &body,
        };
        self.inner
            .verify(&request, &self.keys, now)
            .map_err(|e| verification_error(py, &e))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut ids: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        ids.sort_unstable();
        let ids = ids.into_pyobject(py)?.repr()?;
        Ok(format!(
            "Verifier(token_ids={ids}, max_skew_ms={})",
            self.inner.max_skew().as_millis()
        ))
    }
}

/// The exact text that is signed: `{timestamp}\n{METHOD}\n{path_and_query}\n{body}`.
#[pyfunction]
#[pyo3(signature = (timestamp, method, path_and_query, body = None))]
fn canonical_message(
    timestamp: &str,
    method: &str,
    path_and_query: &str,
    body: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let body = body_arg(body)?;
    Ok(auth::canonical_message(
        timestamp,
        method,
        path_and_query,
        &body,
    ))
}

/// `bytes` as they are, `str` as UTF-8, `None` as empty.
fn body_arg(body: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u8>> {
    let Some(body) = body else {
        return Ok(Vec::new());
    };
    if let Ok(bytes) = body.cast::<PyBytes>() {
        Ok(bytes.as_bytes().to_vec())
    } else if let Ok(text) = body.cast::<PyString>() {
        Ok(text.to_str()?.as_bytes().to_vec())
    } else {
        Err(PyTypeError::new_err("body must be bytes, str or None"))
    }
}

/// The wire form, Unix milliseconds, or (for `None`) Python's clock.
fn timestamp_arg(py: Python<'_>, at: Option<&Bound<'_, PyAny>>) -> PyResult<Timestamp> {
    let invalid = |e: auth::AuthError| PyValueError::new_err(e.to_string());
    let millis: i64 = match at {
        Some(at) if at.is_instance_of::<PyString>() => {
            return Timestamp::parse(at.cast::<PyString>()?.to_str()?).map_err(invalid);
        }
        Some(at) => at.extract().map_err(|_| {
            PyTypeError::new_err("timestamp must be a str, an int (Unix milliseconds) or None")
        })?,
        None => {
            let nanos: i128 = py.import("time")?.call_method0("time_ns")?.extract()?;
            i64::try_from(nanos.div_euclid(1_000_000))
                .map_err(|_| PyValueError::new_err("the clock is out of range"))?
        }
    };
    let offset = Duration::from_millis(millis.unsigned_abs());
    let at: SystemTime = if millis >= 0 {
        UNIX_EPOCH + offset
    } else {
        UNIX_EPOCH - offset
    };
    Timestamp::from_system_time(at).map_err(invalid)
}

/// A `VerificationError` with the reason's name in `kind`.
fn verification_error(py: Python<'_>, error: &VerifyError) -> PyErr {
    let kind = match error {
        VerifyError::MissingHeader { .. } => "missing_header",
        VerifyError::MalformedTimestamp => "malformed_timestamp",
        VerifyError::OutsideWindow { .. } => "outside_window",
        VerifyError::UnknownToken => "unknown_token",
        VerifyError::BadSignature => "bad_signature",
        _ => "rejected",
    };
    let err = VerificationError::new_err(error.to_string());
    if let Err(e) = err.value(py).setattr("kind", kind) {
        return e;
    }
    err
}

/// HMAC-SHA256 signing and verification of Limitless Exchange API requests.
#[pymodule]
fn limitless_auth(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Signer>()?;
    module.add_class::<Verifier>()?;
    module.add_function(wrap_pyfunction!(canonical_message, module)?)?;
    module.add(
        "VerificationError",
        module.py().get_type::<VerificationError>(),
    )?;
    module.add("DEFAULT_MAX_SKEW_MS", DEFAULT_MAX_SKEW.as_millis())?;
    Ok(())
}
