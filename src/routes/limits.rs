//! Rate limits: a token bucket per API key and per client address, answering 429 with
//! `Retry-After` and `RateLimit-*` headers once it is empty. Buckets live in each
//! instance's memory, so behind a load balancer each instance enforces its own.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
};

use actix_web::{
    dev::ServiceRequest,
    http::header::{self, HeaderMap, HeaderValue},
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

    /// Counts `req` against its client's bucket: what the client may still ask, nothing
    /// where no limit applies (health checks, metrics, a bucket turned off), or 429.
    pub fn admit(&self, req: &ServiceRequest) -> Result<Option<Allowance>, ApiError> {
        let exempt = req.path().starts_with("/health/") || req.path() == "/metrics";
        if exempt || (self.keyed.is_none() && self.anonymous.is_none()) {
            return Ok(None);
        }
        let (keyed, client) = self.client(req);
        let bucket = if keyed { &self.keyed } else { &self.anonymous };
        let Some((limiter, per_minute)) = bucket else {
            return Ok(None);
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            limiter.retain_recent();
        }
        match limiter.check_key(&client) {
            Ok(state) => Ok(Some(Allowance {
                per_minute: *per_minute,
                remaining: state.remaining_burst_capacity(),
            })),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(ApiError::TooManyRequests {
                    retry_after_secs: seconds.max(1),
                    limit: *per_minute,
                })
            }
        }
    }
}

/// What a client may still ask this minute, written on its answer as `RateLimit-*` headers.
pub struct Allowance {
    per_minute: u32,
    remaining: u32,
}

impl Allowance {
    /// Writes the allowance into an answer's headers.
    pub fn mark(&self, headers: &mut HeaderMap) {
        headers.insert(
            header::HeaderName::from_static("ratelimit-limit"),
            HeaderValue::from(self.per_minute),
        );
        headers.insert(
            header::HeaderName::from_static("ratelimit-remaining"),
            HeaderValue::from(self.remaining),
        );
        headers.insert(
            header::HeaderName::from_static("ratelimit-policy"),
            HeaderValue::from_str(&format!("{};w=60", self.per_minute))
                .unwrap_or(HeaderValue::from_static("")),
        );
    }
}

/// 431 for headers over `limits`, 414 for a query string over them: both refused before
/// any handler runs.
pub fn oversized(req: &ServiceRequest, limits: &RequestLimits) -> Option<ApiError> {
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    let query_bytes = req.query_string().len();
    if header_bytes > limits.max_header_bytes {
        Some(ApiError::HeadersTooLarge(
            header_bytes,
            limits.max_header_bytes,
        ))
    } else if query_bytes > limits.max_query_bytes {
        Some(ApiError::QueryTooLong(query_bytes, limits.max_query_bytes))
    } else {
        None
    }
}

/// Runs `work` (answering a request) for at most `limits.timeout`, then abandons it with
/// 504, dropping its work so that a write's transaction rolls back. The request itself
/// is `work`'s (routing needs it to itself), so running out of time is an error, which
/// the server renders as the problem.
pub async fn in_time<T>(
    limits: &RequestLimits,
    work: impl Future<Output = Result<T, actix_web::Error>>,
) -> Result<T, actix_web::Error> {
    match tokio::time::timeout(limits.timeout, work).await {
        Ok(outcome) => outcome,
        Err(_) => {
            tracing::warn!(
                timeout_secs = limits.timeout.as_secs(),
                "request abandoned: out of time"
            );
            Err(ApiError::Timeout.into())
        }
    }
}
