//! One pooled connection for a read that takes several statements.
//!
//! Each statement run on the pool takes a connection and gives it back, and the pool
//! checks a connection with a round trip of its own (`Sync`, then `ReadyForQuery`) whenever
//! one comes back: a read of six statements made twelve round trips. On one connection
//! they make seven.
//!
//! On PostgreSQL the connection is taken outside any transaction. Under `READ COMMITTED`,
//! each statement of a transaction reads its own snapshot anyway, so a `BEGIN` would buy
//! nothing but a round trip. On SQLite the statements share a read transaction, which costs
//! no round trip there (the database is in the process) and gives them one snapshot.

use futures_util::lock::Mutex;
use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    DbErr, ExecResult, QueryResult, RuntimeErr, Statement, TransactionTrait,
    sea_query::Values,
    sqlx::{self, Executor, Postgres, pool::PoolConnection},
};
use sea_query_sqlx::SqlxValues;

/// A connection held for the statements of one read; it goes back to the pool when dropped.
pub struct OneConnection(Held);

enum Held {
    /// A PostgreSQL connection, outside any transaction.
    Postgres(Mutex<PoolConnection<Postgres>>),
    /// A read transaction, on the other databases. Nothing is written, so it is never
    /// committed: dropping it rolls it back.
    Transaction(DatabaseTransaction),
}

impl OneConnection {
    /// Takes a connection from `db`'s pool, waiting as the pool's other users do.
    pub async fn take(db: &DatabaseConnection) -> Result<Self, DbErr> {
        if db.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(Self(Held::Transaction(db.begin().await?)));
        }
        let conn = db
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(|err| match err {
                sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
                sqlx::Error::PoolClosed => {
                    DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)
                }
                err => DbErr::Conn(RuntimeErr::SqlxError(err.into())),
            })?;
        Ok(Self(Held::Postgres(Mutex::new(conn))))
    }
}

/// `sql` as sqlx runs it, with `values` bound as parameters of a prepared statement.
fn prepared(sql: &str, values: Option<Values>) -> sqlx::query::Query<'_, Postgres, SqlxValues> {
    let values = values.unwrap_or(Values(Vec::new()));
    sqlx::query_with(sqlx::AssertSqlSafe(sql), SqlxValues(values))
}

fn exec_err(err: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(err.into()))
}

fn query_err(err: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(err.into()))
}

#[async_trait::async_trait]
impl ConnectionTrait for OneConnection {
    fn get_database_backend(&self) -> DatabaseBackend {
        match &self.0 {
            Held::Postgres(_) => DatabaseBackend::Postgres,
            Held::Transaction(tx) => tx.get_database_backend(),
        }
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match &self.0 {
            Held::Postgres(conn) => {
                let mut conn = conn.lock().await;
                prepared(&stmt.sql, stmt.values)
                    .execute(&mut **conn)
                    .await
                    .map(Into::into)
                    .map_err(exec_err)
            }
            Held::Transaction(tx) => tx.execute_raw(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match &self.0 {
            Held::Postgres(conn) => {
                let mut conn = conn.lock().await;
                conn.execute(sqlx::AssertSqlSafe(sql.to_owned()))
                    .await
                    .map(Into::into)
                    .map_err(exec_err)
            }
            Held::Transaction(tx) => tx.execute_unprepared(sql).await,
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match &self.0 {
            Held::Postgres(conn) => {
                let mut conn = conn.lock().await;
                prepared(&stmt.sql, stmt.values)
                    .fetch_optional(&mut **conn)
                    .await
                    .map(|row| row.map(Into::into))
                    .map_err(query_err)
            }
            Held::Transaction(tx) => tx.query_one_raw(stmt).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.0 {
            Held::Postgres(conn) => {
                let mut conn = conn.lock().await;
                prepared(&stmt.sql, stmt.values)
                    .fetch_all(&mut **conn)
                    .await
                    .map(|rows| rows.into_iter().map(Into::into).collect())
                    .map_err(query_err)
            }
            Held::Transaction(tx) => tx.query_all_raw(stmt).await,
        }
    }
}
