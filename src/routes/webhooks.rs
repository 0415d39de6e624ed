//! `/v1/webhooks`: endpoints that are told of every change, signed as the Standard
//! Webhooks specification says. A `subscriber` key manages its own endpoints, an `admin`
//! key every one; another's endpoint is a 404 to a subscriber, as if it were not there.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, patch, post, web};
use chrono::{DateTime, Utc};
use entity::{webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{
    IntoParams, PartialSchema, ToSchema,
    openapi::{ArrayBuilder, ObjectBuilder, Type, schema::Schema},
};
use uuid::Uuid;

use super::{
    auth::Subscriber,
    body::{JsonBody, input},
    query::ItemQuery,
};
use crate::{
    domain::{kinds::Role, validate::Checks},
    error::ApiError,
    services::{
        events,
        keys::Principal,
        webhooks::{self, EndpointPatch, NewEndpoint, ResendError, Status, ssrf::Policy},
    },
};

/// The most characters of an endpoint's description.
const MAX_DESCRIPTION: usize = 1000;

/// The longest endpoint URL.
const MAX_URL: usize = 2048;

/// A webhook endpoint, without its secret.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193b0c4-5d6e-7f80-9a1b-2c3d4e5f6a7b",
    "url": "https://hooks.desk.example.org/mizan",
    "description": "Fact-check desk: verdict changes",
    "events": ["claim.verdict_changed", "statistic.*"],
    "enabled": true,
    "disabled_at": null,
    "disabled_reason": null,
    "failing_since": null,
    "previous_secret_expires_at": null,
    "owner": "01a24f9c-3b1e-7c42-9d0a-5f6e7a8b9c0d",
    "created_at": "2026-12-07T09:30:00Z",
    "updated_at": "2026-12-07T09:30:00Z"
}))]
pub struct Webhook {
    /// Its id.
    pub id: Uuid,
    /// Where deliveries are sent.
    #[schema(format = "uri")]
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The event types it is sent.
    #[schema(schema_with = event_patterns)]
    pub events: Vec<String>,
    /// Whether deliveries are sent to it.
    pub enabled: bool,
    /// When it was disabled: by its subscriber, by a 410 answer, or after failing too long.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// Since when its deliveries have failed without a success between; `null` when the
    /// last one succeeded.
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the secret that the last rotation replaced still signs beside the new one.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// The id of the API key that registered it.
    pub owner: Uuid,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<webhook_endpoint::Model> for Webhook {
    fn from(endpoint: webhook_endpoint::Model) -> Self {
        Self {
            id: endpoint.id,
            url: endpoint.url,
            description: endpoint.description,
            events: serde_json::from_value(endpoint.events).unwrap_or_default(),
            enabled: endpoint.disabled_at.is_none(),
            disabled_at: endpoint.disabled_at,
            disabled_reason: endpoint.disabled_reason,
            failing_since: endpoint.failing_since,
            previous_secret_expires_at: endpoint
                .previous_secret_until
                .filter(|until| *until > crate::services::revisions::now()),
            owner: endpoint.owner,
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
        }
    }
}

/// A new endpoint, or one whose secret was just rotated: the only times its secret is shown.
#[derive(Serialize, ToSchema)]
pub struct WebhookWithSecret {
    /// The endpoint.
    #[serde(flatten)]
    pub record: Webhook,
    /// The signing secret: `whsec_` and the base64 of 32 random bytes. Verify each
    /// delivery's `webhook-signature` with it (any Standard Webhooks library does). It is
    /// not shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7pOSJcBsGV4=")]
    pub secret: String,
}

/// What an endpoint is: the body of `POST /v1/webhooks`.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://hooks.desk.example.org/mizan",
    "events": ["claim.verdict_changed", "statistic.*"],
    "description": "Fact-check desk: verdict changes"
}))]
pub struct WebhookInput {
    /// Where deliveries are sent: an `https` URL whose host resolves only to public
    /// addresses.
    #[schema(format = "uri", max_length = 2048, pattern = "^https?://[^\\s]+$")]
    pub url: String,
    /// The event types to send: a type (`claim.verdict_changed`), all of one resource's
    /// (`statistic.*`), or `*` for every one. Every type when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = event_patterns)]
    pub events: Option<Vec<String>>,
    /// What it is for (at most 1,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Whether deliveries are sent to it (`true` when absent). Enabling a disabled
    /// endpoint clears its failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// Every event type an endpoint may ask for.
pub fn event_type_patterns() -> Vec<String> {
    std::iter::once("*".to_owned())
        .chain(events::types())
        .chain(
            events::RESOURCES
                .iter()
                .map(|(_, singular)| format!("{singular}.*")),
        )
        .collect()
}

fn event_patterns() -> Schema {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(event_type_patterns())),
        )
        .min_items(Some(1))
        .max_items(Some(100))
        .unique_items(true)
        .examples([serde_json::json!(["claim.verdict_changed", "statistic.*"])])
        .build()
        .into()
}

/// An endpoint's checked fields.
struct Checked {
    url: String,
    events: Vec<String>,
    description: String,
    enabled: bool,
}

/// Checks `body` as an endpoint; the URL's host is resolved unless it is `unchanged_url`.
async fn checked(
    body: Value,
    policy: &Policy,
    unchanged_url: Option<&str>,
) -> Result<Checked, ApiError> {
    let new: WebhookInput = input(body)?;
    let mut checks = Checks::default();
    let events = new.events.unwrap_or_else(|| vec!["*".to_owned()]);
    let known = event_type_patterns();
    if events.is_empty() || events.len() > 100 {
        checks.fail("events", "must name 1 to 100 event types");
    }
    for (index, pattern) in events.iter().enumerate() {
        if !known.contains(pattern) {
            checks.fail(
                format!("events[{index}]"),
                format!("`{pattern}` is not an event type; expected a type such as `claim.verdict_changed`, `statistic.*`, or `*`"),
            );
        } else if events[..index].contains(pattern) {
            checks.fail(format!("events[{index}]"), "names a type twice");
        }
    }
    let description = new.description.unwrap_or_default();
    if description.chars().count() > MAX_DESCRIPTION {
        checks.fail("description", "must be at most 1000 characters");
    } else if !description.is_empty() {
        checks.text("description", &description);
    }
    if new.url.len() > MAX_URL {
        checks.fail("url", "must be at most 2048 characters");
    } else if unchanged_url != Some(new.url.as_str())
        && let Err(why) = policy.check(&new.url).await
    {
        checks.fail("url", why);
    }
    if !checks.errors.is_empty() {
        return Err(ApiError::Validation(checks.errors));
    }
    Ok(Checked {
        url: new.url,
        events,
        description,
        enabled: new.enabled.unwrap_or(true),
    })
}

/// Whose endpoints `principal` may manage: its own, or every one (`None`) for an admin.
fn owner(principal: &Principal) -> Option<Uuid> {
    (principal.role != Role::Admin).then_some(principal.key_id)
}

async fn endpoint(
    db: &DatabaseConnection,
    subscriber: &Subscriber,
    id: Uuid,
) -> Result<webhook_endpoint::Model, ApiError> {
    webhooks::find(db, id, owner(&subscriber.0))
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource: "webhook endpoint",
            id: id.to_string(),
        })
}

fn private(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Every endpoint, newest first.
#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    /// The endpoints.
    pub data: Vec<Webhook>,
}

/// Register a webhook endpoint.
///
/// Needs a `subscriber` (or `admin`) key. The URL must be `https` and resolve only to
/// public addresses (422 naming `url` otherwise). The endpoint is sent every event of the
/// types it names that is committed after it is registered. The response holds its
/// signing secret, shown this once.
#[utoipa::path(tag = "webhooks", request_body = WebhookInput, security(("api_key" = [])),
    params(ItemParams),
    responses((status = 201, description = "Registered", body = WebhookWithSecret,
        headers(("Location" = String, description = "The endpoint's URL")))))]
#[post("")]
pub async fn create_webhook(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    policy: web::Data<Policy>,
    subscriber: Subscriber,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let checked = checked(body.0, &policy, None).await?;
    let mut endpoint = webhooks::create(
        db.get_ref(),
        NewEndpoint {
            owner: subscriber.0.key_id,
            url: checked.url,
            events: checked.events,
            description: checked.description,
        },
    )
    .await?;
    if !checked.enabled {
        endpoint = webhooks::update(
            db.get_ref(),
            endpoint,
            EndpointPatch {
                enabled: Some(false),
                ..EndpointPatch::default()
            },
        )
        .await?;
    }
    let secret = endpoint.secret.clone();
    let location = format!("/v1/webhooks/{}", endpoint.id);
    Ok(private(
        HttpResponse::Created()
            .insert_header((header::LOCATION, location))
            .json(WebhookWithSecret {
                record: endpoint.into(),
                secret,
            }),
    ))
}

/// Query parameters of the webhook routes: only the language, which changes nothing here.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "documents the parameter the routes read")]
pub struct ItemParams {
    /// `en` or `ar`. Endpoints and deliveries hold no localized text; taken for the
    /// API's sake, and answered in no particular language.
    #[param(pattern = "^(en|ar)$")]
    lang: Option<String>,
}

/// List webhook endpoints.
///
/// A `subscriber` key sees its own; an `admin` key every one. Secrets are never shown.
#[utoipa::path(tag = "webhooks", security(("api_key" = [])), params(ItemParams),
    responses((status = 200, description = "The endpoints", body = WebhookList)))]
#[get("")]
pub async fn list_webhooks(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let data = webhooks::list(db.get_ref(), owner(&subscriber.0))
        .await?
        .into_iter()
        .map(Webhook::from)
        .collect();
    Ok(private(HttpResponse::Ok().json(WebhookList { data })))
}

/// Get a webhook endpoint.
#[utoipa::path(tag = "webhooks", security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id"), ItemParams),
    responses((status = 200, description = "The endpoint", body = Webhook)))]
#[get("/{id}")]
pub async fn find_webhook(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let endpoint = endpoint(&db, &subscriber, *id).await?;
    Ok(private(HttpResponse::Ok().json(Webhook::from(endpoint))))
}

/// Change a webhook endpoint.
///
/// A JSON merge patch (RFC 7396) of its `WebhookInput`: `url`, `events`, `description`,
/// `enabled`; `null` puts an optional field back to its default. A new URL is checked as at
/// registration. `enabled: true` on a disabled endpoint clears its failures; it is then
/// sent the events committed from then on (read the ones it missed from `/v1/events`).
#[utoipa::path(tag = "webhooks", security(("api_key" = [])),
    request_body(content = serde_json::Value, content_type = "application/merge-patch+json", description = "The fields to change"),
    params(("id" = Uuid, Path, description = "The endpoint's id"), ItemParams),
    responses((status = 200, description = "Changed", body = Webhook)))]
#[patch("/{id}")]
pub async fn update_webhook(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    policy: web::Data<Policy>,
    subscriber: Subscriber,
    id: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let endpoint = endpoint(&db, &subscriber, *id).await?;
    if !body.0.is_object() {
        return Err(ApiError::invalid("(body)", "must be a JSON object"));
    }
    let current = WebhookInput {
        url: endpoint.url.clone(),
        events: serde_json::from_value(endpoint.events.clone()).ok(),
        description: Some(endpoint.description.clone()),
        enabled: Some(endpoint.disabled_at.is_none()),
    };
    let mut merged = serde_json::to_value(&current).map_err(anyhow::Error::from)?;
    json_patch::merge(&mut merged, &body.0);
    let checked = checked(merged, &policy, Some(&endpoint.url)).await?;
    let patch = EndpointPatch {
        url: Some(checked.url),
        events: Some(checked.events),
        description: Some(checked.description),
        enabled: Some(checked.enabled),
    };
    let endpoint = webhooks::update(db.get_ref(), endpoint, patch).await?;
    Ok(private(HttpResponse::Ok().json(Webhook::from(endpoint))))
}

/// Delete a webhook endpoint.
///
/// Its deliveries and their log go with it; none is sent after.
#[utoipa::path(tag = "webhooks", security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id"), ItemParams),
    responses((status = 204, description = "Deleted")))]
#[delete("/{id}")]
pub async fn delete_webhook(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let endpoint = endpoint(&db, &subscriber, *id).await?;
    webhooks::delete(db.get_ref(), endpoint.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate an endpoint's signing secret.
///
/// The response holds the new secret, shown this once. For 24 hours the old secret signs
/// beside it: each delivery's `webhook-signature` then holds two signatures, space
/// separated, and a receiver holding either secret verifies it.
#[utoipa::path(tag = "webhooks", security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id"), ItemParams),
    responses((status = 200, description = "Rotated", body = WebhookWithSecret)))]
#[post("/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let endpoint = endpoint(&db, &subscriber, *id).await?;
    let endpoint = webhooks::rotate_secret(db.get_ref(), endpoint).await?;
    let secret = endpoint.secret.clone();
    Ok(private(HttpResponse::Ok().json(WebhookWithSecret {
        record: endpoint.into(),
        secret,
    })))
}

/// One attempt at a delivery.
#[derive(Serialize, ToSchema)]
pub struct DeliveryAttempt {
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The endpoint's status code; `null` when no answer came (see `error`).
    #[schema(minimum = 100, maximum = 599)]
    pub status_code: Option<i32>,
    /// How long it took, in milliseconds.
    pub latency_ms: i32,
    /// The first 2 KB of the endpoint's answer.
    pub response_body: Option<String>,
    /// What went wrong: a timeout, a refused connection, a redirect, an address not allowed.
    pub error: Option<String>,
}

impl From<webhook_attempt::Model> for DeliveryAttempt {
    fn from(attempt: webhook_attempt::Model) -> Self {
        Self {
            at: attempt.at,
            status_code: attempt.status_code,
            latency_ms: attempt.latency_ms,
            response_body: attempt.response_body,
            error: attempt.error,
        }
    }
}

/// Where a delivery stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// An attempt is due, now or after a retry's delay.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Every attempt failed, or the endpoint answered 410 or was disabled.
    Failed,
}

/// One message to one endpoint, with every attempt at it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193b0c5-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
    "message_id": "evt_1042",
    "event_id": 1042,
    "type": "claim.verdict_changed",
    "status": "succeeded",
    "attempt_count": 2,
    "next_attempt_at": null,
    "created_at": "2026-12-07T10:00:00.120Z",
    "last_attempt_at": "2026-12-07T10:00:05.480Z",
    "payload": {"type": "claim.verdict_changed", "timestamp": "2026-12-07T10:00:00Z", "data": {"id": 1042, "type": "claim.verdict_changed"}},
    "attempts": [
        {"at": "2026-12-07T10:00:00.130Z", "status_code": 503, "latency_ms": 41, "response_body": "busy", "error": null},
        {"at": "2026-12-07T10:00:05.480Z", "status_code": 200, "latency_ms": 12, "response_body": "ok", "error": null}
    ]
}))]
pub struct Delivery {
    /// Its id.
    pub id: Uuid,
    /// The `webhook-id` header it is sent with, the same on every attempt: `evt_<event id>`
    /// for an event of the change log, `msg_…` for a test.
    pub message_id: String,
    /// The change log event it tells of; `null` for a test.
    pub event_id: Option<i64>,
    /// The event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// How many attempts were made.
    pub attempt_count: i32,
    /// When the next attempt is due; `null` when none is.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last attempted.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The body sent, as signed.
    #[schema(value_type = Object)]
    pub payload: Value,
    /// Every attempt, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
}

impl Delivery {
    fn build(delivery: webhook_delivery::Model, attempts: Vec<webhook_attempt::Model>) -> Self {
        let status = match delivery.status.as_str() {
            "succeeded" => DeliveryStatus::Succeeded,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        };
        Self {
            id: delivery.id,
            message_id: delivery.message_id,
            event_id: delivery.event_id,
            kind: delivery.kind,
            status,
            attempt_count: delivery.attempts,
            next_attempt_at: delivery
                .due_at_ms
                .and_then(DateTime::<Utc>::from_timestamp_millis),
            created_at: delivery.created_at,
            last_attempt_at: delivery.last_attempt_at,
            payload: serde_json::from_str(&delivery.payload).unwrap_or(Value::Null),
            attempts: attempts.into_iter().map(DeliveryAttempt::from).collect(),
        }
    }
}

/// Send a test event to an endpoint.
///
/// Queues a `webhook.test` message, signed like any other, whatever types the endpoint
/// names; follow it under the endpoint's deliveries.
#[utoipa::path(tag = "webhooks", security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id"), ItemParams),
    responses((status = 202, description = "Queued", body = Delivery)))]
#[post("/{id}/test")]
pub async fn test_webhook(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let endpoint = endpoint(&db, &subscriber, *id).await?;
    let delivery = webhooks::send_test(db.get_ref(), &endpoint).await?;
    Ok(private(
        HttpResponse::Accepted().json(Delivery::build(delivery, Vec::new())),
    ))
}

/// A page of deliveries.
#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    /// The deliveries, newest first.
    pub data: Vec<Delivery>,
    /// When the page is full: the `cursor` of the next page; `null` on the last.
    pub next_cursor: Option<Uuid>,
}

/// Query parameters of an endpoint's deliveries.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters `list_webhook_deliveries` reads"
)]
pub struct DeliveriesParams {
    /// Deliveries per page, from 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<u32>,
    /// The previous page's `next_cursor`.
    #[param(value_type = Option<Uuid>)]
    cursor: Option<String>,
    /// Only deliveries that stand so.
    #[param(inline, value_type = Option<DeliveryStatus>)]
    status: Option<String>,
    /// `en` or `ar`; deliveries hold no localized text beyond their payload, shown as sent.
    #[param(pattern = "^(en|ar)$")]
    lang: Option<String>,
}

/// List an endpoint's deliveries.
///
/// Newest first, each with every attempt at it: status code, latency, the first 2 KB of
/// the answer, and what went wrong.
#[utoipa::path(tag = "webhooks", security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id"), DeliveriesParams),
    responses((status = 200, description = "A page of deliveries", body = DeliveryList)))]
#[get("/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (mut limit, mut cursor, mut status) = (20, None, None);
    for (name, value) in super::query::pairs(req.query_string())? {
        match name.as_str() {
            "limit" => {
                limit = value
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| {
                        ApiError::parameter("limit", "must be an integer from 1 to 100")
                    })?;
            }
            "cursor" => {
                // A cursor is the previous page's `next_cursor`: one made up is a 422, as on
                // every list.
                cursor =
                    Some(Uuid::parse_str(&value).map_err(|_| {
                        ApiError::invalid("cursor", "must be a page's `next_cursor`")
                    })?);
            }
            "status" => {
                status = Some(match value.as_str() {
                    "pending" => Status::Pending,
                    "succeeded" => Status::Succeeded,
                    "failed" => Status::Failed,
                    _ => {
                        return Err(ApiError::parameter(
                            "status",
                            "must be one of: pending, succeeded, failed",
                        ));
                    }
                });
            }
            "lang" => {
                crate::domain::lang::Lang::parse(&value)
                    .ok_or_else(|| ApiError::parameter("lang", "must be `en` or `ar`"))?;
            }
            _ => return Err(ApiError::parameter(name, "unknown parameter")),
        }
    }
    let endpoint = endpoint(&db, &subscriber, *id).await?;
    let rows = webhooks::deliveries(db.get_ref(), endpoint.id, status, cursor, limit).await?;
    let full = rows.len() as u64 == limit;
    let next_cursor = rows
        .last()
        .filter(|_| full)
        .map(|(delivery, _)| delivery.id);
    let data = rows
        .into_iter()
        .map(|(delivery, attempts)| Delivery::build(delivery, attempts))
        .collect();
    Ok(private(
        HttpResponse::Ok().json(DeliveryList { data, next_cursor }),
    ))
}

fn resend_error(err: ResendError, delivery_id: Option<Uuid>) -> ApiError {
    match err {
        ResendError::Disabled => ApiError::Conflict {
            field: "enabled".into(),
            message: err.to_string(),
        },
        ResendError::NotFound => ApiError::NotFound {
            resource: "webhook delivery",
            id: delivery_id.map(|id| id.to_string()).unwrap_or_default(),
        },
        ResendError::Db(err) => err.into(),
    }
}

/// Send a delivery again.
///
/// Its next attempt is due at once, with the same `webhook-id`. Should it fail, retries
/// follow the schedule while attempts remain on it. A disabled endpoint is a 409: enable
/// it first.
#[utoipa::path(tag = "webhooks", security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id"),
        ("delivery_id" = Uuid, Path, description = "The delivery's id"), ItemParams),
    responses((status = 202, description = "Queued", body = Delivery)))]
#[post("/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let (id, delivery_id) = path.into_inner();
    let endpoint = endpoint(&db, &subscriber, id).await?;
    let delivery = webhooks::redeliver(db.get_ref(), &endpoint, delivery_id)
        .await
        .map_err(|err| resend_error(err, Some(delivery_id)))?;
    Ok(private(
        HttpResponse::Accepted().json(Delivery::build(delivery, Vec::new())),
    ))
}

/// Which failed deliveries to send again.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"since": "2026-12-06T00:00:00Z"}))]
pub struct RecoverInput {
    /// Every failed delivery made at or after this time is sent again.
    pub since: DateTime<Utc>,
}

/// How many deliveries a recovery sent again.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"recovered": 12}))]
pub struct Recovered {
    /// The failed deliveries made due again.
    pub recovered: u64,
}

/// Send failed deliveries again.
///
/// Every failed delivery of the endpoint made at or after `since` is due again at once,
/// each with its own `webhook-id`. A disabled endpoint is a 409: enable it first.
#[utoipa::path(tag = "webhooks", request_body = RecoverInput, security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id"), ItemParams),
    responses((status = 202, description = "Queued", body = Recovered)))]
#[post("/{id}/recover")]
pub async fn recover_webhook(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    subscriber: Subscriber,
    id: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    ItemQuery::of(&req)?;
    let recover: RecoverInput = input(body.0)?;
    let endpoint = endpoint(&db, &subscriber, *id).await?;
    let recovered = webhooks::recover(db.get_ref(), &endpoint, recover.since)
        .await
        .map_err(|err| resend_error(err, None))?;
    Ok(private(
        HttpResponse::Accepted().json(Recovered { recovered }),
    ))
}

/// What every delivery's body is: `{type, timestamp, data}`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "claim.verdict_changed",
    "timestamp": "2026-12-07T10:00:00Z",
    "data": {
        "id": 1042, "type": "claim.verdict_changed", "resource": "claims", "key": "article-c14",
        "record_id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "revision_id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6f",
        "actor": "dataset", "at": "2026-12-07T10:00:00Z", "schema_version": 1,
        "data": {"id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "article-c14", "verdict": "supported"}
    }
}))]
pub struct WebhookPayload {
    /// The event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the change was made.
    pub timestamp: DateTime<Utc>,
    /// The event, as `/v1/events` shows it (both languages).
    pub data: super::events::Event,
}

/// What `webhook.test` carries.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "webhook.test",
    "timestamp": "2026-12-07T10:00:00Z",
    "data": {"endpoint_id": "0193b0c4-5d6e-7f80-9a1b-2c3d4e5f6a7b", "message": "A test of this endpoint, sent because it was asked for; no record changed."}
}))]
pub struct WebhookTestPayload {
    /// `webhook.test`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the test was asked for.
    pub timestamp: DateTime<Utc>,
    /// The endpoint, and a word on what this is.
    #[schema(value_type = Object)]
    pub data: Value,
}

/// The OpenAPI document's `webhooks`: one entry per event type, each the `POST` a
/// receiver gets.
pub fn document() -> utoipa::openapi::Paths {
    use utoipa::openapi::{
        HttpMethod, PathItem, Paths, RefOr, Required, ResponseBuilder,
        content::ContentBuilder,
        header::HeaderBuilder,
        path::{OperationBuilder, ParameterBuilder, ParameterIn},
        request_body::RequestBodyBuilder,
    };
    let header = |name: &str, description: &str, example: &str| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .example(Some(serde_json::json!(example)))
            .build()
    };
    let mut paths = Paths::new();
    let types = events::types()
        .into_iter()
        .chain(std::iter::once(webhooks::TEST_EVENT.to_owned()));
    for kind in types {
        let schema = match kind.as_str() {
            webhooks::TEST_EVENT => "WebhookTestPayload",
            _ => "WebhookPayload",
        };
        let operation = OperationBuilder::new()
            .operation_id(Some(format!("webhook_{}", kind.replace('.', "_"))))
            .summary(Some(format!("`{kind}`")))
            .description(Some(format!(
                "Sent to endpoints whose `events` name `{kind}`{}. Verify `webhook-signature` with the endpoint's secret before trusting the body; answer 2xx within 15 s.",
                match kind.split_once('.') {
                    Some((singular, _)) if kind != webhooks::TEST_EVENT => format!(", `{singular}.*` or `*`"),
                    _ => " (sent whatever types it names, when asked for)".to_owned(),
                }
            )))
            .tag("webhooks")
            // Authenticated by its signature, which no security scheme can state.
            .securities(Some(Vec::<utoipa::openapi::security::SecurityRequirement>::new()))
            .parameter(header("webhook-id", "The message's id, the same on every retry: de-duplicate by it.", "evt_1042"))
            .parameter(header("webhook-timestamp", "When this attempt was signed, in Unix seconds; refuse one far from your clock.", "1765101600"))
            .parameter(header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the secret; during a rotation two, space separated.", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(schema))))
                            .build(),
                    )
                    .build(),
            ))
            .response(
                "200",
                ResponseBuilder::new()
                    .description("Received. Any 2xx will do; anything else, a timeout or a redirect is retried (a 410 disables the endpoint)")
                    .header("Retry-After", HeaderBuilder::new().schema(Some(ObjectBuilder::new().schema_type(Type::String))).description(Some("On a 429 or 503: how long to wait before the next attempt")).build())
                    .build(),
            )
            .build();
        paths
            .paths
            .insert(kind, PathItem::new(HttpMethod::Post, operation));
    }
    paths
}

/// The schemas the `webhooks` section refers to.
pub fn schemas() -> Vec<(String, utoipa::openapi::RefOr<Schema>)> {
    vec![
        ("WebhookPayload".to_owned(), WebhookPayload::schema()),
        (
            "WebhookTestPayload".to_owned(),
            WebhookTestPayload::schema(),
        ),
    ]
}
