//! An adoption or market figure, as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use entity::statistic;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CountryRef, MetricRef, SourceRef, SubjectRef, find, stored};
use crate::{
    domain::{
        kinds::{Method, PeriodPrecision, Qualifier},
        lang::{Lang, Text},
    },
    services::related::Related,
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
    pub precision: PeriodPrecision,
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
    pub qualifier: Qualifier,
    /// The unit of the value.
    pub unit: String,
    /// The time it covers.
    pub period: Period,
    /// How it was arrived at.
    pub method: Method,
    /// Where it comes from.
    pub source: SourceRef,
    /// What a reader should know about it.
    pub note: Option<Text>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Statistic {
    /// The representation of `stat` in `lang`, with what it refers to from `related`.
    pub fn build(
        stat: statistic::Model,
        related: &Related,
        lang: Option<Lang>,
    ) -> anyhow::Result<Self> {
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
            lang,
        )?;
        let scope = stat
            .scope_country_code
            .as_ref()
            .map(|code| {
                find(related.countries.get(code), "country", code)
                    .map(|country| CountryRef::new(country, lang))
            })
            .transpose()?;
        Ok(Self {
            qualifier: stored(&stat.qualifier, Qualifier::parse, "qualifier")?,
            method: stored(&stat.method, Method::parse, "method")?,
            period: Period {
                start: stat.period_start,
                end: stat.period_end,
                precision: stored(
                    &stat.period_precision,
                    PeriodPrecision::parse,
                    "period precision",
                )?,
            },
            note: Text::from_parts(stat.note_en, stat.note_ar, lang),
            id: stat.id,
            key: stat.key,
            metric: MetricRef::new(metric, lang),
            subject,
            scope,
            value: stat.value,
            value_low: stat.value_low,
            value_high: stat.value_high,
            unit: stat.unit,
            source: SourceRef::from(source),
            created_at: stat.created_at,
            updated_at: stat.updated_at,
        })
    }
}
