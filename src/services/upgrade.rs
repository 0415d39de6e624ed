//! Brings stored data up to this build, after the migrations and before the service
//! serves: revisions that hold column snapshots (representation version 0) are rewritten
//! as representations, and a change log that is still empty gets one event for each
//! revision, so that a reader of `/v1/events` sees the whole history of the data. That
//! runs in one transaction that first takes the data version's row, so that of several
//! instances starting at once one upgrades and the others find nothing left to do.
//!
//! Then, when the rows' search columns hold tokens of an older tokenizer
//! (`search_text::TOKENS_VERSION`), they are computed again, a batch of rows to a
//! transaction: a derived index, not data, so no revision or event is written for it.

use entity::{event, revision};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};
use serde_json::Value;

use crate::domain::input::Parse;

use super::{
    changes::{Action, REPRESENTATION_VERSION},
    claims::Claims,
    companies::Companies,
    countries::Countries,
    metrics::Metrics,
    models::Models,
    resources::Resource,
    sources::Sources,
    statistics::Statistics,
};

/// What an upgrade did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Upgraded {
    /// Revisions rewritten as representations.
    pub revisions: usize,
    /// Revisions left as snapshots: they do not fit the tables of this build, or name a
    /// record that left no trace. `/revisions` shows them as they are, at version 0.
    pub kept: usize,
    /// Events written for revisions that had none.
    pub events: usize,
    /// Rows whose search columns were computed again for a newer tokenizer.
    pub reindexed: usize,
}

/// How many revisions one statement reads.
const BATCH: u64 = 500;

/// Upgrades what needs it; does nothing (two cheap reads) when nothing does.
pub async fn run(db: &DatabaseConnection) -> Result<Upgraded, DbErr> {
    let tx = db
        .begin_with_options(sea_orm::TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        })
        .await?;
    let counter = lock_counter(&tx).await?;
    let mut upgraded = Upgraded::default();
    let mut after = None;
    loop {
        let mut select = revision::Entity::find()
            .filter(revision::Column::SchemaVersion.lt(REPRESENTATION_VERSION))
            .order_by_asc(revision::Column::Id)
            .limit(BATCH);
        if let Some(last) = after {
            select = select.filter(revision::Column::Id.gt(last));
        }
        let batch = select.all(&tx).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for legacy in batch {
            match representations(&tx, &legacy).await? {
                Some((before, after)) => {
                    let mut active: revision::ActiveModel = legacy.into();
                    active.before = Set(before);
                    active.after = Set(after);
                    active.schema_version = Set(REPRESENTATION_VERSION);
                    active.update(&tx).await?;
                    upgraded.revisions += 1;
                }
                None => {
                    tracing::warn!(
                        revision = %legacy.id,
                        resource = legacy.resource,
                        "a revision's snapshot does not fit this build; it is kept as it is"
                    );
                    upgraded.kept += 1;
                }
            }
        }
    }
    if event::Entity::find().count(&tx).await? == 0 {
        upgraded.events = backfill(&tx, counter).await?;
    }
    tx.commit().await?;
    upgraded.reindexed = reindex(db).await?;
    if upgraded != Upgraded::default() {
        tracing::info!(
            revisions = upgraded.revisions,
            kept = upgraded.kept,
            events = upgraded.events,
            reindexed = upgraded.reindexed,
            "stored data upgraded"
        );
    }
    Ok(upgraded)
}

/// Computes every row's search columns again when they hold an older tokenizer's tokens,
/// then records the tokenizer's version; returns how many rows changed. Two instances
/// doing it at once write the same values.
async fn reindex(db: &DatabaseConnection) -> Result<usize, DbErr> {
    use crate::domain::search_text::TOKENS_VERSION;
    let stored: i32 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT search_tokens FROM data_version WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("data_version".to_owned()))?
        .try_get_by_index(0)?;
    if stored >= TOKENS_VERSION {
        return Ok(0);
    }
    let changed = reindex_rows::<Companies>(db).await?
        + reindex_rows::<Models>(db).await?
        + reindex_rows::<Sources>(db).await?
        + reindex_rows::<Statistics>(db).await?
        + reindex_rows::<Claims>(db).await?
        + reindex_rows::<Countries>(db).await?
        + reindex_rows::<Metrics>(db).await?;
    db.execute_unprepared(&format!(
        "UPDATE data_version SET search_tokens = {TOKENS_VERSION} WHERE id = 1"
    ))
    .await?;
    Ok(changed)
}

/// The rows of `R` whose search columns this tokenizer computes otherwise, rewritten.
async fn reindex_rows<R: Resource>(db: &DatabaseConnection) -> Result<usize, DbErr> {
    use sea_orm::IntoActiveModel;
    let mut changed = 0;
    let mut after = None;
    loop {
        let mut select = R::Entity::find().order_by_asc(R::id_column()).limit(BATCH);
        if let Some(last) = after {
            select = select.filter(R::id_column().gt(last));
        }
        let rows = select.all(db).await?;
        let Some(last) = rows.last() else { break };
        after = Some(R::id(last));
        let tx = db.begin().await?;
        for row in rows {
            let mut indexed = row.clone();
            R::index(&mut indexed);
            if indexed != row {
                IntoActiveModel::<R::Active>::into_active_model(indexed)
                    .reset_all()
                    .update(&tx)
                    .await?;
                changed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(changed)
}

/// Takes the data version's row for the rest of the transaction; returns its value.
async fn lock_counter<C: sea_orm::ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "UPDATE data_version SET counter = counter WHERE id = 1 RETURNING counter",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("data_version".to_owned()))?;
    row.try_get_by_index(0)
}

/// A legacy revision's snapshots as representations, or `None` when one cannot be.
async fn representations<C: sea_orm::ConnectionTrait>(
    db: &C,
    legacy: &revision::Model,
) -> Result<Option<(Option<Value>, Option<Value>)>, DbErr> {
    let mut shown = [None, None];
    for (slot, snapshot) in shown.iter_mut().zip([&legacy.before, &legacy.after]) {
        let Some(snapshot) = snapshot else { continue };
        match from_snapshot(db, &legacy.resource, snapshot).await? {
            Some(representation) => *slot = Some(representation),
            None => return Ok(None),
        }
    }
    let [before, after] = shown;
    Ok(Some((before, after)))
}

/// The representation a snapshot of `resource` shows.
async fn from_snapshot<C: sea_orm::ConnectionTrait>(
    db: &C,
    resource: &str,
    snapshot: &Value,
) -> Result<Option<Value>, DbErr> {
    match resource {
        Companies::RESOURCE => upgrade_one::<Companies, _>(db, snapshot).await,
        Models::RESOURCE => upgrade_one::<Models, _>(db, snapshot).await,
        Sources::RESOURCE => upgrade_one::<Sources, _>(db, snapshot).await,
        Statistics::RESOURCE => upgrade_one::<Statistics, _>(db, snapshot).await,
        Claims::RESOURCE => upgrade_one::<Claims, _>(db, snapshot).await,
        Countries::RESOURCE => upgrade_one::<Countries, _>(db, snapshot).await,
        Metrics::RESOURCE => upgrade_one::<Metrics, _>(db, snapshot).await,
        _ => Ok(None),
    }
}

async fn upgrade_one<R: Resource, C: sea_orm::ConnectionTrait>(
    db: &C,
    value: &Value,
) -> Result<Option<Value>, DbErr> {
    if let Some(shown) = R::from_snapshot(db, &with_later_columns(R::RESOURCE, value)).await? {
        return Ok(Some(shown));
    }
    // Already a representation: written by this build, then marked version 0 again by a
    // downgrade and upgrade of the schema. It reads back into an input as it is.
    let (_, faults) = R::Input::from_json_partly(&mut R::input_of(value));
    Ok(faults.is_empty().then(|| value.clone()))
}

/// A snapshot taken before a column was added, with the value the column's migration
/// gave existing rows.
fn with_later_columns(resource: &str, snapshot: &Value) -> Value {
    let added: &[(&str, &str)] = match resource {
        // m20261207_000001_qualify_statistics: figures as read, periods to the day.
        Statistics::RESOURCE => &[("qualifier", "exact"), ("period_precision", "day")],
        _ => &[],
    };
    let mut snapshot = snapshot.clone();
    if let Value::Object(columns) = &mut snapshot {
        for (column, value) in added {
            columns
                .entry(*column)
                .or_insert_with(|| Value::from(*value));
        }
    }
    snapshot
}

/// Writes one event for each revision (and `claim.verdict_changed` where a revision moved
/// a verdict), in the order of the revisions, with ids after `counter`, and moves the data
/// version past them. Revisions kept as snapshots are left out: events carry only
/// representations.
async fn backfill<C: sea_orm::ConnectionTrait>(db: &C, counter: i64) -> Result<usize, DbErr> {
    let mut next = counter;
    let mut after = None;
    loop {
        let mut select = revision::Entity::find()
            .filter(revision::Column::SchemaVersion.gte(REPRESENTATION_VERSION))
            .order_by_asc(revision::Column::Id)
            .limit(BATCH);
        if let Some(last) = after {
            select = select.filter(revision::Column::Id.gt(last));
        }
        let batch = select.all(db).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        let mut rows = Vec::new();
        for revision in batch {
            let (Some(singular), Some(action)) = (
                singular(&revision.resource),
                Action::parse(&revision.action),
            ) else {
                continue;
            };
            let mut kinds = vec![format!("{singular}.{}", action.event_verb())];
            if revision.resource == Claims::RESOURCE {
                kinds.extend(Claims::also_announces(
                    revision.before.as_ref(),
                    revision.after.as_ref(),
                ));
            }
            let data = revision
                .after
                .clone()
                .or_else(|| revision.before.clone())
                .unwrap_or(Value::Null);
            for kind in kinds {
                next += 1;
                rows.push(event::ActiveModel {
                    id: Set(next),
                    kind: Set(kind),
                    resource: Set(revision.resource.clone()),
                    record_id: Set(revision.record_id),
                    record_key: Set(revision.record_key.clone()),
                    revision_id: Set(revision.id),
                    actor: Set(revision.actor.clone()),
                    at: Set(revision.at),
                    schema_version: Set(revision.schema_version),
                    data: Set(data.clone()),
                });
            }
        }
        if !rows.is_empty() {
            event::Entity::insert_many(rows).exec(db).await?;
        }
    }
    if next > counter {
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => "UPDATE data_version SET counter = $1 WHERE id = 1",
                _ => "UPDATE data_version SET counter = ? WHERE id = 1",
            },
            [next.into()],
        ))
        .await?;
    }
    Ok(usize::try_from(next - counter).unwrap_or_default())
}

/// The singular of a resource, as event types spell it.
fn singular(resource: &str) -> Option<&'static str> {
    Some(match resource {
        Companies::RESOURCE => Companies::SINGULAR,
        Models::RESOURCE => Models::SINGULAR,
        Sources::RESOURCE => Sources::SINGULAR,
        Statistics::RESOURCE => Statistics::SINGULAR,
        Claims::RESOURCE => Claims::SINGULAR,
        Countries::RESOURCE => Countries::SINGULAR,
        Metrics::RESOURCE => Metrics::SINGULAR,
        _ => return None,
    })
}
