//! AI models and their lineage.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    company,
    model::{self, Column, Entity},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::connection::OneConnection;
use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use super::writes::{self, WriteError};
use crate::domain::{
    kinds::{Modality, Openness},
    lang::Localized,
    validate::Checks,
};

const SORTS: &[SortField<Entity>] = &[
    SortField {
        name: "slug",
        column: Column::Slug,
        kind: ValueKind::Text,
        nullable: false,
    },
    SortField {
        name: "name",
        column: Column::Name,
        kind: ValueKind::Text,
        nullable: false,
    },
    SortField {
        name: "released",
        column: Column::ReleasedOn,
        kind: ValueKind::Date,
        nullable: true,
    },
    SortField {
        name: "parameters_total",
        column: Column::ParametersTotal,
        kind: ValueKind::BigInt,
        nullable: true,
    },
];

const FACETS: &[FacetField<Entity>] = &[
    FacetField {
        name: "company",
        column: FacetColumn::Ref {
            column: Column::CompanyId,
            table: "companies",
            key: "slug",
        },
    },
    FacetField {
        name: "country",
        column: FacetColumn::Text(Column::CountryCode),
    },
    FacetField {
        name: "openness",
        column: FacetColumn::Text(Column::Openness),
    },
    FacetField {
        name: "license",
        column: FacetColumn::Text(Column::License),
    },
    FacetField {
        name: "base_model",
        column: FacetColumn::Ref {
            column: Column::BaseModelId,
            table: "models",
            key: "slug",
        },
    },
];

/// How the models list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "models",
    id: Column::Id,
    default_sort: "slug",
    sorts: SORTS,
    facets: FACETS,
};

/// How a model's derivatives list sorts and counts.
pub static DERIVATIVES: ListSpec<Entity> = ListSpec {
    name: "derivatives",
    id: Column::Id,
    default_sort: "slug",
    sorts: SORTS,
    facets: FACETS,
};

/// A page of derivatives, what they refer to, and each one's generation below the base.
pub type Derivatives = (Page<model::Model>, Related, HashMap<Uuid, u32>);

/// The deepest `depth` a derivatives request may ask for.
pub const MAX_DEPTH: u32 = 10;

/// Which models to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
    /// Only this company's (slug).
    pub company: Option<String>,
    /// Only those from this country.
    pub country: Option<String>,
    /// Only this openness.
    pub openness: Option<Openness>,
    /// Only under this license.
    pub license: Option<String>,
    /// Only those released on or after this day.
    pub released_after: Option<NaiveDate>,
    /// Only those released on or before this day.
    pub released_before: Option<NaiveDate>,
    /// Only direct derivatives of this model (slug).
    pub base_model: Option<String>,
}

/// A page of models, with the records they refer to.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<model::Model>, Related), DbErr> {
    let db = &OneConnection::take(db).await?;
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "models",
            query,
        ));
    }
    if let Some(slug) = filter.company {
        select = select.filter(
            Column::CompanyId.in_subquery(super::id_where::<company::Entity>(
                company::Column::Id,
                company::Column::Slug,
                &slug,
            )),
        );
    }
    if let Some(country) = filter.country {
        select = select.filter(Column::CountryCode.eq(super::normalize_code(&country)));
    }
    if let Some(openness) = filter.openness {
        select = select.filter(Column::Openness.eq(openness.as_str()));
    }
    if let Some(license) = filter.license {
        select = select.filter(Column::License.eq(license));
    }
    if let Some(day) = filter.released_after {
        select = select.filter(Column::ReleasedOn.gte(day));
    }
    if let Some(day) = filter.released_before {
        select = select.filter(Column::ReleasedOn.lte(day));
    }
    if let Some(slug) = filter.base_model {
        select = select.filter(Column::BaseModelId.in_subquery(super::id_where::<Entity>(
            Column::Id,
            Column::Slug,
            &slug,
        )));
    }
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok((page, related))
}

/// The model with `slug`, alone.
pub async fn row<C: ConnectionTrait>(db: &C, slug: &str) -> Result<Option<model::Model>, DbErr> {
    Entity::find().filter(Column::Slug.eq(slug)).one(db).await
}

/// The model with `slug`, with the records it refers to.
#[tracing::instrument(skip_all, fields(model.slug = %slug))]
pub async fn find(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<Option<(model::Model, Related)>, DbErr> {
    let db = &OneConnection::take(db).await?;
    let Some(model) = row(db, slug).await? else {
        return Ok(None);
    };
    let related = Related::load(db, needs(std::slice::from_ref(&model))).await?;
    Ok(Some((model, related)))
}

/// A page of the models derived from `slug`, directly or through up to `depth`
/// generations, each with its generation; `None` when there is no such model.
#[tracing::instrument(skip_all, fields(model.slug = %slug, depth))]
pub async fn derivatives(
    db: &DatabaseConnection,
    slug: &str,
    depth: u32,
    q: Option<&crate::domain::search_text::Query>,
    page: &PageRequest<Entity>,
) -> Result<Option<Derivatives>, DbErr> {
    let db = &OneConnection::take(db).await?;
    let Some(root) = row(db, slug).await? else {
        return Ok(None);
    };
    let mut generation: HashMap<Uuid, u32> = HashMap::new();
    let mut seen = HashSet::from([root.id]);
    let mut frontier = vec![root.id];
    for level in 1..=depth.min(MAX_DEPTH) {
        if frontier.is_empty() {
            break;
        }
        let children: Vec<Uuid> = Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::BaseModelId.is_in(frontier))
            .into_tuple()
            .all(db)
            .await?;
        frontier = children.into_iter().filter(|id| seen.insert(*id)).collect();
        generation.extend(frontier.iter().map(|id| (*id, level)));
    }
    let mut select = Entity::find().filter(Column::Id.is_in(generation.keys().copied()));
    if let Some(query) = q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "models",
            query,
        ));
    }
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok(Some((page, related, generation)))
}

fn needs(models: &[model::Model]) -> Needs {
    let mut needs = Needs::default();
    for model in models {
        needs.companies.insert(model.company_id);
        needs.countries.insert(model.country_code.clone());
        needs.models.extend(model.base_model_id);
        needs.sources.extend(model.source_id);
    }
    needs
}

/// A model as a request body gives it: the body of `POST`, and what `PATCH` merges into.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "slug": "kimi-k2-instruct-0905", "name": "Kimi-K2-Instruct-0905", "company": "moonshot-ai", "country": "CN",
    "released": "2025-09-05", "openness": "open_weights", "license": "Modified MIT License",
    "parameters_total": 1000000000000u64, "parameters_active": 32000000000u64, "context_window": 256000,
    "modalities": ["text"], "base_model": "kimi-k2-base", "huggingface_repo": "moonshotai/Kimi-K2-Instruct-0905",
    "description": {"en": "An update of Kimi K2's instruction-tuned model.", "ar": "تحديث لنموذج Kimi K2 المضبوط على التعليمات."}
}))]
pub struct ModelInput {
    /// Its slug: lowercase words joined by hyphens.
    pub slug: String,
    /// Its name as its maker writes it.
    pub name: String,
    /// Its maker's slug.
    pub company: String,
    /// Its country of origin (ISO code).
    pub country: String,
    /// When it was released.
    pub released: Option<NaiveDate>,
    /// How openly it is released.
    pub openness: Openness,
    /// Its license.
    pub license: Option<String>,
    /// Its total parameters.
    pub parameters_total: Option<i64>,
    /// Parameters active per token.
    pub parameters_active: Option<i64>,
    /// Its context window, in tokens.
    pub context_window: Option<i64>,
    /// What it takes in and puts out.
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// The slug of the model it derives from.
    pub base_model: Option<String>,
    /// Its Hugging Face repository (`owner/name`).
    pub huggingface_repo: Option<String>,
    /// What it is.
    #[schema(value_type = crate::domain::lang::LocalizedText)]
    pub description: Localized,
    /// The source of these facts: its id or dataset key.
    pub source: Option<String>,
    /// What a reader should know about these facts.
    #[schema(value_type = Option<crate::domain::lang::LocalizedText>)]
    pub note: Option<Localized>,
}

impl ModelInput {
    /// The input that would recreate `model` as it is.
    pub fn of(model: &model::Model, related: &Related) -> Self {
        Self {
            slug: model.slug.clone(),
            name: model.name.clone(),
            company: related
                .companies
                .get(&model.company_id)
                .map_or_else(|| model.company_id.to_string(), |c| c.slug.clone()),
            country: model.country_code.clone(),
            released: model.released_on,
            openness: Openness::parse(&model.openness).unwrap_or(Openness::Research),
            license: model.license.clone(),
            parameters_total: model.parameters_total,
            parameters_active: model.parameters_active,
            context_window: model.context_window,
            modalities: serde_json::from_value(model.modalities.clone()).unwrap_or_default(),
            base_model: model.base_model_id.map(|id| {
                related
                    .models
                    .get(&id)
                    .map_or_else(|| id.to_string(), |m| m.slug.clone())
            }),
            huggingface_repo: model.huggingface_repo.clone(),
            description: Localized::new(&model.description_en, &model.description_ar),
            source: model.source_id.map(|id| super::source_ref(related, id)),
            note: Localized::from_parts(model.note_en.clone(), model.note_ar.clone()),
        }
    }
}

/// Validates `input` into the record it describes (`existing` when it changes one).
pub async fn prepare<C: ConnectionTrait>(
    db: &C,
    input: ModelInput,
    existing: Option<&model::Model>,
) -> Result<model::Model, WriteError> {
    let mut checks = Checks::default();
    checks.slug("slug", &input.slug);
    checks.line("name", &input.name);
    checks.localized("description", &input.description, true);
    if let Some(note) = &input.note {
        checks.localized("note", note, true);
    }
    if let Some(license) = &input.license {
        checks.line("license", license);
    }
    for (field, value) in [
        ("parameters_total", input.parameters_total),
        ("parameters_active", input.parameters_active),
        ("context_window", input.context_window),
    ] {
        if value.is_some_and(|n| n <= 0) {
            checks.fail(field, "must be a positive integer");
        }
    }
    if let (Some(total), Some(active)) = (input.parameters_total, input.parameters_active)
        && active > total
    {
        checks.fail("parameters_active", "cannot exceed parameters_total");
    }
    if let Some(repo) = &input.huggingface_repo {
        let valid = repo.split_once('/').is_some_and(|(owner, name)| {
            let part = |s: &str| {
                !s.is_empty()
                    && s.len() <= 96
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            };
            part(owner) && part(name)
        });
        if !valid {
            checks.fail(
                "huggingface_repo",
                "must be `owner/name`, such as `deepseek-ai/DeepSeek-R1`",
            );
        }
    }
    let company_id = writes::resolve::<company::Entity, _>(
        db,
        &mut checks.errors,
        "company",
        company::Column::Slug,
        &input.company,
        "company",
    )
    .await?;
    let country = writes::check_country(db, &mut checks.errors, "country", &input.country).await?;
    let source_id = match &input.source {
        Some(source) => {
            writes::resolve::<entity::source::Entity, _>(
                db,
                &mut checks.errors,
                "source",
                entity::source::Column::Key,
                source,
                "source",
            )
            .await?
        }
        None => None,
    };
    let base_model_id = match &input.base_model {
        Some(base) => {
            writes::resolve::<Entity, _>(
                db,
                &mut checks.errors,
                "base_model",
                Column::Slug,
                base,
                "model",
            )
            .await?
        }
        None => None,
    };
    // A base model may not be the model itself, nor one of its own derivatives.
    if let (Some(existing), Some(mut current)) = (existing, base_model_id) {
        for _ in 0..=MAX_LINEAGE {
            if current == existing.id {
                checks.fail(
                    "base_model",
                    "a model cannot derive from itself or from one of its derivatives",
                );
                break;
            }
            match Entity::find_by_id(current)
                .one(db)
                .await?
                .and_then(|m| m.base_model_id)
            {
                Some(next) => current = next,
                None => break,
            }
        }
    }
    writes::ensure_unique::<Entity, _>(
        db,
        Column::Slug,
        &input.slug,
        existing.map(|e| e.id),
        "slug",
        "model",
    )
    .await?;
    let now = super::revisions::now();
    let model = model::Model {
        id: existing.map_or_else(Uuid::now_v7, |e| e.id),
        slug: input.slug,
        name: input.name,
        company_id: company_id.unwrap_or_default(),
        country_code: country,
        released_on: input.released,
        openness: input.openness.as_str().to_owned(),
        license: input.license,
        parameters_total: input.parameters_total,
        parameters_active: input.parameters_active,
        context_window: input.context_window,
        modalities: serde_json::json!(
            input
                .modalities
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
        ),
        base_model_id,
        huggingface_repo: input.huggingface_repo,
        description_en: input.description.en,
        description_ar: input.description.ar,
        source_id,
        note_en: input.note.as_ref().map(|n| n.en.clone()),
        note_ar: input.note.map(|n| n.ar),
        search_title: String::new(),
        search_body: String::new(),
        version: existing.map_or(1, |e| e.version),
        created_at: existing.map_or(now, |e| e.created_at),
        updated_at: now,
    };
    Ok(checks.finish(model)?)
}

/// The longest line of base models followed when checking for loops.
const MAX_LINEAGE: usize = 1000;

/// Who cites a model: a model cited anywhere cannot be deleted.
pub const CITED_BY: &[(&str, &str, &str)] = &[
    ("models", "base_model_id", "derived models"),
    ("statistics", "subject_model_id", "statistics"),
    ("claim_subjects", "model_id", "claims (as a subject)"),
];
