//! Email addresses people type: validated once, so nothing downstream can
//! carry a line break into a mail header.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid address, lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Accepts `local@domain.tld`: one `@`, a local part of 1–64 characters
    /// without spaces, control characters or `<>()[],;:"\`, and a domain of
    /// dot-separated labels of letters, digits and inner hyphens with at
    /// least one dot; at most 254 characters in all.
    pub fn parse(input: &str) -> Result<EmailAddress, String> {
        let s = input.trim().to_lowercase();
        let invalid = || format!("\"{}\" is not an email address", input.trim());
        if s.is_empty() || s.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || local.len() > 64
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
            || local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\@".contains(c))
        {
            return Err(invalid());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(invalid());
        }
        Ok(EmailAddress(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        EmailAddress::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_addresses_are_accepted_and_lowercased() {
        assert_eq!(
            EmailAddress::parse(" Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        assert!(EmailAddress::parse("first.last+hack@sub.example.co.uk").is_ok());
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "ada@@example.org",
            "a b@example.org",
            "ada@exa mple.org",
            "ada@-example.org",
            "ada@example..org",
            "ada@example.org\r\nBcc: victim@example.org",
            "<ada@example.org>",
            ".ada@example.org",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn no_accepted_address_contains_a_line_break_or_control_character(s in "\\PC{0,40}|[a-z\\r\\n@.]{0,20}") {
            if let Ok(e) = EmailAddress::parse(&s) {
                prop_assert!(!e.as_str().chars().any(|c| c.is_control()));
                prop_assert_eq!(e.as_str().matches('@').count(), 1);
            }
        }
    }
}
