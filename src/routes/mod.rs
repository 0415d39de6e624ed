//! HTTP only: extractors, views, `#[utoipa::path]` docs and status codes, one module per
//! resource. Queries live in `services`.

pub mod auth;
pub mod body;
pub mod caching;
pub mod claims;
pub mod companies;
pub mod countries;
pub mod edge;
pub mod events;
pub mod factchecks;
pub mod fallback;
pub mod health;
pub mod keys;
pub mod limits;
pub mod metrics;
pub mod models;
pub mod prometheus;
pub mod query;
pub mod revisions;
pub mod search;
pub mod security;
pub mod sources;
pub mod statistics;
pub mod views;
pub mod webhooks;
pub mod writes;

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Serialize;

use crate::{
    domain::lang::{self, Lang},
    error::ApiError,
    services::listing::Page,
};
pub use views::ListBody;

/// A 200 response with `body` as JSON, its texts already in `lang` (which the response
/// names in `Content-Language`).
pub fn json<T: Serialize>(lang: Option<Lang>, body: &T) -> Result<HttpResponse, ApiError> {
    Ok(json_response(lang, json_bytes(body)?))
}

/// `body` as JSON.
pub fn json_bytes<T: Serialize>(body: &T) -> Result<web::Bytes, ApiError> {
    lang::to_json(body).map(web::Bytes::from).map_err(|err| {
        anyhow::Error::new(err)
            .context("failed to serialize a response")
            .into()
    })
}

/// A 200 response carrying `bytes`, JSON in `lang` (both languages without one).
pub fn json_response(lang: Option<Lang>, bytes: web::Bytes) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type(mime_json())
        .insert_header((header::VARY, "Accept-Language"));
    if let Some(lang) = lang {
        response.insert_header((header::CONTENT_LANGUAGE, lang.tag()));
    }
    response.body(bytes)
}

/// A 200 response with one page of a list, and a `Link` header to the next page.
pub fn page<M, T: Serialize + utoipa::ToSchema>(
    req: &HttpRequest,
    lang: Option<Lang>,
    page: Page<M>,
    view: impl FnMut(M) -> Result<T, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let body = ListBody::from_page(page, view)?;
    let mut response = json(lang, &body)?;
    if let Some(cursor) = &body.next_cursor {
        let link = format!("<{}>; rel=\"next\"", next_page_url(req, cursor));
        if let Ok(value) = header::HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// The request's own path and query with `cursor` set to `cursor`.
pub fn next_page_url(req: &HttpRequest, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(name, _)| name != "cursor");
    pairs.push(("cursor".to_owned(), cursor.to_owned()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{query}", req.path())
}

fn mime_json() -> header::ContentType {
    header::ContentType::json()
}
