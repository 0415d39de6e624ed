//! The shapes of the dataset's TOML files, exactly as people write them.

use serde::Deserialize;
use toml::value::Datetime;

use crate::domain::lang::Localized;

/// `countries.toml`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountriesFile {
    /// The records.
    #[serde(default)]
    pub countries: Vec<Country>,
}

/// A country, region or group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub code: String,
    pub kind: String,
    pub name: Localized,
    pub un_region: Option<String>,
    pub global_south: bool,
    #[serde(default)]
    pub members: Vec<String>,
}

/// `sources.toml`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    /// The records.
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// A source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub key: String,
    pub title: Option<String>,
    pub publisher: String,
    pub url: String,
    pub language: String,
    pub kind: String,
    pub published: Option<Datetime>,
    pub retrieved_at: Option<Datetime>,
    pub archive_url: Option<String>,
    pub note: Option<Localized>,
}

/// `companies.toml`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompaniesFile {
    /// The records.
    #[serde(default)]
    pub companies: Vec<Company>,
}

/// A company.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub slug: String,
    pub name: Localized,
    pub kind: String,
    pub country: String,
    pub founded: Option<i32>,
    pub headquarters: Option<Localized>,
    pub website: Option<String>,
    pub description: Localized,
    pub source: Option<String>,
}

/// `models.toml`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelsFile {
    /// The records.
    #[serde(default)]
    pub models: Vec<Model>,
}

/// A model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub slug: String,
    pub name: String,
    pub company: String,
    pub country: String,
    pub released: Option<Datetime>,
    pub openness: String,
    pub license: Option<String>,
    pub parameters_total: Option<i64>,
    pub parameters_active: Option<i64>,
    pub context_window: Option<i64>,
    #[serde(default)]
    pub modalities: Vec<String>,
    pub base_model: Option<String>,
    pub huggingface_repo: Option<String>,
    pub description: Localized,
    pub source: Option<String>,
    pub note: Option<Localized>,
}

/// `metrics.toml`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsFile {
    /// The records.
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

/// A metric.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub key: String,
    pub name: Localized,
    pub unit: String,
    pub description: Localized,
}

/// `statistics.toml`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatisticsFile {
    /// The records.
    #[serde(default)]
    pub statistics: Vec<Statistic>,
}

/// A statistic.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statistic {
    pub key: String,
    pub metric: String,
    pub subject_type: String,
    pub subject: String,
    pub scope_country: Option<String>,
    pub value: Option<f64>,
    pub value_low: Option<f64>,
    pub value_high: Option<f64>,
    pub qualifier: Option<String>,
    pub unit: String,
    pub period_start: Datetime,
    pub period_end: Option<Datetime>,
    pub period_precision: Option<String>,
    pub method: String,
    pub source: Option<String>,
    pub note: Option<Localized>,
}

/// `claims.toml`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsFile {
    /// The records.
    #[serde(default)]
    pub claims: Vec<Claim>,
}

/// A claim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub key: String,
    pub text: Localized,
    pub original: Original,
    pub claimant: Claimant,
    pub stated: Option<Datetime>,
    pub source: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub subjects: Vec<Subject>,
    pub verdict: String,
    pub verdict_summary: Option<Localized>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// A claim as first published.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Original {
    pub language: String,
    pub text: String,
}

/// Who made a claim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claimant {
    pub name: Localized,
    pub role: Option<Localized>,
    pub company: Option<String>,
}

/// What a claim concerns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    #[serde(rename = "type")]
    pub kind: String,
    pub key: String,
}

/// A piece of evidence for a claim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub source: Option<String>,
    pub statistic: Option<String>,
    pub relation: String,
    pub note: Option<Localized>,
}
