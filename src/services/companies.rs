//! Companies and labs that build models.

use entity::company::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::connection::OneConnection;
use super::resources::{self, Prepared, Resource};
use super::writes::{self, WriteError};
use crate::domain::{lang::Localized, validate::Checks};

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

/// The company with this id or slug, alone.
pub async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<company::Model>, DbErr> {
    let select = match Uuid::parse_str(key) {
        Ok(id) => Entity::find_by_id(id),
        Err(_) => Entity::find().filter(Column::Slug.eq(key)),
    };
    select.one(db).await
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

fn needs(companies: &[company::Model]) -> Needs {
    let mut needs = Needs::default();
    for company in companies {
        needs.countries.insert(company.country_code.clone());
        needs.sources.extend(company.source_id);
    }
    needs
}

crate::input! {
    /// A company as a request body gives it: the body of `POST`, and what `PATCH` merges into.
    #[schema(example = json!({
        "slug": "moonshot-ai", "name": {"en": "Moonshot AI", "ar": "مون شوت إيه آي"}, "kind": "ai_lab",
        "country": "CN", "founded": 2023, "headquarters": {"en": "Beijing", "ar": "بكين"},
        "website": "https://www.moonshot.ai",
        "description": {"en": "Beijing AI lab behind the Kimi models.", "ar": "مختبر ذكاء اصطناعي في بكين يطوّر نماذج Kimi."},
        "source": "kimi-k2-release"
    }))]
    pub struct CompanyInput {
        /// Its slug: lowercase words joined by hyphens.
        pub slug: String,
        /// Its name.
        pub name: Localized,
        /// What kind of organization it is.
        pub kind: CompanyKind,
        /// Where it is based: an ISO country code.
        pub country: String,
        /// The year it was founded.
        pub founded: Option<i32>,
        /// Where its headquarters are.
        pub headquarters: Option<Localized>,
        /// Its website.
        pub website: Option<String>,
        /// What it does.
        pub description: Localized,
        /// The source of these facts: its id or dataset key.
        pub source: Option<String>,
    }
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

/// Companies through the write path.
pub struct Companies;

impl Resource for Companies {
    type Entity = Entity;
    type Model = company::Model;
    type Active = company::ActiveModel;
    type Input = CompanyInput;
    type View = crate::views::companies::Company;

    const RESOURCE: &'static str = "companies";
    const SINGULAR: &'static str = "company";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = CITED_BY;

    crate::resource_basics!(company::Model, |model| model.slug.clone());

    fn index(model: &mut company::Model) {
        model.search_title = super::search::document(&[
            Some(&model.name_en),
            Some(&model.name_ar),
            Some(&model.slug),
        ]);
        model.search_body = super::search::document(&[
            Some(&model.description_en),
            Some(&model.description_ar),
            model.headquarters_en.as_deref(),
            model.headquarters_ar.as_deref(),
        ]);
    }

    async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<company::Model>, DbErr> {
        row(db, key).await
    }

    async fn validate<C: ConnectionTrait>(
        db: &C,
        input: CompanyInput,
        existing: Option<&company::Model>,
        checks: &mut Checks,
    ) -> Result<Prepared<company::Model>, DbErr> {
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
        writes::ensure_unique::<Entity, _>(
            db,
            checks,
            (Column::Id, Column::Slug),
            &input.slug,
            existing.map(|e| e.id),
            "slug",
            "company",
        )
        .await?;
        Ok(Prepared::row(company::Model {
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
            created_at: existing.map_or_else(chrono::Utc::now, |e| e.created_at),
            updated_at: existing.map_or_else(chrono::Utc::now, |e| e.updated_at),
        }))
    }

    async fn view<C: ConnectionTrait>(
        db: &C,
        model: company::Model,
        lang: Option<crate::domain::lang::Lang>,
    ) -> Result<Self::View, WriteError> {
        let related = Related::load(db, needs(std::slice::from_ref(&model))).await?;
        Ok(crate::views::companies::Company::build(
            model, &related, lang,
        )?)
    }

    fn input_of(shown: &serde_json::Value) -> serde_json::Value {
        let mut input = resources::fields(
            shown,
            &[
                "slug",
                "name",
                "kind",
                "founded",
                "headquarters",
                "website",
                "description",
            ],
        );
        input.insert("country".into(), resources::reference(shown, "country"));
        input.insert("source".into(), resources::reference(shown, "source"));
        serde_json::Value::Object(input)
    }
}
