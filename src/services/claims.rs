//! Claims about the AI race, with their subjects, topics and evidence.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use chrono::NaiveDate;
use entity::{
    claim::{self, Column, Entity},
    claim_subject, claim_topic, company, evidence, model,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};
use uuid::Uuid;

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use crate::domain::kinds::Verdict;

/// How the claims list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "claims",
    id: Column::Id,
    default_sort: "id",
    sorts: &[
        SortField {
            name: "id",
            column: Column::Id,
            kind: ValueKind::Uuid,
            nullable: false,
        },
        SortField {
            name: "stated",
            column: Column::StatedOn,
            kind: ValueKind::Date,
            nullable: true,
        },
        SortField {
            name: "verdict",
            column: Column::Verdict,
            kind: ValueKind::Text,
            nullable: false,
        },
    ],
    facets: &[
        FacetField {
            name: "verdict",
            column: FacetColumn::Text(Column::Verdict),
        },
        FacetField {
            name: "claimant",
            column: FacetColumn::Text(Column::ClaimantNameEn),
        },
        FacetField {
            name: "source",
            column: FacetColumn::Ref {
                column: Column::SourceId,
                table: "sources",
                key: "key",
            },
        },
    ],
};

/// Which claims to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only with this verdict.
    pub verdict: Option<Verdict>,
    /// Only on this topic.
    pub topic: Option<String>,
    /// Only about this subject: a model or company slug, or a country code.
    pub subject: Option<String>,
    /// Only by a claimant whose name (in either language) contains this, or whose company
    /// has this slug.
    pub claimant: Option<String>,
    /// Only stated on or after this day.
    pub stated_after: Option<NaiveDate>,
    /// Only stated on or before this day.
    pub stated_before: Option<NaiveDate>,
}

/// What belongs to each claim of a page: topics, subjects and evidence, by claim id.
#[derive(Debug, Default)]
pub struct Parts {
    /// Topics by claim.
    pub topics: HashMap<Uuid, Vec<String>>,
    /// Subjects by claim.
    pub subjects: HashMap<Uuid, Vec<claim_subject::Model>>,
    /// Evidence by claim.
    pub evidence: HashMap<Uuid, Vec<evidence::Model>>,
    /// The records all of those refer to.
    pub related: Related,
}

/// A page of claims, with their parts.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<claim::Model>, Parts), DbErr> {
    let mut select = Entity::find();
    if let Some(verdict) = filter.verdict {
        select = select.filter(Column::Verdict.eq(verdict.as_str()));
    }
    if let Some(topic) = filter.topic {
        select = select.filter(
            Column::Id.in_subquery(
                Query::select()
                    .column(claim_topic::Column::ClaimId)
                    .from(claim_topic::Entity)
                    .and_where(claim_topic::Column::Topic.eq(topic))
                    .to_owned(),
            ),
        );
    }
    if let Some(subject) = filter.subject {
        let matches = Condition::any()
            .add(
                claim_subject::Column::ModelId.in_subquery(super::id_where::<model::Entity>(
                    model::Column::Id,
                    model::Column::Slug,
                    &subject,
                )),
            )
            .add(
                claim_subject::Column::CompanyId.in_subquery(super::id_where::<company::Entity>(
                    company::Column::Id,
                    company::Column::Slug,
                    &subject,
                )),
            )
            .add(claim_subject::Column::CountryCode.eq(super::normalize_code(&subject)));
        select = select.filter(
            Column::Id.in_subquery(
                Query::select()
                    .column(claim_subject::Column::ClaimId)
                    .from(claim_subject::Entity)
                    .cond_where(matches)
                    .to_owned(),
            ),
        );
    }
    if let Some(claimant) = filter.claimant {
        let pattern = format!("%{}%", escape_like(&claimant.to_lowercase()));
        let contains = |column: Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        select = select.filter(
            Condition::any()
                .add(contains(Column::ClaimantNameEn))
                .add(contains(Column::ClaimantNameAr))
                .add(
                    Column::ClaimantCompanyId.in_subquery(super::id_where::<company::Entity>(
                        company::Column::Id,
                        company::Column::Slug,
                        &claimant,
                    )),
                ),
        );
    }
    if let Some(day) = filter.stated_after {
        select = select.filter(Column::StatedOn.gte(day));
    }
    if let Some(day) = filter.stated_before {
        select = select.filter(Column::StatedOn.lte(day));
    }
    let page = listing::fetch(db, select, page).await?;
    let parts = parts(db, &page.items).await?;
    Ok((page, parts))
}

/// The claim with this id or dataset key, with its parts.
#[tracing::instrument(skip_all, fields(claim.id = %id_or_key))]
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id_or_key: &str,
) -> Result<Option<(claim::Model, Parts)>, DbErr> {
    let select = match Uuid::parse_str(id_or_key) {
        Ok(id) => Entity::find_by_id(id),
        Err(_) => Entity::find().filter(Column::Key.eq(id_or_key)),
    };
    let Some(claim) = select.one(db).await? else {
        return Ok(None);
    };
    let parts = parts(db, std::slice::from_ref(&claim)).await?;
    Ok(Some((claim, parts)))
}

/// Loads the topics, subjects and evidence of `claims` and what they refer to, in a
/// fixed number of queries.
async fn parts<C: ConnectionTrait>(db: &C, claims: &[claim::Model]) -> Result<Parts, DbErr> {
    let mut parts = Parts::default();
    if claims.is_empty() {
        return Ok(parts);
    }
    let ids: Vec<Uuid> = claims.iter().map(|claim| claim.id).collect();
    let mut needs = Needs::default();
    for claim in claims {
        needs.sources.insert(claim.source_id);
        needs.companies.extend(claim.claimant_company_id);
    }
    for topic in claim_topic::Entity::find()
        .filter(claim_topic::Column::ClaimId.is_in(ids.iter().copied()))
        .order_by_asc(claim_topic::Column::Topic)
        .all(db)
        .await?
    {
        parts
            .topics
            .entry(topic.claim_id)
            .or_default()
            .push(topic.topic);
    }
    for subject in claim_subject::Entity::find()
        .filter(claim_subject::Column::ClaimId.is_in(ids.iter().copied()))
        .order_by_asc(claim_subject::Column::Id)
        .all(db)
        .await?
    {
        needs.models.extend(subject.model_id);
        needs.companies.extend(subject.company_id);
        needs.countries.extend(subject.country_code.clone());
        parts
            .subjects
            .entry(subject.claim_id)
            .or_default()
            .push(subject);
    }
    for item in evidence::Entity::find()
        .filter(evidence::Column::ClaimId.is_in(ids))
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?
    {
        needs.statistics.extend(item.statistic_id);
        needs.sources.extend(item.source_id);
        parts.evidence.entry(item.claim_id).or_default().push(item);
    }
    parts.related = Related::load(db, needs).await?;
    Ok(parts)
}

/// Escapes LIKE's wildcards so user text matches literally.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// What a claim holds outside its own row: topics, subjects and evidence, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Children {
    /// Topics, sorted.
    pub topics: Vec<String>,
    /// Subjects, in the order given.
    pub subjects: Vec<ChildSubject>,
    /// Evidence, in the order given.
    pub evidence: Vec<ChildEvidence>,
}

/// A subject of a claim, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildSubject {
    /// `model`, `company` or `country`.
    pub kind: String,
    /// The model, for a model.
    pub model: Option<Uuid>,
    /// The company, for a company.
    pub company: Option<Uuid>,
    /// The code, for a country.
    pub country: Option<String>,
}

/// A piece of evidence, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildEvidence {
    /// The statistic, when the evidence is one.
    pub statistic: Option<Uuid>,
    /// The source, when the evidence is one.
    pub source: Option<Uuid>,
    /// `supports`, `contradicts` or `context`.
    pub relation: String,
    /// The note in English.
    pub note_en: Option<String>,
    /// The note in Arabic.
    pub note_ar: Option<String>,
}

impl Children {
    /// The parts as a revision records them.
    pub fn to_json(&self) -> Value {
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

impl Children {
    /// The stored topics, subjects and evidence of each claim in `ids`.
    pub async fn load<C: ConnectionTrait>(
        db: &C,
        ids: Vec<Uuid>,
    ) -> Result<HashMap<Uuid, Self>, DbErr> {
        let mut parts: HashMap<Uuid, Self> = HashMap::new();
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
                .push(ChildSubject {
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
                .push(ChildEvidence {
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

    /// Makes these the stored topics, subjects and evidence of `claim_id`, keeping their order.
    pub async fn replace<C: ConnectionTrait>(&self, db: &C, claim_id: Uuid) -> Result<(), DbErr> {
        let parts = self;
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
}
