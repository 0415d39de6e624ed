//! Applies a checked dataset: inserts what is new, updates what changed, deletes what the
//! dataset created and no longer holds, all in one transaction with a revision for each
//! change. Records created through the API are never deleted here.

use std::{
    collections::{HashMap, HashSet},
    fmt,
};

use chrono::{DateTime, Utc};
use entity::{
    claim, claim_subject, claim_topic, company, country, evidence, metric, model, revision, source,
    statistic,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, ModelTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Dataset, date_of, timestamp_of};
use crate::services::revisions::{self, Action, Change, DATASET};

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
    let tx = db.begin().await?;
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
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            self.upsert::<country::Entity>(
                "countries",
                &row.code,
                new,
                old,
                Value::Null,
                Value::Null,
            )
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
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            source_ids.insert(row.key.clone(), new.id);
            self.upsert::<source::Entity>("sources", &row.key, new, old, Value::Null, Value::Null)
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
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            company_ids.insert(row.slug.clone(), new.id);
            self.upsert::<company::Entity>(
                "companies",
                &row.slug,
                new,
                old,
                Value::Null,
                Value::Null,
            )
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
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            self.upsert::<model::Entity>("models", &row.slug, new, old, Value::Null, Value::Null)
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
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            metric_ids.insert(row.key.clone(), new.id);
            self.upsert::<metric::Entity>("metrics", &row.key, new, old, Value::Null, Value::Null)
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
                unit: row.unit.clone(),
                period_start: date_of(&row.period_start).unwrap_or_default(),
                period_end: row.period_end.as_ref().and_then(date_of),
                method: row.method.clone(),
                source_id: source_id(&row.source).unwrap_or_default(),
                note_en: row.note.as_ref().map(|n| n.en.clone()),
                note_ar: row.note.as_ref().map(|n| n.ar.clone()),
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            statistic_ids.insert(row.key.clone(), new.id);
            self.upsert::<statistic::Entity>(
                "statistics",
                &row.key,
                new,
                old,
                Value::Null,
                Value::Null,
            )
            .await?;
        }
        let statistics_gone = gone(
            &existing,
            data.statistics.statistics.iter().map(|r| r.key.as_str()),
        );

        // Claims, with their topics, subjects and evidence.
        let existing = by_key(claim::Entity::find().all(self.tx).await?, |c| c.key.clone());
        let mut parts_before =
            claim_parts(self.tx, existing.values().map(|c| c.id).collect()).await?;
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
                created_at: old.map_or(now, |o| o.created_at),
                updated_at: old.map_or(now, |o| o.updated_at),
            };
            let parts = Parts {
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
                        SubjectRow {
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
                    .map(|e| EvidenceRow {
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
            self.upsert::<claim::Entity>("claims", &row.key, new, old, before_json, after_json)
                .await?;
            if parts_changed {
                replace_parts(self.tx, id, &parts).await?;
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
        key: &str,
        mut new: E::Model,
        old: Option<&E::Model>,
        extra_before: Value,
        extra_after: Value,
    ) -> Result<(), DbErr>
    where
        E: EntityTrait,
        E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        let id = record_id::<E>(&new);
        match old {
            None => {
                let after = with_extra(revisions::snapshot::<E>(&new), extra_after);
                new.clone()
                    .into_active_model()
                    .reset_all()
                    .insert(self.tx)
                    .await?;
                self.report.created += 1;
                revisions::record(
                    self.tx,
                    change(resource, id, key, Action::Create, None, Some(after)),
                    self.now,
                )
                .await?;
            }
            Some(old) => {
                let before = with_extra(revisions::snapshot::<E>(old), extra_before);
                let after = with_extra(revisions::snapshot::<E>(&new), extra_after);
                if before == after {
                    self.report.unchanged += 1;
                    return Ok(());
                }
                set_updated_at::<E>(&mut new, self.now);
                let after = with_extra(revisions::snapshot::<E>(&new), after_extra(&after));
                new.into_active_model().reset_all().update(self.tx).await?;
                self.report.updated += 1;
                revisions::record(
                    self.tx,
                    change(resource, id, key, Action::Update, Some(before), Some(after)),
                    self.now,
                )
                .await?;
            }
        }
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
        for row in rows {
            let id = record_id::<E>(&row);
            if !created.contains(&id) {
                continue;
            }
            let before = revisions::snapshot::<E>(&row);
            let key = before
                .get("key")
                .or_else(|| before.get("slug"))
                .or_else(|| before.get("code"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            use sea_orm::{IdenStatic, Iterable};
            if let Some(column) = E::Column::iter().find(|c| c.as_str() == "id") {
                E::delete_many().filter(column.eq(id)).exec(self.tx).await?;
            }
            self.report.deleted += 1;
            revisions::record(
                self.tx,
                change(resource, id, &key, Action::Delete, Some(before), None),
                self.now,
            )
            .await?;
        }
        Ok(())
    }
}

fn change<'a>(
    resource: &'static str,
    record_id: Uuid,
    key: &'a str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
) -> Change<'a> {
    Change {
        resource,
        record_id,
        record_key: Some(key),
        action,
        actor: DATASET,
        before,
        after,
    }
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

fn record_id<E: EntityTrait>(model: &E::Model) -> Uuid
where
    E::Model: ModelTrait<Entity = E>,
{
    use sea_orm::{IdenStatic, Iterable};
    match E::Column::iter()
        .find(|c| c.as_str() == "id")
        .map(|c| model.get(c))
    {
        Some(sea_orm::Value::Uuid(Some(id))) => id,
        _ => Uuid::nil(),
    }
}

fn set_updated_at<E: EntityTrait>(model: &mut E::Model, now: DateTime<Utc>)
where
    E::Model: ModelTrait<Entity = E>,
{
    use sea_orm::{IdenStatic, Iterable};
    if let Some(column) = E::Column::iter().find(|c| c.as_str() == "updated_at") {
        model.set(column, now.into());
    }
}

fn with_extra(mut snapshot: Value, extra: Value) -> Value {
    if let (Value::Object(object), Value::Object(extra)) = (&mut snapshot, extra) {
        object.extend(extra);
    }
    if let Value::Object(object) = &mut snapshot {
        object.remove("updated_at");
        object.remove("created_at");
    }
    snapshot
}

fn after_extra(after: &Value) -> Value {
    let mut extra = serde_json::Map::new();
    for key in ["topics", "subjects", "evidence"] {
        if let Some(value) = after.get(key) {
            extra.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(extra)
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

#[derive(Debug, Default, PartialEq)]
struct Parts {
    topics: Vec<String>,
    subjects: Vec<SubjectRow>,
    evidence: Vec<EvidenceRow>,
}

#[derive(Debug, PartialEq)]
struct SubjectRow {
    kind: String,
    model: Option<Uuid>,
    company: Option<Uuid>,
    country: Option<String>,
}

#[derive(Debug, PartialEq)]
struct EvidenceRow {
    statistic: Option<Uuid>,
    source: Option<Uuid>,
    relation: String,
    note_en: Option<String>,
    note_ar: Option<String>,
}

impl Parts {
    fn to_json(&self) -> Value {
        json!({
            "topics": self.topics,
            "subjects": self.subjects.iter().map(|s| json!({
                "type": s.kind, "model_id": s.model, "company_id": s.company, "country_code": s.country,
            })).collect::<Vec<_>>(),
            "evidence": self.evidence.iter().map(|e| json!({
                "statistic_id": e.statistic, "source_id": e.source, "relation": e.relation,
                "note_en": e.note_en, "note_ar": e.note_ar,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The stored topics, subjects and evidence of each claim in `ids`.
async fn claim_parts<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Parts>, DbErr> {
    let mut parts: HashMap<Uuid, Parts> = HashMap::new();
    if ids.is_empty() {
        return Ok(parts);
    }
    for topic in claim_topic::Entity::find()
        .filter(claim_topic::Column::ClaimId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        parts
            .entry(topic.claim_id)
            .or_default()
            .topics
            .push(topic.topic);
    }
    let mut subjects = claim_subject::Entity::find()
        .filter(claim_subject::Column::ClaimId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    subjects.sort_by_key(|s| s.id);
    for subject in subjects {
        parts
            .entry(subject.claim_id)
            .or_default()
            .subjects
            .push(SubjectRow {
                kind: subject.subject_type,
                model: subject.model_id,
                company: subject.company_id,
                country: subject.country_code,
            });
    }
    let mut evidence = evidence::Entity::find()
        .filter(evidence::Column::ClaimId.is_in(ids))
        .all(db)
        .await?;
    evidence.sort_by_key(|e| e.id);
    for item in evidence {
        parts
            .entry(item.claim_id)
            .or_default()
            .evidence
            .push(EvidenceRow {
                statistic: item.statistic_id,
                source: item.source_id,
                relation: item.relation,
                note_en: item.note_en,
                note_ar: item.note_ar,
            });
    }
    for part in parts.values_mut() {
        part.topics.sort();
    }
    Ok(parts)
}

/// Replaces a claim's topics, subjects and evidence with `parts`, keeping their order.
async fn replace_parts<C: ConnectionTrait>(
    db: &C,
    claim_id: Uuid,
    parts: &Parts,
) -> Result<(), DbErr> {
    claim_topic::Entity::delete_many()
        .filter(claim_topic::Column::ClaimId.eq(claim_id))
        .exec(db)
        .await?;
    claim_subject::Entity::delete_many()
        .filter(claim_subject::Column::ClaimId.eq(claim_id))
        .exec(db)
        .await?;
    evidence::Entity::delete_many()
        .filter(evidence::Column::ClaimId.eq(claim_id))
        .exec(db)
        .await?;
    for topic in &parts.topics {
        claim_topic::Model {
            claim_id,
            topic: topic.clone(),
        }
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    }
    for subject in &parts.subjects {
        claim_subject::Model {
            id: Uuid::now_v7(),
            claim_id,
            subject_type: subject.kind.clone(),
            model_id: subject.model,
            company_id: subject.company,
            country_code: subject.country.clone(),
        }
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    }
    for item in &parts.evidence {
        evidence::Model {
            id: Uuid::now_v7(),
            claim_id,
            statistic_id: item.statistic,
            source_id: item.source,
            relation: item.relation.clone(),
            note_en: item.note_en.clone(),
            note_ar: item.note_ar.clone(),
        }
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    }
    Ok(())
}
