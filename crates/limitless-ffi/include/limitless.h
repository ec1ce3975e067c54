/*
 * limitless.h: HMAC-SHA256 signing and verification of Limitless Exchange
 * API requests, from C. Link with -llimitless_ffi.
 *
 * Memory: the only object this library allocates for the caller is the
 * signer, released with lmts_signer_free. Everything else is written into
 * buffers the caller owns. Strings are NUL-terminated UTF-8.
 *
 * Errors: every fallible function returns an lmts_status; LMTS_OK is 0.
 * lmts_status_name gives a static name for a code; lmts_last_error_message
 * copies a readable message about the last failure on the calling thread.
 * No message ever contains the secret or a signature.
 *
 * Time is an argument: pass milliseconds since the Unix epoch (UTC).
 */
#ifndef LIMITLESS_H
#define LIMITLESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t lmts_status;

#define LMTS_OK 0
/* A required pointer argument was NULL. */
#define LMTS_ERR_NULL_ARGUMENT 1
/* A string argument is not valid UTF-8. */
#define LMTS_ERR_INVALID_UTF8 2
/* The token id or secret cannot be used (empty, not base64, ...). */
#define LMTS_ERR_INVALID_CREDENTIALS 3
/* The time has no ISO-8601 timestamp with a four-digit year. */
#define LMTS_ERR_TIMESTAMP_OUT_OF_RANGE 4
/* Verification: a header value is missing or empty. */
#define LMTS_ERR_MISSING_HEADER 5
/* Verification: lmts-timestamp is not of the form 2026-03-23T12:34:56.789Z. */
#define LMTS_ERR_MALFORMED_TIMESTAMP 6
/* Verification: the timestamp is outside the allowed window. */
#define LMTS_ERR_OUTSIDE_WINDOW 7
/* Verification: lmts-api-key is not the signer's token id. */
#define LMTS_ERR_UNKNOWN_TOKEN 8
/* Verification: the signature does not match the request. */
#define LMTS_ERR_BAD_SIGNATURE 9
/* A bug inside the library; nothing was written. */
#define LMTS_ERR_INTERNAL 10

/* Characters in a timestamp and in a signature, without the NUL. */
#define LMTS_TIMESTAMP_LEN 24
#define LMTS_SIGNATURE_LEN 44

/* The window the Limitless API allows, in milliseconds. */
#define LMTS_DEFAULT_MAX_SKEW_MILLIS 30000

/* A token's id and decoded secret. Opaque; the key is wiped when freed. */
typedef struct lmts_signer lmts_signer;

/* The two computed header values, NUL-terminated. The third header,
 * lmts-api-key, is the token id the signer was made with. */
typedef struct lmts_signed_headers {
    char timestamp[LMTS_TIMESTAMP_LEN + 1];
    char signature[LMTS_SIGNATURE_LEN + 1];
} lmts_signed_headers;

/* Decodes `secret` (standard padded base64, as the API returns it) once.
 * On success *out is a new signer; on failure *out is set to NULL. */
lmts_status lmts_signer_new(const char *token_id, const char *secret, lmts_signer **out);

/* Frees a signer from lmts_signer_new. NULL is ignored. */
void lmts_signer_free(lmts_signer *signer);

/* Signs one request: `unix_millis` is the time it is sent, `path_and_query`
 * the path and query exactly as on the wire, `body` the exact bytes sent
 * (may be NULL when body_len is 0). */
lmts_status lmts_sign(const lmts_signer *signer, int64_t unix_millis, const char *method,
                      const char *path_and_query, const uint8_t *body, size_t body_len,
                      lmts_signed_headers *out);

/* Checks a received request's three header values against the signer's
 * token id and key, at `now_unix_millis`, allowing `max_skew_millis` between
 * the timestamp and now. Comparison is constant-time. */
lmts_status lmts_verify(const lmts_signer *signer, int64_t now_unix_millis,
                        uint64_t max_skew_millis, const char *api_key, const char *timestamp,
                        const char *signature, const char *method, const char *path_and_query,
                        const uint8_t *body, size_t body_len);

/* A static, NUL-terminated name for a status ("LMTS_OK", ...). Never NULL. */
const char *lmts_status_name(lmts_status status);

/* Copies the message about the calling thread's last failure into `buffer`
 * (NUL-terminated, truncated to fit) and returns the message's full length
 * without the NUL. An empty message after a success. `buffer` may be NULL
 * when buffer_len is 0, to ask for the length. */
size_t lmts_last_error_message(char *buffer, size_t buffer_len);

#ifdef __cplusplus
}
#endif

#endif /* LIMITLESS_H */
