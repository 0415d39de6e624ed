//! Logs: tracing events, pretty or JSON, with the request id on every line of a request.

use std::sync::Arc;

use actix_web::{
    HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    web,
};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};
use uuid::Uuid;

use crate::{
    config::{Config, LogFormat},
    routes::fallback::RouteTable,
};

/// The header that carries a request's id, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global subscriber: `config.log_filter`, in `config.log_format`.
pub fn init(config: &Config) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&config.log_filter).map_err(|err| {
        anyhow::anyhow!("MIZAN_LOG: invalid filter `{}`: {err}", config.log_filter)
    })?;
    let registry = tracing_subscriber::registry().with(filter);
    match config.log_format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_writer(std::io::stderr)
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()?,
        LogFormat::Pretty => registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init()?,
    }
    Ok(())
}

/// The route pattern a request matched, such as `/v1/claims/{id}`, or `unmatched`.
#[derive(Clone, Debug)]
struct RoutePattern(Arc<str>);

/// The route pattern `request` matches, such as `/v1/claims/{id}`, or `unmatched`:
/// found once per request and kept in its extensions for the logs and the metrics.
/// Documented routes are looked up in the [`RouteTable`]; other paths (the docs' assets)
/// by actix-web's resource map, which matches the path again by regex.
pub fn route_pattern(request: &ServiceRequest) -> Arc<str> {
    if let Some(pattern) = request.extensions().get::<RoutePattern>() {
        return pattern.0.clone();
    }
    let pattern: Arc<str> = request
        .app_data::<web::Data<RouteTable>>()
        .and_then(|table| table.pattern(request.path()))
        .or_else(|| request.match_pattern().map(Arc::from))
        .unwrap_or_else(|| Arc::from("unmatched"));
    request
        .extensions_mut()
        .insert(RoutePattern(pattern.clone()));
    pattern
}

/// A request's id: the client's `X-Request-Id` when it sent a sensible one, else a new UUID.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

impl RequestId {
    fn of(req: &ServiceRequest) -> Self {
        let sent = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .filter(|value| {
                (1..=128).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            });
        Self(sent.map_or_else(|| Uuid::now_v7().to_string(), str::to_owned))
    }

    /// The id of `req`, as the `X-Request-Id` header value that echoes it.
    pub fn echo(req: &ServiceRequest) -> Option<HeaderValue> {
        let extensions = req.extensions();
        HeaderValue::from_str(&extensions.get::<Self>()?.0).ok()
    }
}

/// The root span of every request, carrying its `request_id`.
pub struct MizanRootSpan;

impl RootSpanBuilder for MizanRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = RequestId::of(request);
        let span = tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            request_id = %request_id.0,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        );
        // Matching the path against every route again is not free: only when logged.
        if !span.is_disabled() {
            span.record("http.route", &*route_pattern(request));
        }
        request.extensions_mut().insert(request_id);
        span
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(err) => err.as_response_error().status_code().as_u16(),
        };
        span.in_scope(|| tracing::info!(http.status_code = status, "answered {status}"));
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
