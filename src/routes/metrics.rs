//! `/v1/metrics`: the catalog of what statistics measure.

use actix_web::{HttpRequest, HttpResponse, get, web};
use sea_orm::DatabaseConnection;

use crate::services::resources::Resource;
use serde::Deserialize;
use utoipa::IntoParams;

use super::query::{ItemDoc, ItemQuery, ListQuery, PagingDoc, parse};
use crate::{
    error::ApiError,
    services::{listing::PageRequest, metrics},
    views::metrics::Metric,
};

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
    super::page(&req, query.lang, rows, |row| {
        Ok(Metric::build(row, query.lang))
    })
}

/// Get a metric.
#[utoipa::path(
    tag = "metrics",
    params(("key" = String, Path, description = "The metric's key, or its id", example = "users"), ItemDoc),
    responses((status = 200, description = "The metric", body = Metric))
)]
#[get("/{key}")]
pub async fn find_metric(
    db: web::Data<DatabaseConnection>,
    key: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let metric = metrics::Metrics::row(db.get_ref(), &key)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "metric",
            id: key,
        })?;
    super::json(query.lang, &Metric::build(metric, query.lang))
}
