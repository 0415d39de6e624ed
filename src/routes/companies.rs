//! `/v1/companies`: the companies and labs that build models.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use entity::company;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    query::{ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    views::{CountryRef, SourceRef, find, localized},
};
use crate::{
    domain::{kinds::CompanyKind, lang::Localized},
    error::ApiError,
    services::{companies, listing::PageRequest, related::Related},
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
#[get("/companies")]
pub async fn list_companies(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListCompaniesParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&companies::LIST, &query.page)?;
    let filters = query.filters;
    let filter = companies::Filter {
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

/// Get a company.
#[utoipa::path(
    tag = "companies",
    params(("slug" = String, Path, description = "The company's slug", example = "deepseek"), ItemDoc),
    responses((status = 200, description = "The company", body = Company))
)]
#[get("/companies/{slug}")]
pub async fn find_company(
    db: web::Data<DatabaseConnection>,
    slug: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let (company, related) =
        companies::find(db.get_ref(), &slug)
            .await?
            .ok_or(ApiError::NotFound {
                resource: "company",
                id: slug,
            })?;
    super::json(query.lang, &Company::build(company, &related)?)
}
