//! Loads the records that a page of rows refers to, one query per table whatever the
//! page's size (never one query per row).
//!
//! A reference shows a few fields of the record it names, so only those columns are
//! read: whole rows, with their descriptions and search text, were most of the bytes a
//! list decoded.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{company, country, metric, model, source, statistic};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, DerivePartialModel, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The fields of a company that a reference to it shows.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "company::Entity")]
pub struct CompanyRow {
    /// Its id.
    pub id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Arabic.
    pub name_ar: String,
}

/// The fields of a model that a reference to it shows.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "model::Entity")]
pub struct ModelRow {
    /// Its id.
    pub id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// The fields of a country that a reference to it shows.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "country::Entity")]
pub struct CountryRow {
    /// Its code.
    pub code: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Arabic.
    pub name_ar: String,
}

/// The fields of a source that a reference to it shows.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "source::Entity")]
pub struct SourceRow {
    /// Its id.
    pub id: Uuid,
    /// Its dataset key.
    pub key: Option<String>,
    /// Its title.
    pub title: String,
    /// Who published it.
    pub publisher: String,
    /// Where it is.
    pub url: String,
    /// When it was published.
    pub published_on: Option<NaiveDate>,
}

/// The fields of a metric that a reference to it shows.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "metric::Entity")]
pub struct MetricRow {
    /// Its id.
    pub id: Uuid,
    /// Its key.
    pub key: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Arabic.
    pub name_ar: String,
}

/// The ids of the records a page refers to.
#[derive(Debug, Default)]
pub struct Needs {
    /// Country codes.
    pub countries: HashSet<String>,
    /// Company ids.
    pub companies: HashSet<Uuid>,
    /// Model ids.
    pub models: HashSet<Uuid>,
    /// Source ids.
    pub sources: HashSet<Uuid>,
    /// Metric ids.
    pub metrics: HashSet<Uuid>,
    /// Statistic ids; their own metrics, subjects and sources are loaded too.
    pub statistics: HashSet<Uuid>,
}

impl Needs {
    /// Adds what a statistic refers to.
    pub fn statistic(&mut self, stat: &statistic::Model) {
        self.metrics.insert(stat.metric_id);
        self.sources.insert(stat.source_id);
        self.models.extend(stat.subject_model_id);
        self.companies.extend(stat.subject_company_id);
        self.countries.extend(stat.subject_country_code.clone());
        self.countries.extend(stat.scope_country_code.clone());
    }
}

/// The records a page refers to, by id.
#[derive(Debug, Default)]
pub struct Related {
    /// Countries by code.
    pub countries: HashMap<String, CountryRow>,
    /// Companies by id.
    pub companies: HashMap<Uuid, CompanyRow>,
    /// Models by id.
    pub models: HashMap<Uuid, ModelRow>,
    /// Sources by id.
    pub sources: HashMap<Uuid, SourceRow>,
    /// Metrics by id.
    pub metrics: HashMap<Uuid, MetricRow>,
    /// Statistics by id.
    pub statistics: HashMap<Uuid, statistic::Model>,
}

impl Related {
    /// Loads everything `needs` names.
    pub async fn load<C: ConnectionTrait>(db: &C, mut needs: Needs) -> Result<Self, DbErr> {
        let mut related = Self::default();
        if !needs.statistics.is_empty() {
            let rows = statistic::Entity::find()
                .filter(statistic::Column::Id.is_in(needs.statistics.iter().copied()))
                .all(db)
                .await?;
            for stat in rows {
                needs.statistic(&stat);
                related.statistics.insert(stat.id, stat);
            }
        }
        if !needs.models.is_empty() {
            related.models = model::Entity::find()
                .filter(model::Column::Id.is_in(needs.models))
                .into_partial_model::<ModelRow>()
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
        }
        if !needs.companies.is_empty() {
            related.companies = company::Entity::find()
                .filter(company::Column::Id.is_in(needs.companies))
                .into_partial_model::<CompanyRow>()
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
        }
        if !needs.countries.is_empty() {
            related.countries = country::Entity::find()
                .filter(country::Column::Code.is_in(needs.countries))
                .into_partial_model::<CountryRow>()
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.code.clone(), row))
                .collect();
        }
        if !needs.sources.is_empty() {
            related.sources = source::Entity::find()
                .filter(source::Column::Id.is_in(needs.sources))
                .into_partial_model::<SourceRow>()
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
        }
        if !needs.metrics.is_empty() {
            related.metrics = metric::Entity::find()
                .filter(metric::Column::Id.is_in(needs.metrics))
                .into_partial_model::<MetricRow>()
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
        }
        Ok(related)
    }
}
