//! The data version: a counter that every change increments in its own transaction, next
//! to its revision. While it has not moved, no record has changed, so a representation
//! tagged with it is still current: `If-None-Match` can be answered without loading the
//! record.
//!
//! Each instance keeps the last value it read for at most `max_age` (and forgets it after
//! its own writes), so a conditional read may answer 304 for up to `max_age` after a
//! change made through another instance. A `max_age` of zero reads it every time.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Increments the data version; call inside the change's own transaction.
pub async fn bump<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    db.execute_unprepared("UPDATE data_version SET counter = counter + 1 WHERE id = 1")
        .await?;
    Ok(())
}

/// The data version read for a request before its handler read anything, kept in the
/// request's extensions: what the handler renders is at least as new as it.
#[derive(Clone, Copy, Debug)]
pub struct ReadVersion(pub i64);

/// The data version as this instance last read it.
#[derive(Debug)]
pub struct DataVersion {
    value: AtomicI64,
    read_at: Mutex<Option<Instant>>,
    max_age: Duration,
}

impl DataVersion {
    /// Nothing read yet; values are kept for `max_age`.
    pub fn new(max_age: Duration) -> Self {
        Self {
            value: AtomicI64::new(0),
            read_at: Mutex::new(None),
            max_age,
        }
    }

    /// The current data version, read from `db` unless read within `max_age`.
    pub async fn current<C: ConnectionTrait>(&self, db: &C) -> Result<i64, DbErr> {
        let fresh = self
            .read_at
            .lock()
            .ok()
            .and_then(|read_at| *read_at)
            .is_some_and(|at| at.elapsed() < self.max_age);
        if fresh {
            return Ok(self.value.load(Ordering::Acquire));
        }
        let started = Instant::now();
        let value: i64 = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT counter FROM data_version WHERE id = 1",
            ))
            .await?
            .map(|row| row.try_get_by_index(0))
            .transpose()?
            .unwrap_or_default();
        self.value.store(value, Ordering::Release);
        if let Ok(mut read_at) = self.read_at.lock() {
            *read_at = Some(started);
        }
        Ok(value)
    }

    /// Forgets the value read, so the next read sees this instance's own change.
    pub fn forget(&self) {
        if let Ok(mut read_at) = self.read_at.lock() {
            *read_at = None;
        }
    }
}
