//! `/metrics`: request counts and latency histograms in the Prometheus text format.

use actix_web::{HttpResponse, get, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::error::ApiError;

/// The service's Prometheus metrics.
#[derive(Clone)]
pub struct HttpMetrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
}

impl HttpMetrics {
    /// A fresh registry with the request counter and latency histogram.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("mizan".to_owned()), None)?;
        let labels = ["method", "route", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route and status",
            ),
            &labels,
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer HTTP requests, by route and status",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &labels,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        Ok(Self {
            registry,
            requests,
            duration,
        })
    }

    /// The registry, for other parts of the service to count in.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts one answer under its method, route pattern (never the raw path, so the
    /// number of series stays bounded) and status, with the seconds it took.
    pub fn observe(&self, method: &str, route: &str, status: &str, seconds: f64) {
        let labels = [method, route, status];
        self.requests.with_label_values(&labels).inc();
        self.duration.with_label_values(&labels).observe(seconds);
    }
}

/// Prometheus metrics.
///
/// `mizan_http_requests_total` and `mizan_http_request_duration_seconds`, labelled by
/// method, route pattern and status; `mizan_search_cache_lookups_total`, search pages
/// rendered for the request (`miss`) or found kept (`hit`).
#[utoipa::path(tag = "health", responses((status = 200, description = "Metrics in the Prometheus text format", body = String, content_type = "text/plain; version=0.0.4")))]
#[get("/metrics")]
pub async fn prometheus_metrics(metrics: web::Data<HttpMetrics>) -> Result<HttpResponse, ApiError> {
    let mut body = Vec::new();
    TextEncoder::new()
        .encode(&metrics.registry.gather(), &mut body)
        .map_err(|err| anyhow::Error::new(err).context("failed to encode metrics"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}
