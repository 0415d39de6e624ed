//! Response shapes shared by several resources, and how they are built from records.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    domain::lang::Localized,
    error::ApiError,
    services::{
        listing::Page,
        related::{CompanyRow, CountryRow, MetricRow, ModelRow, Related, SourceRow},
    },
};

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct ListBody<T: ToSchema> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// How many rows match the filters, when `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Counts by value over every row that matches the filters, for each field named in `facets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<BTreeMap<&'static str, Vec<FacetCount>>>,
}

impl<T: ToSchema> ListBody<T> {
    /// Builds the body from a page, turning each row into its view.
    pub fn from_page<M>(
        page: Page<M>,
        view: impl FnMut(M) -> Result<T, ApiError>,
    ) -> Result<Self, ApiError> {
        let facets = match page.facets.is_empty() {
            true => None,
            false => Some(
                page.facets
                    .into_iter()
                    .map(|(name, counts)| {
                        let counts = counts
                            .into_iter()
                            .map(|count| FacetCount {
                                value: count.value,
                                count: count.count,
                            })
                            .collect();
                        (name, counts)
                    })
                    .collect(),
            ),
        };
        Ok(Self {
            data: page.items.into_iter().map(view).collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
            total: page.total,
            facets,
        })
    }
}

/// How many rows have one value of a facet.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"value": "CN", "count": 9}))]
pub struct FacetCount {
    /// The value; `null` counts rows without one.
    pub value: Option<String>,
    /// How many rows have it.
    pub count: u64,
}

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
    #[schema(example = "Al Jazeera")]
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
    pub name: Localized,
}

impl From<&CountryRow> for CountryRef {
    fn from(country: &CountryRow) -> Self {
        Self {
            code: country.code.clone(),
            name: Localized::new(&country.name_en, &country.name_ar),
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
    pub name: Localized,
}

impl From<&CompanyRow> for CompanyRef {
    fn from(company: &CompanyRow) -> Self {
        Self {
            slug: company.slug.clone(),
            name: Localized::new(&company.name_en, &company.name_ar),
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
    #[schema(example = "users")]
    pub key: String,
    /// Its name.
    pub name: Localized,
}

impl From<&MetricRow> for MetricRef {
    fn from(metric: &MetricRow) -> Self {
        Self {
            key: metric.key.clone(),
            name: Localized::new(&metric.name_en, &metric.name_ar),
        }
    }
}

/// What a statistic or claim is about: a model, company or country.
#[derive(Serialize, ToSchema)]
pub struct SubjectRef {
    /// `model`, `company` or `country`.
    #[serde(rename = "type")]
    #[schema(value_type = crate::domain::kinds::SubjectType)]
    pub kind: &'static str,
    /// The model's or company's slug, or the country's code.
    #[schema(example = "deepseek")]
    pub key: String,
    /// Its name.
    pub name: Localized,
}

impl SubjectRef {
    /// The subject one of `model`, `company` or `country` names, looked up in `related`.
    pub fn resolve(
        related: &Related,
        model: Option<Uuid>,
        company: Option<Uuid>,
        country: Option<&str>,
    ) -> Result<Self, ApiError> {
        if let Some(id) = model {
            let model = find(related.models.get(&id), "model", id)?;
            return Ok(Self {
                kind: "model",
                key: model.slug.clone(),
                name: Localized::new(&model.name, &model.name),
            });
        }
        if let Some(id) = company {
            let company = find(related.companies.get(&id), "company", id)?;
            return Ok(Self {
                kind: "company",
                key: company.slug.clone(),
                name: Localized::new(&company.name_en, &company.name_ar),
            });
        }
        let code = country.ok_or_else(|| anyhow::anyhow!("a subject names no record"))?;
        let country = find(related.countries.get(code), "country", code)?;
        Ok(Self {
            kind: "country",
            key: country.code.clone(),
            name: Localized::new(&country.name_en, &country.name_ar),
        })
    }
}

/// `record`, or a 500 when a row refers to one that is missing (the foreign keys forbid it).
pub fn find<'a, T>(
    record: Option<&'a T>,
    kind: &str,
    id: impl std::fmt::Display,
) -> Result<&'a T, ApiError> {
    record.ok_or_else(|| {
        ApiError::Unexpected(anyhow::anyhow!("{kind} {id} is referred to but missing"))
    })
}

/// Both languages of a pair of optional columns, when both are set.
pub fn localized(en: &Option<String>, ar: &Option<String>) -> Option<Localized> {
    Localized::from_parts(en.clone(), ar.clone())
}
