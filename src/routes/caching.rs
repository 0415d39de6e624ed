//! ETags and `Cache-Control` on every public read that is not a single record (lists,
//! search, countries, metrics, fact-check views): a weak tag built on the data version,
//! so `If-None-Match` is answered with 304 before the handler runs while nothing changed.
//! Records carry their own strong tags (see `writes::get`).

use actix_web::{
    HttpResponse,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method, Uri,
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
    let uri = req.uri().clone();
    let language = req.headers().get(header::ACCEPT_LANGUAGE).cloned();
    let tag = || weak_tag(&uri, language.as_ref(), counter);
    // `If-None-Match` compares weakly: `W/"x"` and `"x"` both name this tag. Only a
    // candidate of its length can, so a record's own tag (`"7-…"`, answered by its
    // handler) costs no digest here.
    let mut candidates = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|candidate| candidate.trim().trim_start_matches("W/"))
        .filter(|candidate| candidate.len() == OPAQUE_TAG_LEN)
        .peekable();
    if candidates.peek().is_some() {
        let tag = tag();
        if candidates.any(|candidate| candidate == &tag[2..]) {
            let response = HttpResponse::NotModified()
                .insert_header((header::ETAG, tag))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .insert_header((header::VARY, "Accept-Language"))
                .finish();
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    let mut response = next.call(req).await?;
    if response.status().is_success() && !response.headers().contains_key(header::ETAG) {
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&tag()) {
            headers.insert(header::ETAG, value);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    Ok(response.map_into_left_body())
}

/// The digest bytes a tag shows, as hex.
const TAG_DIGEST_BYTES: usize = 8;

/// The length of a tag without its `W/`: the quoted hex digest.
const OPAQUE_TAG_LEN: usize = 2 * TAG_DIGEST_BYTES + 2;

/// The weak tag of the representation of `uri` in `language` at data version `counter`.
fn weak_tag(uri: &Uri, language: Option<&HeaderValue>, counter: i64) -> String {
    let mut digest = Sha256::new();
    digest.update(env!("CARGO_PKG_VERSION").as_bytes());
    digest.update(uri.to_string().as_bytes());
    digest.update(b"|");
    digest.update(language.map(HeaderValue::as_bytes).unwrap_or_default());
    digest.update(counter.to_le_bytes());
    format!(
        "W/\"{}\"",
        hex::encode(&digest.finalize()[..TAG_DIGEST_BYTES])
    )
}
