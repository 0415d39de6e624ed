//! Request bodies: JSON only, size-limited, parsed into typed input whose failures name
//! the field.

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::{
    config::RequestLimits,
    error::{ApiError, FieldError},
};

/// A JSON request body (`application/json`, `application/merge-patch+json` or another
/// `+json` type), read within the configured size limit.
pub struct JsonBody(pub serde_json::Value);

impl FromRequest for JsonBody {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
        let max_depth = req
            .app_data::<web::Data<RequestLimits>>()
            .map_or(RequestLimits::default().max_json_depth, |limits| {
                limits.max_json_depth
            });
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            match content_type.as_deref() {
                Some(kind)
                    if kind == "application/json"
                        || (kind.starts_with("application/") && kind.ends_with("+json")) => {}
                Some(kind) => {
                    return Err(ApiError::UnsupportedMediaType(format!(
                        "the body must be JSON (application/json or application/merge-patch+json), not `{kind}`"
                    ))
                    .into());
                }
                None => {
                    return Err(ApiError::UnsupportedMediaType(
                        "the body must be JSON; send Content-Type: application/json".into(),
                    )
                    .into());
                }
            }
            let bytes = bytes.await?;
            if bytes.is_empty() {
                return Err(
                    ApiError::BadRequest("the body is empty; send a JSON object".into()).into(),
                );
            }
            if exceeds_depth(&bytes, max_depth) {
                return Err(ApiError::BadRequest(format!(
                    "the body nests arrays and objects deeper than {max_depth} levels"
                ))
                .into());
            }
            let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|err| {
                ApiError::BadRequest(format!("the body is not valid JSON: {err}"))
            })?;
            let mut faults = Vec::new();
            find_nul(&value, "", &mut faults);
            if !faults.is_empty() {
                return Err(ApiError::Validation(faults).into());
            }
            Ok(Self(value))
        })
    }
}

/// What a string holding U+0000 is told: PostgreSQL's `text` cannot hold it, and the
/// service refuses it on every backend alike, wherever in the body it is.
const NUL_REFUSED: &str =
    "must not contain the NUL character (U+0000), which no text field can store";

/// Records every field of `value` at or below `path` whose value or name holds U+0000,
/// named as the input parser names fields (`claimant.name.ar`, `evidence[1].source`).
fn find_nul(value: &serde_json::Value, path: &str, faults: &mut Vec<FieldError>) {
    let fault = |field: String| FieldError {
        field,
        message: NUL_REFUSED.into(),
    };
    match value {
        serde_json::Value::String(text) if text.contains('\0') => faults.push(fault(match path {
            "" => "(body)".to_owned(),
            path => path.to_owned(),
        })),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_nul(item, &format!("{path}[{i}]"), faults);
            }
        }
        serde_json::Value::Object(fields) => {
            for (name, item) in fields {
                let field = crate::domain::input::join(path, &name.replace('\0', "\\u0000"));
                match name.contains('\0') {
                    true => faults.push(fault(field)),
                    false => find_nul(item, &field, faults),
                }
            }
        }
        _ => {}
    }
}

/// Parses a JSON value into `T`; a missing, unknown or mistyped field is a 422 naming it.
pub fn input<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::invalid("(body)", "must be a JSON object"));
    }
    integral_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let field = match path.as_str() {
            "." | "" => "(body)".to_owned(),
            path => path.to_owned(),
        };
        let message = err.into_inner().to_string();
        // "missing field `x`" is about a field below the path (an unknown field's path
        // already ends with it).
        let field = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map_or(field.clone(), |name| match field.as_str() {
                "(body)" => name.to_owned(),
                parent => format!("{parent}.{name}"),
            });
        ApiError::Validation(vec![FieldError { field, message }])
    })
}

/// Rewrites numbers such as `2025.0` as `2025`: JSON does not tell them apart, and a
/// field that takes an integer should take either.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        serde_json::Value::Object(fields) => {
            fields.values_mut().for_each(integral_floats_to_integers)
        }
        _ => {}
    }
}

/// Whether the JSON text in `bytes` opens more than `max` arrays and objects inside each
/// other. Brackets inside strings do not count; the text need not be valid JSON.
fn exceeds_depth(bytes: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{exceeds_depth, integral_floats_to_integers};

    #[test]
    fn integral_floats_become_integers_and_others_stay() {
        let mut value = serde_json::json!({"a": 2025.0, "b": [1.5, -3.0], "c": {"d": 1e300}});
        integral_floats_to_integers(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"a": 2025, "b": [1.5, -3], "c": {"d": 1e300}})
        );
        assert!(value["a"].is_i64());
    }

    #[test]
    fn depth_counts_nesting_outside_strings() {
        assert!(!exceeds_depth(br#"{"a": [1, {"b": 2}]}"#, 3));
        assert!(exceeds_depth(br#"{"a": [1, {"b": 2}]}"#, 2));
        assert!(!exceeds_depth(br#"{"a": "[[[[{{{{\"[["}"#, 1));
        assert!(exceeds_depth(&[b'['; 33], 32));
        assert!(!exceeds_depth(&[b'['; 32], 32));
        // Siblings do not add up.
        assert!(!exceeds_depth(br#"[[1], [2], [3], [4]]"#, 2));
    }
}
