//! `/v1/events`: the change log, public, in commit order. Every change to every record
//! appends its events here in the transaction that makes it; webhooks, feeds, cache purges
//! and import reports read the same log. Resume from the last event seen with `after`.

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::query::{ListQuery, parse};
use crate::{
    domain::lang::{Lang, localize},
    error::ApiError,
    services::events::{self, Filter, TypePattern},
};

/// One thing a change announced.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1042, "type": "claim.verdict_changed", "resource": "claims", "key": "article-c14",
    "record_id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "revision_id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6f",
    "actor": "dataset", "at": "2026-12-07T10:00:00Z", "schema_version": 1,
    "data": {"id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "article-c14", "verdict": "supported"}
}))]
pub struct Event {
    /// Its place in the log: ids grow in the order changes committed, so a reader that
    /// asks for `after=<the last id it saw>` never misses one.
    pub id: i64,
    /// What happened: `<resource>.created`, `.updated`, `.deleted`, `.restored` (`company.created`),
    /// and `claim.verdict_changed` beside the `claim.updated` of a change of verdict.
    #[serde(rename = "type")]
    #[schema(example = "statistic.updated")]
    pub kind: String,
    /// The resource, plural, as in its URL.
    pub resource: String,
    /// The record's key (slug, code or dataset key) as the change left it; `null` without one.
    pub key: Option<String>,
    /// The record's id.
    pub record_id: Uuid,
    /// The revision the change wrote (see `/v1/{resource}/{key}/revisions`).
    pub revision_id: Uuid,
    /// Who made the change: an API key's id, or `dataset`.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The version of the representation in `data`.
    pub schema_version: i32,
    /// The record as `GET` showed it right after the change (before it, for a deletion).
    #[schema(value_type = Object)]
    pub data: Data,
}

/// An event's data: as stored (both languages), or shown in one language.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Data {
    /// The stored JSON, passed through as it is.
    Stored(Box<RawValue>),
    /// Read and shown in one language.
    Shown(serde_json::Value),
}

impl Event {
    fn build(event: events::Row, lang: Option<Lang>) -> anyhow::Result<Self> {
        let data = match lang {
            None => Data::Stored(RawValue::from_string(event.data)?),
            Some(_) => Data::Shown(localize(serde_json::from_str(&event.data)?, lang)),
        };
        Ok(Self {
            id: event.id,
            kind: event.kind,
            resource: event.resource,
            key: event.record_key,
            record_id: event.record_id,
            revision_id: event.revision_id,
            actor: event.actor,
            at: event.at,
            schema_version: event.schema_version,
            data,
        })
    }
}

/// A page of the change log.
#[derive(Serialize, ToSchema)]
pub struct EventList {
    /// The events, oldest first.
    pub data: Vec<Event>,
    /// When the page is full: the id to pass as `after` for the next page; `null` when
    /// the log holds nothing more yet (poll again with the last id seen).
    pub next_cursor: Option<String>,
}

/// Filters of `GET /v1/events`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListEventsParams {
    /// Only events after this id (the last one seen); from the start without it.
    #[param(value_type = Option<i64>, minimum = 0, example = 1041)]
    after: Option<String>,
    /// Comma-separated event types, or `<resource>.*` for all of one resource's
    /// (`claim.verdict_changed,statistic.*`).
    #[param(example = json!(["claim.verdict_changed", "statistic.*"]))]
    types: Option<String>,
    /// Only events of this resource (`claims`, `statistics`, …).
    #[param(example = "statistics")]
    resource: Option<String>,
}

/// The paging and language parameters of the change log, for the OpenAPI document.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "documents the parameters `list_events` reads")]
pub struct EventsPagingDoc {
    /// Events per page, from 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    limit: Option<u32>,
    /// `en` or `ar`: the texts in `data` become plain strings in that language.
    #[param(pattern = "^(en|ar)$")]
    lang: Option<String>,
}

/// List the change log.
///
/// Every change to every record, oldest first, in the order the changes committed. Page
/// with `after`: the id of the last event seen. Public: events carry only what the records'
/// own endpoints show.
#[utoipa::path(
    tag = "events",
    params(ListEventsParams, EventsPagingDoc),
    responses((status = 200, description = "A page of events", body = EventList,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when the page is full"))))
)]
#[get("")]
pub async fn list_events(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    query: ListQuery<ListEventsParams>,
) -> Result<HttpResponse, ApiError> {
    for (name, given) in [
        ("cursor", query.page.cursor.is_some()),
        ("sort", query.page.sort.is_some()),
        ("count", query.page.count.is_some()),
        ("facets", query.page.facets.is_some()),
    ] {
        if given {
            return Err(ApiError::parameter(
                name,
                "the change log is read in commit order with `after`; it takes no such parameter",
            ));
        }
    }
    let limit = match query.page.limit.as_deref() {
        None => 50,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| ApiError::parameter("limit", "must be an integer from 1 to 200"))?,
    };
    let filters = query.filters;
    let after = match parse::key("after", filters.after)? {
        None => 0,
        Some(raw) => raw.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::parameter("after", "must be an event id: an integer, 0 or more")
        })?,
    };
    let types = match parse::key("types", filters.types)? {
        None => Vec::new(),
        Some(raw) => raw
            .split(',')
            .map(|kind| {
                TypePattern::parse(kind.trim()).ok_or_else(|| {
                    ApiError::parameter(
                        "types",
                        format!("`{kind}` is not an event type; expected types such as `claim.verdict_changed`, or `statistic.*`"),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let resource = parse::one_of(
        "resource",
        filters.resource,
        events::resource_named,
        events::resources_expected,
    )?
    .map(str::to_owned);
    let filter = Filter {
        after,
        types,
        resource,
    };
    let rows = events::list(db.get_ref(), &filter, limit).await?;
    let full = rows.len() as u64 == limit;
    let next = rows.last().filter(|_| full).map(|last| last.id.to_string());
    let body = EventList {
        data: rows
            .into_iter()
            .map(|row| Event::build(row, query.lang))
            .collect::<anyhow::Result<_>>()?,
        next_cursor: next.clone(),
    };
    let mut response = super::json(query.lang, &body)?;
    if let Some(after) = next {
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
        pairs.retain(|(name, _)| name != "after");
        pairs.push(("after".to_owned(), after));
        let link = format!(
            "<{}?{}>; rel=\"next\"",
            req.path(),
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        );
        if let Ok(value) = header::HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}
