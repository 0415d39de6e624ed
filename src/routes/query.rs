//! Query-string extractors: strict (an unknown or repeated parameter is a 400 that names
//! it), with the language chosen by `?lang=` or `Accept-Language`.

use std::collections::HashSet;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header};
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::{
    domain::lang::Lang,
    error::ApiError,
    services::listing::{PageParams, ParamError},
};

/// The paging parameters every list takes, for the OpenAPI document.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "documents the parameters that `ListQuery` reads")]
pub struct PagingDoc {
    /// Rows per page, from 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    limit: Option<u32>,
    /// The `next_cursor` of the previous page. Opaque; valid only for the same list and sort.
    cursor: Option<String>,
    /// The field to sort by (see the list's description), `-` first for descending.
    /// Rows without a value sort last. Ties break by id.
    sort: Option<String>,
    /// `true` adds `total`: the number of rows that match the filters.
    count: Option<bool>,
    /// Comma-separated filter names to count by over the whole filtered set, such as
    /// `country,openness`.
    facets: Option<String>,
    /// `en` or `ar`: localized fields become plain strings in that language. Overrides
    /// `Accept-Language`.
    #[param(pattern = "^(en|ar)$")]
    lang: Option<String>,
}

/// The parameters a single record's endpoint takes, for the OpenAPI document.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "documents the parameters that `ItemQuery` reads")]
pub struct ItemDoc {
    /// `en` or `ar`: localized fields become plain strings in that language. Overrides
    /// `Accept-Language`.
    #[param(pattern = "^(en|ar)$")]
    lang: Option<String>,
}

/// `If-None-Match`, for the OpenAPI document.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "documents a header the record endpoints read")]
pub struct IfNoneMatch {
    /// An ETag from an earlier response: the answer is 304 while it is still current.
    #[param(rename = "If-None-Match")]
    if_none_match: Option<String>,
}

/// `If-Match`, for the OpenAPI document.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "documents a header the writes read")]
pub struct IfMatch {
    /// The ETag of the version being changed; 412 when the record has changed since, 428
    /// when missing.
    #[param(rename = "If-Match")]
    if_match: String,
}

/// `If-Match` where it is optional, for the OpenAPI document.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "documents a header the writes read")]
pub struct IfMatchWhenSent {
    /// The ETag of the version being changed, checked when sent: 412 when the record has
    /// changed since.
    #[param(rename = "If-Match")]
    if_match: Option<String>,
}

/// `Idempotency-Key`, for the OpenAPI document.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "documents a header the creates read")]
pub struct IdempotencyKey {
    /// Makes a retried create return the first response instead of creating again; the
    /// same key with a different body is a 422. Kept 24 hours.
    #[param(
        rename = "Idempotency-Key",
        min_length = 1,
        max_length = 255,
        pattern = "^[!-~]+$"
    )]
    idempotency_key: Option<String>,
}

/// A list's query: its filters `F`, the paging parameters, and the language.
pub struct ListQuery<F> {
    /// The list's own filters, still unparsed strings.
    pub filters: F,
    /// `limit`, `cursor`, `sort`, `count`, `facets`.
    pub page: PageParams,
    /// The language chosen for the response, if any.
    pub lang: Option<Lang>,
}

impl<F: DeserializeOwned> FromRequest for ListQuery<F> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req, true).and_then(|(rest, page, lang)| {
            Ok(Self {
                filters: filters(rest)?,
                page,
                lang,
            })
        }))
    }
}

/// A single record's query: only the language.
pub struct ItemQuery {
    /// The language chosen for the response, if any.
    pub lang: Option<Lang>,
}

impl FromRequest for ItemQuery {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::of(req))
    }
}

impl ItemQuery {
    /// The query of `req`, refused when it has anything but the language.
    pub fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        parse(req, false).and_then(|(rest, _, lang)| match rest.into_iter().next() {
            Some((name, _)) => Err(unknown(&name)),
            None => Ok(Self { lang }),
        })
    }
}

type Parsed = (Vec<(String, String)>, PageParams, Option<Lang>);

/// The query string's pairs, decoded. Each name and value must be percent-encoded UTF-8
/// (`%zz`, or `%C3` alone, is a 400 naming the parameter), and a parameter given with an
/// empty value (`?cursor=`, as forms and generated clients send an empty field) is taken
/// as absent.
pub fn pairs(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name_text = decode(name);
        let value_text = decode(value);
        let (Some(name), Some(value)) = (name_text, value_text) else {
            let named = decode(name).unwrap_or_else(|| name.to_owned());
            return Err(ApiError::parameter(
                named,
                "is not percent-encoded UTF-8: every `%` must begin an escape of two hexadecimal digits, and the bytes must be UTF-8",
            ));
        };
        if name.contains('\0') || value.contains('\0') {
            return Err(ApiError::parameter(
                name.replace('\0', "\\u0000"),
                "must not contain the NUL character (U+0000, `%00`)",
            ));
        }
        if !value.is_empty() {
            pairs.push((name, value));
        }
    }
    Ok(pairs)
}

/// One name or value of a query string, decoded (`+` is a space), or `None` when it is
/// not percent-encoded UTF-8.
fn decode(part: &str) -> Option<String> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn parse(req: &HttpRequest, paged: bool) -> Result<Parsed, ApiError> {
    let pairs = pairs(req.query_string())?;
    let mut seen = HashSet::new();
    let mut page = PageParams::default();
    let mut lang_param = None;
    let mut rest = Vec::new();
    for (name, value) in pairs {
        if !seen.insert(name.clone()) {
            return Err(ApiError::parameter(name, "given more than once"));
        }
        let slot = match name.as_str() {
            "lang" => &mut lang_param,
            "limit" if paged => &mut page.limit,
            "cursor" if paged => &mut page.cursor,
            "sort" if paged => &mut page.sort,
            "count" if paged => &mut page.count,
            "facets" if paged => &mut page.facets,
            _ => {
                rest.push((name, value));
                continue;
            }
        };
        *slot = Some(value);
    }
    let lang = match lang_param {
        Some(value) => Some(
            Lang::parse(&value)
                .ok_or_else(|| ApiError::parameter("lang", "must be `en` or `ar`"))?,
        ),
        None => req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .and_then(Lang::negotiate),
    };
    Ok((rest, page, lang))
}

fn filters<F: DeserializeOwned>(rest: Vec<(String, String)>) -> Result<F, ApiError> {
    let encoded = serde_urlencoded::to_string(&rest)
        .map_err(|err| ApiError::BadRequest(format!("invalid query string: {err}")))?;
    serde_urlencoded::from_str(&encoded).map_err(|err| {
        let message = err.to_string();
        match message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        {
            Some(name) => unknown(name),
            None => ApiError::BadRequest(format!("invalid query string: {message}")),
        }
    })
}

fn unknown(name: &str) -> ApiError {
    ApiError::parameter(name.to_owned(), "unknown parameter")
}

impl From<ParamError> for ApiError {
    fn from(err: ParamError) -> Self {
        match err.unusable {
            true => ApiError::invalid(err.name, err.message),
            false => ApiError::parameter(err.name, err.message),
        }
    }
}

/// Parsers for filter values, each naming its parameter when it fails.
pub mod parse {
    use chrono::NaiveDate;

    use crate::services::listing::ParamError;

    /// An ISO date (`2025-01-20`).
    pub fn date(
        name: &'static str,
        value: Option<String>,
    ) -> Result<Option<NaiveDate>, ParamError> {
        value
            .map(|raw| {
                NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
                    .map_err(|_| ParamError::new(name, "must be a date such as 2025-01-20"))
            })
            .transpose()
    }

    /// `true` or `false`.
    pub fn boolean(name: &'static str, value: Option<String>) -> Result<Option<bool>, ParamError> {
        value
            .map(|raw| match raw.as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ParamError::new(name, "must be `true` or `false`")),
            })
            .transpose()
    }

    /// One of an enumeration's spellings.
    pub fn one_of<T>(
        name: &'static str,
        value: Option<String>,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Result<Option<T>, ParamError> {
        value
            .map(|raw| {
                parse(&raw).ok_or_else(|| ParamError::new(name, format!("must be {}", expected())))
            })
            .transpose()
    }

    /// A key, slug or code: non-empty, printable, at most 200 characters.
    pub fn key(name: &'static str, value: Option<String>) -> Result<Option<String>, ParamError> {
        value
            .map(|raw| {
                let valid = !raw.is_empty()
                    && raw.chars().count() <= 200
                    && !raw.chars().any(|c| c.is_control());
                match valid {
                    true => Ok(raw),
                    false => Err(ParamError::new(
                        name,
                        "must be 1 to 200 printable characters",
                    )),
                }
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::pairs;

    #[test]
    fn pairs_are_decoded_and_empty_values_are_absent() {
        let decoded =
            pairs("q=soft+power&country=&cursor=&name=%D8%A7%D9%84%D8%B5%D9%8A%D9%86&flag")
                .unwrap();
        assert_eq!(
            decoded,
            [
                ("q".to_owned(), "soft power".to_owned()),
                ("name".to_owned(), "الصين".to_owned()),
            ]
        );
        assert_eq!(pairs("").unwrap(), []);
        assert_eq!(pairs("&&a=1&").unwrap(), [("a".to_owned(), "1".to_owned())]);
    }

    #[test]
    fn bad_percent_encoding_names_its_parameter() {
        for (query, named) in [
            ("country=%zz", "country"),
            ("country=%2", "country"),
            ("country=%+1", "country"),
            ("country=%C3", "country"),
            ("a=1&q=%FF%FE", "q"),
            ("%zz=1", "%zz"),
        ] {
            match pairs(query) {
                Err(crate::error::ApiError::InvalidParameter { name, .. }) => {
                    assert_eq!(name, named, "{query}")
                }
                other => panic!("{query}: {other:?}"),
            }
        }
    }
}
