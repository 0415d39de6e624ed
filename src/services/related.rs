//! Loads the records that a page of rows refers to, one query per table whatever the
//! page's size (never one query per row).

use std::collections::{HashMap, HashSet};

use entity::{company, country, metric, model, source, statistic};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

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
    pub countries: HashMap<String, country::Model>,
    /// Companies by id.
    pub companies: HashMap<Uuid, company::Model>,
    /// Models by id.
    pub models: HashMap<Uuid, model::Model>,
    /// Sources by id.
    pub sources: HashMap<Uuid, source::Model>,
    /// Metrics by id.
    pub metrics: HashMap<Uuid, metric::Model>,
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
            let rows = model::Entity::find()
                .filter(model::Column::Id.is_in(needs.models.iter().copied()))
                .all(db)
                .await?;
            for row in rows {
                needs.companies.insert(row.company_id);
                related.models.insert(row.id, row);
            }
        }
        if !needs.companies.is_empty() {
            related.companies = company::Entity::find()
                .filter(company::Column::Id.is_in(needs.companies))
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
        }
        if !needs.countries.is_empty() {
            related.countries = country::Entity::find()
                .filter(country::Column::Code.is_in(needs.countries))
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.code.clone(), row))
                .collect();
        }
        if !needs.sources.is_empty() {
            related.sources = source::Entity::find()
                .filter(source::Column::Id.is_in(needs.sources))
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
        }
        if !needs.metrics.is_empty() {
            related.metrics = metric::Entity::find()
                .filter(metric::Column::Id.is_in(needs.metrics))
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
        }
        Ok(related)
    }
}
