//! The one write path's transaction and the change log.
//!
//! Every change (an editor's, the dataset loader's, an importer's) is made through a
//! [`Writer`]: one transaction in which each changed record writes its row, a revision
//! holding its representation before and after (in the API's own terms), and an event. At
//! [`Writer::commit`] the events get their ids and the transaction commits.
//!
//! Event ids are the data version: one counter, moved by the number of events a
//! transaction appends, as its last statement before it commits. The counter's row stays
//! locked until the commit, so the next writer reads it only after this one committed:
//! ids are handed out in commit order. A reader that pages through the log by id
//! (`after=`) therefore never skips an event committed later with a smaller id, and a
//! rolled-back write leaves neither an event nor a gap. Writers wait for each other only
//! over that last statement and the commit; on SQLite every write transaction holds the
//! database's one write lock anyway.

use chrono::{DateTime, Utc};
use entity::{event, revision};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    Set, Statement, TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

/// The version of the representations revisions and events record. Version 0 is the
/// column snapshots revisions held before representations; `services::upgrade` rewrites
/// them. A representation of an older version is brought up to date (`upgrade`) before it
/// is read back into a record.
pub const REPRESENTATION_VERSION: i32 = 1;

/// What happened to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// It was created.
    Create,
    /// It was changed.
    Update,
    /// It was deleted.
    Delete,
    /// It was put back as a revision left it.
    Restore,
}

impl Action {
    /// The spelling revisions store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Restore => "restore",
        }
    }

    /// The action a revision's spelling names.
    pub fn parse(action: &str) -> Option<Self> {
        [Self::Create, Self::Update, Self::Delete, Self::Restore]
            .into_iter()
            .find(|known| known.as_str() == action)
    }

    /// The verb of its event type (`company.created`).
    pub fn event_verb(self) -> &'static str {
        match self {
            Self::Create => "created",
            Self::Update => "updated",
            Self::Delete => "deleted",
            Self::Restore => "restored",
        }
    }
}

/// The actor of changes the curated dataset makes.
pub const DATASET: &str = "dataset";

/// One change to one record, as [`Writer::record`] writes it.
pub struct Change {
    /// The resource, plural (`claims`).
    pub resource: &'static str,
    /// Its name for one record, which event types begin with (`claim`).
    pub singular: &'static str,
    /// The record's id.
    pub record_id: Uuid,
    /// The record's key, slug or code, if it has one.
    pub record_key: Option<String>,
    /// What happened.
    pub action: Action,
    /// The representation before (`None` for a create).
    pub before: Option<Value>,
    /// The representation after (`None` for a delete).
    pub after: Option<Value>,
    /// Event types the change also announces, such as `claim.verdict_changed`.
    pub also: Vec<String>,
}

/// An event waiting for its id.
struct Pending {
    kind: String,
    resource: &'static str,
    record_id: Uuid,
    record_key: Option<String>,
    revision_id: Uuid,
    data: Value,
}

/// A write transaction of one actor, collecting the events its changes announce.
pub struct Writer {
    tx: DatabaseTransaction,
    actor: String,
    at: DateTime<Utc>,
    pending: Vec<Pending>,
}

/// What a committed write left.
#[derive(Clone, Copy, Debug)]
pub struct Committed {
    /// The data version after it: the id of its last event (the version it found, when
    /// it changed nothing).
    pub data_version: i64,
    /// How many events it appended.
    pub events: usize,
}

impl Writer {
    /// Starts a write by `actor`. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), waiting its turn behind other writers, so that no write can find its
    /// snapshot stale half way and fail.
    pub async fn begin(db: &DatabaseConnection, actor: impl Into<String>) -> Result<Self, DbErr> {
        let tx = begin_write(db).await?;
        Ok(Self {
            tx,
            actor: actor.into(),
            at: super::revisions::now(),
            pending: Vec::new(),
        })
    }

    /// The transaction, for reads and writes that belong to this change.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// Who is making the change.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The time of every change in this write.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Writes `change`'s revision and queues its events; returns the revision's id.
    pub async fn record(&mut self, change: Change) -> Result<Uuid, DbErr> {
        let revision_id = Uuid::now_v7();
        revision::ActiveModel {
            id: Set(revision_id),
            resource: Set(change.resource.to_owned()),
            record_id: Set(change.record_id),
            record_key: Set(change.record_key.clone()),
            action: Set(change.action.as_str().to_owned()),
            actor: Set(self.actor.clone()),
            at: Set(self.at),
            before: Set(change.before.clone()),
            after: Set(change.after.clone()),
            schema_version: Set(REPRESENTATION_VERSION),
        }
        .insert(&self.tx)
        .await?;
        let data = change.after.or(change.before).unwrap_or(Value::Null);
        let main = format!("{}.{}", change.singular, change.action.event_verb());
        for kind in std::iter::once(main).chain(change.also) {
            self.pending.push(Pending {
                kind,
                resource: change.resource,
                record_id: change.record_id,
                record_key: change.record_key.clone(),
                revision_id,
                data: data.clone(),
            });
        }
        Ok(revision_id)
    }

    /// Undoes every change of this write: no row, revision or event is left of it.
    /// (Dropping a writer without committing does the same, without waiting.)
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.tx.rollback().await
    }

    /// Gives the queued events their ids, moving the data version past them, and commits.
    pub async fn commit(self) -> Result<Committed, DbErr> {
        let Self {
            tx,
            actor,
            at,
            pending,
        } = self;
        let events = pending.len();
        let data_version = match events {
            0 => read_counter(&tx).await?,
            n => {
                let last = bump_counter(&tx, n).await?;
                let first = last - n as i64 + 1;
                let rows = pending
                    .into_iter()
                    .zip(first..)
                    .map(|(event, id)| event::ActiveModel {
                        id: Set(id),
                        kind: Set(event.kind),
                        resource: Set(event.resource.to_owned()),
                        record_id: Set(event.record_id),
                        record_key: Set(event.record_key),
                        revision_id: Set(event.revision_id),
                        actor: Set(actor.clone()),
                        at: Set(at),
                        schema_version: Set(REPRESENTATION_VERSION),
                        data: Set(event.data),
                    });
                // In batches: one statement's bind parameters are limited (SQLite 32,766).
                let rows: Vec<_> = rows.collect();
                for batch in rows.chunks(500) {
                    event::Entity::insert_many(batch.to_vec()).exec(&tx).await?;
                }
                super::webhooks::announce(&tx).await?;
                last
            }
        };
        tx.commit().await?;
        if events > 0 {
            super::webhooks::wake();
        }
        Ok(Committed {
            data_version,
            events,
        })
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so that its snapshot cannot turn stale half way.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
    })
    .await
}

/// Moves the counter by `n` and returns its new value. The row stays locked until the
/// transaction ends.
async fn bump_counter<C: ConnectionTrait>(db: &C, n: usize) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "UPDATE data_version SET counter = counter + {n} WHERE id = 1 RETURNING counter"
            ),
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("data_version".to_owned()))?;
    row.try_get_by_index(0)
}

async fn read_counter<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT counter FROM data_version WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("data_version".to_owned()))?;
    row.try_get_by_index(0)
}
