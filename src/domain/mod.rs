//! Domain types: parsed, validated values that the rest of the service can trust.

pub mod api_key;
pub mod cursor;
pub mod figure;
pub mod input;
pub mod kinds;
pub mod lang;
pub mod search_text;
pub mod validate;
