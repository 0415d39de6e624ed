//! `/v1/models`: AI models and their lineage.

use crate::services::models::Models;
use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    query::{IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    writes,
};
use crate::{
    domain::kinds::Openness,
    error::ApiError,
    services::{
        listing::{PageRequest, ParamError},
        models::{self, ModelInput},
    },
    views::models::Model,
};

/// Filters of `GET /v1/models`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListModelsParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// The maker's slug, such as `deepseek`.
    company: Option<String>,
    /// The country of origin (ISO code), such as `CN`.
    country: Option<String>,
    /// How openly it is released.
    #[param(value_type = Option<Openness>)]
    openness: Option<String>,
    /// The license, such as `MIT` or `Apache-2.0`.
    license: Option<String>,
    /// Released on or after this day.
    #[param(value_type = Option<String>, format = Date, example = "2025-01-01")]
    released_after: Option<String>,
    /// Released on or before this day.
    #[param(value_type = Option<String>, format = Date)]
    released_before: Option<String>,
    /// Direct derivatives of the model with this slug.
    base_model: Option<String>,
}

/// List models.
///
/// Sorts: `slug` (default), `name`, `released`, `parameters_total`.
/// Facets: `company`, `country`, `openness`, `license`, `base_model`.
#[utoipa::path(
    tag = "models",
    params(ListModelsParams, PagingDoc),
    responses((status = 200, description = "A page of models", body = super::ListBody<Model>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("")]
pub async fn list_models(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListModelsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&models::LIST, &query.page)?;
    let filters = query.filters;
    let filter = models::Filter {
        q: super::search::query(filters.q)?,
        company: parse::key("company", filters.company)?,
        country: parse::key("country", filters.country)?,
        openness: parse::one_of(
            "openness",
            filters.openness,
            Openness::parse,
            Openness::expected,
        )?,
        license: parse::key("license", filters.license)?,
        released_after: parse::date("released_after", filters.released_after)?,
        released_before: parse::date("released_before", filters.released_before)?,
        base_model: parse::key("base_model", filters.base_model)?,
    };
    let (rows, related) = models::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| {
        Ok(Model::build(row, &related, None, query.lang)?)
    })
}

/// Get a model.
#[utoipa::path(
    tag = "models",
    params(("slug" = String, Path, description = "The model's slug, or its id", example = "deepseek-r1"), ItemDoc, IfNoneMatch),
    responses(
        (status = 200, description = "The model", body = Model, headers(("ETag" = String, description = "The representation\'s strong entity tag"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"))
)]
#[get("/{slug}")]
pub async fn find_model(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    slug: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    writes::get::<Models>(&req, &db, &slug, query.lang).await
}

/// Parameters of `GET /v1/models/{slug}/derivatives`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListDerivativesParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with `depth`.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// How many generations to follow: 1 for direct derivatives only, at most 10.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10, default = 1)]
    depth: Option<String>,
}

/// List the models derived from a model.
///
/// Follows `base_model` links down from the model, up to `depth` generations; each row
/// carries its `depth`. Sorts and facets as for `/v1/models`.
#[utoipa::path(
    tag = "models",
    params(("slug" = String, Path, description = "The base model's slug, or its id", example = "deepseek-r1"), ListDerivativesParams, PagingDoc),
    responses((status = 200, description = "A page of derivatives", body = super::ListBody<Model>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("/{slug}/derivatives")]
pub async fn list_model_derivatives(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    slug: web::Path<String>,
    query: ListQuery<ListDerivativesParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&models::DERIVATIVES, &query.page)?;
    let depth = match query.filters.depth {
        None => 1,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|depth| (1..=models::MAX_DEPTH).contains(depth))
            .ok_or_else(|| {
                ParamError::new(
                    "depth",
                    format!("must be an integer from 1 to {}", models::MAX_DEPTH),
                )
            })?,
    };
    let q = super::search::query(query.filters.q)?;
    let slug = slug.into_inner();
    let (rows, related, generations): (_, _, HashMap<Uuid, u32>) =
        models::derivatives(db.get_ref(), &slug, depth, q.as_ref(), &page)
            .await?
            .ok_or(ApiError::NotFound {
                resource: "model",
                id: slug,
            })?;
    super::page(&req, query.lang, rows, |row| {
        let depth = generations.get(&row.id).copied();
        Ok(Model::build(row, &related, depth, query.lang)?)
    })
}

crate::write_routes!(
    Models,
    input: ModelInput,
    view: Model,
    tag: "models",
    create: (create_model, "", "Create a model"),
    update: (update_model, "/{slug}", "Change a model"),
    delete: (delete_model, "Delete a model", "Refused (409) while derived models, statistics or claims refer to it. Needs an `editor` key and `If-Match`."),
    key: ("slug", "The model's slug, or its id"),
);
