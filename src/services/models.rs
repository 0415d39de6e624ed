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
use super::resources::{self, Prepared, Resource};
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

/// The model with this id or slug, alone.
pub async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<model::Model>, DbErr> {
    let select = match Uuid::parse_str(key) {
        Ok(id) => Entity::find_by_id(id),
        Err(_) => Entity::find().filter(Column::Slug.eq(key)),
    };
    select.one(db).await
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

crate::input! {
    /// A model as a request body gives it: the body of `POST`, and what `PATCH` merges into.
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
        /// Its maker: a company's slug or id.
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
        pub modalities: Vec<Modality>,
        /// The model it derives from: its slug or id.
        pub base_model: Option<String>,
        /// Its Hugging Face repository (`owner/name`).
        pub huggingface_repo: Option<String>,
        /// What it is.
        pub description: Localized,
        /// The source of these facts: its id or dataset key.
        pub source: Option<String>,
        /// What a reader should know about these facts.
        pub note: Option<Localized>,
    }
}

/// The longest line of base models followed when checking for loops.
const MAX_LINEAGE: usize = 1000;

/// Who cites a model: a model cited anywhere cannot be deleted.
pub const CITED_BY: &[(&str, &str, &str)] = &[
    ("models", "base_model_id", "derived models"),
    ("statistics", "subject_model_id", "statistics"),
    ("claim_subjects", "model_id", "claims (as a subject)"),
];

/// Models through the write path.
pub struct Models;

impl Resource for Models {
    type Entity = Entity;
    type Model = model::Model;
    type Active = model::ActiveModel;
    type Input = ModelInput;
    type View = crate::views::models::Model;

    const RESOURCE: &'static str = "models";
    const SINGULAR: &'static str = "model";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = CITED_BY;

    crate::resource_basics!(model::Model, |model| model.slug.clone());

    fn index(model: &mut model::Model) {
        model.search_title = super::search::document(&[Some(&model.name), Some(&model.slug)]);
        model.search_body = super::search::document(&[
            Some(&model.description_en),
            Some(&model.description_ar),
            model.note_en.as_deref(),
            model.note_ar.as_deref(),
            model.license.as_deref(),
            model.huggingface_repo.as_deref(),
        ]);
    }

    async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<model::Model>, DbErr> {
        row(db, key).await
    }

    async fn validate<C: ConnectionTrait>(
        db: &C,
        input: ModelInput,
        existing: Option<&model::Model>,
        checks: &mut Checks,
    ) -> Result<Prepared<model::Model>, DbErr> {
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
            checks,
            "company",
            (company::Column::Id, company::Column::Slug),
            &input.company,
            "company",
        )
        .await?;
        let country = writes::check_country(db, checks, "country", &input.country).await?;
        let source_id = match &input.source {
            Some(source) => {
                writes::resolve::<entity::source::Entity, _>(
                    db,
                    checks,
                    "source",
                    (entity::source::Column::Id, entity::source::Column::Key),
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
                    checks,
                    "base_model",
                    (Column::Id, Column::Slug),
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
            checks,
            (Column::Id, Column::Slug),
            &input.slug,
            existing.map(|e| e.id),
            "slug",
            "model",
        )
        .await?;
        Ok(Prepared::row(model::Model {
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
            created_at: existing.map_or_else(chrono::Utc::now, |e| e.created_at),
            updated_at: existing.map_or_else(chrono::Utc::now, |e| e.updated_at),
        }))
    }

    async fn view<C: ConnectionTrait>(
        db: &C,
        model: model::Model,
        lang: Option<crate::domain::lang::Lang>,
    ) -> Result<Self::View, WriteError> {
        let related = Related::load(db, needs(std::slice::from_ref(&model))).await?;
        Ok(crate::views::models::Model::build(
            model, &related, None, lang,
        )?)
    }

    fn input_of(shown: &serde_json::Value) -> serde_json::Value {
        let mut input = resources::fields(
            shown,
            &[
                "slug",
                "name",
                "released",
                "openness",
                "license",
                "parameters_total",
                "parameters_active",
                "context_window",
                "modalities",
                "huggingface_repo",
                "description",
                "note",
            ],
        );
        for field in ["company", "country", "base_model", "source"] {
            input.insert(field.into(), resources::reference(shown, field));
        }
        serde_json::Value::Object(input)
    }
}
