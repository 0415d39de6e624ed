//! `/v1/companies`: the companies and labs that build models.

use crate::services::companies::Companies;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    query::{IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    writes,
};
use crate::{
    domain::kinds::CompanyKind,
    error::ApiError,
    services::{
        companies::{self, CompanyInput},
        listing::PageRequest,
    },
    views::companies::Company,
};

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
    super::page(&req, query.lang, rows, |row| {
        Ok(Company::build(row, &related, query.lang)?)
    })
}

/// Get a company.
#[utoipa::path(
    tag = "companies",
    params(("slug" = String, Path, description = "The company's slug, or its id", example = "deepseek"), ItemDoc, IfNoneMatch),
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
    key: ("slug", "The company's slug, or its id"),
);
