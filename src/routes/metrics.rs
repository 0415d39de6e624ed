//! `/v1/metrics`: the catalog of what statistics measure.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use entity::metric;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::query::{ItemDoc, ItemQuery, ListQuery, PagingDoc, parse};
use crate::{
    domain::lang::Localized,
    error::ApiError,
    services::{listing::PageRequest, metrics},
};

/// What a statistic measures.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "trust_in_ai",
    "name": {"en": "Trust in AI", "ar": "الثقة في الذكاء الاصطناعي"}, "unit": "percent",
    "description": {"en": "Share of respondents who say they trust AI systems.", "ar": "نسبة المشاركين الذين يقولون إنهم يثقون في أنظمة الذكاء الاصطناعي."},
    "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Metric {
    /// The record's id.
    pub id: Uuid,
    /// Its key, used by statistics and in URLs.
    pub key: String,
    /// Its name.
    pub name: Localized,
    /// The unit its values are in.
    pub unit: String,
    /// What it measures, and how.
    pub description: Localized,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<metric::Model> for Metric {
    fn from(metric: metric::Model) -> Self {
        Self {
            id: metric.id,
            key: metric.key,
            name: Localized::new(metric.name_en, metric.name_ar),
            unit: metric.unit,
            description: Localized::new(metric.description_en, metric.description_ar),
            created_at: metric.created_at,
            updated_at: metric.updated_at,
        }
    }
}

/// Filters of `GET /v1/metrics`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListMetricsParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// Only metrics in this unit, such as `percent`.
    unit: Option<String>,
}

/// List metrics.
///
/// Sorts: `key` (default), `name`. Facets: `unit`.
#[utoipa::path(
    tag = "metrics",
    params(ListMetricsParams, PagingDoc),
    responses((status = 200, description = "A page of metrics", body = super::ListBody<Metric>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("")]
pub async fn list_metrics(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListMetricsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&metrics::LIST, &query.page)?;
    let filter = metrics::Filter {
        q: super::search::query(query.filters.q)?,
        unit: parse::key("unit", query.filters.unit)?,
    };
    let rows = metrics::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| Ok(Metric::from(row)))
}

/// Get a metric.
#[utoipa::path(
    tag = "metrics",
    params(("key" = String, Path, description = "The metric's key", example = "users"), ItemDoc),
    responses((status = 200, description = "The metric", body = Metric))
)]
#[get("/{key}")]
pub async fn find_metric(
    db: web::Data<DatabaseConnection>,
    key: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let metric = metrics::find(db.get_ref(), &key)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "metric",
            id: key,
        })?;
    super::json(query.lang, &Metric::from(metric))
}
