//! The data version: a counter that every change increments in its own transaction, next
//! to its revision. While it has not moved, no record has changed, so a representation
//! tagged with it is still current: `If-None-Match` can be answered without loading the
//! record.
//!
//! Each instance keeps the last value it read for at most `max_age` (and forgets it after
//! its own writes), so a conditional read may answer 304 for up to `max_age` after a
//! change made through another instance. A `max_age` of zero reads it every time.
//!
//! Once the value is too old, one request reads it again and the others that find it old
//! meanwhile wait for that read. When each read it for itself, tens of thousands of
//! requests a second queued for the pool together; a read that waited in the queue was
//! already too old when it came back, so the queue fed itself, and requests that take
//! 0.3 ms took up to a second.

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

/// The data version as this instance last read it.
#[derive(Debug)]
pub struct DataVersion {
    value: AtomicI64,
    read_at: Mutex<Option<Instant>>,
    reading: tokio::sync::Mutex<()>,
    max_age: Duration,
}

impl DataVersion {
    /// Nothing read yet; values are kept for `max_age`.
    pub fn new(max_age: Duration) -> Self {
        Self {
            value: AtomicI64::new(0),
            read_at: Mutex::new(None),
            reading: tokio::sync::Mutex::new(()),
            max_age,
        }
    }

    /// The current data version, read from `db` unless read within `max_age`.
    pub async fn current<C: ConnectionTrait>(&self, db: &C) -> Result<i64, DbErr> {
        if let Some(value) = self.fresh() {
            return Ok(value);
        }
        if self.max_age.is_zero() {
            return self.read(db).await;
        }
        // One read at a time; whoever waited for another's finds its value fresh.
        let _reading = self.reading.lock().await;
        match self.fresh() {
            Some(value) => Ok(value),
            None => self.read(db).await,
        }
    }

    /// The value last read, if it was read within `max_age`.
    fn fresh(&self) -> Option<i64> {
        self.read_at
            .lock()
            .ok()
            .and_then(|read_at| *read_at)
            .is_some_and(|at| at.elapsed() < self.max_age)
            .then(|| self.value.load(Ordering::Acquire))
    }

    /// Reads the data version from `db`, keeping it with the time the read began.
    async fn read<C: ConnectionTrait>(&self, db: &C) -> Result<i64, DbErr> {
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use sea_orm::{
        ConnectOptions, Database, DatabaseBackend, DatabaseConnection, ExecResult, QueryResult,
    };

    use super::*;

    /// A connection that counts the single-row reads made through it.
    struct Counting {
        inner: DatabaseConnection,
        reads: AtomicUsize,
    }

    #[async_trait::async_trait]
    impl ConnectionTrait for Counting {
        fn get_database_backend(&self) -> DatabaseBackend {
            self.inner.get_database_backend()
        }

        async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
            self.inner.execute_raw(stmt).await
        }

        async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
            self.inner.execute_unprepared(sql).await
        }

        async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            self.inner.query_one_raw(stmt).await
        }

        async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
            self.inner.query_all_raw(stmt).await
        }
    }

    async fn counting(counter: i64) -> Counting {
        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).sqlx_logging(false);
        let inner = Database::connect(options).await.unwrap();
        inner
            .execute_unprepared(&format!(
                "CREATE TABLE data_version (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL); \
                 INSERT INTO data_version VALUES (1, {counter})"
            ))
            .await
            .unwrap();
        Counting {
            inner,
            reads: AtomicUsize::new(0),
        }
    }

    async fn ask(version: &DataVersion, db: &Counting, times: usize) -> Vec<i64> {
        futures_util::future::join_all((0..times).map(|_| version.current(db)))
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[tokio::test]
    async fn requests_that_find_the_version_old_together_read_it_once() {
        let db = counting(7).await;
        let version = DataVersion::new(Duration::from_secs(60));
        assert_eq!(ask(&version, &db, 32).await, vec![7; 32]);
        assert_eq!(db.reads.load(Ordering::SeqCst), 1);

        // Kept while fresh; read again once forgotten.
        db.inner
            .execute_unprepared("UPDATE data_version SET counter = 8")
            .await
            .unwrap();
        assert_eq!(ask(&version, &db, 4).await, vec![7; 4]);
        version.forget();
        assert_eq!(ask(&version, &db, 32).await, vec![8; 32]);
        assert_eq!(db.reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_max_age_of_zero_reads_it_every_time() {
        let db = counting(3).await;
        let version = DataVersion::new(Duration::ZERO);
        assert_eq!(ask(&version, &db, 5).await, vec![3; 5]);
        assert_eq!(db.reads.load(Ordering::SeqCst), 5);
    }
}
