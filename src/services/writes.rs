//! What every write shares: its error, and the checks that keep the data whole
//! (references that exist, unique keys, no delete of what others cite).

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, SqlErr,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use uuid::Uuid;

use crate::{domain::validate::Checks, error::FieldError};

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
    /// No such record (or part of one).
    #[error("{resource} `{id}` not found")]
    NotFound {
        /// What was looked for.
        resource: &'static str,
        /// Its key.
        id: String,
    },
    /// The record is not at the version the writer expected: it changed (or went) since
    /// the writer read it.
    #[error("the record changed since it was read")]
    Stale,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
    /// Stored data could not be shown (a reference to a missing record, a value this build
    /// does not know).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<Vec<FieldError>> for WriteError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Invalid(errors)
    }
}

impl WriteError {
    /// The refusal `checks` add up to, if any: every fault, with conflicts among them,
    /// when there are faults; else the first conflict (a taken key alone is a 409).
    pub fn from_checks(checks: Checks) -> Option<Self> {
        let Checks {
            mut errors,
            conflicts,
        } = checks;
        match (errors.is_empty(), conflicts.into_iter().next()) {
            (false, conflict) => {
                errors.extend(conflict);
                Some(Self::Invalid(errors))
            }
            (true, Some(conflict)) => Some(Self::Conflict {
                field: conflict.field,
                message: conflict.message,
            }),
            (true, None) => None,
        }
    }
}

/// Turns the database's unique and foreign-key violations into conflicts.
pub fn conflict(err: DbErr) -> WriteError {
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

/// Resolves a reference to a record of `E` (its id, or its key in `key_column`) to the
/// record's id, or records a field error.
pub async fn resolve<E, C>(
    db: &C,
    checks: &mut Checks,
    field: &str,
    (id_column, key_column): (E::Column, E::Column),
    value: &str,
    what: &str,
) -> Result<Option<Uuid>, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    use sea_orm::QuerySelect;
    let select = E::find().select_only().column(id_column);
    let select = match Uuid::parse_str(value) {
        Ok(id) => select.filter(id_column.eq(id)),
        Err(_) => select.filter(key_column.eq(value)),
    };
    let id: Option<Uuid> = select.into_tuple().one(db).await?;
    if id.is_none() {
        checks.fail(field, format!("no {what} `{value}`"));
    }
    Ok(id)
}

/// Checks that a country code names a stored country, region or group.
pub async fn check_country<C: ConnectionTrait>(
    db: &C,
    checks: &mut Checks,
    field: &str,
    code: &str,
) -> Result<String, DbErr> {
    let code = super::normalize_code(code);
    if super::countries::find(db, &code).await?.is_none() {
        checks.fail(field, format!("no country, region or group `{code}`"));
    }
    Ok(code)
}

/// Checks that `value` is a slug (lowercase words joined by hyphens) that no record of
/// `E` but `existing` holds in `column`.
pub async fn unique_slug<E, C>(
    db: &C,
    checks: &mut Checks,
    columns: (E::Column, E::Column),
    value: &str,
    existing: Option<Uuid>,
    field: &str,
    what: &str,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    checks.slug(field, value);
    ensure_unique::<E, C>(db, checks, columns, value, existing, field, what).await
}

/// Records a conflict when another record of `E` than `existing` holds `value` in
/// `column`.
pub async fn ensure_unique<E, C>(
    db: &C,
    checks: &mut Checks,
    (id_column, column): (E::Column, E::Column),
    value: &str,
    existing: Option<Uuid>,
    field: &str,
    what: &str,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    use sea_orm::QuerySelect;
    let holder: Option<Uuid> = E::find()
        .select_only()
        .column(id_column)
        .filter(column.eq(value))
        .into_tuple()
        .one(db)
        .await?;
    if holder.is_some_and(|id| Some(id) != existing) {
        checks.conflict(field, format!("another {what} has the {field} `{value}`"));
    }
    Ok(())
}
