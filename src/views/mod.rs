//! Representations: records as the API shows them, in the language chosen for the
//! response (`Option<Lang>`: both languages without a choice). The same representation is
//! what `GET` returns, what a write answers with, and what revisions and the change log
//! record (in both languages), so history reads in the API's own terms.

pub mod claims;
pub mod companies;
pub mod countries;
pub mod metrics;
pub mod models;
pub mod sources;
pub mod statistics;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    domain::{
        kinds::SubjectType,
        lang::{Lang, Text},
    },
    services::related::{CompanyRow, CountryRow, MetricRow, ModelRow, Related, SourceRow},
};

/// A source, as other records cite it.
#[derive(Serialize, ToSchema)]
pub struct SourceRef {
    /// The source's id.
    pub id: Uuid,
    /// The source's dataset key, if it has one.
    #[schema(example = "aljazeera-ai-race-2025")]
    pub key: Option<String>,
    /// Its title as it shows it, in its own language; `null` when it could not be verified.
    pub title: Option<String>,
    /// Who published it.
    #[schema(example = "Al Jazeera Net")]
    pub publisher: String,
    /// Where to read it.
    pub url: String,
    /// When it was published.
    pub published: Option<NaiveDate>,
}

impl From<&SourceRow> for SourceRef {
    fn from(source: &SourceRow) -> Self {
        Self {
            id: source.id,
            key: source.key.clone(),
            title: source.title.clone(),
            publisher: source.publisher.clone(),
            url: source.url.clone(),
            published: source.published_on,
        }
    }
}

/// A country, region or group, as other records refer to it.
#[derive(Serialize, ToSchema)]
pub struct CountryRef {
    /// ISO 3166-1 alpha-2 code, or a region's or group's slug.
    #[schema(example = "CN")]
    pub code: String,
    /// Its name.
    pub name: Text,
}

impl CountryRef {
    /// The reference to `country`, its name in `lang`.
    pub fn new(country: &CountryRow, lang: Option<Lang>) -> Self {
        Self {
            code: country.code.clone(),
            name: Text::new(&country.name_en, &country.name_ar, lang),
        }
    }
}

/// A company, as other records refer to it.
#[derive(Serialize, ToSchema)]
pub struct CompanyRef {
    /// Its slug.
    #[schema(example = "deepseek")]
    pub slug: String,
    /// Its name.
    pub name: Text,
}

impl CompanyRef {
    /// The reference to `company`, its name in `lang`.
    pub fn new(company: &CompanyRow, lang: Option<Lang>) -> Self {
        Self {
            slug: company.slug.clone(),
            name: Text::new(&company.name_en, &company.name_ar, lang),
        }
    }
}

/// A model, as other records refer to it.
#[derive(Serialize, ToSchema)]
pub struct ModelRef {
    /// Its slug.
    #[schema(example = "deepseek-v3-base")]
    pub slug: String,
    /// Its name.
    #[schema(example = "DeepSeek-V3-Base")]
    pub name: String,
}

impl From<&ModelRow> for ModelRef {
    fn from(model: &ModelRow) -> Self {
        Self {
            slug: model.slug.clone(),
            name: model.name.clone(),
        }
    }
}

/// A metric, as statistics refer to it.
#[derive(Serialize, ToSchema)]
pub struct MetricRef {
    /// Its key.
    #[schema(example = "monthly_active_users")]
    pub key: String,
    /// Its name.
    pub name: Text,
}

impl MetricRef {
    /// The reference to `metric`, its name in `lang`.
    pub fn new(metric: &MetricRow, lang: Option<Lang>) -> Self {
        Self {
            key: metric.key.clone(),
            name: Text::new(&metric.name_en, &metric.name_ar, lang),
        }
    }
}

/// What a statistic or claim is about: a model, company or country.
#[derive(Serialize, ToSchema)]
pub struct SubjectRef {
    /// `model`, `company` or `country`.
    #[serde(rename = "type")]
    pub kind: SubjectType,
    /// The model's or company's slug, or the country's code.
    #[schema(example = "deepseek")]
    pub key: String,
    /// Its name.
    pub name: Text,
}

impl SubjectRef {
    /// The subject one of `model`, `company` or `country` names, looked up in `related`.
    pub fn resolve(
        related: &Related,
        model: Option<Uuid>,
        company: Option<Uuid>,
        country: Option<&str>,
        lang: Option<Lang>,
    ) -> anyhow::Result<Self> {
        if let Some(id) = model {
            let model = find(related.models.get(&id), "model", id)?;
            return Ok(Self {
                kind: SubjectType::Model,
                key: model.slug.clone(),
                name: Text::new(&model.name, &model.name, lang),
            });
        }
        if let Some(id) = company {
            let company = find(related.companies.get(&id), "company", id)?;
            return Ok(Self {
                kind: SubjectType::Company,
                key: company.slug.clone(),
                name: Text::new(&company.name_en, &company.name_ar, lang),
            });
        }
        let code = country.context("a subject names no record")?;
        let country = find(related.countries.get(code), "country", code)?;
        Ok(Self {
            kind: SubjectType::Country,
            key: country.code.clone(),
            name: Text::new(&country.name_en, &country.name_ar, lang),
        })
    }
}

/// `record`, or an error when a row refers to one that is missing (the foreign keys
/// forbid it).
pub fn find<'a, T>(
    record: Option<&'a T>,
    kind: &str,
    id: impl std::fmt::Display,
) -> anyhow::Result<&'a T> {
    record.with_context(|| format!("{kind} {id} is referred to but missing"))
}

/// A stored spelling of one of the closed vocabularies, parsed: an unknown one is an error
/// (the database's own, never a default), so a record is never shown with a value it does
/// not hold.
pub fn stored<T>(value: &str, parse: fn(&str) -> Option<T>, what: &str) -> anyhow::Result<T> {
    parse(value).with_context(|| format!("the stored {what} `{value}` is not one this build knows"))
}
