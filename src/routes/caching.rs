//! ETags and `Cache-Control` on every public read that is not a single record (lists,
//! search, countries, metrics, fact-check views): a weak tag built on the data version,
//! so `If-None-Match` is answered with 304 before the handler runs while nothing changed.
//! Records carry their own strong tags (see `writes::get`).

use actix_web::{
    HttpResponse,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method,
        header::{self, HeaderValue},
    },
    middleware::Next,
    web,
};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::{error::ApiError, services::freshness::DataVersion};

/// Whether the answer to `req` may be tagged here: public reads under `/v1/`, but not the
/// API keys, whose answer depends on who asks.
fn taggable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && req.path().starts_with("/v1/")
        && !req.path().starts_with("/v1/keys")
}

/// Middleware tagging public reads and answering 304 for a current tag.
pub async fn conditional_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let (Some(data_version), Some(db)) = (
        req.app_data::<web::Data<DataVersion>>().cloned(),
        req.app_data::<web::Data<DatabaseConnection>>().cloned(),
    ) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if !taggable(&req) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    // Read before the handler reads anything, so the tag never outlives its data.
    let counter = data_version
        .current(db.get_ref())
        .await
        .map_err(ApiError::from)?;
    let language = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    let mut digest = Sha256::new();
    digest.update(env!("CARGO_PKG_VERSION").as_bytes());
    digest.update(req.uri().to_string().as_bytes());
    digest.update(b"|");
    digest.update(language);
    digest.update(counter.to_le_bytes());
    let tag = format!("W/\"{}\"", hex::encode(&digest.finalize()[..8]));
    let current = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| candidate.trim().trim_start_matches("W/") == &tag[2..]);
    if current {
        let response = HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::VARY, "Accept-Language"))
            .finish();
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut response = next.call(req).await?;
    if response.status().is_success() && !response.headers().contains_key(header::ETAG) {
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&tag) {
            headers.insert(header::ETAG, value);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    Ok(response.map_into_left_body())
}
