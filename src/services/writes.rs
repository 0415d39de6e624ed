//! What every write shares: its error, its transaction, and the checks that keep the
//! data whole (references that exist, no delete of what others cite).

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    ModelTrait, SqlErr, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use uuid::Uuid;

use super::{
    claims::Children,
    records::{self, Stamp},
    revisions,
};
use crate::error::FieldError;

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Values that are not acceptable, each naming its field.
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// A conflict with other records, naming the field.
    #[error("{message}")]
    Conflict {
        /// The field.
        field: String,
        /// What conflicts.
        message: String,
    },
    /// The record changed (or went) since it was read.
    #[error("the record changed since it was read")]
    Stale,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<Vec<FieldError>> for WriteError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Invalid(errors)
    }
}

/// Turns the database's unique and foreign-key violations into conflicts.
fn conflict(err: DbErr) -> WriteError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => WriteError::Conflict {
            field: field_in(&detail).unwrap_or("key").to_owned(),
            message: "another record already has this value".to_owned(),
        },
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => WriteError::Conflict {
            field: "(record)".to_owned(),
            message: "the change would break a reference between records".to_owned(),
        },
        _ => WriteError::Db(err),
    }
}

fn field_in(detail: &str) -> Option<&'static str> {
    ["slug", "key", "code"]
        .into_iter()
        .find(|field| detail.contains(field))
}

/// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), waiting its turn behind other writers, so that no write can find its
/// snapshot stale half way and fail.
pub async fn begin(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
    })
    .await
}

/// Creates `model` (and a claim's `children`), with its revision, in one transaction.
pub async fn create<E>(
    db: &DatabaseConnection,
    resource: &'static str,
    model: E::Model,
    children: Option<&Children>,
    actor: &str,
) -> Result<(), WriteError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let stamp = Stamp {
        actor,
        at: revisions::now(),
    };
    let id = records::id_of::<E>(&model);
    let extra = children.map_or(serde_json::Value::Null, Children::to_json);
    let tx = begin(db).await?;
    records::insert::<E, _>(&tx, resource, model, &extra, stamp)
        .await
        .map_err(conflict)?;
    if let Some(children) = children {
        children.replace(&tx, id).await.map_err(conflict)?;
    }
    tx.commit().await?;
    Ok(())
}

/// Replaces `before` by `after` when the stored version is still `before`'s.
pub async fn update<E>(
    db: &DatabaseConnection,
    resource: &'static str,
    before: &E::Model,
    children: Option<(&Children, &Children)>,
    after: E::Model,
    actor: &str,
) -> Result<E::Model, WriteError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let stamp = Stamp {
        actor,
        at: revisions::now(),
    };
    let (extra_before, extra_after) = match children {
        Some((old, new)) => (old.to_json(), new.to_json()),
        None => (serde_json::Value::Null, serde_json::Value::Null),
    };
    let tx = begin(db).await?;
    let updated = records::update::<E, _>(
        &tx,
        resource,
        before,
        &extra_before,
        after,
        &extra_after,
        stamp,
    )
    .await
    .map_err(conflict)?
    .ok_or(WriteError::Stale)?;
    if let Some((_, new)) = children {
        new.replace(&tx, records::id_of::<E>(&updated))
            .await
            .map_err(conflict)?;
    }
    tx.commit().await?;
    Ok(updated)
}

/// Deletes `before` when the stored version is still its own.
pub async fn delete<E>(
    db: &DatabaseConnection,
    resource: &'static str,
    before: &E::Model,
    children: Option<&Children>,
    actor: &str,
) -> Result<(), WriteError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + Sync,
{
    let stamp = Stamp {
        actor,
        at: revisions::now(),
    };
    let extra = children.map_or(serde_json::Value::Null, Children::to_json);
    let tx = begin(db).await?;
    if !records::delete::<E, _>(&tx, resource, before, &extra, stamp)
        .await
        .map_err(conflict)?
    {
        return Err(WriteError::Stale);
    }
    tx.commit().await?;
    Ok(())
}

/// Refuses to delete a record that others cite: `(table, column, what)` name the citing
/// columns; the first that holds `id` (or `code`) is the conflict.
pub async fn ensure_unreferenced<C: ConnectionTrait>(
    db: &C,
    value: sea_orm::Value,
    citing: &[(&'static str, &'static str, &'static str)],
) -> Result<(), WriteError> {
    for (table, column, what) in citing {
        let statement = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(Alias::new(*table))
            .and_where(Expr::col(Alias::new(*column)).eq(value.clone()))
            .to_owned();
        let count: i64 = match db.query_one(&statement).await? {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        };
        if count > 0 {
            return Err(WriteError::Conflict {
                field: "(record)".to_owned(),
                message: format!(
                    "{count} {what} refer to this record; change or delete them first"
                ),
            });
        }
    }
    Ok(())
}

/// Resolves the key of a referenced record to its id, or records a field error.
pub async fn resolve<E, C>(
    db: &C,
    errors: &mut Vec<FieldError>,
    field: &str,
    key_column: E::Column,
    value: &str,
    what: &str,
) -> Result<Option<Uuid>, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E>,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let by_id = Uuid::parse_str(value)
        .ok()
        .filter(|_| records::column::<E>("id").is_some());
    let mut select = E::find();
    select = match (by_id, records::column::<E>("id")) {
        (Some(id), Some(id_column)) => select.filter(id_column.eq(id)),
        _ => select.filter(key_column.eq(value)),
    };
    match select.one(db).await? {
        Some(model) => Ok(Some(records::id_of::<E>(&model))),
        None => {
            errors.push(FieldError {
                field: field.to_owned(),
                message: format!("no {what} `{value}`"),
            });
            Ok(None)
        }
    }
}

/// Checks that a country code names a stored country, region or group.
pub async fn check_country<C: ConnectionTrait>(
    db: &C,
    errors: &mut Vec<FieldError>,
    field: &str,
    code: &str,
) -> Result<String, DbErr> {
    let code = super::normalize_code(code);
    if super::countries::find(db, &code).await?.is_none() {
        errors.push(FieldError {
            field: field.to_owned(),
            message: format!("no country, region or group `{code}`"),
        });
    }
    Ok(code)
}

/// Refuses `value` for `column` when another record of `E` than `existing` holds it.
pub async fn ensure_unique<E, C>(
    db: &C,
    column: E::Column,
    value: &str,
    existing: Option<Uuid>,
    field: &str,
    what: &str,
) -> Result<(), WriteError>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E>,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let holder = E::find().filter(column.eq(value)).one(db).await?;
    match holder.map(|model| records::id_of::<E>(&model)) {
        Some(id) if Some(id) != existing => Err(WriteError::Conflict {
            field: field.to_owned(),
            message: format!("another {what} has the {field} `{value}`"),
        }),
        _ => Ok(()),
    }
}
