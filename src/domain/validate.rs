//! Field checks shared by every write, collecting every failure rather than the first.

use crate::{domain::lang::Localized, error::FieldError};

/// The longest a single-line text field may be.
pub const MAX_LINE: usize = 500;
/// The longest a free-text field may be.
pub const MAX_TEXT: usize = 20_000;

/// Collects what is wrong with an input: the fields at fault, and the values other
/// records already hold (a taken slug), which are conflicts rather than faults.
#[derive(Debug, Default)]
pub struct Checks {
    /// The fields at fault so far.
    pub errors: Vec<FieldError>,
    /// The values that conflict with other records so far.
    pub conflicts: Vec<FieldError>,
}

impl Checks {
    /// Records a failure of `field`.
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Records that `field`'s value conflicts with another record's.
    pub fn conflict(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.conflicts.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Whether nothing failed or conflicted.
    pub fn passed(&self) -> bool {
        self.errors.is_empty() && self.conflicts.is_empty()
    }

    /// A slug: lowercase ASCII letters and digits in hyphen-separated words, at most 100.
    pub fn slug(&mut self, field: &str, value: &str) {
        let valid = !value.is_empty()
            && value.len() <= 100
            && value.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !valid {
            self.fail(field, "must be lowercase letters and digits in hyphen-separated words, at most 100 characters (e.g. `deepseek-r1`)");
        }
    }

    /// A single line of text: not blank, no control or invisible formatting characters.
    pub fn line(&mut self, field: &str, value: &str) {
        self.text_within(field, value, MAX_LINE, false);
    }

    /// Free text: not blank, no control characters but line breaks and tabs.
    pub fn text(&mut self, field: &str, value: &str) {
        self.text_within(field, value, MAX_TEXT, true);
    }

    /// Both languages of a localized text.
    pub fn localized(&mut self, field: &str, value: &Localized, long: bool) {
        let (en, ar) = (format!("{field}.en"), format!("{field}.ar"));
        match long {
            true => {
                self.text(&en, &value.en);
                self.text(&ar, &value.ar);
            }
            false => {
                self.line(&en, &value.en);
                self.line(&ar, &value.ar);
            }
        }
    }

    /// An absolute http(s) URL.
    pub fn url(&mut self, field: &str, value: &str) {
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"));
        let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
        let valid = value.len() <= 2048
            && host.is_some_and(|host| !host.is_empty())
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            self.fail(
                field,
                "must be an absolute http:// or https:// URL of at most 2048 characters",
            );
        }
    }

    /// An ISO 639-1 language code.
    pub fn language(&mut self, field: &str, value: &str) {
        if !(value.len() == 2 && value.bytes().all(|b| b.is_ascii_lowercase())) {
            self.fail(field, "must be an ISO 639-1 code such as `ar` or `en`");
        }
    }

    fn text_within(&mut self, field: &str, value: &str, max: usize, multiline: bool) {
        if value.trim().is_empty() {
            return self.fail(field, "must not be blank");
        }
        if value.chars().count() > max {
            return self.fail(field, format!("must be at most {max} characters"));
        }
        let bad = value.chars().any(|c| {
            (c.is_control() && !(multiline && (c == '\n' || c == '\t')))
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{FEFF}')
        });
        if bad {
            self.fail(
                field,
                "must not contain control characters, bidirectional overrides or zero-width spaces",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_lowercase_words() {
        for good in ["deepseek", "deepseek-r1", "gpt-5", "a"] {
            let mut checks = Checks::default();
            checks.slug("slug", good);
            assert!(checks.errors.is_empty(), "{good}");
        }
        for bad in [
            "",
            "DeepSeek",
            "deep_seek",
            "-x",
            "x-",
            "a--b",
            "r1\u{200B}",
            "r\u{202E}1",
            "ديب",
            &"a".repeat(101),
        ] {
            let mut checks = Checks::default();
            checks.slug("slug", bad);
            assert_eq!(checks.errors.len(), 1, "{bad:?}");
        }
    }

    #[test]
    fn text_refuses_blanks_controls_and_invisible_formatting() {
        let mut checks = Checks::default();
        checks.line("a", "   ");
        checks.line("b", "x\ny");
        checks.line("c", "evil\u{202E}txt");
        checks.text("d", "two\nlines\tfine");
        checks.url("e", "javascript:alert(1)");
        checks.url("f", "https://example.org/a b");
        checks.url("g", "https://www.deepseek.com/");
        let fields: Vec<_> = checks.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "b", "c", "e", "f"]);
    }
}
