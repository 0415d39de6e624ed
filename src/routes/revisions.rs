//! `/v1/revisions` and each record's history: who changed what and when. Revisions are
//! never edited or deleted; a restore is itself a new revision.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use entity::revision;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    auth::Editor,
    query::{IfMatchWhenSent, ListQuery, PagingDoc, parse},
    writes,
};
use crate::services::{
    claims::Claims, companies::Companies, models::Models, resources::Resource, sources::Sources,
    statistics::Statistics,
};
use crate::{
    error::ApiError,
    services::{events, listing::PageRequest, revisions},
};

/// One change to one record.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "resource": "companies",
    "record_id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6f", "record_key": "deepseek", "action": "update",
    "actor": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d70", "at": "2025-11-29T10:00:00Z", "schema_version": 1,
    "before": {"slug": "deepseek", "founded": 2022, "version": 3}, "after": {"slug": "deepseek", "founded": 2023, "version": 4}
}))]
pub struct Revision {
    /// The revision's id (time-ordered).
    pub id: Uuid,
    /// The resource, plural (`claims`).
    pub resource: String,
    /// The record's id.
    pub record_id: Uuid,
    /// The record's slug, code or key at the time.
    pub record_key: Option<String>,
    /// `create`, `update`, `delete` or `restore`.
    pub action: String,
    /// Who made the change: an API key's id, or `dataset` for the curated dataset.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The version of the representations in `before` and `after`.
    pub schema_version: i32,
    /// The record as `GET` showed it before the change (`null` for a create).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The record as `GET` showed it after the change (`null` for a delete).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl Revision {
    fn build(revision: revision::Model, lang: Option<crate::domain::lang::Lang>) -> Self {
        use crate::domain::lang::localize;
        Self {
            schema_version: revision.schema_version,
            id: revision.id,
            resource: revision.resource,
            record_id: revision.record_id,
            record_key: revision.record_key,
            action: revision.action,
            actor: revision.actor,
            at: revision.at,
            before: revision.before.map(|before| localize(before, lang)),
            after: revision.after.map(|after| localize(after, lang)),
        }
    }
}

/// Filters of `GET /v1/revisions`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListRevisionsParams {
    /// Only of this resource: `companies`, `models`, `sources`, `statistics`, `claims`, `countries` or `metrics`.
    resource: Option<String>,
    /// Only by this actor: an API key's id, or `dataset`.
    actor: Option<String>,
    /// `create`, `update`, `delete` or `restore`.
    #[param(pattern = "^(create|update|delete|restore)$")]
    action: Option<String>,
    /// Only at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    since: Option<String>,
    /// Only before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    until: Option<String>,
}

/// Filters of a record's history.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListRecordRevisionsParams {
    /// Only by this actor: an API key's id, or `dataset`.
    actor: Option<String>,
}

fn time(name: &'static str, value: Option<String>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .map(|raw| {
            DateTime::parse_from_rfc3339(&raw)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::parameter(
                        name,
                        "must be an RFC 3339 time such as 2025-11-29T10:00:00Z",
                    )
                })
        })
        .transpose()
}

/// List every change to every record.
///
/// Newest first (`sort=id` for oldest first). Facets: `resource`, `actor`, `action`.
#[utoipa::path(
    tag = "revisions",
    params(ListRevisionsParams, PagingDoc),
    responses((status = 200, description = "A page of revisions", body = super::ListBody<Revision>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("/revisions")]
pub async fn list_revisions(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListRevisionsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&revisions::LIST, &query.page)?;
    let filters = query.filters;
    let action = match filters.action.as_deref() {
        None | Some("create" | "update" | "delete" | "restore") => filters.action,
        Some(_) => {
            return Err(ApiError::parameter(
                "action",
                "must be one of: create, update, delete, restore",
            ));
        }
    };
    let resource = parse::one_of(
        "resource",
        filters.resource,
        events::resource_named,
        events::resources_expected,
    )?
    .map(str::to_owned);
    let filter = revisions::Filter {
        resource,
        record_id: None,
        actor: parse::key("actor", filters.actor)?,
        action,
        since: time("since", filters.since)?,
        until: time("until", filters.until)?,
    };
    let rows = revisions::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| {
        Ok(Revision::build(row, query.lang))
    })
}

/// A record's history, newest first, for records that exist or once did.
async fn history<R: Resource>(
    req: &HttpRequest,
    db: &DatabaseConnection,
    key: &str,
    query: ListQuery<ListRecordRevisionsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&revisions::LIST, &query.page)?;
    let record_id = writes::record_id::<R>(db, key).await?;
    let filter = revisions::Filter {
        resource: Some(R::RESOURCE.to_owned()),
        record_id: Some(record_id),
        actor: parse::key("actor", query.filters.actor)?,
        ..Default::default()
    };
    let rows = revisions::list(db, filter, &page).await?;
    super::page(req, query.lang, rows, |row| {
        Ok(Revision::build(row, query.lang))
    })
}

/// Declares, for one resource, the handlers of its history and of restoring a revision.
macro_rules! history_routes {
    ($resource:ty, $view:ty, $list_summary:literal, $restore_summary:literal, $list_path:literal, $restore_path:literal, $list:ident, $restore:ident) => {
        /// A record's revisions, newest first; deleted records keep their history.
        #[utoipa::path(
            tag = "revisions",
            summary = $list_summary,
            description = "Newest first; deleted records keep their history.",
            params(("key" = String, Path, description = "The record's key or id"), ListRecordRevisionsParams, PagingDoc),
            responses((status = 200, description = "A page of revisions", body = super::ListBody<Revision>))
        )]
        #[get($list_path)]
        pub async fn $list(
            req: HttpRequest,
            db: web::Data<DatabaseConnection>,
            key: web::Path<String>,
            query: ListQuery<ListRecordRevisionsParams>,
        ) -> Result<HttpResponse, ApiError> {
            history::<$resource>(&req, &db, &key, query).await
        }

        /// Restores a record as a revision left it.
        #[utoipa::path(
            tag = "revisions",
            summary = $restore_summary,
            description = "Puts the record back as the revision left it (as it was before, for a deletion), recreating it if it was deleted; the restore is itself a new revision. Needs an `editor` key; `If-Match` is checked when sent.",
            security(("api_key" = [])),
            params(("key" = String, Path, description = "The record's key or id"),
                ("rev" = Uuid, Path, description = "The revision's id"), super::query::ItemDoc, IfMatchWhenSent),
            responses((status = 200, description = "The restored record", body = $view))
        )]
        #[post($restore_path)]
        pub async fn $restore(
            req: HttpRequest,
            db: web::Data<DatabaseConnection>,
            editor: Editor,
            path: web::Path<(String, Uuid)>,
        ) -> Result<HttpResponse, ApiError> {
            let (key, rev) = path.into_inner();
            writes::restore::<$resource>(&req, &db, &editor.0, &key, rev).await
        }
    };
}

history_routes!(
    Companies,
    crate::views::companies::Company,
    "List a company's revisions",
    "Restore a company as a revision left it",
    "/{key}/revisions",
    "/{key}/revisions/{rev}/restore",
    list_company_revisions,
    restore_company_revision
);
history_routes!(
    Models,
    crate::views::models::Model,
    "List a model's revisions",
    "Restore a model as a revision left it",
    "/{key}/revisions",
    "/{key}/revisions/{rev}/restore",
    list_model_revisions,
    restore_model_revision
);
history_routes!(
    Sources,
    crate::views::sources::Source,
    "List a source's revisions",
    "Restore a source as a revision left it",
    "/{key}/revisions",
    "/{key}/revisions/{rev}/restore",
    list_source_revisions,
    restore_source_revision
);
history_routes!(
    Statistics,
    crate::views::statistics::Statistic,
    "List a statistic's revisions",
    "Restore a statistic as a revision left it",
    "/{key}/revisions",
    "/{key}/revisions/{rev}/restore",
    list_statistic_revisions,
    restore_statistic_revision
);
history_routes!(
    Claims,
    crate::views::claims::Claim,
    "List a claim's revisions",
    "Restore a claim as a revision left it",
    "/{key}/revisions",
    "/{key}/revisions/{rev}/restore",
    list_claim_revisions,
    restore_claim_revision
);
