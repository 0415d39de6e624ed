//! Claims about the AI race, with their subjects, topics and evidence.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel};
use serde_json::{Value, json};

use chrono::NaiveDate;
use entity::{
    claim::{self, Column, Entity},
    claim_subject, claim_topic, company, evidence, model,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Select,
    Value as SqlValue,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};
use uuid::Uuid;

use super::connection::OneConnection;
use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use super::statements;
use super::writes::{self, WriteError};
use crate::domain::{
    kinds::{Relation, SubjectType, Verdict},
    validate::Checks,
};

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
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
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
    /// Only those whose `subject` is of this type.
    pub subject_type: Option<SubjectType>,
    /// Only those with this statistic among their evidence.
    pub statistic: Option<Uuid>,
    /// Only those whose verdict can be published as a ClaimReview.
    pub reviewed: bool,
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
pub async fn list(
    db: &DatabaseConnection,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<claim::Model>, Parts), DbErr> {
    let db = &OneConnection::take(db).await?;
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "claims",
            query,
        ));
    }
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
        let by_model = claim_subject::Column::ModelId.in_subquery(
            super::id_where::<model::Entity>(model::Column::Id, model::Column::Slug, &subject),
        );
        let by_company =
            claim_subject::Column::CompanyId.in_subquery(super::id_where::<company::Entity>(
                company::Column::Id,
                company::Column::Slug,
                &subject,
            ));
        let by_country = claim_subject::Column::CountryCode.eq(super::normalize_code(&subject));
        let matches = match filter.subject_type {
            Some(SubjectType::Model) => Condition::all().add(by_model),
            Some(SubjectType::Company) => Condition::all().add(by_company),
            Some(SubjectType::Country) => Condition::all().add(by_country),
            None => Condition::any()
                .add(by_model)
                .add(by_company)
                .add(by_country),
        };
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
    if let Some(statistic) = filter.statistic {
        select = select.filter(
            Column::Id.in_subquery(
                Query::select()
                    .column(evidence::Column::ClaimId)
                    .from(evidence::Entity)
                    .and_where(evidence::Column::StatisticId.eq(statistic))
                    .to_owned(),
            ),
        );
    }
    if filter.reviewed {
        let reviewed: Vec<&str> = Verdict::ALL
            .iter()
            .filter(|v| v.needs_evidence())
            .map(|v| v.as_str())
            .collect();
        select = select.filter(Column::Verdict.is_in(reviewed));
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
pub async fn find(
    db: &DatabaseConnection,
    id_or_key: &str,
) -> Result<Option<(claim::Model, Parts)>, DbErr> {
    let db = &OneConnection::take(db).await?;
    let found = match Uuid::parse_str(id_or_key) {
        Ok(id) => statements::rows(db, by_ids, vec![id.into()]).await?,
        Err(_) => statements::rows(db, by_keys, vec![id_or_key.into()]).await?,
    };
    let Some(claim) = found.into_iter().next() else {
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
    let ids: Vec<SqlValue> = ids.into_iter().map(SqlValue::from).collect();
    for topic in statements::rows(db, topics_of, ids.clone()).await? {
        parts
            .topics
            .entry(topic.claim_id)
            .or_default()
            .push(topic.topic);
    }
    for subject in statements::rows(db, subjects_of, ids.clone()).await? {
        needs.models.extend(subject.model_id);
        needs.companies.extend(subject.company_id);
        needs.countries.extend(subject.country_code.clone());
        parts
            .subjects
            .entry(subject.claim_id)
            .or_default()
            .push(subject);
    }
    for item in statements::rows(db, evidence_of, ids).await? {
        needs.statistics.extend(item.statistic_id);
        needs.sources.extend(item.source_id);
        parts.evidence.entry(item.claim_id).or_default().push(item);
    }
    parts.related = Related::load(db, needs).await?;
    Ok(parts)
}

/// The claims with these ids.
fn by_ids(ids: Vec<SqlValue>) -> Select<Entity> {
    Entity::find().filter(Column::Id.is_in(ids))
}

/// The claims with these dataset keys.
fn by_keys(keys: Vec<SqlValue>) -> Select<Entity> {
    Entity::find().filter(Column::Key.is_in(keys))
}

/// The topics of the claims with these ids, in order.
fn topics_of(ids: Vec<SqlValue>) -> Select<claim_topic::Entity> {
    claim_topic::Entity::find()
        .filter(claim_topic::Column::ClaimId.is_in(ids))
        .order_by_asc(claim_topic::Column::Topic)
}

/// The subjects of the claims with these ids, in the order given.
fn subjects_of(ids: Vec<SqlValue>) -> Select<claim_subject::Entity> {
    claim_subject::Entity::find()
        .filter(claim_subject::Column::ClaimId.is_in(ids))
        .order_by_asc(claim_subject::Column::Id)
}

/// The evidence of the claims with these ids, in the order given.
fn evidence_of(ids: Vec<SqlValue>) -> Select<evidence::Entity> {
    evidence::Entity::find()
        .filter(evidence::Column::ClaimId.is_in(ids))
        .order_by_asc(evidence::Column::Id)
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
    /// Its id, when it already has one (kept across changes to the claim).
    pub id: Option<Uuid>,
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
    /// The stored parts of claim `id`, from a loaded page's `parts`.
    pub fn of(id: Uuid, parts: &Parts) -> Self {
        Self {
            topics: parts.topics.get(&id).cloned().unwrap_or_default(),
            subjects: parts
                .subjects
                .get(&id)
                .into_iter()
                .flatten()
                .map(|s| ChildSubject {
                    kind: s.subject_type.clone(),
                    model: s.model_id,
                    company: s.company_id,
                    country: s.country_code.clone(),
                })
                .collect(),
            evidence: parts
                .evidence
                .get(&id)
                .into_iter()
                .flatten()
                .map(|e| ChildEvidence {
                    id: Some(e.id),
                    statistic: e.statistic_id,
                    source: e.source_id,
                    relation: e.relation.clone(),
                    note_en: e.note_en.clone(),
                    note_ar: e.note_ar.clone(),
                })
                .collect(),
        }
    }

    /// The parts a revision's picture of a claim records, if it records them.
    pub fn from_json(picture: &Value) -> Option<Self> {
        let uuid = |value: &Value| value.as_str().and_then(|s| s.parse::<Uuid>().ok());
        let text = |value: &Value| value.as_str().map(str::to_owned);
        Some(Self {
            topics: picture
                .get("topics")?
                .as_array()?
                .iter()
                .filter_map(text)
                .collect(),
            subjects: picture
                .get("subjects")?
                .as_array()?
                .iter()
                .map(|s| ChildSubject {
                    kind: text(&s["type"]).unwrap_or_default(),
                    model: uuid(&s["model_id"]),
                    company: uuid(&s["company_id"]),
                    country: text(&s["country_code"]),
                })
                .collect(),
            evidence: picture
                .get("evidence")?
                .as_array()?
                .iter()
                .map(|e| ChildEvidence {
                    id: None,
                    statistic: uuid(&e["statistic_id"]),
                    source: uuid(&e["source_id"]),
                    relation: text(&e["relation"]).unwrap_or_default(),
                    note_en: text(&e["note_en"]),
                    note_ar: text(&e["note_ar"]),
                })
                .collect(),
        })
    }

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
                    id: Some(item.id),
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
                id: item.id.unwrap_or_else(Uuid::now_v7),
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

/// A claim as a request body gives it: the body of `POST`, and what `PATCH` merges into.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text": {"en": "OpenAI released open-weight models in August 2025.", "ar": "أصدرت أوبن إيه آي نماذج مفتوحة الأوزان في أغسطس 2025."},
    "original": {"language": "en", "text": "OpenAI released open-weight models in August 2025."},
    "claimant": {"name": {"en": "A newsroom", "ar": "غرفة أخبار"}},
    "source": "openai-gpt-oss-release", "topics": ["open-weights"],
    "subjects": [{"type": "company", "key": "openai"}],
    "verdict": "supported",
    "verdict_summary": {"en": "gpt-oss-120b and gpt-oss-20b came out on 2025-08-05.", "ar": "صدر نموذجا gpt-oss-120b وgpt-oss-20b في 5 أغسطس 2025."},
    "evidence": [{"source": "openai-gpt-oss-release", "relation": "supports"}]
}))]
pub struct ClaimInput {
    /// A stable key to cite it by (optional).
    pub key: Option<String>,
    /// The claim, in both languages.
    #[schema(value_type = crate::domain::lang::LocalizedText)]
    pub text: crate::domain::lang::Localized,
    /// The words as first published.
    pub original: OriginalInput,
    /// Who made it.
    pub claimant: ClaimantInput,
    /// When it was made.
    pub stated: Option<NaiveDate>,
    /// Where it appeared: a source's id or dataset key.
    pub source: String,
    /// What it is about, in kebab-case words.
    #[serde(default)]
    pub topics: Vec<String>,
    /// The models, companies and countries it concerns.
    #[serde(default)]
    pub subjects: Vec<SubjectInput>,
    /// The outcome of weighing it.
    pub verdict: Verdict,
    /// Why it got that verdict; required unless the verdict is `unreviewed`.
    #[schema(value_type = Option<crate::domain::lang::LocalizedText>)]
    pub verdict_summary: Option<crate::domain::lang::Localized>,
    /// What it was weighed against; at least one piece unless the verdict is `unreviewed` or `opinion`.
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
}

/// A claim's words as first published.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OriginalInput {
    /// Their language (ISO 639-1).
    pub language: String,
    /// The words.
    pub text: String,
}

/// Who made a claim.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimantInput {
    /// Their name.
    #[schema(value_type = crate::domain::lang::LocalizedText)]
    pub name: crate::domain::lang::Localized,
    /// Their role.
    #[schema(value_type = Option<crate::domain::lang::LocalizedText>)]
    pub role: Option<crate::domain::lang::Localized>,
    /// The slug of the company they speak for.
    pub company: Option<String>,
}

/// A subject of a claim.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    /// `model`, `company` or `country`.
    #[serde(rename = "type")]
    pub kind: SubjectType,
    /// The model's or company's slug, or the country's code.
    pub key: String,
}

/// A piece of evidence: a statistic or a source, and how it bears on the claim.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// Its id: given for evidence the claim already has, left out for new evidence.
    pub id: Option<Uuid>,
    /// A statistic's id or key …
    pub statistic: Option<String>,
    /// … or a source's id or key.
    pub source: Option<String>,
    /// How it bears on the claim.
    pub relation: Relation,
    /// A note on how it bears on the claim.
    #[schema(value_type = Option<crate::domain::lang::LocalizedText>)]
    pub note: Option<crate::domain::lang::Localized>,
}

impl ClaimInput {
    /// The input that would recreate `claim` as it is.
    pub fn of(claim: &claim::Model, parts: &Parts) -> Self {
        let related = &parts.related;
        let subjects = parts
            .subjects
            .get(&claim.id)
            .into_iter()
            .flatten()
            .map(|s| SubjectInput {
                kind: SubjectType::parse(&s.subject_type).unwrap_or(SubjectType::Country),
                key: s
                    .model_id
                    .and_then(|id| related.models.get(&id).map(|m| m.slug.clone()))
                    .or_else(|| {
                        s.company_id
                            .and_then(|id| related.companies.get(&id).map(|c| c.slug.clone()))
                    })
                    .or_else(|| s.country_code.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let evidence = parts
            .evidence
            .get(&claim.id)
            .into_iter()
            .flatten()
            .map(|e| EvidenceInput {
                id: Some(e.id),
                statistic: e.statistic_id.map(|id| {
                    related
                        .statistics
                        .get(&id)
                        .and_then(|s| s.key.clone())
                        .unwrap_or_else(|| id.to_string())
                }),
                source: e.source_id.map(|id| super::source_ref(related, id)),
                relation: Relation::parse(&e.relation).unwrap_or(Relation::Context),
                note: crate::domain::lang::Localized::from_parts(
                    e.note_en.clone(),
                    e.note_ar.clone(),
                ),
            })
            .collect();
        Self {
            key: claim.key.clone(),
            text: crate::domain::lang::Localized::new(&claim.text_en, &claim.text_ar),
            original: OriginalInput {
                language: claim.original_language.clone(),
                text: claim.original_text.clone(),
            },
            claimant: ClaimantInput {
                name: crate::domain::lang::Localized::new(
                    &claim.claimant_name_en,
                    &claim.claimant_name_ar,
                ),
                role: crate::domain::lang::Localized::from_parts(
                    claim.claimant_role_en.clone(),
                    claim.claimant_role_ar.clone(),
                ),
                company: claim
                    .claimant_company_id
                    .and_then(|id| related.companies.get(&id).map(|c| c.slug.clone())),
            },
            stated: claim.stated_on,
            source: super::source_ref(related, claim.source_id),
            topics: parts.topics.get(&claim.id).cloned().unwrap_or_default(),
            subjects,
            verdict: Verdict::parse(&claim.verdict).unwrap_or(Verdict::Unreviewed),
            verdict_summary: crate::domain::lang::Localized::from_parts(
                claim.verdict_summary_en.clone(),
                claim.verdict_summary_ar.clone(),
            ),
            evidence,
        }
    }
}

/// Validates `input` into the claim and the parts it describes (`existing` when it changes one).
pub async fn prepare<C: ConnectionTrait>(
    db: &C,
    input: ClaimInput,
    existing: Option<&claim::Model>,
) -> Result<(claim::Model, Children), WriteError> {
    let mut checks = Checks::default();
    if let Some(key) = &input.key {
        checks.slug("key", key);
        writes::ensure_unique::<Entity, _>(
            db,
            Column::Key,
            key,
            existing.map(|e| e.id),
            "key",
            "claim",
        )
        .await?;
    }
    checks.localized("text", &input.text, true);
    checks.language("original.language", &input.original.language);
    checks.text("original.text", &input.original.text);
    checks.localized("claimant.name", &input.claimant.name, false);
    if let Some(role) = &input.claimant.role {
        checks.localized("claimant.role", role, false);
    }
    if let Some(summary) = &input.verdict_summary {
        checks.localized("verdict_summary", summary, true);
    }
    if input.verdict.needs_evidence() && input.verdict_summary.is_none() {
        checks.fail(
            "verdict_summary",
            format!(
                "a `{}` verdict needs a summary in English and Arabic",
                input.verdict
            ),
        );
    }
    if input.verdict.needs_evidence() && input.evidence.is_empty() {
        checks.fail(
            "evidence",
            format!(
                "a `{}` verdict needs at least one piece of evidence",
                input.verdict
            ),
        );
    }
    let mut topics = input.topics.clone();
    for (i, topic) in topics.iter().enumerate() {
        let valid = !topic.is_empty()
            && topic.len() <= 60
            && topic.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !valid {
            checks.fail(
                format!("topics[{i}]"),
                "must be lowercase words joined by hyphens, such as `soft-power`",
            );
        }
    }
    topics.sort();
    topics.dedup();
    let claimant_company = match &input.claimant.company {
        Some(slug) => {
            writes::resolve::<company::Entity, _>(
                db,
                &mut checks.errors,
                "claimant.company",
                company::Column::Slug,
                slug,
                "company",
            )
            .await?
        }
        None => None,
    };
    let source_id = writes::resolve::<entity::source::Entity, _>(
        db,
        &mut checks.errors,
        "source",
        entity::source::Column::Key,
        &input.source,
        "source",
    )
    .await?;
    let mut subjects = Vec::new();
    for (i, subject) in input.subjects.iter().enumerate() {
        let field = format!("subjects[{i}].key");
        let mut child = ChildSubject {
            kind: subject.kind.as_str().to_owned(),
            model: None,
            company: None,
            country: None,
        };
        match subject.kind {
            SubjectType::Model => {
                child.model = writes::resolve::<model::Entity, _>(
                    db,
                    &mut checks.errors,
                    &field,
                    model::Column::Slug,
                    &subject.key,
                    "model",
                )
                .await?
            }
            SubjectType::Company => {
                child.company = writes::resolve::<company::Entity, _>(
                    db,
                    &mut checks.errors,
                    &field,
                    company::Column::Slug,
                    &subject.key,
                    "company",
                )
                .await?
            }
            SubjectType::Country => {
                child.country =
                    Some(writes::check_country(db, &mut checks.errors, &field, &subject.key).await?)
            }
        }
        if subjects.contains(&child) {
            checks.fail(format!("subjects[{i}]"), "is listed twice");
        }
        subjects.push(child);
    }
    let mut evidence = Vec::new();
    for (i, item) in input.evidence.iter().enumerate() {
        let mut child = ChildEvidence {
            id: item.id,
            statistic: None,
            source: None,
            relation: item.relation.as_str().to_owned(),
            note_en: item.note.as_ref().map(|n| n.en.clone()),
            note_ar: item.note.as_ref().map(|n| n.ar.clone()),
        };
        match (&item.statistic, &item.source) {
            (Some(stat), None) => {
                child.statistic = writes::resolve::<entity::statistic::Entity, _>(
                    db,
                    &mut checks.errors,
                    &format!("evidence[{i}].statistic"),
                    entity::statistic::Column::Key,
                    stat,
                    "statistic",
                )
                .await?
            }
            (None, Some(source)) => {
                child.source = writes::resolve::<entity::source::Entity, _>(
                    db,
                    &mut checks.errors,
                    &format!("evidence[{i}].source"),
                    entity::source::Column::Key,
                    source,
                    "source",
                )
                .await?
            }
            _ => checks.fail(
                format!("evidence[{i}]"),
                "name either a `statistic` or a `source`",
            ),
        }
        if let Some(note) = &item.note {
            checks.localized(&format!("evidence[{i}].note"), note, true);
        }
        if item.id.is_some() && evidence.iter().any(|e: &ChildEvidence| e.id == item.id) {
            checks.fail(format!("evidence[{i}].id"), "is listed twice");
        }
        evidence.push(child);
    }
    let now = super::revisions::now();
    let claim = claim::Model {
        id: existing.map_or_else(Uuid::now_v7, |e| e.id),
        key: input.key,
        text_en: input.text.en,
        text_ar: input.text.ar,
        original_language: input.original.language,
        original_text: input.original.text,
        claimant_name_en: input.claimant.name.en,
        claimant_name_ar: input.claimant.name.ar,
        claimant_role_en: input.claimant.role.as_ref().map(|r| r.en.clone()),
        claimant_role_ar: input.claimant.role.map(|r| r.ar),
        claimant_company_id: claimant_company,
        stated_on: input.stated,
        source_id: source_id.unwrap_or_default(),
        verdict: input.verdict.as_str().to_owned(),
        verdict_summary_en: input.verdict_summary.as_ref().map(|s| s.en.clone()),
        verdict_summary_ar: input.verdict_summary.map(|s| s.ar),
        search_title: String::new(),
        search_body: String::new(),
        version: existing.map_or(1, |e| e.version),
        created_at: existing.map_or(now, |e| e.created_at),
        updated_at: now,
    };
    Ok(checks.finish((
        claim,
        Children {
            topics,
            subjects,
            evidence,
        },
    ))?)
}

/// Nothing cites a claim: its topics, subjects and evidence are its own parts and go with it.
pub const CITED_BY: &[(&str, &str, &str)] = &[];

/// A claim's verdict as it stood after one change.
#[derive(Clone, Debug)]
pub struct VerdictChange {
    /// The revision that set it.
    pub revision_id: Uuid,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who: an API key's id, or `dataset`.
    pub actor: String,
    /// The verdict.
    pub verdict: String,
    /// Its summary at the time.
    pub summary: Option<crate::domain::lang::Localized>,
}

/// The history of a claim's verdict, newest first: one entry for each revision that set
/// a verdict or changed its summary.
pub async fn verdicts<C: ConnectionTrait>(
    db: &C,
    claim_id: Uuid,
) -> Result<Vec<VerdictChange>, DbErr> {
    use entity::revision;
    let revisions = revision::Entity::find()
        .filter(revision::Column::Resource.eq("claims"))
        .filter(revision::Column::RecordId.eq(claim_id))
        .order_by_asc(revision::Column::Id)
        .all(db)
        .await?;
    let mut changes: Vec<VerdictChange> = Vec::new();
    for revision in revisions {
        let Some(after) = &revision.after else {
            continue;
        };
        let text = |field: &str| after.get(field).and_then(Value::as_str).map(str::to_owned);
        let verdict = text("verdict").unwrap_or_default();
        let summary = crate::domain::lang::Localized::from_parts(
            text("verdict_summary_en"),
            text("verdict_summary_ar"),
        );
        let same = changes
            .last()
            .is_some_and(|last| last.verdict == verdict && last.summary == summary);
        if !same {
            changes.push(VerdictChange {
                revision_id: revision.id,
                at: revision.at,
                actor: revision.actor,
                verdict,
                summary,
            });
        }
    }
    changes.reverse();
    Ok(changes)
}
