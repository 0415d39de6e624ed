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
use super::resources::{self, Prepared, Resource};
use super::statements;
use super::writes::{self, WriteError};
use crate::domain::{
    kinds::{Relation, SubjectType, Verdict},
    lang::Localized,
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

    /// Whether `other` holds the same parts, whatever the ids of their evidence.
    pub fn same(&self, other: &Self) -> bool {
        let without_ids = |parts: &Self| {
            let mut parts = parts.clone();
            parts.evidence.iter_mut().for_each(|e| e.id = None);
            parts
        };
        without_ids(self) == without_ids(other)
    }

    /// Removes the stored topics, subjects and evidence of `claim_id`.
    pub async fn clear<C: ConnectionTrait>(&self, db: &C, claim_id: Uuid) -> Result<(), DbErr> {
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
        Ok(())
    }

    /// Makes these the stored topics, subjects and evidence of `claim_id`, keeping their
    /// order. A piece of evidence without an id keeps the id of one of `old`'s that says
    /// the same, so reloading a claim leaves its evidence's ids (and URLs) as they were.
    pub async fn write<C: ConnectionTrait>(
        &self,
        db: &C,
        claim_id: Uuid,
        old: Option<&Self>,
    ) -> Result<(), DbErr> {
        self.clear(db, claim_id).await?;
        let mut reusable: Vec<&ChildEvidence> = old
            .map(|old| old.evidence.iter().filter(|e| e.id.is_some()).collect())
            .unwrap_or_default();
        reusable.retain(|e| !self.evidence.iter().any(|new| new.id == e.id));
        for topic in &self.topics {
            claim_topic::Model {
                claim_id,
                topic: topic.clone(),
            }
            .into_active_model()
            .reset_all()
            .insert(db)
            .await?;
        }
        for subject in &self.subjects {
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
        for item in &self.evidence {
            let id = item.id.or_else(|| {
                let same = |e: &&ChildEvidence| {
                    ChildEvidence {
                        id: None,
                        ..(*e).clone()
                    } == *item
                };
                let at = reusable.iter().position(same)?;
                reusable.remove(at).id
            });
            evidence::Model {
                id: id.unwrap_or_else(Uuid::now_v7),
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

crate::input! {
    /// A claim as a request body gives it: the body of `POST`, and what `PATCH` merges into.
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
        pub text: Localized,
        /// The words as first published.
        pub original: OriginalInput,
        /// Who made it.
        pub claimant: ClaimantInput,
        /// When it was made.
        pub stated: Option<NaiveDate>,
        /// Where it appeared: a source's id or dataset key.
        pub source: String,
        /// What it is about, in kebab-case words.
        pub topics: Vec<String>,
        /// The models, companies and countries it concerns.
        pub subjects: Vec<SubjectInput>,
        /// The outcome of weighing it.
        pub verdict: Verdict,
        /// Why it got that verdict; required unless the verdict is `unreviewed` or `opinion`.
        pub verdict_summary: Option<Localized>,
        /// What it was weighed against; at least one piece unless the verdict is `unreviewed` or `opinion`.
        pub evidence: Vec<EvidenceInput>,
    }
}

crate::input! {
    /// A claim's words as first published.
    pub struct OriginalInput {
        /// Their language (ISO 639-1).
        pub language: String,
        /// The words.
        pub text: String,
    }
}

crate::input! {
    /// Who made a claim.
    pub struct ClaimantInput {
        /// Their name.
        pub name: Localized,
        /// Their role.
        pub role: Option<Localized>,
        /// The slug of the company they speak for.
        pub company: Option<String>,
    }
}

crate::input! {
    /// A subject of a claim.
    #[schema(example = json!({"type": "company", "key": "openai"}))]
    pub struct SubjectInput {
        /// `model`, `company` or `country`.
        pub kind as "type": SubjectType,
        /// The model's or company's slug, or the country's code.
        pub key: String,
    }
}

crate::input! {
    /// A piece of evidence: a statistic or a source, and how it bears on the claim.
    #[schema(example = json!({"statistic": "openai-o3-price-change-2025-06-10", "relation": "supports"}))]
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
        pub note: Option<Localized>,
    }
}

/// Nothing cites a claim: its topics, subjects and evidence are its own parts and go with it.
pub const CITED_BY: &[(&str, &str, &str)] = &[];

/// Claims through the write path.
pub struct Claims;

impl Resource for Claims {
    type Entity = Entity;
    type Model = claim::Model;
    type Active = claim::ActiveModel;
    type Input = ClaimInput;
    type View = crate::views::claims::Claim;

    const RESOURCE: &'static str = "claims";
    const SINGULAR: &'static str = "claim";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = CITED_BY;

    crate::resource_basics!(claim::Model, |model| model
        .key
        .clone()
        .unwrap_or_else(|| model.id.to_string()));

    fn index(model: &mut claim::Model) {
        model.search_title = super::search::document(&[
            model.key.as_deref(),
            Some(&model.text_en),
            Some(&model.text_ar),
        ]);
        model.search_body = super::search::document(&[
            Some(&model.original_text),
            Some(&model.claimant_name_en),
            Some(&model.claimant_name_ar),
            model.claimant_role_en.as_deref(),
            model.claimant_role_ar.as_deref(),
            model.verdict_summary_en.as_deref(),
            model.verdict_summary_ar.as_deref(),
        ]);
    }

    async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<claim::Model>, DbErr> {
        match Uuid::parse_str(key) {
            Ok(id) => Entity::find_by_id(id).one(db).await,
            Err(_) => Entity::find().filter(Column::Key.eq(key)).one(db).await,
        }
    }

    async fn validate<C: ConnectionTrait>(
        db: &C,
        input: ClaimInput,
        existing: Option<&claim::Model>,
        checks: &mut Checks,
    ) -> Result<Prepared<claim::Model>, DbErr> {
        let (claim, parts) = prepare(db, input, existing, checks).await?;
        Ok(Prepared {
            model: claim,
            parts: Some(parts),
        })
    }

    async fn view<C: ConnectionTrait>(
        db: &C,
        model: claim::Model,
        lang: Option<crate::domain::lang::Lang>,
    ) -> Result<Self::View, WriteError> {
        let parts = parts(db, std::slice::from_ref(&model)).await?;
        Ok(crate::views::claims::Claim::build(model, &parts, lang)?)
    }

    async fn parts<C: ConnectionTrait>(
        db: &C,
        model: &claim::Model,
    ) -> Result<Option<Children>, DbErr> {
        Ok(Some(
            Children::load(db, vec![model.id])
                .await?
                .remove(&model.id)
                .unwrap_or_default(),
        ))
    }

    fn input_of(shown: &serde_json::Value) -> serde_json::Value {
        use serde_json::{Value, json};
        let mut input = resources::fields(
            shown,
            &[
                "key",
                "text",
                "original",
                "stated",
                "topics",
                "verdict",
                "verdict_summary",
            ],
        );
        input.insert("source".into(), resources::reference(shown, "source"));
        input.insert(
            "claimant".into(),
            json!({
                "name": shown["claimant"]["name"],
                "role": shown["claimant"]["role"],
                "company": resources::reference(&shown["claimant"], "company"),
            }),
        );
        let list = |field: &str| shown[field].as_array().cloned().unwrap_or_default();
        input.insert(
            "subjects".into(),
            Value::Array(
                list("subjects")
                    .iter()
                    .map(|s| json!({"type": s["type"], "key": s["key"]}))
                    .collect(),
            ),
        );
        input.insert(
            "evidence".into(),
            Value::Array(
                list("evidence")
                    .iter()
                    .map(|e| {
                        json!({
                            "id": e["id"],
                            "statistic": resources::reference(e, "statistic"),
                            "source": resources::reference(e, "source"),
                            "relation": e["relation"],
                            "note": e["note"],
                        })
                    })
                    .collect(),
            ),
        );
        Value::Object(input)
    }

    /// A claim's snapshot holds its topics, subjects and evidence too, but not the ids of
    /// its evidence: a piece of evidence the claim still holds keeps its id, and one it
    /// no longer holds gets an id derived from the claim and what it says, the same in
    /// every revision that shows it.
    async fn from_snapshot<C: ConnectionTrait>(
        db: &C,
        snapshot: &Value,
    ) -> Result<Option<Value>, DbErr> {
        let (Some(model), Some(mut children)) = (
            super::revisions::from_picture::<Entity>(snapshot),
            Children::from_json(snapshot),
        ) else {
            return Ok(None);
        };
        let held = Children::load(db, vec![model.id])
            .await?
            .remove(&model.id)
            .unwrap_or_default();
        for item in &mut children.evidence {
            let same = |e: &&ChildEvidence| {
                ChildEvidence {
                    id: None,
                    ..(*e).clone()
                } == *item
            };
            item.id = Some(
                held.evidence
                    .iter()
                    .find(same)
                    .and_then(|e| e.id)
                    .unwrap_or_else(|| {
                        let says = format!(
                            "{:?}|{:?}|{}|{:?}|{:?}",
                            item.statistic, item.source, item.relation, item.note_en, item.note_ar
                        );
                        Uuid::new_v5(&model.id, says.as_bytes())
                    }),
            );
        }
        let mut needs = Needs::default();
        needs.sources.insert(model.source_id);
        needs.companies.extend(model.claimant_company_id);
        let mut parts = Parts::default();
        parts.topics.insert(model.id, children.topics.clone());
        let subjects = children.subjects.iter().map(|subject| {
            needs.models.extend(subject.model);
            needs.companies.extend(subject.company);
            needs.countries.extend(subject.country.clone());
            claim_subject::Model {
                id: Uuid::nil(),
                claim_id: model.id,
                subject_type: subject.kind.clone(),
                model_id: subject.model,
                company_id: subject.company,
                country_code: subject.country.clone(),
            }
        });
        parts.subjects.insert(model.id, subjects.collect());
        let evidence = children.evidence.iter().map(|item| {
            needs.statistics.extend(item.statistic);
            needs.sources.extend(item.source);
            evidence::Model {
                id: item.id.unwrap_or_default(),
                claim_id: model.id,
                statistic_id: item.statistic,
                source_id: item.source,
                relation: item.relation.clone(),
                note_en: item.note_en.clone(),
                note_ar: item.note_ar.clone(),
            }
        });
        parts.evidence.insert(model.id, evidence.collect());
        parts.related = Related::load(db, needs).await?;
        Ok(crate::views::claims::Claim::build(model, &parts, None)
            .ok()
            .and_then(|view| serde_json::to_value(view).ok()))
    }

    fn also_announces(
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Vec<String> {
        match (before, after) {
            (Some(before), Some(after)) if before["verdict"] != after["verdict"] => {
                vec!["claim.verdict_changed".to_owned()]
            }
            _ => Vec::new(),
        }
    }
}

/// Validates `input` into the claim and the parts it describes (`existing` when it changes one).
async fn prepare<C: ConnectionTrait>(
    db: &C,
    input: ClaimInput,
    existing: Option<&claim::Model>,
    checks: &mut Checks,
) -> Result<(claim::Model, Children), DbErr> {
    if let Some(key) = &input.key {
        writes::unique_slug::<Entity, _>(
            db,
            checks,
            (Column::Id, Column::Key),
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
                checks,
                "claimant.company",
                (company::Column::Id, company::Column::Slug),
                slug,
                "company",
            )
            .await?
        }
        None => None,
    };
    let source_id = writes::resolve::<entity::source::Entity, _>(
        db,
        checks,
        "source",
        (entity::source::Column::Id, entity::source::Column::Key),
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
                    checks,
                    &field,
                    (model::Column::Id, model::Column::Slug),
                    &subject.key,
                    "model",
                )
                .await?
            }
            SubjectType::Company => {
                child.company = writes::resolve::<company::Entity, _>(
                    db,
                    checks,
                    &field,
                    (company::Column::Id, company::Column::Slug),
                    &subject.key,
                    "company",
                )
                .await?
            }
            SubjectType::Country => {
                child.country = Some(writes::check_country(db, checks, &field, &subject.key).await?)
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
                    checks,
                    &format!("evidence[{i}].statistic"),
                    (
                        entity::statistic::Column::Id,
                        entity::statistic::Column::Key,
                    ),
                    stat,
                    "statistic",
                )
                .await?
            }
            (None, Some(source)) => {
                child.source = writes::resolve::<entity::source::Entity, _>(
                    db,
                    checks,
                    &format!("evidence[{i}].source"),
                    (entity::source::Column::Id, entity::source::Column::Key),
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
        created_at: existing.map_or_else(chrono::Utc::now, |e| e.created_at),
        updated_at: existing.map_or_else(chrono::Utc::now, |e| e.updated_at),
    };
    Ok((
        claim,
        Children {
            topics,
            subjects,
            evidence,
        },
    ))
}

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
    pub verdict: Verdict,
    /// Its summary at the time.
    pub summary: Option<Localized>,
}

/// The history of a claim's verdict, newest first: one entry for each revision that set
/// a verdict or changed its summary, read from the claim as each revision shows it.
pub async fn verdicts<C: ConnectionTrait>(
    db: &C,
    claim_id: Uuid,
) -> Result<Vec<VerdictChange>, WriteError> {
    use entity::revision;
    let revisions = revision::Entity::find()
        .filter(revision::Column::Resource.eq("claims"))
        .filter(revision::Column::RecordId.eq(claim_id))
        .order_by_asc(revision::Column::Id)
        .all(db)
        .await?;
    let mut changes: Vec<VerdictChange> = Vec::new();
    for revision in revisions {
        if revision.action == "delete" {
            continue;
        }
        let Some(after) = super::revisions::representation(&revision) else {
            continue;
        };
        let verdict = after["verdict"]
            .as_str()
            .and_then(Verdict::parse)
            .ok_or_else(|| anyhow::anyhow!("revision {} shows no verdict", revision.id))?;
        let summary: Option<Localized> = serde_json::from_value(after["verdict_summary"].clone())
            .map_err(|err| {
            anyhow::anyhow!(
                "revision {} shows a summary that is not text: {err}",
                revision.id
            )
        })?;
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
