/// Builds the canonical message that is signed, as text:
/// `{timestamp}\n{METHOD}\n{path_and_query}\n{body}`.
///
/// The method is upper-cased; `body` is the exact bytes sent (empty for no
/// body). This is for debugging and for comparing with other
/// implementations: [`Signer`](crate::Signer) feeds the same parts into the
/// MAC without building it. A body that is not UTF-8 is shown lossily here;
/// [`canonical_message_bytes`] is the exact message for any body.
pub fn canonical_message(
    timestamp: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> String {
    let body = String::from_utf8_lossy(body);
    let mut message = String::with_capacity(
        timestamp.len() + method.len() + path_and_query.len() + body.len() + 3,
    );
    message.push_str(timestamp);
    message.push('\n');
    message.extend(method.chars().map(|c| c.to_ascii_uppercase()));
    message.push('\n');
    message.push_str(path_and_query);
    message.push('\n');
    message.push_str(&body);
    message
}

/// The exact bytes that are signed, for any body:
/// `{timestamp}\n{METHOD}\n{path_and_query}\n{body}`.
pub fn canonical_message_bytes(
    timestamp: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut message =
        Vec::with_capacity(timestamp.len() + method.len() + path_and_query.len() + body.len() + 3);
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'\n');
    message.extend(method.bytes().map(|b| b.to_ascii_uppercase()));
    message.push(b'\n');
    message.extend_from_slice(path_and_query.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(body);
    message
}

#[cfg(test)]
mod tests {
    use super::{canonical_message, canonical_message_bytes};

    #[test]
    fn joins_parts_with_newlines_and_uppercases_the_method() {
        assert_eq!(
            canonical_message("ts", "post", "/orders", br#"{"x":1}"#),
            "ts\nPOST\n/orders\n{\"x\":1}"
        );
        assert_eq!(
            canonical_message("ts", "GET", "/a?b=c", b""),
            "ts\nGET\n/a?b=c\n"
        );
        assert_eq!(
            canonical_message_bytes("ts", "delete", "/a", &[0xff, 0x00]),
            b"ts\nDELETE\n/a\n\xff\x00"
        );
    }
}
