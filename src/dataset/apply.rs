//! Applies a checked dataset: inserts what is new, updates what changed, deletes what the
//! dataset created and no longer holds, all in one transaction with a revision for each
//! change. Records created through the API are never deleted here.

use std::{
    collections::{HashMap, HashSet},
    fmt,
};

use chrono::{DateTime, Utc};
use entity::{claim, company, country, metric, model, revision, source, statistic};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, ModelTrait, QueryFilter, QuerySelect,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Dataset, date_of, timestamp_of};
use crate::services::{
    claims,
    records::{self, Stamp},
    revisions::{self, Action, DATASET},
};

/// What a load changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Records created.
    pub created: u64,
    /// Records changed.
    pub updated: u64,
    /// Records deleted.
    pub deleted: u64,
    /// Records already as the dataset has them.
    pub unchanged: u64,
}

impl Report {
    /// Whether the load changed nothing.
    pub fn is_empty(&self) -> bool {
        self.created + self.updated + self.deleted == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} deleted, {} unchanged",
            self.created, self.updated, self.deleted, self.unchanged
        )
    }
}

/// Applies `data`, which must already be checked.
pub async fn apply(db: &DatabaseConnection, data: &Dataset) -> Result<Report, DbErr> {
    let tx = crate::services::writes::begin(db).await?;
    let mut loader = Loader {
        tx: &tx,
        now: revisions::now(),
        report: Report::default(),
    };
    loader.run(data).await?;
    let report = loader.report;
    tx.commit().await?;
    Ok(report)
}

struct Loader<'a, C> {
    tx: &'a C,
    now: DateTime<Utc>,
    report: Report,
}

/// Existing rows of a table by their key.
fn by_key<M>(rows: Vec<M>, key: impl Fn(&M) -> Option<String>) -> HashMap<String, M> {
    rows.into_iter()
        .filter_map(|row| Some((key(&row)?, row)))
        .collect()
}

impl<C: ConnectionTrait> Loader<'_, C> {
    async fn run(&mut self, data: &Dataset) -> Result<(), DbErr> {
        let now = self.now;

        // Countries.
        let existing = by_key(country::Entity::find().all(self.tx).await?, |c| {
            Some(c.code.clone())
        });
        for row in &data.countries.countries {
            let old = existing.get(&row.code);
            let new = country::Model {
                id: old.map_or_else(Uuid::now_v7, |o| o.id),
                code: row.code.clone(),
                kind: row.kind.clone(),
                name_en: row.name.en.clone(),
                name_ar: row.name.ar.clone(),
                un_region: row.un_region.clone(),
                global_south: row.global_south,
                members: json!(row.members),
                search_title: String::new(),
                search_body: String::new(),
                version: old.map_or(1, |o| o.version),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            self.upsert::<country::Entity>("countries", new, old, Value::Null, Value::Null)
                .await?;
        }
        let countries_gone = gone(
            &existing,
            data.countries.countries.iter().map(|r| r.code.as_str()),
        );

        // Sources.
        let existing = by_key(source::Entity::find().all(self.tx).await?, |s| {
            s.key.clone()
        });
        let mut source_ids = HashMap::new();
        for row in &data.sources.sources {
            let old = existing.get(&row.key);
            let new = source::Model {
                id: old.map_or_else(Uuid::now_v7, |o| o.id),
                key: Some(row.key.clone()),
                title: row.title.clone(),
                publisher: row.publisher.clone(),
                url: row.url.clone(),
                language: row.language.clone(),
                kind: row.kind.clone(),
                published_on: row.published.as_ref().and_then(date_of),
                retrieved_at: row.retrieved_at.as_ref().and_then(timestamp_of),
                archive_url: row.archive_url.clone(),
                note_en: row.note.as_ref().map(|n| n.en.clone()),
                note_ar: row.note.as_ref().map(|n| n.ar.clone()),
                search_title: String::new(),
                search_body: String::new(),
                version: old.map_or(1, |o| o.version),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            source_ids.insert(row.key.clone(), new.id);
            self.upsert::<source::Entity>("sources", new, old, Value::Null, Value::Null)
                .await?;
        }
        let sources_gone = gone(
            &existing,
            data.sources.sources.iter().map(|r| r.key.as_str()),
        );
        let source_id =
            |key: &Option<String>| key.as_ref().and_then(|k| source_ids.get(k).copied());

        // Companies.
        let existing = by_key(company::Entity::find().all(self.tx).await?, |c| {
            Some(c.slug.clone())
        });
        let mut company_ids = HashMap::new();
        for row in &data.companies.companies {
            let old = existing.get(&row.slug);
            let new = company::Model {
                id: old.map_or_else(Uuid::now_v7, |o| o.id),
                slug: row.slug.clone(),
                name_en: row.name.en.clone(),
                name_ar: row.name.ar.clone(),
                kind: row.kind.clone(),
                country_code: row.country.clone(),
                founded_year: row.founded,
                headquarters_en: row.headquarters.as_ref().map(|h| h.en.clone()),
                headquarters_ar: row.headquarters.as_ref().map(|h| h.ar.clone()),
                website: row.website.clone(),
                description_en: row.description.en.clone(),
                description_ar: row.description.ar.clone(),
                source_id: source_id(&row.source),
                search_title: String::new(),
                search_body: String::new(),
                version: old.map_or(1, |o| o.version),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            company_ids.insert(row.slug.clone(), new.id);
            self.upsert::<company::Entity>("companies", new, old, Value::Null, Value::Null)
                .await?;
        }
        let companies_gone = gone(
            &existing,
            data.companies.companies.iter().map(|r| r.slug.as_str()),
        );

        // Models, bases before their derivatives.
        let existing = by_key(model::Entity::find().all(self.tx).await?, |m| {
            Some(m.slug.clone())
        });
        let model_ids: HashMap<String, Uuid> = data
            .models
            .models
            .iter()
            .map(|row| {
                (
                    row.slug.clone(),
                    existing.get(&row.slug).map_or_else(Uuid::now_v7, |o| o.id),
                )
            })
            .collect();
        for row in lineage_order(&data.models.models) {
            let old = existing.get(&row.slug);
            let new = model::Model {
                id: model_ids[&row.slug],
                slug: row.slug.clone(),
                name: row.name.clone(),
                company_id: company_ids[&row.company],
                country_code: row.country.clone(),
                released_on: row.released.as_ref().and_then(date_of),
                openness: row.openness.clone(),
                license: row.license.clone(),
                parameters_total: row.parameters_total,
                parameters_active: row.parameters_active,
                context_window: row.context_window,
                modalities: json!(row.modalities),
                base_model_id: row.base_model.as_ref().map(|slug| model_ids[slug]),
                huggingface_repo: row.huggingface_repo.clone(),
                description_en: row.description.en.clone(),
                description_ar: row.description.ar.clone(),
                source_id: source_id(&row.source),
                note_en: row.note.as_ref().map(|n| n.en.clone()),
                note_ar: row.note.as_ref().map(|n| n.ar.clone()),
                search_title: String::new(),
                search_body: String::new(),
                version: old.map_or(1, |o| o.version),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            self.upsert::<model::Entity>("models", new, old, Value::Null, Value::Null)
                .await?;
        }
        let models_gone = gone(
            &existing,
            data.models.models.iter().map(|r| r.slug.as_str()),
        );

        // Metrics.
        let existing = by_key(metric::Entity::find().all(self.tx).await?, |m| {
            Some(m.key.clone())
        });
        let mut metric_ids = HashMap::new();
        for row in &data.metrics.metrics {
            let old = existing.get(&row.key);
            let new = metric::Model {
                id: old.map_or_else(Uuid::now_v7, |o| o.id),
                key: row.key.clone(),
                name_en: row.name.en.clone(),
                name_ar: row.name.ar.clone(),
                unit: row.unit.clone(),
                description_en: row.description.en.clone(),
                description_ar: row.description.ar.clone(),
                search_title: String::new(),
                search_body: String::new(),
                version: old.map_or(1, |o| o.version),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            metric_ids.insert(row.key.clone(), new.id);
            self.upsert::<metric::Entity>("metrics", new, old, Value::Null, Value::Null)
                .await?;
        }
        let metrics_gone = gone(
            &existing,
            data.metrics.metrics.iter().map(|r| r.key.as_str()),
        );

        // Statistics.
        let existing = by_key(statistic::Entity::find().all(self.tx).await?, |s| {
            s.key.clone()
        });
        let mut statistic_ids = HashMap::new();
        for row in &data.statistics.statistics {
            let old = existing.get(&row.key);
            let (model, company, country) =
                subject(&row.subject_type, &row.subject, &model_ids, &company_ids);
            let new = statistic::Model {
                id: old.map_or_else(Uuid::now_v7, |o| o.id),
                key: Some(row.key.clone()),
                metric_id: metric_ids[&row.metric],
                subject_type: row.subject_type.clone(),
                subject_model_id: model,
                subject_company_id: company,
                subject_country_code: country,
                scope_country_code: row.scope_country.clone(),
                value: row.value,
                value_low: row.value_low,
                value_high: row.value_high,
                qualifier: row.qualifier.clone().unwrap_or_else(|| "exact".to_owned()),
                unit: row.unit.clone(),
                period_start: date_of(&row.period_start).unwrap_or_default(),
                period_end: row.period_end.as_ref().and_then(date_of),
                period_precision: row
                    .period_precision
                    .clone()
                    .unwrap_or_else(|| "day".to_owned()),
                method: row.method.clone(),
                source_id: source_id(&row.source).unwrap_or_default(),
                note_en: row.note.as_ref().map(|n| n.en.clone()),
                note_ar: row.note.as_ref().map(|n| n.ar.clone()),
                search_title: String::new(),
                search_body: String::new(),
                version: old.map_or(1, |o| o.version),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            statistic_ids.insert(row.key.clone(), new.id);
            self.upsert::<statistic::Entity>("statistics", new, old, Value::Null, Value::Null)
                .await?;
        }
        let statistics_gone = gone(
            &existing,
            data.statistics.statistics.iter().map(|r| r.key.as_str()),
        );

        // Claims, with their topics, subjects and evidence.
        let existing = by_key(claim::Entity::find().all(self.tx).await?, |c| c.key.clone());
        let mut parts_before =
            claims::Children::load(self.tx, existing.values().map(|c| c.id).collect()).await?;
        for row in &data.claims.claims {
            let old = existing.get(&row.key);
            let id = old.map_or_else(Uuid::now_v7, |o| o.id);
            let new = claim::Model {
                id,
                key: Some(row.key.clone()),
                text_en: row.text.en.clone(),
                text_ar: row.text.ar.clone(),
                original_language: row.original.language.clone(),
                original_text: row.original.text.clone(),
                claimant_name_en: row.claimant.name.en.clone(),
                claimant_name_ar: row.claimant.name.ar.clone(),
                claimant_role_en: row.claimant.role.as_ref().map(|r| r.en.clone()),
                claimant_role_ar: row.claimant.role.as_ref().map(|r| r.ar.clone()),
                claimant_company_id: row.claimant.company.as_ref().map(|slug| company_ids[slug]),
                stated_on: row.stated.as_ref().and_then(date_of),
                source_id: source_id(&row.source).unwrap_or_default(),
                verdict: row.verdict.clone(),
                verdict_summary_en: row.verdict_summary.as_ref().map(|s| s.en.clone()),
                verdict_summary_ar: row.verdict_summary.as_ref().map(|s| s.ar.clone()),
                search_title: String::new(),
                search_body: String::new(),
                version: old.map_or(1, |o| o.version),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            let parts = claims::Children {
                topics: {
                    let mut topics = row.topics.clone();
                    topics.sort();
                    topics.dedup();
                    topics
                },
                subjects: row
                    .subjects
                    .iter()
                    .map(|s| {
                        let (model, company, country) =
                            subject(&s.kind, &s.key, &model_ids, &company_ids);
                        claims::ChildSubject {
                            kind: s.kind.clone(),
                            model,
                            company,
                            country,
                        }
                    })
                    .collect(),
                evidence: row
                    .evidence
                    .iter()
                    .map(|e| claims::ChildEvidence {
                        id: None,
                        statistic: e.statistic.as_ref().map(|k| statistic_ids[k]),
                        source: source_id(&e.source),
                        relation: e.relation.clone(),
                        note_en: e.note.as_ref().map(|n| n.en.clone()),
                        note_ar: e.note.as_ref().map(|n| n.ar.clone()),
                    })
                    .collect(),
            };
            let before = parts_before.remove(&id).unwrap_or_default();
            let (before_json, after_json) = (before.to_json(), parts.to_json());
            let parts_changed = before_json != after_json;
            self.upsert::<claim::Entity>("claims", new, old, before_json, after_json)
                .await?;
            if parts_changed {
                parts.replace(self.tx, id).await?;
            }
        }
        let claims_gone = gone(&existing, data.claims.claims.iter().map(|r| r.key.as_str()));

        // Deletions, dependents first.
        let created = created_by_dataset(self.tx).await?;
        self.delete::<claim::Entity>("claims", claims_gone, &created)
            .await?;
        self.delete::<statistic::Entity>("statistics", statistics_gone, &created)
            .await?;
        self.delete::<metric::Entity>("metrics", metrics_gone, &created)
            .await?;
        let mut models_gone = models_gone;
        let depths: HashMap<Uuid, usize> = models_gone
            .iter()
            .map(|m| (m.id, depth_among(m, &models_gone)))
            .collect();
        models_gone.sort_by_key(|m| std::cmp::Reverse(depths.get(&m.id).copied()));
        self.delete::<model::Entity>("models", models_gone, &created)
            .await?;
        self.delete::<company::Entity>("companies", companies_gone, &created)
            .await?;
        self.delete::<source::Entity>("sources", sources_gone, &created)
            .await?;
        self.delete::<country::Entity>("countries", countries_gone, &created)
            .await?;
        Ok(())
    }

    /// Inserts `new`, or updates `old` to it when anything differs, with a revision.
    /// `extra_before` and `extra_after` are parts stored outside the row (a claim's evidence).
    async fn upsert<E>(
        &mut self,
        resource: &'static str,
        new: E::Model,
        old: Option<&E::Model>,
        extra_before: Value,
        extra_after: Value,
    ) -> Result<(), DbErr>
    where
        E: EntityTrait,
        E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        let stamp = Stamp {
            actor: DATASET,
            at: self.now,
        };
        let Some(old) = old else {
            records::insert::<E, _>(self.tx, resource, new, &extra_after, stamp).await?;
            self.report.created += 1;
            return Ok(());
        };
        if comparable(records::picture::<E>(old, &extra_before))
            == comparable(records::picture::<E>(&new, &extra_after))
        {
            self.report.unchanged += 1;
            return Ok(());
        }
        records::update::<E, _>(
            self.tx,
            resource,
            old,
            &extra_before,
            new,
            &extra_after,
            stamp,
        )
        .await?
        .ok_or(DbErr::RecordNotUpdated)?;
        self.report.updated += 1;
        Ok(())
    }

    /// Deletes each of `rows` that the dataset created, with a revision.
    async fn delete<E>(
        &mut self,
        resource: &'static str,
        rows: Vec<E::Model>,
        created: &HashSet<Uuid>,
    ) -> Result<(), DbErr>
    where
        E: EntityTrait,
        E::Model: ModelTrait<Entity = E> + Send + Sync,
    {
        let stamp = Stamp {
            actor: DATASET,
            at: self.now,
        };
        for row in rows {
            if !created.contains(&records::id_of::<E>(&row)) {
                continue;
            }
            let extra = match resource {
                "claims" => claims::Children::load(self.tx, vec![records::id_of::<E>(&row)])
                    .await?
                    .into_values()
                    .next()
                    .unwrap_or_default()
                    .to_json(),
                _ => Value::Null,
            };
            if records::delete::<E, _>(self.tx, resource, &row, &extra, stamp).await? {
                self.report.deleted += 1;
            }
        }
        Ok(())
    }
}

/// A record's picture without what every write changes (version and timestamps).
fn comparable(mut picture: Value) -> Value {
    if let Value::Object(object) = &mut picture {
        for field in ["version", "created_at", "updated_at"] {
            object.remove(field);
        }
    }
    picture
}

/// The existing rows whose keys the dataset no longer holds.
fn gone<'a, M: Clone>(
    existing: &HashMap<String, M>,
    kept: impl Iterator<Item = &'a str>,
) -> Vec<M> {
    let kept: HashSet<&str> = kept.collect();
    existing
        .iter()
        .filter(|(key, _)| !kept.contains(key.as_str()))
        .map(|(_, row)| row.clone())
        .collect()
}

/// The ids of the records whose creation the dataset recorded.
async fn created_by_dataset<C: ConnectionTrait>(db: &C) -> Result<HashSet<Uuid>, DbErr> {
    let ids: Vec<Uuid> = revision::Entity::find()
        .select_only()
        .column(revision::Column::RecordId)
        .filter(revision::Column::Actor.eq(DATASET))
        .filter(revision::Column::Action.eq(Action::Create.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The columns a subject of `kind` with `key` fills.
fn subject(
    kind: &str,
    key: &str,
    models: &HashMap<String, Uuid>,
    companies: &HashMap<String, Uuid>,
) -> (Option<Uuid>, Option<Uuid>, Option<String>) {
    match kind {
        "model" => (models.get(key).copied(), None, None),
        "company" => (None, companies.get(key).copied(), None),
        _ => (None, None, Some(key.to_owned())),
    }
}

/// The models in an order where each one's base model comes before it.
fn lineage_order(models: &[super::files::Model]) -> Vec<&super::files::Model> {
    let base: HashMap<&str, &str> = models
        .iter()
        .filter_map(|m| Some((m.slug.as_str(), m.base_model.as_deref()?)))
        .collect();
    let depth = |slug: &str| {
        let mut depth = 0;
        let mut current = slug;
        while let Some(next) = base.get(current) {
            depth += 1;
            current = next;
            if depth > models.len() {
                break;
            }
        }
        depth
    };
    let mut ordered: Vec<_> = models.iter().collect();
    ordered.sort_by_key(|m| depth(&m.slug));
    ordered
}

/// How many of `models` lie on `model`'s line of base models (its depth among them).
fn depth_among(model: &model::Model, models: &[model::Model]) -> usize {
    let by_id: HashMap<Uuid, &model::Model> = models.iter().map(|m| (m.id, m)).collect();
    let mut depth = 0;
    let mut current = model.base_model_id;
    while let Some(id) = current {
        let Some(base) = by_id.get(&id) else { break };
        depth += 1;
        current = base.base_model_id;
        if depth > models.len() {
            break;
        }
    }
    depth
}
