//! Bilingual text, and the choice of one language for a response.
//!
//! A [`Localized`] value serializes as `{"en": …, "ar": …}`, or as a plain string in the
//! language chosen for the response. The choice is made per serialization with
//! [`to_json_in`], which sets it for the current thread while `serde_json` runs (it never
//! awaits, so the choice cannot leak into another request).

use std::{borrow::Cow, cell::Cell};

use serde::{Deserialize, Serialize, Serializer, ser::SerializeStruct};
use utoipa::openapi::{ObjectBuilder, OneOfBuilder, RefOr, Schema, Type, schema::SchemaType};

/// A language the API speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Arabic.
    Ar,
}

impl Lang {
    /// The BCP 47 tag, as sent in `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ar => "ar",
        }
    }

    /// Parses a `lang` query value: `en` or `ar`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "en" => Some(Self::En),
            "ar" => Some(Self::Ar),
            _ => None,
        }
    }

    /// Picks the preferred supported language from an `Accept-Language` header value, or
    /// `None` when it names neither (or only `*`). Honours q-values; ties go to the earlier.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut best: Option<(Self, f32)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|param| param.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let Some(lang) = Self::parse(primary) else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map(|(lang, _)| lang)
    }
}

thread_local! {
    static RESPONSE_LANG: Cell<Option<Lang>> = const { Cell::new(None) };
    /// The length of the last JSON this thread wrote, which the next starts with room for.
    static LAST_LENGTH: Cell<usize> = const { Cell::new(0) };
}

/// The most room a JSON buffer starts with, whatever the last one needed: below the
/// allocator's threshold (128 KiB) for mapping memory of its own, which would cost a
/// page fault for every page written.
const MAX_START_CAPACITY: usize = 96 * 1024;

/// Serializes `value` to JSON with every [`Localized`] in it rendered in `lang`
/// (or in both languages when `lang` is `None`).
///
/// The buffer starts with a quarter more room than the thread's last JSON took (up to
/// [`MAX_START_CAPACITY`]): a page of fifty bilingual records, about 66 kB, otherwise
/// grows from nothing and is copied at each doubling.
pub fn to_json_in<T: Serialize + ?Sized>(
    lang: Option<Lang>,
    value: &T,
) -> serde_json::Result<Vec<u8>> {
    let previous = RESPONSE_LANG.with(|cell| cell.replace(lang));
    let last = LAST_LENGTH.with(Cell::get);
    let mut json = Vec::with_capacity((last + last / 4).min(MAX_START_CAPACITY));
    let result = serde_json::to_writer(&mut json, value);
    RESPONSE_LANG.with(|cell| cell.set(previous));
    LAST_LENGTH.with(|cell| cell.set(json.len()));
    result.map(|()| json)
}

/// Text in English and Arabic.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// English.
    pub en: String,
    /// Arabic.
    pub ar: String,
}

impl Localized {
    /// Both languages.
    pub fn new(en: impl Into<String>, ar: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            ar: ar.into(),
        }
    }

    /// Both languages when both are present.
    pub fn from_parts(en: Option<String>, ar: Option<String>) -> Option<Self> {
        Some(Self::new(en?, ar?))
    }
}

impl Serialize for Localized {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match RESPONSE_LANG.with(Cell::get) {
            Some(Lang::En) => serializer.serialize_str(&self.en),
            Some(Lang::Ar) => serializer.serialize_str(&self.ar),
            None => {
                let mut both = serializer.serialize_struct("Localized", 2)?;
                both.serialize_field("en", &self.en)?;
                both.serialize_field("ar", &self.ar)?;
                both.end()
            }
        }
    }
}

/// Text in English and Arabic, as a request body gives it: both languages required.
#[derive(utoipa::ToSchema)]
#[schema(example = json!({"en": "DeepSeek", "ar": "ديب سيك"}))]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    /// English.
    pub en: String,
    /// Arabic.
    pub ar: String,
}

impl utoipa::PartialSchema for Localized {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::Object))
                    .property("en", ObjectBuilder::new().schema_type(Type::String))
                    .property("ar", ObjectBuilder::new().schema_type(Type::String))
                    .required("en")
                    .required("ar")
                    .description(Some(
                        "Both languages: the response when no language was chosen.",
                    )),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(
                        "One language: the response to `?lang=` or `Accept-Language`.",
                    )),
            )
            .description(Some(
                "Text in English and Arabic; a plain string when a language was chosen.",
            ))
            .examples([serde_json::json!({"en": "DeepSeek", "ar": "ديب سيك"})])
            .into()
    }
}

impl utoipa::ToSchema for Localized {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Localized")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_quality_values() {
        let cases = [
            ("ar", Some(Lang::Ar)),
            ("en-US,en;q=0.9", Some(Lang::En)),
            ("fr-FR, ar;q=0.8, en;q=0.5", Some(Lang::Ar)),
            ("en;q=0.2, ar;q=0.9", Some(Lang::Ar)),
            ("ar-EG;q=0, en;q=0.1", Some(Lang::En)),
            ("fr, de", None),
            ("*", None),
            ("", None),
            (";;;,,,q=", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                Lang::negotiate(header),
                expected,
                "Accept-Language: {header}"
            );
        }
    }

    #[test]
    fn localized_text_serializes_in_the_chosen_language() {
        let text = Localized::new("China", "الصين");
        let both = to_json_in(None, &text).unwrap();
        assert_eq!(
            String::from_utf8(both).unwrap(),
            r#"{"en":"China","ar":"الصين"}"#
        );
        let arabic = to_json_in(Some(Lang::Ar), &text).unwrap();
        assert_eq!(String::from_utf8(arabic).unwrap(), r#""الصين""#);
        // The choice does not outlive the call.
        let after = serde_json::to_string(&text).unwrap();
        assert_eq!(after, r#"{"en":"China","ar":"الصين"}"#);
    }
}
