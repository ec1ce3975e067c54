//! Client-side checks shared by the services; all run before any I/O.

use limitless_types::ValidationError;

use crate::Error;

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::invalid_field(
            error.field.to_string(),
            format!("{}: {}", error.field, error.message),
        )
    }
}

/// `value.trim()` must be non-empty; returns the trimmed value.
pub(crate) fn non_blank<'a>(field: &str, value: &'a str, hint: &str) -> Result<&'a str, Error> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(Error::invalid_field(
            field,
            format!("{field} must not be blank; {hint}"),
        ))
    } else {
        Ok(trimmed)
    }
}

/// A profile id (path parameter) must be positive.
pub(crate) fn positive_profile_id(field: &str, profile_id: i64) -> Result<(), Error> {
    if profile_id > 0 {
        Ok(())
    } else {
        Err(Error::invalid_field(
            field,
            format!(
                "{field} must be a positive integer, got {profile_id}; use the profileId returned when the sub-account was created"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field() {
        let error = non_blank("market_slug", "  ", "pass the market's slug").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid input: market_slug must not be blank; pass the market's slug"
        );
        assert_eq!(non_blank("x", " a ", "").unwrap(), "a");
        let error = positive_profile_id("profile_id", 0).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("profile_id must be a positive integer, got 0")
        );
        assert!(positive_profile_id("profile_id", 7).is_ok());
        let error = Error::from(ValidationError::new("amount", "must be greater than zero"));
        assert_eq!(
            error.to_string(),
            "invalid input: amount: must be greater than zero"
        );
    }
}
