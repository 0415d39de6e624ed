//! Webhooks, by the Standard Webhooks specification: endpoints that subscribers register,
//! and deliveries made to them from the change log.
//!
//! **Never lost, never doubled.** Deliveries are made by a dispatcher that reads the log
//! from a durable cursor (`webhook_cursor`), in the same transaction in which it inserts
//! the deliveries of the events it read and moves the cursor past them. Event ids are
//! handed out in commit order (see `services::changes`), so an event committed after the
//! dispatcher read the log always has a larger id than the cursor: no committed event is
//! passed over, and none is read twice, however the two interleave. An endpoint takes the
//! cursor's lock as it is registered, so it hears of every event after the data version it
//! was registered at, whichever way a dispatch runs beside it. Each delivery is then
//! claimed by one worker at a time (a lease; `FOR UPDATE SKIP LOCKED` on PostgreSQL), so
//! instances split the work and a crashed one's claims pass to the others when the lease
//! runs out. The delivery's `webhook-id` stays the same across retries: a receiver that
//! got an attempt whose answer was lost can tell it already has it.

pub mod ssrf;
pub mod worker;

use std::sync::LazyLock;

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Duration as Span, Utc};
use entity::{webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::revisions::now;

/// The PostgreSQL channel a committed change, or a delivery made due by hand, is
/// announced on, so that every instance's worker wakes.
pub const CHANNEL: &str = "mizan_webhooks";

/// How long the secret a rotation replaced still signs beside the new one.
pub const ROTATION_OVERLAP: Span = Span::hours(24);

/// The type of the event `POST /v1/webhooks/{id}/test` sends.
pub const TEST_EVENT: &str = "webhook.test";

/// The most bytes of a response body an attempt's log keeps.
pub const RESPONSE_LOG_BYTES: usize = 2048;

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// An attempt is due, now or after a retry's delay.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Every attempt failed, the endpoint was disabled, or answered 410.
    Failed,
}

impl Status {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

/// Wakes this process's workers: a change committed, or a delivery was made due.
static WAKE: LazyLock<tokio::sync::watch::Sender<u64>> =
    LazyLock::new(|| tokio::sync::watch::Sender::new(0));

/// Tells this process's workers there may be work.
pub fn wake() {
    WAKE.send_modify(|n| *n = n.wrapping_add(1));
}

/// What a worker waits on to hear of work in this process.
pub fn wakeups() -> tokio::sync::watch::Receiver<u64> {
    WAKE.subscribe()
}

/// Announces, on PostgreSQL inside `db`'s transaction, that workers have work: the
/// notification goes out when the transaction commits, to every instance.
pub async fn announce<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared(&format!("NOTIFY {CHANNEL}")).await?;
    }
    Ok(())
}

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
    Ok(format!("whsec_{}", STANDARD.encode(bytes)))
}

/// The `webhook-signature` header of a message: a `v1,` signature by each secret that
/// signs at `at` (during a rotation, the new and the old), space-separated.
pub fn signature(
    endpoint: &webhook_endpoint::Model,
    message_id: &str,
    timestamp: i64,
    payload: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<String> {
    let previous = endpoint.previous_secret.as_deref().filter(|_| {
        endpoint
            .previous_secret_until
            .is_some_and(|until| until > at)
    });
    let mut signatures = Vec::with_capacity(2);
    for secret in std::iter::once(endpoint.secret.as_str()).chain(previous) {
        let signer = standardwebhooks::Webhook::new(secret)
            .map_err(|err| anyhow::anyhow!("a stored webhook secret is not valid: {err}"))?;
        signatures.push(
            signer
                .sign(message_id, timestamp, payload.as_bytes())
                .map_err(|err| anyhow::anyhow!("cannot sign a webhook: {err}"))?,
        );
    }
    Ok(signatures.join(" "))
}

/// The event types an endpoint asks for: `*`, a type, or `<resource>.*`.
pub fn wants(events: &Value, kind: &str) -> bool {
    kind == TEST_EVENT
        || events.as_array().is_some_and(|patterns| {
            patterns.iter().filter_map(Value::as_str).any(|pattern| {
                pattern == "*"
                    || super::events::TypePattern::parse(pattern)
                        .is_some_and(|pattern| pattern.matches(kind))
            })
        })
}

/// The body of a delivery: `{type, timestamp, data}`, `data` being the event as
/// `/v1/events` shows it.
pub fn payload(event: &super::events::Row) -> Result<String, serde_json::Error> {
    let data: Value = serde_json::from_str(&event.data)?;
    serde_json::to_string(&json!({
        "type": event.kind,
        "timestamp": event.at,
        "data": {
            "id": event.id,
            "type": event.kind,
            "resource": event.resource,
            "key": event.record_key,
            "record_id": event.record_id,
            "revision_id": event.revision_id,
            "actor": event.actor,
            "at": event.at,
            "schema_version": event.schema_version,
            "data": data,
        }
    }))
}

/// The `webhook-id` of an event's deliveries.
pub fn message_id(event_id: i64) -> String {
    format!("evt_{event_id}")
}

/// What a new endpoint is.
pub struct NewEndpoint {
    /// Who registers it.
    pub owner: Uuid,
    /// Where deliveries go (already checked).
    pub url: String,
    /// The event types it wants.
    pub events: Vec<String>,
    /// What it is for.
    pub description: String,
}

/// Registers an endpoint. It hears of every event committed after the data version it
/// finds, which it reads holding the dispatcher's cursor (see the module's documentation).
pub async fn create(
    db: &DatabaseConnection,
    new: NewEndpoint,
) -> anyhow::Result<webhook_endpoint::Model> {
    let tx = super::changes::begin_write(db).await?;
    let backend = tx.get_database_backend();
    let lock = match backend {
        DatabaseBackend::Postgres => " FOR UPDATE",
        _ => "",
    };
    tx.execute_unprepared(&format!(
        "SELECT last_event FROM webhook_cursor WHERE id = 1{lock}"
    ))
    .await?;
    let counter: i64 = tx
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT counter FROM data_version WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("data_version".to_owned()))?
        .try_get_by_index(0)?;
    let at = now();
    let model = webhook_endpoint::Model {
        id: Uuid::now_v7(),
        owner: new.owner,
        url: new.url,
        description: new.description,
        events: Value::from(new.events),
        secret: new_secret()?,
        previous_secret: None,
        previous_secret_until: None,
        after_event: counter,
        disabled_at: None,
        disabled_reason: None,
        failing_since: None,
        created_at: at,
        updated_at: at,
    };
    model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(&tx)
        .await?;
    tx.commit().await?;
    tracing::info!(webhook.id = %model.id, "registered webhook endpoint {}", model.id);
    Ok(model)
}

/// Every endpoint `owner` may see (every endpoint, for `None`), newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    owner: Option<Uuid>,
) -> Result<Vec<webhook_endpoint::Model>, DbErr> {
    let mut select = webhook_endpoint::Entity::find();
    if let Some(owner) = owner {
        select = select.filter(webhook_endpoint::Column::Owner.eq(owner));
    }
    select
        .order_by_desc(webhook_endpoint::Column::Id)
        .all(db)
        .await
}

/// The endpoint `id`, if `owner` may see it.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    owner: Option<Uuid>,
) -> Result<Option<webhook_endpoint::Model>, DbErr> {
    Ok(webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|endpoint| owner.is_none_or(|owner| endpoint.owner == owner)))
}

/// What a change to an endpoint sets; `None` leaves a field as it is.
#[derive(Default)]
pub struct EndpointPatch {
    /// A new URL (already checked).
    pub url: Option<String>,
    /// New event types.
    pub events: Option<Vec<String>>,
    /// A new description.
    pub description: Option<String>,
    /// Enables (clearing its failures) or disables it.
    pub enabled: Option<bool>,
}

/// Changes `endpoint` as `patch` says.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    endpoint: webhook_endpoint::Model,
    patch: EndpointPatch,
) -> Result<webhook_endpoint::Model, DbErr> {
    let at = now();
    let was_enabled = endpoint.disabled_at.is_none();
    let mut active = endpoint.into_active_model();
    if let Some(url) = patch.url {
        active.url = Set(url);
    }
    if let Some(events) = patch.events {
        active.events = Set(Value::from(events));
    }
    if let Some(description) = patch.description {
        active.description = Set(description);
    }
    match patch.enabled {
        Some(true) if !was_enabled => {
            active.disabled_at = Set(None);
            active.disabled_reason = Set(None);
            active.failing_since = Set(None);
        }
        Some(false) if was_enabled => {
            active.disabled_at = Set(Some(at));
            active.disabled_reason = Set(Some("disabled by its subscriber".to_owned()));
        }
        _ => {}
    }
    active.updated_at = Set(at);
    active.update(db).await
}

/// Deletes `endpoint`, and its deliveries and their attempts with it.
pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<(), DbErr> {
    webhook_endpoint::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Gives `endpoint` a new secret; the one it replaces signs beside it for
/// [`ROTATION_OVERLAP`].
pub async fn rotate_secret<C: ConnectionTrait>(
    db: &C,
    endpoint: webhook_endpoint::Model,
) -> anyhow::Result<webhook_endpoint::Model> {
    let at = now();
    let secret = new_secret()?;
    let previous = endpoint.secret.clone();
    let mut active = endpoint.into_active_model();
    active.previous_secret = Set(Some(previous));
    active.previous_secret_until = Set(Some(at + ROTATION_OVERLAP));
    active.secret = Set(secret);
    active.updated_at = Set(at);
    Ok(active.update(db).await?)
}

/// Queues a `webhook.test` message to `endpoint`.
pub async fn send_test(
    db: &DatabaseConnection,
    endpoint: &webhook_endpoint::Model,
) -> anyhow::Result<webhook_delivery::Model> {
    let at = now();
    let id = Uuid::now_v7();
    let payload = serde_json::to_string(&json!({
        "type": TEST_EVENT,
        "timestamp": at,
        "data": {
            "endpoint_id": endpoint.id,
            "message": "A test of this endpoint, sent because it was asked for; no record changed.",
        }
    }))?;
    let delivery = webhook_delivery::Model {
        id,
        endpoint_id: endpoint.id,
        message_id: format!("msg_{}", id.simple()),
        event_id: None,
        kind: TEST_EVENT.to_owned(),
        payload,
        status: Status::Pending.as_str().to_owned(),
        attempts: 0,
        due_at_ms: Some(at.timestamp_millis()),
        lease_until_ms: 0,
        lease: None,
        created_at: at,
        last_attempt_at: None,
    };
    let tx = db.begin().await?;
    delivery
        .clone()
        .into_active_model()
        .reset_all()
        .insert(&tx)
        .await?;
    announce(&tx).await?;
    tx.commit().await?;
    wake();
    Ok(delivery)
}

/// A delivery with its attempts, oldest attempt first.
pub type DeliveryLog = (webhook_delivery::Model, Vec<webhook_attempt::Model>);

/// Up to `limit` deliveries of `endpoint_id`, newest first, before the delivery `before`
/// (a page's last), of `status` when given.
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    endpoint_id: Uuid,
    status: Option<Status>,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<DeliveryLog>, DbErr> {
    let mut select = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id));
    if let Some(status) = status {
        select = select.filter(webhook_delivery::Column::Status.eq(status.as_str()));
    }
    if let Some(before) = before {
        select = select.filter(webhook_delivery::Column::Id.lt(before));
    }
    let deliveries = select
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = deliveries.iter().map(|delivery| delivery.id).collect();
    let mut attempts = webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.is_in(ids))
        .order_by_asc(webhook_attempt::Column::Id)
        .all(db)
        .await?;
    Ok(deliveries
        .into_iter()
        .map(|delivery| {
            let (mine, rest) = attempts
                .drain(..)
                .partition(|attempt| attempt.delivery_id == delivery.id);
            attempts = rest;
            (delivery, mine)
        })
        .collect())
}

/// Why a delivery cannot be sent again now.
#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    /// The endpoint is disabled; enable it first.
    #[error("the endpoint is disabled: enable it (PATCH `enabled: true`) first")]
    Disabled,
    /// No such delivery of this endpoint.
    #[error("no such delivery")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Makes the next attempt at `delivery_id` due now. If it fails, retries follow the
/// schedule while attempts remain on it.
pub async fn redeliver(
    db: &DatabaseConnection,
    endpoint: &webhook_endpoint::Model,
    delivery_id: Uuid,
) -> Result<webhook_delivery::Model, ResendError> {
    if endpoint.disabled_at.is_some() {
        return Err(ResendError::Disabled);
    }
    let delivery = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(db)
        .await?
        .filter(|delivery| delivery.endpoint_id == endpoint.id)
        .ok_or(ResendError::NotFound)?;
    let tx = db.begin().await?;
    let mut active = delivery.into_active_model();
    active.status = Set(Status::Pending.as_str().to_owned());
    active.due_at_ms = Set(Some(now().timestamp_millis()));
    let delivery = active.update(&tx).await?;
    announce(&tx).await?;
    tx.commit().await?;
    wake();
    Ok(delivery)
}

/// Makes every failed delivery of `endpoint` made at or after `since` due again now;
/// returns how many.
pub async fn recover(
    db: &DatabaseConnection,
    endpoint: &webhook_endpoint::Model,
    since: DateTime<Utc>,
) -> Result<u64, ResendError> {
    if endpoint.disabled_at.is_some() {
        return Err(ResendError::Disabled);
    }
    let tx = db.begin().await?;
    let result = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Status,
            Status::Pending.as_str().into(),
        )
        .col_expr(
            webhook_delivery::Column::DueAtMs,
            now().timestamp_millis().into(),
        )
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id))
        .filter(webhook_delivery::Column::Status.eq(Status::Failed.as_str()))
        .filter(webhook_delivery::Column::CreatedAt.gte(since))
        .exec(&tx)
        .await?;
    announce(&tx).await?;
    tx.commit().await?;
    wake();
    Ok(result.rows_affected)
}
