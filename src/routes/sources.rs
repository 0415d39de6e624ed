//! `/v1/sources`: where facts come from.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use entity::source;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    query::{IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse},
    views::localized,
    writes,
};
use crate::{
    domain::{kinds::SourceKind, lang::Localized},
    error::ApiError,
    services::{
        claims::Children,
        listing::PageRequest,
        sources::{self, SourceInput},
        writes::WriteError,
    },
};

/// Where a fact comes from.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "altman-reddit-ama-2025",
    "title": "AMA with OpenAI's Sam Altman, Mark Chen, Kevin Weil, Srinivas Narayanan, Michelle Pokrass, and Hongyu Ren",
    "publisher": "Reddit (r/OpenAI)", "url": "https://www.reddit.com/r/OpenAI/comments/1ieonxv/",
    "language": "en", "kind": "social_post", "published": "2025-01-31", "retrieved_at": null,
    "archive_url": null, "note": null,
    "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Source {
    /// The record's id.
    pub id: Uuid,
    /// Its key in the curated dataset, if it came from there.
    pub key: Option<String>,
    /// Its title as it shows it, in its own language; `null` when it could not be verified
    /// (cite the source by publisher and address then).
    pub title: Option<String>,
    /// Who published it.
    pub publisher: String,
    /// Where to read it.
    pub url: String,
    /// Its language (ISO 639-1).
    pub language: String,
    /// What kind of publication it is.
    #[schema(value_type = SourceKind)]
    pub kind: String,
    /// When it was published.
    pub published: Option<NaiveDate>,
    /// When it was last read.
    pub retrieved_at: Option<DateTime<Utc>>,
    /// An archived copy.
    pub archive_url: Option<String>,
    /// What a reader should know about it.
    pub note: Option<Localized>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<source::Model> for Source {
    fn from(source: source::Model) -> Self {
        Self {
            note: localized(&source.note_en, &source.note_ar),
            id: source.id,
            key: source.key,
            title: source.title,
            publisher: source.publisher,
            url: source.url,
            language: source.language,
            kind: source.kind,
            published: source.published_on,
            retrieved_at: source.retrieved_at,
            archive_url: source.archive_url,
            created_at: source.created_at,
            updated_at: source.updated_at,
        }
    }
}

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
    super::page(&req, query.lang, rows, |row| Ok(Source::from(row)))
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

/// Writes and reads of single sources.
pub struct Sources;

impl writes::Editable for Sources {
    type Entity = source::Entity;
    type Model = source::Model;
    type Loaded = source::Model;
    type Input = SourceInput;
    type View = Source;

    const RESOURCE: &'static str = "sources";
    const SINGULAR: &'static str = "source";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = sources::CITED_BY;

    async fn load(
        db: &DatabaseConnection,
        key: &str,
    ) -> Result<Option<Self::Loaded>, sea_orm::DbErr> {
        sources::find(db, key).await
    }

    fn model(loaded: &Self::Loaded) -> &source::Model {
        loaded
    }

    fn url_key(model: &source::Model) -> String {
        model.key.clone().unwrap_or_else(|| model.id.to_string())
    }

    fn view(loaded: Self::Loaded) -> Result<Source, ApiError> {
        Ok(Source::from(loaded))
    }

    fn input_of(loaded: &Self::Loaded) -> SourceInput {
        SourceInput::of(loaded)
    }

    async fn prepare(
        db: &DatabaseConnection,
        input: SourceInput,
        existing: Option<&Self::Loaded>,
    ) -> Result<(source::Model, Option<Children>), WriteError> {
        Ok((sources::prepare(db, input, existing).await?, None))
    }
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
