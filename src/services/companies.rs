//! Companies and labs that build models.

use entity::company::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::connection::OneConnection;
use super::writes::{self, WriteError};
use crate::domain::validate::Checks;

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use crate::domain::kinds::CompanyKind;

/// How the companies list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "companies",
    id: Column::Id,
    default_sort: "slug",
    sorts: &[
        SortField {
            name: "slug",
            column: Column::Slug,
            kind: ValueKind::Text,
            nullable: false,
        },
        SortField {
            name: "name",
            column: Column::NameEn,
            kind: ValueKind::Text,
            nullable: false,
        },
        SortField {
            name: "founded",
            column: Column::FoundedYear,
            kind: ValueKind::Int,
            nullable: true,
        },
    ],
    facets: &[
        FacetField {
            name: "country",
            column: FacetColumn::Text(Column::CountryCode),
        },
        FacetField {
            name: "kind",
            column: FacetColumn::Text(Column::Kind),
        },
    ],
};

/// Which companies to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
    /// Only those based in this country.
    pub country: Option<String>,
    /// Only this kind.
    pub kind: Option<CompanyKind>,
}

/// The company with `slug`, alone.
pub async fn row<C: ConnectionTrait>(db: &C, slug: &str) -> Result<Option<company::Model>, DbErr> {
    Entity::find().filter(Column::Slug.eq(slug)).one(db).await
}

/// A page of companies, with the records they refer to.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<company::Model>, Related), DbErr> {
    let db = &OneConnection::take(db).await?;
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "companies",
            query,
        ));
    }
    if let Some(country) = filter.country {
        select = select.filter(Column::CountryCode.eq(super::normalize_code(&country)));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(Column::Kind.eq(kind.as_str()));
    }
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok((page, related))
}

/// The company with `slug`, with the records it refers to.
#[tracing::instrument(skip_all, fields(company.slug = %slug))]
pub async fn find(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<Option<(company::Model, Related)>, DbErr> {
    let db = &OneConnection::take(db).await?;
    let Some(company) = row(db, slug).await? else {
        return Ok(None);
    };
    let related = Related::load(db, needs(std::slice::from_ref(&company))).await?;
    Ok(Some((company, related)))
}

fn needs(companies: &[company::Model]) -> Needs {
    let mut needs = Needs::default();
    for company in companies {
        needs.countries.insert(company.country_code.clone());
        needs.sources.extend(company.source_id);
    }
    needs
}

/// A company as a request body gives it: the body of `POST`, and what `PATCH` merges into.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "slug": "moonshot-ai", "name": {"en": "Moonshot AI", "ar": "مون شوت إيه آي"}, "kind": "ai_lab",
    "country": "CN", "founded": 2023, "headquarters": {"en": "Beijing", "ar": "بكين"},
    "website": "https://www.moonshot.ai",
    "description": {"en": "Beijing AI lab behind the Kimi models.", "ar": "مختبر ذكاء اصطناعي في بكين يطوّر نماذج Kimi."},
    "source": "moonshot-kimi-k2-release"
}))]
pub struct CompanyInput {
    /// Its slug: lowercase words joined by hyphens.
    pub slug: String,
    /// Its name.
    #[schema(value_type = crate::domain::lang::LocalizedText)]
    pub name: crate::domain::lang::Localized,
    /// What kind of organization it is.
    pub kind: CompanyKind,
    /// Where it is based: an ISO country code.
    pub country: String,
    /// The year it was founded.
    pub founded: Option<i32>,
    /// Where its headquarters are.
    #[schema(value_type = Option<crate::domain::lang::LocalizedText>)]
    pub headquarters: Option<crate::domain::lang::Localized>,
    /// Its website.
    pub website: Option<String>,
    /// What it does.
    #[schema(value_type = crate::domain::lang::LocalizedText)]
    pub description: crate::domain::lang::Localized,
    /// The source of these facts: its id or dataset key.
    pub source: Option<String>,
}

impl CompanyInput {
    /// The input that would recreate `company` as it is.
    pub fn of(company: &company::Model, related: &Related) -> Self {
        Self {
            slug: company.slug.clone(),
            name: crate::domain::lang::Localized::new(&company.name_en, &company.name_ar),
            kind: CompanyKind::parse(&company.kind).unwrap_or(CompanyKind::AiLab),
            country: company.country_code.clone(),
            founded: company.founded_year,
            headquarters: crate::domain::lang::Localized::from_parts(
                company.headquarters_en.clone(),
                company.headquarters_ar.clone(),
            ),
            website: company.website.clone(),
            description: crate::domain::lang::Localized::new(
                &company.description_en,
                &company.description_ar,
            ),
            source: company.source_id.map(|id| super::source_ref(related, id)),
        }
    }
}

/// Validates `input` into the record it describes (`existing` when it changes one).
pub async fn prepare<C: ConnectionTrait>(
    db: &C,
    input: CompanyInput,
    existing: Option<&company::Model>,
) -> Result<company::Model, WriteError> {
    let mut checks = Checks::default();
    checks.slug("slug", &input.slug);
    checks.localized("name", &input.name, false);
    checks.localized("description", &input.description, true);
    if let Some(headquarters) = &input.headquarters {
        checks.localized("headquarters", headquarters, false);
    }
    if let Some(website) = &input.website {
        checks.url("website", website);
    }
    if input
        .founded
        .is_some_and(|year| !(1800..=2100).contains(&year))
    {
        checks.fail("founded", "must be a year from 1800 to 2100");
    }
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
    writes::ensure_unique::<Entity, _>(
        db,
        Column::Slug,
        &input.slug,
        existing.map(|e| e.id),
        "slug",
        "company",
    )
    .await?;
    let now = super::revisions::now();
    let model = company::Model {
        id: existing.map_or_else(Uuid::now_v7, |e| e.id),
        slug: input.slug,
        name_en: input.name.en,
        name_ar: input.name.ar,
        kind: input.kind.as_str().to_owned(),
        country_code: country,
        founded_year: input.founded,
        headquarters_en: input.headquarters.as_ref().map(|h| h.en.clone()),
        headquarters_ar: input.headquarters.map(|h| h.ar),
        website: input.website,
        description_en: input.description.en,
        description_ar: input.description.ar,
        source_id,
        search_title: String::new(),
        search_body: String::new(),
        version: existing.map_or(1, |e| e.version),
        created_at: existing.map_or(now, |e| e.created_at),
        updated_at: now,
    };
    Ok(checks.finish(model)?)
}

/// Who cites a company: a company cited anywhere cannot be deleted.
pub const CITED_BY: &[(&str, &str, &str)] = &[
    ("models", "company_id", "models"),
    ("statistics", "subject_company_id", "statistics"),
    (
        "claims",
        "claimant_company_id",
        "claims (as the claimant's company)",
    ),
    ("claim_subjects", "company_id", "claims (as a subject)"),
];
