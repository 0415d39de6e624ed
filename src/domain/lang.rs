//! Bilingual text, and the choice of one language for a response.
//!
//! A [`Localized`] value holds both languages and serializes as `{"en": …, "ar": …}`.
//! What a response shows is a [`Text`]: both languages, or the one chosen for it. The
//! choice is a value (`Option<Lang>`) that whatever renders a record is given, never
//! ambient state, so a renderer cannot forget it.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
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
    /// The length of the last JSON this thread wrote, which the next starts with room for.
    static LAST_LENGTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The most room a JSON buffer starts with, whatever the last one needed: below the
/// allocator's threshold (128 KiB) for mapping memory of its own, which would cost a
/// page fault for every page written.
const MAX_START_CAPACITY: usize = 96 * 1024;

/// Serializes `value` to JSON.
///
/// The buffer starts with a quarter more room than the thread's last JSON took (up to
/// [`MAX_START_CAPACITY`]): a page of fifty bilingual records, about 66 kB, otherwise
/// grows from nothing and is copied at each doubling.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let last = LAST_LENGTH.with(std::cell::Cell::get);
    let mut json = Vec::with_capacity((last + last / 4).min(MAX_START_CAPACITY));
    let result = serde_json::to_writer(&mut json, value);
    LAST_LENGTH.with(|cell| cell.set(json.len()));
    result.map(|()| json)
}

/// Text in English and Arabic: both languages, as a request body gives it and as history
/// keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = LocalizedText, example = json!({"en": "DeepSeek", "ar": "ديب سيك"}))]
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

impl Localized {
    /// The text as a response in `lang` shows it: both languages without a choice.
    pub fn show(&self, lang: Option<Lang>) -> Text {
        match lang {
            None => Text::Both(self.clone()),
            Some(Lang::En) => Text::One(self.en.clone()),
            Some(Lang::Ar) => Text::One(self.ar.clone()),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ar => &self.ar,
        }
    }
}

/// Text as a response shows it: `{"en": …, "ar": …}`, or a plain string in the language
/// chosen for the response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// Both languages: no language was chosen.
    Both(Localized),
    /// The chosen language only.
    One(String),
}

impl Text {
    /// Both languages, or one, of `en` and `ar` as `lang` chooses.
    pub fn new(en: impl Into<String>, ar: impl Into<String>, lang: Option<Lang>) -> Self {
        match lang {
            None => Self::Both(Localized::new(en, ar)),
            Some(Lang::En) => Self::One(en.into()),
            Some(Lang::Ar) => Self::One(ar.into()),
        }
    }

    /// Both or one of a pair of optional texts, when both are present.
    pub fn from_parts(en: Option<String>, ar: Option<String>, lang: Option<Lang>) -> Option<Self> {
        Some(Self::new(en?, ar?, lang))
    }

    /// The text in `lang`: the one shown, or `lang`'s of both.
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Self::Both(both) => both.get(lang),
            Self::One(one) => one,
        }
    }
}

impl utoipa::PartialSchema for Text {
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

impl utoipa::ToSchema for Text {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Localized")
    }
}

/// A representation as JSON (both languages) shown in `lang`: every `{"en": …, "ar": …}`
/// text in it becomes the one string. Representations hold no other object of exactly
/// those two keys.
pub fn localize(value: serde_json::Value, lang: Option<Lang>) -> serde_json::Value {
    use serde_json::Value;
    let Some(lang) = lang else { return value };
    match value {
        Value::Object(mut object) => {
            let is_text = object.len() == 2
                && object.get("en").is_some_and(Value::is_string)
                && object.get("ar").is_some_and(Value::is_string);
            if is_text {
                return object.remove(lang.tag()).unwrap_or(Value::Null);
            }
            Value::Object(
                object
                    .into_iter()
                    .map(|(key, value)| (key, localize(value, Some(lang))))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| localize(item, Some(lang)))
                .collect(),
        ),
        other => other,
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
    fn text_shows_the_chosen_language_or_both() {
        let text = Localized::new("China", "الصين");
        let json = |lang| serde_json::to_string(&text.show(lang)).unwrap();
        assert_eq!(json(None), r#"{"en":"China","ar":"الصين"}"#);
        assert_eq!(json(Some(Lang::Ar)), r#""الصين""#);
        assert_eq!(json(Some(Lang::En)), r#""China""#);
        assert_eq!(text.show(Some(Lang::Ar)).get(Lang::Ar), "الصين");
        assert_eq!(text.show(None).get(Lang::En), "China");
    }
}
