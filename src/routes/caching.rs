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

use crate::{error::ApiError, services::freshness::DataVersion};

/// Whether the answer to `req` may be tagged here: public reads under `/v1/`, but not the
/// API keys or webhook endpoints, whose answers depend on who asks and change without the
/// data changing.
fn taggable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && req.path().starts_with("/v1/")
        && !req.path().starts_with("/v1/keys")
        && !req.path().starts_with("/v1/webhooks")
}

/// Middleware keeping answers in step with the data version: public reads are tagged with
/// it and answered 304 while it has not moved, and a change made through this instance
/// forgets it, so that the instance's next read sees the change.
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
    if !req.method().is_safe() {
        let response = next.call(req).await?;
        data_version.forget();
        return Ok(response.map_into_left_body());
    }
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
    let build = req
        .app_data::<web::Data<super::writes::BuildId>>()
        .map_or_else(
            || env!("CARGO_PKG_VERSION").to_owned(),
            |build| build.0.clone(),
        );
    let tag = || weak_tag(&build, &uri, language.as_ref(), counter);
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

/// The length of a [`short_digest`] in hex digits.
const DIGEST_LEN: usize = 16;

/// The length of a tag without its `W/`: the quoted hex digest.
const OPAQUE_TAG_LEN: usize = DIGEST_LEN + 2;

/// A 64-bit digest of `parts`, as 16 hex digits: XXH3 over each part's length and bytes,
/// the same on every instance and at every start. Tags and cursors are bound with it to
/// what they describe. It is not a defence against anyone: a client can only make its own
/// tag or cursor stop matching, and a digest costs a few dozen instructions where SHA-256
/// cost thousands on every 304.
pub(crate) fn short_digest(parts: &[&[u8]]) -> String {
    let mut text = Vec::with_capacity(parts.iter().map(|part| part.len() + 4).sum());
    for part in parts {
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        text.extend_from_slice(&len.to_le_bytes());
        text.extend_from_slice(part);
    }
    format!("{:0DIGEST_LEN$x}", xxhash_rust::xxh3::xxh3_64(&text))
}

/// The weak tag of the representation of `uri` in `language` at data version `counter`,
/// in build `build`.
fn weak_tag(build: &str, uri: &Uri, language: Option<&HeaderValue>, counter: i64) -> String {
    let digest = short_digest(&[
        build.as_bytes(),
        uri.to_string().as_bytes(),
        language.map(HeaderValue::as_bytes).unwrap_or_default(),
        &counter.to_le_bytes(),
    ]);
    format!("W/\"{digest}\"")
}

#[cfg(test)]
mod tests {
    use super::{DIGEST_LEN, short_digest};

    /// Every instance, whatever its start or its build of the same version, must give a
    /// representation the same tag: the digest is a fixed function of its parts.
    #[test]
    fn short_digests_are_fixed_and_keep_their_parts_apart() {
        let digest = short_digest(&[b"claims", b"article-c1", b"both", &7i64.to_le_bytes()]);
        // XXH3-64 of the parts, each after its length as four little-endian bytes.
        assert_eq!(digest, "b1e943a2e25800de");
        assert_eq!(digest.len(), DIGEST_LEN);
        assert_ne!(short_digest(&[b"ab", b"c"]), short_digest(&[b"a", b"bc"]));
        assert_ne!(short_digest(&[b"a", b""]), short_digest(&[b"a"]));
    }
}
