/// Builds the canonical message that is signed:
/// `{timestamp}\n{METHOD}\n{path_and_query}\n{body}`.
///
/// The method is upper-cased; `body` is the exact bytes sent (empty for no
/// body) and is included lossily if it is not UTF-8. This is for debugging and
/// for comparing with other implementations: [`Signer`](crate::Signer) feeds
/// the same parts into the MAC without building this string.
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

#[cfg(test)]
mod tests {
    use super::canonical_message;

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
    }
}
