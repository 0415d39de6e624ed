//! Rate limits: a token bucket per API key and per client address, answering 429 with
//! `Retry-After` and `RateLimit-*` headers once it is empty. Buckets live in each
//! instance's memory, so behind a load balancer each instance enforces its own.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
};

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
    web,
};
use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
};

use crate::{
    config::{RateLimitConfig, RequestLimits},
    error::ApiError,
};

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// The buckets of one instance.
pub struct RateLimits {
    anonymous: Option<(Limiter, u32)>,
    keyed: Option<(Limiter, u32)>,
    trusted_proxies: Vec<IpAddr>,
    checks: AtomicU64,
}

fn limiter(per_minute: u32) -> Option<(Limiter, u32)> {
    let rate = NonZeroU32::new(per_minute)?;
    Some((
        RateLimiter::keyed(Quota::per_minute(rate)).with_middleware::<StateInformationMiddleware>(),
        per_minute,
    ))
}

impl RateLimits {
    /// The buckets `config` describes; a limit of 0 turns that bucket off.
    pub fn new(config: &RateLimitConfig) -> Self {
        Self {
            anonymous: limiter(config.anonymous_per_minute),
            keyed: limiter(config.key_per_minute),
            trusted_proxies: config.trusted_proxies.clone(),
            checks: AtomicU64::new(0),
        }
    }

    /// The client a request counts against: the key's prefix when it sends one, else its
    /// address (taken from `X-Forwarded-For` only when the peer is a trusted proxy).
    fn client(&self, req: &ServiceRequest) -> (bool, String) {
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(crate::domain::api_key::prefix_of);
        if let Some(prefix) = bearer {
            return (true, prefix.to_owned());
        }
        let peer = req.peer_addr().map(|addr| addr.ip());
        let forwarded = peer
            .filter(|ip| self.trusted_proxies.contains(ip))
            .and_then(|_| {
                let chain = req.headers().get("x-forwarded-for")?.to_str().ok()?;
                // The nearest address that is not one of our proxies is the client.
                chain
                    .split(',')
                    .rev()
                    .filter_map(|part| part.trim().parse::<IpAddr>().ok())
                    .find(|ip| !self.trusted_proxies.contains(ip))
            });
        (
            false,
            forwarded
                .or(peer)
                .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        )
    }
}

/// Middleware applying the rate limits to every request but health checks and metrics.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let exempt = req.path().starts_with("/health/") || req.path() == "/metrics";
    let Some(limits) = req
        .app_data::<web::Data<RateLimits>>()
        .cloned()
        .filter(|limits| !exempt && (limits.keyed.is_some() || limits.anonymous.is_some()))
    else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let (keyed, client) = limits.client(&req);
    let bucket = if keyed {
        &limits.keyed
    } else {
        &limits.anonymous
    };
    let Some((limiter, per_minute)) = bucket else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if limits.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
        limiter.retain_recent();
    }
    match limiter.check_key(&client) {
        Ok(state) => {
            let remaining = state.remaining_burst_capacity();
            let mut response = next.call(req).await?;
            let headers = response.headers_mut();
            headers.insert(
                header::HeaderName::from_static("ratelimit-limit"),
                HeaderValue::from(*per_minute),
            );
            headers.insert(
                header::HeaderName::from_static("ratelimit-remaining"),
                HeaderValue::from(remaining),
            );
            headers.insert(
                header::HeaderName::from_static("ratelimit-policy"),
                HeaderValue::from_str(&format!("{per_minute};w=60"))
                    .unwrap_or(HeaderValue::from_static("")),
            );
            Ok(response.map_into_left_body())
        }
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let error = ApiError::TooManyRequests {
                retry_after_secs: seconds.max(1),
                limit: *per_minute,
            };
            let response = actix_web::ResponseError::error_response(&error);
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

/// Middleware bounding every request by the configured [`RequestLimits`]: headers over
/// the limit get 431, a query string over it 414, both before any handler runs; a
/// request still running after the timeout is abandoned with 504 (dropping its work,
/// so a write's transaction rolls back).
pub async fn bounded(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limits = req
        .app_data::<web::Data<RequestLimits>>()
        .map(|limits| *limits.get_ref())
        .unwrap_or_default();
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    let query_bytes = req.query_string().len();
    let refused = if header_bytes > limits.max_header_bytes {
        Some(ApiError::HeadersTooLarge(
            header_bytes,
            limits.max_header_bytes,
        ))
    } else if query_bytes > limits.max_query_bytes {
        Some(ApiError::QueryTooLong(query_bytes, limits.max_query_bytes))
    } else {
        None
    };
    if let Some(error) = refused {
        let response = actix_web::ResponseError::error_response(&error);
        return Ok(req.into_response(response).map_into_right_body());
    }
    // The request cannot be kept to answer with (routing needs it to itself), so running
    // out of time is returned as an error, which the server renders as the problem.
    match tokio::time::timeout(limits.timeout, next.call(req)).await {
        Ok(response) => Ok(response?.map_into_left_body()),
        Err(_) => {
            tracing::warn!(
                timeout_secs = limits.timeout.as_secs(),
                "request abandoned: out of time"
            );
            Err(ApiError::Timeout.into())
        }
    }
}
