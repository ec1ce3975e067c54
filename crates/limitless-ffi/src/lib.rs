//! A C ABI for [`limitless_auth`]: sign and verify Limitless Exchange API
//! requests from C, C++ or any language with a C FFI.
//!
//! The declarations are in `include/limitless.h`, written by hand and
//! checked by this crate's tests (a C program compiled against it, and its
//! constants compared with the ones here). Build the `cdylib` with
//! `cargo build -p limitless-ffi --release` and link `-llimitless_ffi`.
//!
//! Rules the whole surface follows:
//!
//! * the signer is the only allocation handed out, freed with
//!   [`lmts_signer_free`]; results go into caller-owned buffers;
//! * every fallible call returns a status code (`LMTS_OK` is 0), with a
//!   readable message for the last failure on the thread from
//!   [`lmts_last_error_message`]; messages never contain key material;
//! * time is an argument (milliseconds since the Unix epoch);
//! * a panic inside the library is caught and reported as
//!   [`LMTS_ERR_INTERNAL`], never unwound into C.

mod status;

use std::cell::RefCell;
use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use limitless_auth::{
    HmacCredentials, Signer, SigningInput, Timestamp, VerificationRequest, Verifier, VerifyError,
};

use status::status_name;
pub use status::{
    LMTS_ERR_BAD_SIGNATURE, LMTS_ERR_INTERNAL, LMTS_ERR_INVALID_CREDENTIALS, LMTS_ERR_INVALID_UTF8,
    LMTS_ERR_MALFORMED_TIMESTAMP, LMTS_ERR_MISSING_HEADER, LMTS_ERR_NULL_ARGUMENT,
    LMTS_ERR_OUTSIDE_WINDOW, LMTS_ERR_TIMESTAMP_OUT_OF_RANGE, LMTS_ERR_UNKNOWN_TOKEN, LMTS_OK,
    LmtsStatus, STATUSES,
};

/// Characters in a timestamp, without the NUL (`LMTS_TIMESTAMP_LEN`).
pub const LMTS_TIMESTAMP_LEN: usize = 24;
/// Characters in a signature, without the NUL (`LMTS_SIGNATURE_LEN`).
pub const LMTS_SIGNATURE_LEN: usize = 44;
/// The API's window in milliseconds (`LMTS_DEFAULT_MAX_SKEW_MILLIS`).
pub const LMTS_DEFAULT_MAX_SKEW_MILLIS: u64 = 30_000;

/// `lmts_signer`: a token id and its decoded key. Opaque to C.
#[derive(Debug)]
pub struct LmtsSigner {
    signer: Signer,
}

/// `lmts_signed_headers`: the timestamp and signature, NUL-terminated.
#[repr(C)]
#[derive(Debug)]
pub struct LmtsSignedHeaders {
    /// The `lmts-timestamp` value.
    pub timestamp: [c_char; LMTS_TIMESTAMP_LEN + 1],
    /// The `lmts-signature` value.
    pub signature: [c_char; LMTS_SIGNATURE_LEN + 1],
}

/// A failed call: its status and the message kept for the thread.
struct Failure {
    status: LmtsStatus,
    message: String,
}

impl Failure {
    fn new(status: LmtsStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs one call: records its message for [`lmts_last_error_message`] and
/// turns a panic into [`LMTS_ERR_INTERNAL`].
fn run(call: impl FnOnce() -> Result<(), Failure>) -> LmtsStatus {
    let outcome = catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|_| {
        Err(Failure::new(
            LMTS_ERR_INTERNAL,
            "internal error in limitless-ffi (a bug: please report it)",
        ))
    });
    let (status, message) = match outcome {
        Ok(()) => (LMTS_OK, String::new()),
        Err(failure) => (failure.status, failure.message),
    };
    LAST_ERROR.with(|last| *last.borrow_mut() = message);
    status
}

/// A NUL-terminated UTF-8 argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for `'a`.
unsafe fn text<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::new(
            LMTS_ERR_NULL_ARGUMENT,
            format!("{name} is NULL"),
        ));
    }
    // SAFETY: not NULL, and the caller promises a live NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| Failure::new(LMTS_ERR_INVALID_UTF8, format!("{name} is not valid UTF-8")))
}

/// A `(pointer, length)` byte argument; NULL is allowed for length 0.
///
/// # Safety
/// Unless `len` is 0, `ptr` points to `len` readable bytes that stay valid
/// and unchanged for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &str) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::new(
            LMTS_ERR_NULL_ARGUMENT,
            format!("{name} is NULL but its length is {len}"),
        ));
    }
    // SAFETY: not NULL, and the caller promises `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The signer behind a handle.
///
/// # Safety
/// `ptr` is NULL or a live signer from [`lmts_signer_new`].
unsafe fn signer_arg<'a>(ptr: *const LmtsSigner) -> Result<&'a Signer, Failure> {
    // SAFETY: the caller promises NULL or a live signer, which `as_ref` maps
    // to None or a shared reference.
    unsafe { ptr.as_ref() }
        .map(|handle| &handle.signer)
        .ok_or_else(|| Failure::new(LMTS_ERR_NULL_ARGUMENT, "signer is NULL"))
}

fn instant(unix_millis: i64) -> SystemTime {
    let offset = Duration::from_millis(unix_millis.unsigned_abs());
    if unix_millis >= 0 {
        UNIX_EPOCH + offset
    } else {
        UNIX_EPOCH - offset
    }
}

/// Copies ASCII `text` and a NUL into `out`, which holds exactly that.
fn put(out: &mut [c_char], text: &str) {
    for (slot, byte) in out.iter_mut().zip(text.bytes().chain([0])) {
        // Timestamps and base64 are ASCII, so each byte fits a c_char.
        *slot = byte as c_char;
    }
}

/// `lmts_signer_new`: decodes the secret once and makes a signer.
///
/// # Safety
/// `token_id` and `secret` are NULL or NUL-terminated strings; `out` is NULL
/// or points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lmts_signer_new(
    token_id: *const c_char,
    secret: *const c_char,
    out: *mut *mut LmtsSigner,
) -> LmtsStatus {
    run(|| {
        if out.is_null() {
            return Err(Failure::new(LMTS_ERR_NULL_ARGUMENT, "out is NULL"));
        }
        // SAFETY: `out` is not NULL and the caller promises it is writable.
        unsafe { out.write(std::ptr::null_mut()) };
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (token_id, secret) = unsafe { (text(token_id, "token_id")?, text(secret, "secret")?) };
        let credentials = HmacCredentials::new(token_id, secret);
        let signer = Signer::new(&credentials)
            .map_err(|e| Failure::new(LMTS_ERR_INVALID_CREDENTIALS, e.to_string()))?;
        let handle = Box::into_raw(Box::new(LmtsSigner { signer }));
        // SAFETY: as above; the caller now owns the handle.
        unsafe { out.write(handle) };
        Ok(())
    })
}

/// `lmts_signer_free`: releases a signer; its key is wiped. NULL is ignored.
///
/// # Safety
/// `signer` is NULL or a signer from [`lmts_signer_new`] not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lmts_signer_free(signer: *mut LmtsSigner) {
    if !signer.is_null() {
        // SAFETY: the caller hands back a handle from `Box::into_raw` once.
        drop(unsafe { Box::from_raw(signer) });
    }
}

/// `lmts_sign`: the timestamp and signature for one request.
///
/// # Safety
/// `signer` is NULL or live; the strings are NULL or NUL-terminated; `body`
/// points to `body_len` bytes (or is anything when `body_len` is 0); `out` is
/// NULL or points to a writable `lmts_signed_headers`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lmts_sign(
    signer: *const LmtsSigner,
    unix_millis: i64,
    method: *const c_char,
    path_and_query: *const c_char,
    body: *const u8,
    body_len: usize,
    out: *mut LmtsSignedHeaders,
) -> LmtsStatus {
    run(|| {
        // SAFETY: the caller's promises for each argument, as documented.
        let (signer, method, path_and_query, body, out) = unsafe {
            (
                signer_arg(signer)?,
                text(method, "method")?,
                text(path_and_query, "path_and_query")?,
                bytes(body, body_len, "body")?,
                out.as_mut()
                    .ok_or_else(|| Failure::new(LMTS_ERR_NULL_ARGUMENT, "out is NULL"))?,
            )
        };
        let timestamp = Timestamp::from_system_time(instant(unix_millis))
            .map_err(|e| Failure::new(LMTS_ERR_TIMESTAMP_OUT_OF_RANGE, e.to_string()))?;
        let headers = signer.sign(&SigningInput {
            timestamp: &timestamp,
            method,
            path_and_query,
            body,
        });
        put(&mut out.timestamp, headers.timestamp());
        put(&mut out.signature, headers.signature());
        Ok(())
    })
}

/// `lmts_verify`: checks a received request against the signer's key.
///
/// # Safety
/// As for [`lmts_sign`]; the header strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lmts_verify(
    signer: *const LmtsSigner,
    now_unix_millis: i64,
    max_skew_millis: u64,
    api_key: *const c_char,
    timestamp: *const c_char,
    signature: *const c_char,
    method: *const c_char,
    path_and_query: *const c_char,
    body: *const u8,
    body_len: usize,
) -> LmtsStatus {
    run(|| {
        // SAFETY: the caller's promises for each argument, as documented.
        let (signer, api_key, timestamp, signature, method, path_and_query, body) = unsafe {
            (
                signer_arg(signer)?,
                text(api_key, "api_key")?,
                text(timestamp, "timestamp")?,
                text(signature, "signature")?,
                text(method, "method")?,
                text(path_and_query, "path_and_query")?,
                bytes(body, body_len, "body")?,
            )
        };
        let request = VerificationRequest {
            api_key: Some(api_key),
            timestamp: Some(timestamp),
            signature: Some(signature),
            method,
            path_and_query,
            body,
        };
        let keys = |id: &str| (id == signer.token_id()).then(|| signer.clone());
        Verifier::new(Duration::from_millis(max_skew_millis))
            .verify(&request, &keys, instant(now_unix_millis))
            .map(drop)
            .map_err(|e| Failure::new(verify_status(&e), e.to_string()))
    })
}

fn verify_status(error: &VerifyError) -> LmtsStatus {
    match error {
        VerifyError::MissingHeader { .. } => LMTS_ERR_MISSING_HEADER,
        VerifyError::MalformedTimestamp => LMTS_ERR_MALFORMED_TIMESTAMP,
        VerifyError::OutsideWindow { .. } => LMTS_ERR_OUTSIDE_WINDOW,
        VerifyError::UnknownToken => LMTS_ERR_UNKNOWN_TOKEN,
        VerifyError::BadSignature => LMTS_ERR_BAD_SIGNATURE,
        // A kind added to limitless-auth later still fails closed.
        _ => LMTS_ERR_BAD_SIGNATURE,
    }
}

/// `lmts_status_name`: a static name for a status code.
#[unsafe(no_mangle)]
pub extern "C" fn lmts_status_name(status: LmtsStatus) -> *const c_char {
    status_name(status).as_ptr()
}

/// `lmts_last_error_message`: copies the thread's last failure message.
///
/// # Safety
/// `buffer` points to `buffer_len` writable bytes, or `buffer_len` is 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lmts_last_error_message(buffer: *mut c_char, buffer_len: usize) -> usize {
    LAST_ERROR.with(|last| {
        let message = last.borrow();
        if buffer_len > 0 && !buffer.is_null() {
            let copied = message.len().min(buffer_len - 1);
            // SAFETY: the caller promises `buffer_len` writable bytes; at most
            // `buffer_len - 1` message bytes and one NUL are written.
            let out = unsafe { std::slice::from_raw_parts_mut(buffer, buffer_len) };
            for (slot, &byte) in out.iter_mut().zip(&message.as_bytes()[..copied]) {
                *slot = byte as c_char;
            }
            out[copied] = 0;
        }
        message.len()
    })
}
