//! `/v1/sources`: where facts come from.

use crate::services::sources::Sources;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    query::{IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    writes,
};
use crate::{
    domain::kinds::SourceKind,
    error::ApiError,
    services::{
        listing::PageRequest,
        sources::{self, SourceInput},
    },
    views::sources::Source,
};

/// Filters of `GET /v1/sources`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListSourcesParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// The publisher's exact name, such as `Al Jazeera`.
    publisher: Option<String>,
    /// The kind of publication.
    #[param(value_type = Option<SourceKind>)]
    kind: Option<String>,
    /// The language (ISO 639-1), such as `ar`.
    language: Option<String>,
}

/// List sources.
///
/// Sorts: `id` (default: the order they were added), `published`, `publisher`, `title`.
/// Facets: `publisher`, `kind`, `language`.
#[utoipa::path(
    tag = "sources",
    params(ListSourcesParams, PagingDoc),
    responses((status = 200, description = "A page of sources", body = super::ListBody<Source>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("")]
pub async fn list_sources(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListSourcesParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&sources::LIST, &query.page)?;
    let filters = query.filters;
    let filter = sources::Filter {
        q: super::search::query(filters.q)?,
        publisher: parse::key("publisher", filters.publisher)?,
        kind: parse::one_of(
            "kind",
            filters.kind,
            SourceKind::parse,
            SourceKind::expected,
        )?,
        language: parse::key("language", filters.language)?,
    };
    let rows = sources::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| {
        Ok(Source::build(row, query.lang)?)
    })
}

/// Get a source.
#[utoipa::path(
    tag = "sources",
    params(("id" = String, Path, description = "The source's id, or its dataset key", example = "aljazeera-ai-race-2025"), ItemDoc, IfNoneMatch),
    responses(
        (status = 200, description = "The source", body = Source, headers(("ETag" = String, description = "The representation\'s strong entity tag"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"))
)]
#[get("/{id}")]
pub async fn find_source(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    id: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    writes::get::<Sources>(&req, &db, &id, query.lang).await
}

crate::write_routes!(
    Sources,
    input: SourceInput,
    view: Source,
    tag: "sources",
    create: (create_source, "", "Create a source"),
    update: (update_source, "/{id}", "Change a source"),
    delete: (delete_source, "Delete a source", "Refused (409) while statistics, claims, evidence, models or companies cite it. Needs an `editor` key and `If-Match`."),
    key: ("id", "The source's id, or its dataset key"),
);
