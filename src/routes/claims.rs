//! `/v1/claims`: statements about the AI race, each weighed against evidence.

use crate::domain::input::Parse;
use crate::services::claims::Claims;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    auth::Editor,
    body::JsonBody,
    query::{
        IfMatch, IfMatchWhenSent, IfNoneMatch, ItemDoc, ItemQuery, ListQuery, PagingDoc, parse,
    },
    writes,
};
use crate::{
    domain::kinds::Verdict,
    error::ApiError,
    services::{
        claims::{self, ClaimInput},
        listing::PageRequest,
        writes::WriteError,
    },
    views::claims::Claim,
};

/// Filters of `GET /v1/claims`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListClaimsParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// The verdict.
    #[param(value_type = Option<Verdict>)]
    verdict: Option<String>,
    /// A topic, such as `open-weights` or `soft-power`.
    topic: Option<String>,
    /// A subject the claim concerns: a model's or company's slug, or a country's code.
    subject: Option<String>,
    /// Part of the claimant's name (either language, any case), or their company's slug.
    claimant: Option<String>,
    /// Stated on or after this day.
    #[param(value_type = Option<String>, format = Date)]
    stated_after: Option<String>,
    /// Stated on or before this day.
    #[param(value_type = Option<String>, format = Date)]
    stated_before: Option<String>,
}

/// List claims, with their evidence and subjects.
///
/// Sorts: `id` (default: the order they were added), `stated`, `verdict`.
/// Facets: `verdict`, `claimant`, `source`.
#[utoipa::path(
    tag = "claims",
    params(ListClaimsParams, PagingDoc),
    responses((status = 200, description = "A page of claims", body = super::ListBody<Claim>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("")]
pub async fn list_claims(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&claims::LIST, &query.page)?;
    let filters = query.filters;
    let filter = claims::Filter {
        q: super::search::query(filters.q)?,
        verdict: parse::one_of(
            "verdict",
            filters.verdict,
            Verdict::parse,
            Verdict::expected,
        )?,
        topic: parse::key("topic", filters.topic)?,
        subject: parse::key("subject", filters.subject)?,
        claimant: parse::key("claimant", filters.claimant)?,
        stated_after: parse::date("stated_after", filters.stated_after)?,
        stated_before: parse::date("stated_before", filters.stated_before)?,
        ..Default::default()
    };
    let (rows, parts) = claims::list(db.get_ref(), filter, &page).await?;
    super::page(&req, query.lang, rows, |row| {
        Ok(Claim::build(row, &parts, query.lang)?)
    })
}

/// Get a claim, with its evidence and subjects.
#[utoipa::path(
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id, or its dataset key", example = "article-c10"), ItemDoc, IfNoneMatch),
    responses(
        (status = 200, description = "The claim", body = Claim, headers(("ETag" = String, description = "The representation\'s strong entity tag"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"))
)]
#[get("/{id}")]
pub async fn find_claim(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    id: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    writes::get::<Claims>(&req, &db, &id, query.lang).await
}

crate::write_routes!(
    Claims,
    input: ClaimInput,
    view: Claim,
    tag: "claims",
    create: (create_claim, "", "Create a claim"),
    update: (update_claim, "/{id}", "Change a claim"),
    delete: (delete_claim, "Delete a claim", "Its topics, subjects and evidence go with it; the revision keeps them. Needs an `editor` key and `If-Match`."),
    key: ("id", "The claim's id, or its dataset key"),
);

/// A new piece of evidence: a statistic or a source, and how it bears on the claim. Its id
/// comes from the service.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "source": "altman-o3-price-cut-2025",
    "relation": "supports",
    "note": {"en": "OpenAI's chief executive announcing the cut on the day it took effect.", "ar": "الرئيس التنفيذي لأوبن إيه آي يعلن التخفيض يوم سريانه."}
}))]
#[expect(dead_code, reason = "documents the body `create_claim_evidence` reads")]
pub struct NewEvidence {
    /// A statistic's id or key …
    statistic: Option<String>,
    /// … or a source's id or key.
    source: Option<String>,
    /// How it bears on the claim.
    relation: crate::domain::kinds::Relation,
    /// A note on how it bears on the claim.
    note: Option<crate::domain::lang::Localized>,
}

/// Add a piece of evidence to a claim.
///
/// Needs an `editor` key; `If-Match` is checked when sent. Answers with the changed claim.
#[utoipa::path(
    tag = "claims",
    request_body = NewEvidence,
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The claim's id, or its dataset key"), ItemDoc, IfMatchWhenSent),
    responses((status = 200, description = "The claim with the new evidence", body = Claim, headers(("ETag" = String, description = "The changed claim's entity tag"))))
)]
#[post("/{id}/evidence")]
pub async fn create_claim_evidence(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    editor: Editor,
    id: web::Path<String>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let item = claims::EvidenceInput::from_json(body.0).map_err(ApiError::Validation)?;
    if item.id.is_some() {
        return Err(ApiError::invalid(
            "id",
            "a new piece of evidence gets its id from the service",
        ));
    }
    writes::edit::<Claims>(&req, &db, &editor.0, &id, false, |input| {
        push(
            input,
            "evidence",
            serde_json::to_value(item).map_err(anyhow::Error::new)?,
        )
    })
    .await
}

/// Remove a piece of evidence from a claim.
///
/// Needs an `editor` key and `If-Match` with the claim's ETag. Refused (422) when the
/// claim's verdict needs the evidence that would be left.
#[utoipa::path(
    tag = "claims",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The claim's id, or its dataset key"),
        ("evidence_id" = Uuid, Path, description = "The evidence's id"), ItemDoc, IfMatch),
    responses((status = 200, description = "The claim without that evidence", body = Claim, headers(("ETag" = String, description = "The changed claim's entity tag"))))
)]
#[delete("/{id}/evidence/{evidence_id}")]
pub async fn delete_claim_evidence(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    editor: Editor,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, evidence_id) = path.into_inner();
    let wanted = serde_json::Value::from(evidence_id.to_string());
    writes::edit::<Claims>(&req, &db, &editor.0, &id, true, |input| {
        remove(
            input,
            "evidence",
            |item| item["id"] == wanted,
            "evidence",
            evidence_id.to_string(),
        )
    })
    .await
}

/// Add a subject to a claim.
///
/// Needs an `editor` key; `If-Match` is checked when sent. Answers with the changed claim.
#[utoipa::path(
    tag = "claims",
    request_body = claims::SubjectInput,
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The claim's id, or its dataset key"), ItemDoc, IfMatchWhenSent),
    responses((status = 200, description = "The claim with the new subject", body = Claim, headers(("ETag" = String, description = "The changed claim's entity tag"))))
)]
#[post("/{id}/subjects")]
pub async fn create_claim_subject(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    editor: Editor,
    id: web::Path<String>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let subject = claims::SubjectInput::from_json(body.0).map_err(ApiError::Validation)?;
    writes::edit::<Claims>(&req, &db, &editor.0, &id, false, |input| {
        push(
            input,
            "subjects",
            serde_json::to_value(subject).map_err(anyhow::Error::new)?,
        )
    })
    .await
}

/// Remove a subject from a claim.
///
/// Needs an `editor` key and `If-Match` with the claim's ETag.
#[utoipa::path(
    tag = "claims",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The claim's id, or its dataset key"),
        ("type" = crate::domain::kinds::SubjectType, Path, description = "The subject's type"),
        ("key" = String, Path, description = "The model's or company's slug, or the country's code"), ItemDoc, IfMatch),
    responses((status = 200, description = "The claim without that subject", body = Claim, headers(("ETag" = String, description = "The changed claim's entity tag"))))
)]
#[delete("/{id}/subjects/{type}/{key}")]
pub async fn delete_claim_subject(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    editor: Editor,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind, key) = path.into_inner();
    let kind = crate::domain::kinds::SubjectType::parse(&kind)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "`{kind}` is not a subject type; expected model, company or country"
            ))
        })?
        .as_str();
    let code = crate::services::normalize_code(&key);
    writes::edit::<Claims>(&req, &db, &editor.0, &id, true, |input| {
        remove(
            input,
            "subjects",
            |item| {
                item["type"] == kind
                    && (item["key"] == key.as_str() || item["key"] == code.as_str())
            },
            "subject",
            format!("{kind}/{key}"),
        )
    })
    .await
}

fn push(
    input: &mut serde_json::Value,
    list: &str,
    item: serde_json::Value,
) -> Result<(), WriteError> {
    match input
        .get_mut(list)
        .and_then(serde_json::Value::as_array_mut)
    {
        Some(items) => items.push(item),
        None => input[list] = serde_json::Value::Array(vec![item]),
    }
    Ok(())
}

fn remove(
    input: &mut serde_json::Value,
    list: &str,
    matches: impl Fn(&serde_json::Value) -> bool,
    what: &'static str,
    id: String,
) -> Result<(), WriteError> {
    let items = input
        .get_mut(list)
        .and_then(serde_json::Value::as_array_mut);
    let Some(items) = items.filter(|items| items.iter().any(&matches)) else {
        return Err(WriteError::NotFound { resource: what, id });
    };
    items.retain(|item| !matches(item));
    Ok(())
}
