//! Opaque pagination cursors.
//!
//! A cursor names the list and sort it belongs to and the position after which the next
//! page starts: the last row's sort value and id. It is JSON, base64url-encoded; clients
//! treat it as opaque.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A position in a sorted list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The list it belongs to, such as `models`.
    #[serde(rename = "l")]
    pub list: String,
    /// The sort it was made under, such as `-released`.
    #[serde(rename = "s")]
    pub sort: String,
    /// The last row's sort value (`null` when that row had none).
    #[serde(rename = "v")]
    pub value: serde_json::Value,
    /// The last row's id, which breaks ties.
    #[serde(rename = "i")]
    pub id: Uuid,
}

/// Why a cursor was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// Not a cursor this service made.
    #[error("not a valid cursor")]
    Malformed,
    /// A cursor from another list or sort order.
    #[error("this cursor belongs to another list or sort order; start again without it")]
    Mismatch,
}

/// The most bytes an encoded cursor may have.
const MAX_LEN: usize = 1024;

/// The pattern every cursor matches, as the OpenAPI document gives it: base64url without
/// padding, at most [`MAX_LEN`] characters. A value that does not match is not a cursor
/// (400); one that matches but that this service did not make for the list and sort
/// asked for cannot be used (422).
pub const PATTERN: &str = "^[A-Za-z0-9_-]{1,1024}$";

impl Cursor {
    /// Whether `encoded` has a cursor's shape ([`PATTERN`]).
    pub fn is_shaped(encoded: &str) -> bool {
        (1..=MAX_LEN).contains(&encoded.len())
            && encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }

    /// The cursor as sent to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes a cursor and checks it belongs to `list` sorted by `sort`.
    pub fn decode(encoded: &str, list: &str, sort: &str) -> Result<Self, CursorError> {
        if encoded.len() > MAX_LEN {
            return Err(CursorError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| CursorError::Malformed)?;
        let cursor: Self = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
        if cursor.list != list || cursor.sort != sort {
            return Err(CursorError::Mismatch);
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor() -> Cursor {
        Cursor {
            list: "models".into(),
            sort: "-released".into(),
            value: serde_json::json!("2025-01-20"),
            id: Uuid::now_v7(),
        }
    }

    #[test]
    fn a_cursor_round_trips() {
        let cursor = cursor();
        let decoded = Cursor::decode(&cursor.encode(), "models", "-released").unwrap();
        assert_eq!(decoded, cursor);
    }

    #[test]
    fn a_cursor_from_another_list_or_sort_is_refused() {
        let encoded = cursor().encode();
        assert_eq!(
            Cursor::decode(&encoded, "claims", "-released"),
            Err(CursorError::Mismatch)
        );
        assert_eq!(
            Cursor::decode(&encoded, "models", "released"),
            Err(CursorError::Mismatch)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        for garbage in ["", "abc", "!!!", "eyJsIjoxfQ", &"A".repeat(5000)] {
            assert_eq!(
                Cursor::decode(garbage, "models", "slug"),
                Err(CursorError::Malformed),
                "{garbage:?}"
            );
        }
    }
}
