//! The way every request passes in and out, inside its trace span: what no handler should
//! see is refused (a path with control characters, headers or a query string over the
//! limits, a client over its rate limit), the rest is given its time, and every answer
//! is marked (security headers, rate-limit headers, the request id) and counted.
//!
//! One middleware rather than one per policy: each layer of middleware is a boxed future
//! and a poll on every request, and the six layers this one replaced cost a 304 about
//! 1,800 instructions of its 47,000 (docs/performance.md).

use std::time::Instant;

use actix_web::{
    ResponseError,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    error::InternalError,
    http::{StatusCode, header::HeaderMap},
    middleware::Next,
    web,
};

use crate::{
    config::RequestLimits,
    error::ApiError,
    routes::{limits, prometheus::HttpMetrics, security},
    services::availability::Availability,
    telemetry::{self, RequestId},
};

/// Middleware applying the policies above to every request.
pub async fn edge(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let started = Instant::now();
    let request_limits = req
        .app_data::<web::Data<RequestLimits>>()
        .map(|limits| *limits.get_ref())
        .unwrap_or_default();
    let metrics = req.app_data::<web::Data<HttpMetrics>>().cloned();
    let counted = metrics
        .is_some()
        .then(|| (req.method().clone(), telemetry::route_pattern(&req)));
    let policy = security::policy_for(req.path());
    let request_id = RequestId::echo(&req);
    let availability = req
        .app_data::<web::Data<Availability>>()
        .filter(|_| needs_database(req.path()))
        .cloned();
    let response = match admit(
        &req,
        &request_limits,
        availability.as_ref().map(|a| a.get_ref()),
    ) {
        Ok(allowance) => {
            let work = next.call(req);
            let work = async {
                match &availability {
                    // Abandoned with a 503 the moment the database is found unreachable.
                    Some(availability) => availability
                        .unless_down(work)
                        .await
                        .unwrap_or_else(|| Err(ApiError::Unavailable.into())),
                    None => work.await,
                }
            };
            limits::in_time(&request_limits, work)
                .await
                .map(|mut response| {
                    if let Some(allowance) = allowance {
                        allowance.mark(response.headers_mut());
                    }
                    response.map_into_left_body()
                })
        }
        Err(refusal) => {
            let response = refusal.error_response();
            Ok(req.into_response(response).map_into_right_body())
        }
    };
    let mark = |headers: &mut HeaderMap, status: StatusCode| {
        security::protect(headers, policy);
        if let Some(id) = &request_id {
            headers.insert(telemetry::REQUEST_ID, id.clone());
        }
        if let (Some(metrics), Some((method, route))) = (&metrics, &counted) {
            metrics.observe(
                method.as_str(),
                route,
                status.as_str(),
                started.elapsed().as_secs_f64(),
            );
        }
    };
    match response {
        Ok(mut response) => {
            let status = response.status();
            mark(response.headers_mut(), status);
            Ok(response)
        }
        // An error that reaches this far (running out of time, say) has no request left to
        // answer with: its answer is made here, marked, and carried by the error.
        Err(error) => {
            let mut response = error.error_response();
            let status = response.status();
            mark(response.headers_mut(), status);
            Err(InternalError::from_response(error, response).into())
        }
    }
}

/// Whether answering `path` needs the database: all but the liveness check, the metrics
/// and the documentation.
fn needs_database(path: &str) -> bool {
    !matches!(
        path,
        "/health/live" | "/metrics" | "/openapi.json" | "/docs"
    ) && !path.starts_with("/docs/")
}

/// Whether `req` may reach a handler, and what its client may still ask this minute.
fn admit(
    req: &ServiceRequest,
    request_limits: &RequestLimits,
    availability: Option<&Availability>,
) -> Result<Option<limits::Allowance>, ApiError> {
    if let Some(refusal) =
        security::control_characters(req.path()).or_else(|| limits::oversized(req, request_limits))
    {
        return Err(refusal);
    }
    if availability.is_some_and(|availability| !availability.is_up()) {
        return Err(ApiError::Unavailable);
    }
    match req.app_data::<web::Data<limits::RateLimits>>() {
        Some(rate_limits) => rate_limits.admit(req),
        None => Ok(None),
    }
}
