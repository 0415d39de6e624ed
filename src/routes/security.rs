//! Response headers that protect browsers, and cross-origin rules: reads are open to any
//! origin, writes only to the origins configured in `MIZAN_CORS_ORIGINS`.

use std::rc::Rc;

use actix_cors::Cors;
use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{RequestHead, ServiceRequest, ServiceResponse},
    http::{
        Method,
        header::{self, HeaderMap, HeaderValue},
    },
    middleware::Next,
};

/// The Content-Security-Policy of the docs page: only its own scripts, styles and images.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
/// The Content-Security-Policy of everything else: JSON loads nothing.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The Content-Security-Policy for an answer at `path`: the docs page's or the API's.
pub fn policy_for(path: &str) -> &'static str {
    if path == "/docs" || path.starts_with("/docs/") {
        DOCS_POLICY
    } else {
        API_POLICY
    }
}

/// Adds `X-Content-Type-Options`, `Referrer-Policy` and, unless the handler set its own,
/// `policy` as the `Content-Security-Policy`.
pub fn protect(headers: &mut HeaderMap, policy: &'static str) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
}

/// Reads (GET, HEAD) from any origin; writes only from `write_origins`.
pub fn cors(write_origins: Rc<Vec<String>>) -> Cors {
    Cors::default()
        .allowed_origin_fn(move |origin, head: &RequestHead| {
            let method = match head.method {
                Method::OPTIONS => head
                    .headers()
                    .get(header::ACCESS_CONTROL_REQUEST_METHOD)
                    .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
                    .unwrap_or(Method::OPTIONS),
                ref method => method.clone(),
            };
            match method {
                Method::GET | Method::HEAD => true,
                _ => origin
                    .to_str()
                    .is_ok_and(|origin| write_origins.iter().any(|allowed| allowed == origin)),
            }
        })
        .allowed_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::ACCEPT_LANGUAGE,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::LOCATION,
            header::CONTENT_LANGUAGE,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(3600)
}

/// 400 for a path that decodes to control characters (a NUL byte, say): no record key
/// holds one, and some databases refuse them outright.
pub fn control_characters(path: &str) -> Option<crate::error::ApiError> {
    has_control_character(path)
        .then(|| crate::error::ApiError::BadRequest("the path holds a control character".into()))
}

/// Whether percent-decoding `path` yields a control character.
fn has_control_character(path: &str) -> bool {
    if !path.contains('%') {
        return path.chars().any(char::is_control);
    }
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded)
        .chars()
        .any(char::is_control)
}

/// Middleware answering `HEAD` wherever `GET` is served: the request is routed as a
/// `GET`, and the response keeps its status and headers but drops its body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.method() != Method::HEAD {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    req.head_mut().method = Method::GET;
    let response = next.call(req).await?;
    Ok(response.map_body(|_, _| EitherBody::right(BoxBody::new(()))))
}

#[cfg(test)]
mod tests {
    use super::has_control_character;

    #[test]
    fn control_characters_are_found_however_encoded() {
        assert!(has_control_character("/v1/models/%00"));
        assert!(has_control_character("/v1/models/a%0Ab"));
        assert!(has_control_character("/v1/models/%7f"));
        assert!(!has_control_character("/v1/models/deepseek-r1"));
        assert!(!has_control_character(
            "/v1/countries/%D8%A7%D9%84%D8%B5%D9%8A%D9%86"
        ));
        assert!(!has_control_character("/v1/models/100%"));
    }
}
