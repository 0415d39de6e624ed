//! Whether the database can be reached, known ahead of any request.
//!
//! While PostgreSQL is down, a request that asks the pool for a connection waits the whole
//! acquire timeout (`MIZAN_DB_CONNECT_TIMEOUT_MS`) before it fails: under load every
//! worker fills with such waits. So a prober of its own, on one connection outside the
//! pool, asks the database every [`INTERVAL`]; while it cannot, requests that need the
//! database are answered 503 at once, and those already waiting are abandoned with a 503
//! the moment the outage is seen. It reconnects on the same schedule, so the service
//! serves again within an interval of the database's return.
//!
//! SQLite, a file in the process, has no outage to wait for: it is always available.

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use sea_orm::sqlx::{self, ConnectOptions, Connection, postgres::PgConnectOptions};
use tokio::sync::watch;

/// How often the prober asks.
pub const INTERVAL: Duration = Duration::from_millis(250);

/// How long one probe (a connection, or a ping) may take before the database counts as
/// unreachable.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// Whether the database is reachable, as the prober last found it.
#[derive(Debug)]
pub struct Availability {
    up: watch::Sender<bool>,
}

impl Availability {
    /// Always available: no prober (SQLite, and tests that need none).
    pub fn always() -> Arc<Self> {
        Arc::new(Self {
            up: watch::Sender::new(true),
        })
    }

    /// Available while a prober of the PostgreSQL database at `url` reaches it. The
    /// prober runs on the current runtime until the returned value is dropped.
    pub fn probing(url: &str) -> Result<Arc<Self>, sqlx::Error> {
        let options: PgConnectOptions = url.parse()?;
        let availability = Self::always();
        tokio::spawn(probe(
            Arc::downgrade(&availability),
            options.disable_statement_logging(),
        ));
        Ok(availability)
    }

    /// Whether the database was reachable at the last probe.
    pub fn is_up(&self) -> bool {
        *self.up.borrow()
    }

    /// Runs `work` unless the database is, or becomes, unreachable first; `None` then.
    pub async fn unless_down<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        let mut up = self.up.subscribe();
        if !*up.borrow_and_update() {
            return None;
        }
        tokio::select! {
            done = work => Some(done),
            _ = up.wait_for(|up| !*up) => None,
        }
    }

    fn set(&self, up: bool) {
        let changed = self.up.send_if_modified(|state| {
            let changed = *state != up;
            *state = up;
            changed
        });
        match (changed, up) {
            (true, false) => tracing::warn!("database unreachable: answering 503 until it returns"),
            (true, true) => tracing::info!("database reachable again"),
            _ => {}
        }
    }
}

async fn probe(availability: Weak<Availability>, options: PgConnectOptions) {
    let mut connection = None;
    loop {
        let Some(availability) = availability.upgrade() else {
            return;
        };
        let mut up = match connection.as_mut() {
            Some(connection) => ping(connection).await,
            None => false,
        };
        if !up {
            // A lost connection is tried again at once, before the database counts as
            // down: the server may have closed an idle one.
            connection = reconnect(&options).await;
            up = connection.is_some();
        }
        availability.set(up);
        drop(availability);
        tokio::time::sleep(INTERVAL).await;
    }
}

async fn ping(connection: &mut sqlx::PgConnection) -> bool {
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, connection.ping()).await,
        Ok(Ok(()))
    )
}

async fn reconnect(options: &PgConnectOptions) -> Option<sqlx::PgConnection> {
    let mut connection = tokio::time::timeout(PROBE_TIMEOUT, options.connect())
        .await
        .ok()?
        .ok()?;
    ping(&mut connection).await.then_some(connection)
}
