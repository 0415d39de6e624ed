//! `/v1/countries`: countries, regions and groups.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use entity::country;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::query::{ItemDoc, ItemQuery, ListQuery, PagingDoc, parse};
use crate::{
    domain::{kinds::CountryKind, lang::Localized},
    error::ApiError,
    services::{countries, listing::PageRequest},
};

/// A country, region or group of countries.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "code": "IN", "kind": "country",
    "name": {"en": "India", "ar": "الهند"}, "un_region": "Southern Asia", "global_south": true,
    "members": [], "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Country {
    /// The record's id.
    pub id: Uuid,
    /// ISO 3166-1 alpha-2 code for a country; a slug for a region or group.
    pub code: String,
    /// Country, region or group.
    #[schema(value_type = CountryKind)]
    pub kind: String,
    /// Its name.
    pub name: Localized,
    /// The UN M49 sub-region it belongs to.
    pub un_region: Option<String>,
    /// Whether it is counted in the Global South.
    pub global_south: bool,
    /// For regions and groups: the codes of their member countries.
    pub members: Vec<String>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<country::Model> for Country {
    fn from(country: country::Model) -> Self {
        Self {
            id: country.id,
            members: serde_json::from_value(country.members).unwrap_or_default(),
            code: country.code,
            kind: country.kind,
            name: Localized::new(country.name_en, country.name_ar),
            un_region: country.un_region,
            global_south: country.global_south,
            created_at: country.created_at,
            updated_at: country.updated_at,
        }
    }
}

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
    super::page(&req, query.lang, rows, |row| Ok(Country::from(row)))
}

/// Get a country, region or group.
#[utoipa::path(
    tag = "countries",
    params(("code" = String, Path, description = "ISO 3166-1 alpha-2 code (any case), or a region's or group's slug", example = "CN"), ItemDoc),
    responses((status = 200, description = "The country", body = Country))
)]
#[get("/{code}")]
pub async fn find_country(
    db: web::Data<DatabaseConnection>,
    code: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let country = countries::find(db.get_ref(), &code)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "country",
            id: code,
        })?;
    super::json(query.lang, &Country::from(country))
}
