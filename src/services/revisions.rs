//! The append-only history of changes: every create, update and delete writes one
//! revision, in the same transaction as the change.

use chrono::{DateTime, Timelike, Utc};
use entity::revision;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IdenStatic, Iterable, ModelTrait, Set,
    Value,
};
use uuid::Uuid;

/// What happened to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// It was created.
    Create,
    /// It was changed.
    Update,
    /// It was deleted.
    Delete,
}

impl Action {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// The actor of changes the curated dataset makes.
pub const DATASET: &str = "dataset";

/// One change to record.
pub struct Change<'a> {
    /// The resource, plural (`claims`).
    pub resource: &'static str,
    /// The record's id.
    pub record_id: Uuid,
    /// The record's key, slug or code, if it has one.
    pub record_key: Option<&'a str>,
    /// What happened.
    pub action: Action,
    /// Who did it.
    pub actor: &'a str,
    /// The record before (`None` for a create).
    pub before: Option<serde_json::Value>,
    /// The record after (`None` for a delete).
    pub after: Option<serde_json::Value>,
}

/// Writes `change` as a revision; call inside the change's own transaction.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    change: Change<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    revision::ActiveModel {
        id: Set(Uuid::now_v7()),
        resource: Set(change.resource.to_owned()),
        record_id: Set(change.record_id),
        record_key: Set(change.record_key.map(str::to_owned)),
        action: Set(change.action.as_str().to_owned()),
        actor: Set(change.actor.to_owned()),
        at: Set(at),
        before: Set(change.before),
        after: Set(change.after),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The current time, truncated to microseconds so both backends store it alike.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now)
}

/// Every column of `model` as a JSON object, for a revision's before and after.
pub fn snapshot<E: EntityTrait>(model: &E::Model) -> serde_json::Value
where
    E::Model: ModelTrait<Entity = E>,
{
    let mut object = serde_json::Map::new();
    for column in E::Column::iter() {
        object.insert(column.as_str().to_owned(), to_json(model.get(column)));
    }
    serde_json::Value::Object(object)
}

fn to_json(value: Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Value::Bool(Some(b)) => Json::from(b),
        Value::Int(Some(n)) => Json::from(n),
        Value::BigInt(Some(n)) => Json::from(n),
        Value::Double(Some(n)) => serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number),
        Value::String(Some(s)) => Json::from(s),
        Value::ChronoDate(Some(d)) => Json::from(d.to_string()),
        Value::ChronoDateTimeUtc(Some(t)) => Json::from(t.to_rfc3339()),
        Value::Uuid(Some(u)) => Json::from(u.to_string()),
        Value::Json(Some(j)) => *j,
        _ => Json::Null,
    }
}
