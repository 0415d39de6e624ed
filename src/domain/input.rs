//! Typed input read from JSON (a request body, or a dataset file's record) with every fault
//! found at once: missing fields, wrong types, unknown enum values and unknown fields are
//! each recorded with their path (`claimant.name.ar`, `evidence[1].relation`) instead of
//! stopping at the first, as serde's derived deserializers do.
//!
//! A value that fails is replaced by a placeholder, so that the record's own rules can still
//! be checked on the fields that did parse; the write path drops what those rules say of the
//! fields that failed, and refuses the input whatever else holds.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::FieldError;

/// The faults found while reading one input.
#[derive(Debug, Default)]
pub struct Faults {
    found: Vec<FieldError>,
}

impl Faults {
    /// Records that `path` is at fault.
    pub fn push(&mut self, path: &str, message: impl Into<String>) {
        self.found.push(FieldError {
            field: if path.is_empty() { "(body)" } else { path }.to_owned(),
            message: message.into(),
        });
    }

    /// How many were found.
    pub fn len(&self) -> usize {
        self.found.len()
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The faults, in the order found.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.found
    }

    /// The paths at fault.
    pub fn paths(&self) -> Vec<String> {
        self.found.iter().map(|f| f.field.clone()).collect()
    }
}

/// Whether `field` is `path` or lies inside it (`evidence[1].note.en` inside `evidence[1]`).
pub fn is_within(field: &str, path: &str) -> bool {
    field == path
        || field
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The path of `field` inside `path`.
pub fn join(path: &str, field: &str) -> String {
    match path {
        "" => field.to_owned(),
        path => format!("{path}.{field}"),
    }
}

/// A type read from JSON, recording its faults.
pub trait Parse: Sized {
    /// Reads `value` (`None` when the field is absent) found at `path`. On a fault it is
    /// recorded in `faults` and a placeholder is returned.
    fn parse(value: Option<&Value>, path: &str, faults: &mut Faults) -> Self;

    /// Reads a whole input: `Ok` when nothing is at fault, else every fault.
    fn from_json(mut value: Value) -> Result<Self, Vec<FieldError>> {
        let (parsed, faults) = Self::from_json_partly(&mut value);
        match faults.is_empty() {
            true => Ok(parsed),
            false => Err(faults.into_errors()),
        }
    }

    /// Reads a whole input, returning what could be read (placeholders where not) and the
    /// faults.
    fn from_json_partly(value: &mut Value) -> (Self, Faults) {
        integral_floats_to_integers(value);
        let mut faults = Faults::default();
        let parsed = Self::parse(Some(value), "", &mut faults);
        (parsed, faults)
    }
}

/// Rewrites numbers such as `2025.0` as `2025`: JSON does not tell them apart, and a field
/// that takes an integer should take either.
fn integral_floats_to_integers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

/// Reads a value with its serde deserializer, `placeholder` on a fault.
pub fn with_serde<T: DeserializeOwned>(
    value: Option<&Value>,
    path: &str,
    faults: &mut Faults,
    placeholder: impl FnOnce() -> T,
) -> T {
    match value {
        None | Some(Value::Null) => {
            faults.push(path, "is required");
            placeholder()
        }
        Some(value) => match T::deserialize(value) {
            Ok(parsed) => parsed,
            Err(err) => {
                faults.push(path, err.to_string());
                placeholder()
            }
        },
    }
}

/// Implements [`Parse`] with the type's serde deserializer and its `Default` placeholder.
macro_rules! parse_with_serde {
    ($($ty:ty),+ $(,)?) => {
        $(impl Parse for $ty {
            fn parse(value: Option<&Value>, path: &str, faults: &mut Faults) -> Self {
                with_serde(value, path, faults, Self::default)
            }
        })+
    };
}

parse_with_serde!(
    String,
    bool,
    i32,
    i64,
    f64,
    uuid::Uuid,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>,
);

impl<T: Parse> Parse for Option<T> {
    /// Absent or `null` is `None`; so is a value at fault, so that no rule is checked
    /// against a placeholder for it.
    fn parse(value: Option<&Value>, path: &str, faults: &mut Faults) -> Self {
        match value {
            None | Some(Value::Null) => None,
            Some(value) => {
                let before = faults.len();
                let parsed = T::parse(Some(value), path, faults);
                (faults.len() == before).then_some(parsed)
            }
        }
    }
}

impl<T: Parse> Parse for Vec<T> {
    fn parse(value: Option<&Value>, path: &str, faults: &mut Faults) -> Self {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| T::parse(Some(item), &format!("{path}[{i}]"), faults))
                .collect(),
            Some(_) => {
                faults.push(path, "must be a list");
                Vec::new()
            }
        }
    }
}

impl Parse for crate::domain::lang::Localized {
    fn parse(value: Option<&Value>, path: &str, faults: &mut Faults) -> Self {
        let Some(object) = object(value, path, faults, &["en", "ar"]) else {
            return Self::default();
        };
        Self {
            en: String::parse(object.get("en"), &join(path, "en"), faults),
            ar: String::parse(object.get("ar"), &join(path, "ar"), faults),
        }
    }
}

/// The JSON object at `path`, after recording its unknown fields (anything not in
/// `fields`); `None`, with the fault recorded, when it is missing or not an object.
pub fn object<'a>(
    value: Option<&'a Value>,
    path: &str,
    faults: &mut Faults,
    fields: &[&str],
) -> Option<&'a serde_json::Map<String, Value>> {
    match value {
        Some(Value::Object(object)) => {
            for name in object.keys() {
                if !fields.contains(&name.as_str()) {
                    faults.push(
                        &join(path, name),
                        format!(
                            "is not a field here; expected one of: {}",
                            fields.join(", ")
                        ),
                    );
                }
            }
            Some(object)
        }
        None | Some(Value::Null) => {
            faults.push(path, "is required");
            None
        }
        Some(_) => {
            faults.push(path, "must be a JSON object");
            None
        }
    }
}

/// The name a field has in JSON: its own, or the one given after `as`.
#[macro_export]
macro_rules! json_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $json:tt) => {
        $json
    };
}

/// Declares an input type: the struct, serialized and documented as it is read, and its
/// [`Parse`] implementation, which reads every field and reports every fault.
///
/// A field is written `pub name: Type`, or `pub name as "json_name": Type` when its JSON
/// name is not a Rust identifier. (The JSON name is taken as a token tree, not a literal:
/// a literal fragment reaches derive macros wrapped in an invisible group, and utoipa
/// would not see the rename.) `Option<T>` fields may be absent or `null`; `Vec<T>`
/// fields may be absent (empty).
#[macro_export]
macro_rules! input {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                pub $field:ident $(as $json:tt)? : $ty:ty
            ),+ $(,)?
        }
    ) => {
        #[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$field_meta])*
                $(#[serde(rename = $json)])?
                pub $field: $ty,
            )+
        }

        impl $crate::domain::input::Parse for $name {
            fn parse(
                value: Option<&serde_json::Value>,
                path: &str,
                faults: &mut $crate::domain::input::Faults,
            ) -> Self {
                const FIELDS: &[&str] = &[$($crate::json_name!($field $(, $json)?)),+];
                let object = match $crate::domain::input::object(value, path, faults, FIELDS) {
                    Some(object) => object,
                    // Placeholders, with the fields' own faults left unsaid: the object
                    // as a whole is at fault.
                    None => {
                        let mut unsaid = $crate::domain::input::Faults::default();
                        return Self {
                            $($field: <$ty as $crate::domain::input::Parse>::parse(
                                None,
                                path,
                                &mut unsaid,
                            ),)+
                        };
                    }
                };
                Self {
                    $($field: <$ty as $crate::domain::input::Parse>::parse(
                        object.get($crate::json_name!($field $(, $json)?)),
                        &$crate::domain::input::join(path, $crate::json_name!($field $(, $json)?)),
                        faults,
                    ),)+
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::{kinds::Relation, lang::Localized};

    crate::input! {
        /// A test input.
        pub struct Note {
            /// A name.
            pub name: Localized,
            /// A count.
            pub count: i32,
            /// A relation.
            pub relation: Relation,
            /// Maybe a day.
            pub day: Option<chrono::NaiveDate>,
            /// A renamed field.
            pub kind as "type": String,
            /// Items.
            pub items: Vec<Item>,
        }
    }

    crate::input! {
        /// An item.
        pub struct Item {
            /// Its label.
            pub label: String,
        }
    }

    fn faults(value: serde_json::Value) -> Vec<(String, String)> {
        Note::from_json(value)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.field, f.message))
            .collect()
    }

    #[test]
    fn every_fault_is_reported_with_its_path() {
        let found = faults(json!({
            "name": {"en": "x", "fr": "y"},
            "count": "three",
            "relation": "agrees",
            "day": "yesterday",
            "items": [{"label": "a"}, {"label": 5}, "c"],
            "extra": true
        }));
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "extra",
                "name.fr",
                "name.ar",
                "count",
                "relation",
                "day",
                "type",
                "items[1].label",
                "items[2]"
            ],
            "{found:#?}"
        );
        let message = |path: &str| found.iter().find(|(p, _)| p == path).unwrap().1.clone();
        assert!(message("relation").contains("supports"), "{found:#?}");
        assert_eq!(message("type"), "is required");
        assert!(message("extra").starts_with("is not a field here"));
    }

    #[test]
    fn a_good_input_reads_whole_and_integral_floats_are_integers() {
        let note = Note::from_json(json!({
            "name": {"en": "x", "ar": "س"}, "count": 3.0, "relation": "context",
            "type": "t", "items": []
        }))
        .unwrap();
        assert_eq!(note.count, 3);
        assert_eq!(note.day, None);
        assert_eq!(serde_json::to_value(&note).unwrap()["type"], "t");
        assert_eq!(
            faults(json!([1, 2])),
            [("(body)".to_owned(), "must be a JSON object".to_owned())]
        );
    }

    #[test]
    fn inside_means_the_field_or_below_it() {
        assert!(is_within("evidence[1].note.en", "evidence[1]"));
        assert!(is_within("evidence", "evidence"));
        assert!(!is_within("evidence_note", "evidence"));
        assert!(is_within("claimant.name", "claimant"));
    }
}
