//! `/v1/companies`: the companies and labs that build models.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use entity::company;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    query::{IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    views::{CountryRef, SourceRef, find, localized},
    writes,
};
use crate::{
    domain::{kinds::CompanyKind, lang::Localized},
    error::ApiError,
    services::{
        claims::Children,
        companies::{self, CompanyInput},
        listing::PageRequest,
        related::Related,
        writes::WriteError,
    },
};

/// A company or lab that builds models.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "slug": "deepseek",
    "name": {"en": "DeepSeek", "ar": "ديب سيك"}, "kind": "ai_lab",
    "country": {"code": "CN", "name": {"en": "China", "ar": "الصين"}},
    "founded": 2023, "headquarters": {"en": "Hangzhou", "ar": "هانغتشو"},
    "website": "https://www.deepseek.com",
    "description": {"en": "Chinese AI lab behind the open-weight DeepSeek-V3 and R1 models.", "ar": "مختبر صيني للذكاء الاصطناعي طوّر نموذجي DeepSeek-V3 وR1 مفتوحي الأوزان."},
    "source": null, "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Company {
    /// The record's id.
    pub id: Uuid,
    /// Its slug, used in URLs.
    pub slug: String,
    /// Its name.
    pub name: Localized,
    /// What kind of organization it is.
    #[schema(value_type = CompanyKind)]
    pub kind: String,
    /// Where it is based.
    pub country: CountryRef,
    /// The year it was founded.
    pub founded: Option<i32>,
    /// Where its headquarters are.
    pub headquarters: Option<Localized>,
    /// Its website.
    pub website: Option<String>,
    /// What it does.
    pub description: Localized,
    /// Where these facts come from.
    pub source: Option<SourceRef>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Company {
    fn build(company: company::Model, related: &Related) -> Result<Self, ApiError> {
        let country = find(
            related.countries.get(&company.country_code),
            "country",
            &company.country_code,
        )?;
        let source = company
            .source_id
            .map(|id| find(related.sources.get(&id), "source", id).map(SourceRef::from))
            .transpose()?;
        Ok(Self {
            headquarters: localized(&company.headquarters_en, &company.headquarters_ar),
            id: company.id,
            slug: company.slug,
            name: Localized::new(company.name_en, company.name_ar),
            kind: company.kind,
            country: CountryRef::from(country),
            founded: company.founded_year,
            website: company.website,
            description: Localized::new(company.description_en, company.description_ar),
            source,
            created_at: company.created_at,
            updated_at: company.updated_at,
        })
    }
}

/// Filters of `GET /v1/companies`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListCompaniesParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// The country it is based in (ISO code), such as `CN`.
    country: Option<String>,
    /// The kind of organization.
    #[param(value_type = Option<CompanyKind>)]
    kind: Option<String>,
}

/// List companies.
///
/// Sorts: `slug` (default), `name`, `founded`. Facets: `country`, `kind`.
#[utoipa::path(
    tag = "companies",
    params(ListCompaniesParams, PagingDoc),
    responses((status = 200, description = "A page of companies", body = super::ListBody<Company>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("")]
pub async fn list_companies(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListCompaniesParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&companies::LIST, &query.page)?;
    let filters = query.filters;
    let filter = companies::Filter {
        q: super::search::query(filters.q)?,
        country: parse::key("country", filters.country)?,
        kind: parse::one_of(
            "kind",
            filters.kind,
            CompanyKind::parse,
            CompanyKind::expected,
        )?,
    };
    let (rows, related) = companies::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| Company::build(row, &related))
}

/// Writes and reads of single companies.
pub struct Companies;

impl writes::Editable for Companies {
    type Entity = company::Entity;
    type Model = company::Model;
    type Loaded = (company::Model, Related);
    type Input = CompanyInput;
    type View = Company;

    const RESOURCE: &'static str = "companies";
    const SINGULAR: &'static str = "company";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = companies::CITED_BY;

    async fn load(
        db: &DatabaseConnection,
        key: &str,
    ) -> Result<Option<Self::Loaded>, sea_orm::DbErr> {
        companies::find(db, key).await
    }

    fn model(loaded: &Self::Loaded) -> &company::Model {
        &loaded.0
    }

    fn url_key(model: &company::Model) -> String {
        model.slug.clone()
    }

    fn view((company, related): Self::Loaded) -> Result<Company, ApiError> {
        Company::build(company, &related)
    }

    fn input_of((company, related): &Self::Loaded) -> CompanyInput {
        CompanyInput::of(company, related)
    }

    async fn prepare(
        db: &DatabaseConnection,
        input: CompanyInput,
        existing: Option<&Self::Loaded>,
    ) -> Result<(company::Model, Option<Children>), WriteError> {
        Ok((
            companies::prepare(db, input, existing.map(|(company, _)| company)).await?,
            None,
        ))
    }
}

/// Get a company.
#[utoipa::path(
    tag = "companies",
    params(("slug" = String, Path, description = "The company's slug", example = "deepseek"), ItemDoc, IfNoneMatch),
    responses(
        (status = 200, description = "The company", body = Company, headers(("ETag" = String, description = "The representation's strong entity tag"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"))
)]
#[get("/{slug}")]
pub async fn find_company(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    slug: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    writes::get::<Companies>(&req, &db, &slug, query.lang).await
}

crate::write_routes!(
    Companies,
    input: CompanyInput,
    view: Company,
    tag: "companies",
    create: (create_company, "", "Create a company"),
    update: (update_company, "/{slug}", "Change a company"),
    delete: (delete_company, "Delete a company", "Refused (409) while models, statistics or claims refer to it. Needs an `editor` key and `If-Match`."),
    key: ("slug", "The company's slug"),
);
