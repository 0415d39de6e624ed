//! `/v1/countries`: countries, regions and groups.

use actix_web::{HttpRequest, HttpResponse, get, web};
use sea_orm::DatabaseConnection;

use crate::services::resources::Resource;
use serde::Deserialize;
use utoipa::IntoParams;

use super::query::{ItemDoc, ItemQuery, ListQuery, PagingDoc, parse};
use crate::{
    domain::kinds::CountryKind,
    error::ApiError,
    services::{countries, listing::PageRequest},
    views::countries::Country,
};

/// Filters of `GET /v1/countries`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListCountriesParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// `country`, `region` or `group`.
    #[param(value_type = Option<crate::domain::kinds::CountryKind>)]
    kind: Option<String>,
    /// `true` for those counted in the Global South, `false` for the others.
    #[param(value_type = Option<bool>)]
    global_south: Option<String>,
    /// A UN M49 sub-region, such as `Southern Asia`.
    un_region: Option<String>,
}

/// List countries, regions and groups.
///
/// Sorts: `code` (default), `name`. Facets: `kind`, `global_south`, `un_region`.
#[utoipa::path(
    tag = "countries",
    params(ListCountriesParams, PagingDoc),
    responses((status = 200, description = "A page of countries", body = super::ListBody<Country>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("")]
pub async fn list_countries(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListCountriesParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&countries::LIST, &query.page)?;
    let filters = query.filters;
    let filter = countries::Filter {
        q: super::search::query(filters.q)?,
        kind: parse::one_of(
            "kind",
            filters.kind,
            CountryKind::parse,
            CountryKind::expected,
        )?,
        global_south: parse::boolean("global_south", filters.global_south)?,
        un_region: parse::key("un_region", filters.un_region)?,
    };
    let rows = countries::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| {
        Ok(Country::build(row, query.lang)?)
    })
}

/// Get a country, region or group.
#[utoipa::path(
    tag = "countries",
    params(("code" = String, Path, description = "ISO 3166-1 alpha-2 code (any case), a region's or group's slug, or the record's id", example = "CN"), ItemDoc),
    responses((status = 200, description = "The country", body = Country))
)]
#[get("/{code}")]
pub async fn find_country(
    db: web::Data<DatabaseConnection>,
    code: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let country = countries::Countries::row(db.get_ref(), &code)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "country",
            id: code,
        })?;
    super::json(query.lang, &Country::build(country, query.lang)?)
}
