//! `/v1/statistics`: adoption and market figures, each with its source.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use entity::statistic;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    query::{IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    views::{CountryRef, MetricRef, SourceRef, SubjectRef, find, localized},
    writes,
};
use crate::{
    domain::{
        kinds::{Method, PeriodPrecision, Qualifier, SubjectType},
        lang::Localized,
    },
    error::ApiError,
    services::{
        claims::Children,
        listing::PageRequest,
        related::Related,
        statistics::{self, StatisticInput},
        writes::WriteError,
    },
};

/// The time a statistic covers.
#[derive(Serialize, ToSchema)]
pub struct Period {
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day; `null` for a single day (or the one month or year of `start`, at
    /// that precision).
    pub end: Option<NaiveDate>,
    /// How finely the source dates it: `day`, or `month` ("April 2025" is 2025-04-01 to
    /// 2025-04-30 at this precision, not those two days), or `year`.
    #[schema(value_type = PeriodPrecision)]
    pub precision: String,
}

/// An adoption or market figure.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "article-s5",
    "metric": {"key": "trust_in_ai", "name": {"en": "Trust in AI", "ar": "الثقة في الذكاء الاصطناعي"}},
    "subject": {"type": "country", "key": "US", "name": {"en": "United States", "ar": "الولايات المتحدة"}},
    "scope": null, "value": null, "value_low": 35.0, "value_high": 40.0, "qualifier": "exact", "unit": "percent",
    "period": {"start": "2024-01-01", "end": "2025-12-31", "precision": "year"}, "method": "reported",
    "source": {"id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6f", "key": "aurestv-ai-race-2025", "title": null, "publisher": "aurestv.net", "url": "https://aurestv.net/2025/11/%d9%85%d9%86-%d8%a7%d9%84%d8%a3%d9%82%d9%88%d9%89%d8%9f-%d8%a7%d9%84%d8%b0%d9%83%d8%a7%d8%a1-%d8%a7%d9%84%d8%a7%d8%b5%d8%b7%d9%86%d8%a7%d8%b9%d9%8a-%d8%a7%d9%84%d8%b5%d9%8a%d9%86%d9%8a-%d8%a3%d9%85/?amp=1", "published": null},
    "note": null, "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Statistic {
    /// The record's id.
    pub id: Uuid,
    /// Its key in the curated dataset, if it came from there.
    pub key: Option<String>,
    /// What it measures.
    pub metric: MetricRef,
    /// What it is about.
    pub subject: SubjectRef,
    /// Where it was measured, when narrower than the world.
    pub scope: Option<CountryRef>,
    /// The value, when it is a single number.
    pub value: Option<f64>,
    /// The low end, when the value is a range.
    pub value_low: Option<f64>,
    /// The high end, when the value is a range.
    pub value_high: Option<f64>,
    /// How the source words the figure: `exact`, or `approximately` ("about 97 million"),
    /// or a bound of a single value (`more_than` "more than 500", `at_least`, `less_than`,
    /// `at_most`). Cite the figure with these words.
    #[schema(value_type = Qualifier)]
    pub qualifier: String,
    /// The unit of the value.
    pub unit: String,
    /// The time it covers.
    pub period: Period,
    /// How it was arrived at.
    #[schema(value_type = Method)]
    pub method: String,
    /// Where it comes from.
    pub source: SourceRef,
    /// What a reader should know about it.
    pub note: Option<Localized>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Statistic {
    /// The view of `stat`, with what it refers to looked up in `related`.
    pub fn build(stat: statistic::Model, related: &Related) -> Result<Self, ApiError> {
        let metric = find(
            related.metrics.get(&stat.metric_id),
            "metric",
            stat.metric_id,
        )?;
        let source = find(
            related.sources.get(&stat.source_id),
            "source",
            stat.source_id,
        )?;
        let subject = SubjectRef::resolve(
            related,
            stat.subject_model_id,
            stat.subject_company_id,
            stat.subject_country_code.as_deref(),
        )?;
        let scope = stat
            .scope_country_code
            .as_ref()
            .map(|code| find(related.countries.get(code), "country", code).map(CountryRef::from))
            .transpose()?;
        Ok(Self {
            note: localized(&stat.note_en, &stat.note_ar),
            id: stat.id,
            key: stat.key,
            metric: MetricRef::from(metric),
            subject,
            scope,
            value: stat.value,
            value_low: stat.value_low,
            value_high: stat.value_high,
            qualifier: stat.qualifier,
            unit: stat.unit,
            period: Period {
                start: stat.period_start,
                end: stat.period_end,
                precision: stat.period_precision,
            },
            method: stat.method,
            source: SourceRef::from(source),
            created_at: stat.created_at,
            updated_at: stat.updated_at,
        })
    }
}

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
        Statistic::build(row, &related)
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

/// Writes and reads of single statistics.
pub struct Statistics;

impl writes::Editable for Statistics {
    type Entity = statistic::Entity;
    type Model = statistic::Model;
    type Loaded = (statistic::Model, Related);
    type Input = StatisticInput;
    type View = Statistic;

    const RESOURCE: &'static str = "statistics";
    const SINGULAR: &'static str = "statistic";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = statistics::CITED_BY;

    async fn load(
        db: &DatabaseConnection,
        key: &str,
    ) -> Result<Option<Self::Loaded>, sea_orm::DbErr> {
        statistics::find(db, key).await
    }

    fn model(loaded: &Self::Loaded) -> &statistic::Model {
        &loaded.0
    }

    fn url_key(model: &statistic::Model) -> String {
        model.key.clone().unwrap_or_else(|| model.id.to_string())
    }

    fn view(loaded: Self::Loaded) -> Result<Statistic, ApiError> {
        Statistic::build(loaded.0, &loaded.1)
    }

    fn input_of(loaded: &Self::Loaded) -> StatisticInput {
        StatisticInput::of(&loaded.0, &loaded.1)
    }

    async fn prepare(
        db: &DatabaseConnection,
        input: StatisticInput,
        existing: Option<&Self::Loaded>,
    ) -> Result<(statistic::Model, Option<Children>), WriteError> {
        Ok((
            statistics::prepare(db, input, existing.map(|(stat, _)| stat)).await?,
            None,
        ))
    }
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
