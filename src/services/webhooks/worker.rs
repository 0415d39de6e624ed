//! The worker every instance runs: it turns new events into deliveries (the dispatcher,
//! see the module above) and makes the attempts that are due, a few at once.
//!
//! It wakes when this process commits a change or makes a delivery due, on PostgreSQL
//! when any instance does (`LISTEN`), and otherwise every poll interval, so that retries
//! come due and a missed notification costs at most that long.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use entity::{api_key, webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, Statement,
    TransactionTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query},
};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::{RESPONSE_LOG_BYTES, Status, message_id, payload, signature, ssrf::Policy, wants};
use crate::{
    config::WebhookConfig,
    services::{
        events::{self, Filter},
        revisions::now,
    },
};

/// How many events one dispatch reads at a time.
const DISPATCH_BATCH: u64 = 500;

/// A worker's shared state.
struct Worker {
    db: DatabaseConnection,
    attempts: prometheus::IntCounterVec,
    config: WebhookConfig,
    policy: Policy,
    client: reqwest::Client,
    lease: Duration,
}

/// Starts the worker on the current runtime; it runs until the task is aborted.
pub fn spawn(
    db: DatabaseConnection,
    config: &WebhookConfig,
    registry: &prometheus::Registry,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let attempts = prometheus::IntCounterVec::new(
        prometheus::Opts::new(
            "webhook_attempts_total",
            "Webhook delivery attempts this instance made, by result (success: a 2xx)",
        ),
        &["result"],
    )?;
    registry.register(Box::new(attempts.clone()))?;
    let policy = Policy::new(config);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .dns_resolver(policy.resolver())
        .user_agent(concat!("Mizan-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let worker = Arc::new(Worker {
        db,
        attempts,
        lease: config.timeout * 2 + Duration::from_secs(5),
        config: config.clone(),
        policy,
        client,
    });
    Ok(tokio::spawn(worker.run()))
}

/// What an attempt got.
#[derive(Default)]
struct Outcome {
    status: Option<u16>,
    latency_ms: i32,
    body: Option<String>,
    error: Option<String>,
    retry_after: Option<Duration>,
}

impl Outcome {
    fn failed(error: impl Into<String>) -> Self {
        Self {
            error: Some(error.into()),
            ..Self::default()
        }
    }
}

impl Worker {
    async fn run(self: Arc<Self>) {
        let mut wakeups = super::wakeups();
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            tokio::spawn(listen(self.db.clone()));
        }
        let permits = Arc::new(Semaphore::new(self.config.concurrency));
        loop {
            if let Err(err) = self.dispatch().await {
                tracing::warn!(error = %err, "webhooks: reading the change log failed");
            }
            if let Err(err) = self.deliver_due(&permits).await {
                tracing::warn!(error = %err, "webhooks: claiming due deliveries failed");
            }
            let pause = match self.next_due_in().await {
                Ok(Some(due)) => due.min(self.config.poll_interval),
                _ => self.config.poll_interval,
            };
            tokio::select! {
                _ = wakeups.changed() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Reads the log past the cursor and makes the deliveries of what it finds, moving
    /// the cursor in the same transaction. Another instance holding the cursor is left
    /// to it.
    async fn dispatch(&self) -> Result<(), DbErr> {
        loop {
            let tx = crate::services::changes::begin_write(&self.db).await?;
            let backend = tx.get_database_backend();
            let lock = match backend {
                DatabaseBackend::Postgres => " FOR UPDATE SKIP LOCKED",
                _ => "",
            };
            let Some(row) = tx
                .query_one_raw(Statement::from_string(
                    backend,
                    format!("SELECT last_event FROM webhook_cursor WHERE id = 1{lock}"),
                ))
                .await?
            else {
                return Ok(());
            };
            let cursor: i64 = row.try_get_by_index(0)?;
            let filter = Filter {
                after: cursor,
                ..Filter::default()
            };
            let events = events::list(&tx, &filter, DISPATCH_BATCH).await?;
            let Some(last) = events.last().map(|event| event.id) else {
                return Ok(());
            };
            let live_owners = Query::select()
                .column(api_key::Column::Id)
                .from(api_key::Entity)
                .and_where(Expr::col(api_key::Column::RevokedAt).is_null())
                .to_owned();
            let endpoints = webhook_endpoint::Entity::find()
                .filter(webhook_endpoint::Column::DisabledAt.is_null())
                .filter(webhook_endpoint::Column::Owner.in_subquery(live_owners))
                .all(&tx)
                .await?;
            let at = now();
            let mut rows = Vec::new();
            for event in &events {
                let wanting: Vec<_> = endpoints
                    .iter()
                    .filter(|endpoint| {
                        endpoint.after_event < event.id && wants(&endpoint.events, &event.kind)
                    })
                    .collect();
                if wanting.is_empty() {
                    continue;
                }
                let body = payload(event).map_err(|err| DbErr::Json(err.to_string()))?;
                for endpoint in wanting {
                    rows.push(webhook_delivery::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        endpoint_id: Set(endpoint.id),
                        message_id: Set(message_id(event.id)),
                        event_id: Set(Some(event.id)),
                        kind: Set(event.kind.clone()),
                        payload: Set(body.clone()),
                        status: Set(Status::Pending.as_str().to_owned()),
                        attempts: Set(0),
                        due_at_ms: Set(Some(at.timestamp_millis())),
                        lease_until_ms: Set(0),
                        lease: Set(None),
                        created_at: Set(at),
                        last_attempt_at: Set(None),
                    });
                }
            }
            for batch in rows.chunks(200) {
                webhook_delivery::Entity::insert_many(batch.to_vec())
                    .exec_without_returning(&tx)
                    .await?;
            }
            tx.execute_unprepared(&format!(
                "UPDATE webhook_cursor SET last_event = {last} WHERE id = 1"
            ))
            .await?;
            tx.commit().await?;
            if !rows.is_empty() {
                tracing::debug!(
                    deliveries = rows.len(),
                    last_event = last,
                    "webhooks: dispatched"
                );
            }
            if (events.len() as u64) < DISPATCH_BATCH {
                return Ok(());
            }
        }
    }

    /// Claims due deliveries while there are free hands, and starts each attempt.
    async fn deliver_due(self: &Arc<Self>, permits: &Arc<Semaphore>) -> Result<(), DbErr> {
        loop {
            let free = permits.available_permits();
            if free == 0 {
                return Ok(());
            }
            let claimed = self.claim(free as u64).await?;
            let count = claimed.len();
            for delivery in claimed {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    return Ok(());
                };
                let worker = Arc::clone(self);
                tokio::spawn(async move {
                    if let Err(err) = worker.attempt(delivery).await {
                        tracing::warn!(error = %err, "webhooks: recording an attempt failed");
                    }
                    drop(permit);
                    super::wake();
                });
            }
            if count < free {
                return Ok(());
            }
        }
    }

    /// Leases up to `limit` due deliveries to this worker.
    async fn claim(&self, limit: u64) -> Result<Vec<webhook_delivery::Model>, DbErr> {
        use webhook_delivery::Column;
        let now_ms = now().timestamp_millis();
        let token = Uuid::now_v7();
        let due = webhook_delivery::Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::DueAtMs.lte(now_ms))
            .filter(Column::LeaseUntilMs.lte(now_ms))
            .order_by_asc(Column::DueAtMs)
            .limit(limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .into_query();
        let claimed = webhook_delivery::Entity::update_many()
            .col_expr(Column::Lease, Expr::value(token))
            .col_expr(
                Column::LeaseUntilMs,
                Expr::value(now_ms + self.lease.as_millis() as i64),
            )
            .filter(Column::Id.in_subquery(due))
            .exec(&self.db)
            .await?;
        if claimed.rows_affected == 0 {
            return Ok(Vec::new());
        }
        webhook_delivery::Entity::find()
            .filter(Column::Lease.eq(token))
            .all(&self.db)
            .await
    }

    /// How long until the next delivery comes due, if one is waiting.
    async fn next_due_in(&self) -> Result<Option<Duration>, DbErr> {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT MIN(CASE WHEN due_at_ms > lease_until_ms THEN due_at_ms ELSE lease_until_ms END) \
                 FROM webhook_deliveries WHERE due_at_ms IS NOT NULL",
            ))
            .await?;
        let next: Option<i64> = match row {
            Some(row) => row.try_get_by_index(0)?,
            None => None,
        };
        Ok(next.map(|due| {
            Duration::from_millis(
                u64::try_from(due.saturating_sub(now().timestamp_millis())).unwrap_or(0),
            )
        }))
    }

    /// Makes one attempt at `delivery` and records it.
    async fn attempt(&self, delivery: webhook_delivery::Model) -> anyhow::Result<()> {
        let Some(endpoint) = webhook_endpoint::Entity::find_by_id(delivery.endpoint_id)
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        let at = now();
        if endpoint.disabled_at.is_some() {
            let mut active = delivery.into_active_model();
            active.status = Set(Status::Failed.as_str().to_owned());
            active.due_at_ms = Set(None);
            active.lease = Set(None);
            active.lease_until_ms = Set(0);
            active.update(&self.db).await?;
            return Ok(());
        }
        let outcome = self.send(&endpoint, &delivery, at).await;
        self.record(delivery, endpoint, outcome, at).await
    }

    /// Sends `delivery` to `endpoint`, signed.
    async fn send(
        &self,
        endpoint: &webhook_endpoint::Model,
        delivery: &webhook_delivery::Model,
        at: DateTime<Utc>,
    ) -> Outcome {
        let url = match self.policy.check_form(&endpoint.url) {
            Ok(url) => url,
            Err(why) => return Outcome::failed(format!("the URL {why}")),
        };
        if let Some(ip) = super::ssrf::literal(&url).filter(|ip| !self.policy.allows(*ip)) {
            return Outcome::failed(format!("{ip} is not a public address"));
        }
        let timestamp = at.timestamp();
        let signature = match signature(
            endpoint,
            &delivery.message_id,
            timestamp,
            &delivery.payload,
            at,
        ) {
            Ok(signature) => signature,
            Err(err) => return Outcome::failed(err.to_string()),
        };
        let started = std::time::Instant::now();
        let sent = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, &delivery.message_id)
            .header(
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                timestamp.to_string(),
            )
            .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
            .body(delivery.payload.clone())
            .send()
            .await;
        let mut outcome = match sent {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| retry_after(value, at));
                let mut body = Vec::new();
                let mut error = None;
                while body.len() < RESPONSE_LOG_BYTES {
                    match response.chunk().await {
                        Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                        Ok(None) => break,
                        Err(err) => {
                            error = Some(describe(&err, self.config.timeout));
                            break;
                        }
                    }
                }
                Outcome {
                    status: Some(status),
                    body: Some(truncated(&body)),
                    error,
                    retry_after: retry_after.filter(|_| status == 429 || status == 503),
                    ..Outcome::default()
                }
            }
            Err(err) => Outcome::failed(describe(&err, self.config.timeout)),
        };
        outcome.latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        if outcome
            .status
            .is_some_and(|status| (300..400).contains(&status))
        {
            outcome.error = Some("redirects are not followed: answer 2xx at this URL".into());
        }
        outcome
    }

    /// Records `outcome`: the attempt, where the delivery stands next, and whether the
    /// endpoint is now failing or disabled.
    async fn record(
        &self,
        delivery: webhook_delivery::Model,
        endpoint: webhook_endpoint::Model,
        outcome: Outcome,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let attempts = delivery.attempts + 1;
        let succeeded = outcome
            .status
            .is_some_and(|status| (200..300).contains(&status))
            && outcome.error.is_none();
        self.attempts
            .with_label_values(&[if succeeded { "success" } else { "failure" }])
            .inc();
        let gone = outcome.status == Some(410);
        let mut disable = gone.then(|| "the endpoint answered 410 Gone".to_owned());
        let failing_since = (!succeeded).then(|| endpoint.failing_since.unwrap_or(at));
        if let Some(since) = failing_since
            && disable.is_none()
            && at - since >= chrono::Duration::from_std(self.config.disable_after)?
        {
            disable = Some(format!("its deliveries have failed since {since}"));
        }
        let retry = usize::try_from(attempts - 1)
            .ok()
            .and_then(|index| self.config.retry_schedule.get(index))
            .filter(|_| !succeeded && disable.is_none());
        let (status, due) = match retry {
            _ if succeeded => (Status::Succeeded, None),
            Some(delay) => {
                let delay = jittered(*delay).max(outcome.retry_after.unwrap_or_default());
                let due = at.timestamp_millis() + delay.as_millis() as i64;
                (Status::Pending, Some(due))
            }
            None => (Status::Failed, None),
        };
        let tx = self.db.begin().await?;
        let updated = webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::Status,
                Expr::value(status.as_str()),
            )
            .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
            .col_expr(webhook_delivery::Column::DueAtMs, Expr::value(due))
            .col_expr(webhook_delivery::Column::Lease, Expr::value(None::<Uuid>))
            .col_expr(webhook_delivery::Column::LeaseUntilMs, Expr::value(0i64))
            .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(at))
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .filter(webhook_delivery::Column::Lease.eq(delivery.lease))
            .exec(&tx)
            .await?;
        if updated.rows_affected == 0 {
            // Deleted with its endpoint, or the lease ran out and another worker has it.
            return Ok(());
        }
        webhook_attempt::ActiveModel {
            id: Set(Uuid::now_v7()),
            delivery_id: Set(delivery.id),
            at: Set(at),
            status_code: Set(outcome.status.map(i32::from)),
            latency_ms: Set(outcome.latency_ms),
            response_body: Set(outcome.body),
            error: Set(outcome.error),
        }
        .insert(&tx)
        .await?;
        if endpoint.failing_since != failing_since || disable.is_some() {
            let mut active = endpoint.into_active_model();
            active.failing_since = Set(failing_since);
            if let Some(reason) = &disable {
                active.disabled_at = Set(Some(at));
                active.disabled_reason = Set(Some(reason.clone()));
                tracing::warn!(webhook.id = %delivery.endpoint_id, "webhooks: disabled an endpoint: {reason}");
            }
            active.update(&tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Wakes this process's workers on every notification on the webhooks channel. The
/// listening connection reconnects by itself; notifications sent while it was down are
/// missed, which the poll interval makes good.
async fn listen(db: DatabaseConnection) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let listener = async {
            let mut listener = PgListener::connect_with(db.get_postgres_connection_pool()).await?;
            listener.listen(super::CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        match listener.await {
            Ok(mut listener) => loop {
                match listener.recv().await {
                    Ok(_) => super::wake(),
                    Err(err) => {
                        tracing::debug!(error = %err, "webhooks: listening was interrupted");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            },
            Err(err) => {
                tracing::debug!(error = %err, "webhooks: cannot listen for changes");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// A `Retry-After` value (seconds, or an HTTP date) as a delay from `at`.
fn retry_after(value: &str, at: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(std::cmp::min(seconds, 86_400)));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    (date.with_timezone(&Utc) - at)
        .to_std()
        .ok()
        .map(|delay| delay.min(Duration::from_secs(86_400)))
}

/// `delay` give or take a tenth, so that retries of many deliveries spread out.
fn jittered(delay: Duration) -> Duration {
    let mut byte = [0u8; 2];
    if delay.is_zero() || getrandom::fill(&mut byte).is_err() {
        return delay;
    }
    let fraction = f64::from(u16::from_le_bytes(byte)) / f64::from(u16::MAX);
    delay.mul_f64(0.9 + 0.2 * fraction)
}

/// What went wrong with a request, its causes included.
fn describe(err: &reqwest::Error, timeout: Duration) -> String {
    if err.is_timeout() {
        return format!("timed out after {} ms", timeout.as_millis());
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The first [`RESPONSE_LOG_BYTES`] of `body` as text, cut at a character boundary.
fn truncated(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(RESPONSE_LOG_BYTES)]);
    let mut end = text.len().min(RESPONSE_LOG_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(retry_after("120", at), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Mon, 07 Dec 2026 10:01:00 GMT", at),
            Some(Duration::from_secs(60))
        );
        assert_eq!(retry_after("soon", at), None);
    }

    #[test]
    fn jitter_stays_within_a_tenth() {
        for _ in 0..100 {
            let delay = jittered(Duration::from_secs(100));
            assert!((90.0..=110.0).contains(&delay.as_secs_f64()), "{delay:?}");
        }
        assert_eq!(jittered(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn a_logged_body_is_cut_at_a_character() {
        let arabic = "ميزان".repeat(400);
        let cut = truncated(arabic.as_bytes());
        assert!(cut.len() <= RESPONSE_LOG_BYTES && arabic.starts_with(&cut));
    }
}
