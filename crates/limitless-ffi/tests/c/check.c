/* Drives limitless.h from C. Two modes:
 *   check vector SECRET UNIX_MILLIS METHOD PATH BODY TIMESTAMP SIGNATURE
 *     signs one shared vector, compares both headers, and verifies it;
 *   check behaviour
 *     errors, the verification window, tampering, buffers and NULLs.
 * Prints "ok" lines and exits 0, or prints what failed and exits 1. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limitless.h"

static int failures = 0;

#define EXPECT(cond, ...)                                  \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fprintf(stderr, "\n");                         \
            failures++;                                    \
        }                                                  \
    } while (0)

#define EXPECT_STATUS(call, want)                                              \
    do {                                                                       \
        lmts_status got_ = (call);                                             \
        EXPECT(got_ == (want), "%s: got %s, want %s", #call,                   \
               lmts_status_name(got_), lmts_status_name(want));                \
    } while (0)

static int vector(char **argv) {
    const char *secret = argv[0];
    int64_t millis = strtoll(argv[1], NULL, 10);
    const char *method = argv[2], *path = argv[3], *body = argv[4];
    const char *want_timestamp = argv[5], *want_signature = argv[6];
    size_t body_len = strlen(body);

    lmts_signer *signer = NULL;
    EXPECT_STATUS(lmts_signer_new("tok_c", secret, &signer), LMTS_OK);
    if (signer == NULL) return 1;

    lmts_signed_headers out;
    EXPECT_STATUS(lmts_sign(signer, millis, method, path, (const uint8_t *)body, body_len, &out), LMTS_OK);
    EXPECT(strcmp(out.timestamp, want_timestamp) == 0, "timestamp %s, want %s", out.timestamp, want_timestamp);
    EXPECT(strcmp(out.signature, want_signature) == 0, "signature differs for %s %s", method, path);
    EXPECT(strlen(out.timestamp) == LMTS_TIMESTAMP_LEN && strlen(out.signature) == LMTS_SIGNATURE_LEN,
           "header lengths");
    EXPECT_STATUS(lmts_verify(signer, millis, LMTS_DEFAULT_MAX_SKEW_MILLIS, "tok_c", out.timestamp,
                              out.signature, method, path, (const uint8_t *)body, body_len),
                  LMTS_OK);
    lmts_signer_free(signer);
    return failures != 0;
}

static int behaviour(void) {
    /* The official TypeScript SDK's vector: base64("super-secret-key"). */
    const char *secret = "c3VwZXItc2VjcmV0LWtleQ==";
    const int64_t at = INT64_C(1774269296789); /* 2026-03-23T12:34:56.789Z */
    const char *body = "{\"foo\":\"bar\"}";
    char message[256];

    lmts_signer *signer = NULL;
    EXPECT_STATUS(lmts_signer_new("tok_c", secret, &signer), LMTS_OK);
    EXPECT(lmts_last_error_message(NULL, 0) == 0, "no message after success");

    lmts_signed_headers out;
    EXPECT_STATUS(lmts_sign(signer, at, "patch", "/orders?market=btc", (const uint8_t *)body, strlen(body), &out),
                  LMTS_OK);
    EXPECT(strcmp(out.signature, "mgMUpOd7FH4sOSti2MF30YKF9yDq+67VjFksPa5I5eE=") == 0, "official vector");

    /* Inside the window, 30 s either way; outside it, a distinct code. */
    EXPECT_STATUS(lmts_verify(signer, at + 30000, 30000, "tok_c", out.timestamp, out.signature, "PATCH",
                              "/orders?market=btc", (const uint8_t *)body, strlen(body)),
                  LMTS_OK);
    EXPECT_STATUS(lmts_verify(signer, at + 30001, 30000, "tok_c", out.timestamp, out.signature, "PATCH",
                              "/orders?market=btc", (const uint8_t *)body, strlen(body)),
                  LMTS_ERR_OUTSIDE_WINDOW);
    size_t len = lmts_last_error_message(message, sizeof message);
    EXPECT(len > 0 && strstr(message, "30001ms behind") != NULL, "window message: %s", message);

    /* Tampering with any part fails. */
    EXPECT_STATUS(lmts_verify(signer, at, 30000, "tok_c", out.timestamp, out.signature, "PATCH",
                              "/orders?market=eth", (const uint8_t *)body, strlen(body)),
                  LMTS_ERR_BAD_SIGNATURE);
    EXPECT_STATUS(lmts_verify(signer, at, 30000, "tok_c", out.timestamp, out.signature, "PATCH",
                              "/orders?market=btc", (const uint8_t *)"{}", 2),
                  LMTS_ERR_BAD_SIGNATURE);
    EXPECT_STATUS(lmts_verify(signer, at, 30000, "tok_other", out.timestamp, out.signature, "PATCH",
                              "/orders?market=btc", (const uint8_t *)body, strlen(body)),
                  LMTS_ERR_UNKNOWN_TOKEN);
    EXPECT_STATUS(lmts_verify(signer, at, 30000, "tok_c", "2026-03-23 12:34:56", out.signature, "PATCH",
                              "/orders?market=btc", (const uint8_t *)body, strlen(body)),
                  LMTS_ERR_MALFORMED_TIMESTAMP);
    EXPECT_STATUS(lmts_verify(signer, at, 30000, "tok_c", out.timestamp, "", "PATCH",
                              "/orders?market=btc", (const uint8_t *)body, strlen(body)),
                  LMTS_ERR_MISSING_HEADER);

    /* No body: NULL with length 0 is the empty body. */
    EXPECT_STATUS(lmts_sign(signer, at, "GET", "/auth/api-tokens", NULL, 0, &out), LMTS_OK);
    EXPECT_STATUS(lmts_verify(signer, at, 30000, "tok_c", out.timestamp, out.signature, "GET",
                              "/auth/api-tokens", (const uint8_t *)"", 0),
                  LMTS_OK);

    /* Errors are codes plus a message, and the message never holds the secret. */
    lmts_signer *bad = (lmts_signer *)&failures; /* overwritten with NULL on failure */
    EXPECT_STATUS(lmts_signer_new("tok_c", "c3VwZXItc2VjcmV0LWtleQ=*", &bad), LMTS_ERR_INVALID_CREDENTIALS);
    EXPECT(bad == NULL, "out is NULL after a failure");
    len = lmts_last_error_message(message, sizeof message);
    EXPECT(len == strlen(message) && strstr(message, "base64") != NULL, "credentials message: %s", message);
    EXPECT(strstr(message, "c3VwZXI") == NULL, "message must not echo the secret");
    EXPECT_STATUS(lmts_signer_new("", secret, &bad), LMTS_ERR_INVALID_CREDENTIALS);

    /* A short buffer gets a truncated, terminated message and the full length. */
    char tiny[8];
    size_t full = lmts_last_error_message(tiny, sizeof tiny);
    EXPECT(full > sizeof tiny && strlen(tiny) == sizeof tiny - 1, "truncation");

    EXPECT_STATUS(lmts_sign(NULL, at, "GET", "/", NULL, 0, &out), LMTS_ERR_NULL_ARGUMENT);
    EXPECT_STATUS(lmts_sign(signer, at, "GET", NULL, NULL, 0, &out), LMTS_ERR_NULL_ARGUMENT);
    EXPECT_STATUS(lmts_sign(signer, at, "GET", "/", NULL, 3, &out), LMTS_ERR_NULL_ARGUMENT);
    EXPECT_STATUS(lmts_sign(signer, at, "GET", "/", NULL, 0, NULL), LMTS_ERR_NULL_ARGUMENT);
    EXPECT_STATUS(lmts_sign(signer, at, "GET", "/\xff", NULL, 0, &out), LMTS_ERR_INVALID_UTF8);
    EXPECT_STATUS(lmts_sign(signer, INT64_C(253402300800000), "GET", "/", NULL, 0, &out),
                  LMTS_ERR_TIMESTAMP_OUT_OF_RANGE);
    EXPECT(strcmp(lmts_status_name(LMTS_ERR_BAD_SIGNATURE), "LMTS_ERR_BAD_SIGNATURE") == 0, "names");
    EXPECT(strcmp(lmts_status_name(999), "LMTS_UNKNOWN_STATUS") == 0, "unknown name");

    lmts_signer_free(signer);
    lmts_signer_free(NULL);
    return failures != 0;
}

int main(int argc, char **argv) {
    int failed;
    if (argc == 9 && strcmp(argv[1], "vector") == 0) {
        failed = vector(argv + 2);
    } else if (argc == 2 && strcmp(argv[1], "behaviour") == 0) {
        failed = behaviour();
    } else {
        fprintf(stderr, "usage: check vector SECRET MILLIS METHOD PATH BODY TIMESTAMP SIGNATURE | check behaviour\n");
        return 2;
    }
    if (!failed) printf("ok\n");
    return failed;
}
