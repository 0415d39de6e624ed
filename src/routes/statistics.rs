//! `/v1/statistics`: adoption and market figures, each with its source.

use crate::services::statistics::Statistics;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    query::{IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    writes,
};
use crate::{
    domain::kinds::{Method, Qualifier, SubjectType},
    error::ApiError,
    services::{
        listing::PageRequest,
        statistics::{self, StatisticInput},
    },
    views::statistics::Statistic,
};

/// Filters of `GET /v1/statistics`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListStatisticsParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// The metric's key, such as `users`.
    metric: Option<String>,
    /// What kind of subject the figure is about.
    #[param(value_type = Option<SubjectType>)]
    subject_type: Option<String>,
    /// The subject: a model's or company's slug, or a country's code.
    subject: Option<String>,
    /// Where the figure was measured (country code or region slug).
    scope_country: Option<String>,
    /// Figures whose period ends on or after this day.
    #[param(value_type = Option<String>, format = Date)]
    period_from: Option<String>,
    /// Figures whose period starts on or before this day.
    #[param(value_type = Option<String>, format = Date)]
    period_to: Option<String>,
    /// How the figure was arrived at.
    #[param(value_type = Option<Method>)]
    method: Option<String>,
    /// How the source words the figure: `exact`, `approximately`, or a bound.
    #[param(value_type = Option<Qualifier>)]
    qualifier: Option<String>,
    /// The source's id or dataset key.
    source: Option<String>,
}

/// List statistics.
///
/// Sorts: `id` (default: the order they were added), `period_start`.
/// Facets: `metric`, `subject_type`, `scope_country`, `method`, `qualifier`, `source`.
#[utoipa::path(
    tag = "statistics",
    params(ListStatisticsParams, PagingDoc),
    responses((status = 200, description = "A page of statistics", body = super::ListBody<Statistic>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("")]
pub async fn list_statistics(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListStatisticsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&statistics::LIST, &query.page)?;
    let filters = query.filters;
    let filter = statistics::Filter {
        q: super::search::query(filters.q)?,
        metric: parse::key("metric", filters.metric)?,
        subject_type: parse::one_of(
            "subject_type",
            filters.subject_type,
            SubjectType::parse,
            SubjectType::expected,
        )?,
        subject: parse::key("subject", filters.subject)?,
        scope_country: parse::key("scope_country", filters.scope_country)?,
        period_from: parse::date("period_from", filters.period_from)?,
        period_to: parse::date("period_to", filters.period_to)?,
        method: parse::one_of("method", filters.method, Method::parse, Method::expected)?,
        qualifier: parse::one_of(
            "qualifier",
            filters.qualifier,
            Qualifier::parse,
            Qualifier::expected,
        )?,
        source: parse::key("source", filters.source)?,
    };
    let (rows, related) = statistics::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| {
        Ok(Statistic::build(row, &related, query.lang)?)
    })
}

/// Get a statistic.
#[utoipa::path(
    tag = "statistics",
    params(("id" = String, Path, description = "The statistic's id, or its dataset key", example = "article-s1"), ItemDoc, IfNoneMatch),
    responses(
        (status = 200, description = "The statistic", body = Statistic, headers(("ETag" = String, description = "The representation\'s strong entity tag"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"))
)]
#[get("/{id}")]
pub async fn find_statistic(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    id: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    writes::get::<Statistics>(&req, &db, &id, query.lang).await
}

crate::write_routes!(
    Statistics,
    input: StatisticInput,
    view: Statistic,
    tag: "statistics",
    create: (create_statistic, "", "Create a statistic"),
    update: (update_statistic, "/{id}", "Change a statistic"),
    delete: (delete_statistic, "Delete a statistic", "Refused (409) while a claim cites it as evidence. Needs an `editor` key and `If-Match`."),
    key: ("id", "The statistic's id, or its dataset key"),
);
