//! The append-only history of changes: every create, update, delete and restore writes
//! one revision, in the same transaction as the change (see `services::changes`), holding
//! the record's representation before and after. Reading it back, and the legacy column
//! snapshots revisions held before representations (read only by `services::upgrade`).

use chrono::{DateTime, Timelike, Utc};
use entity::revision;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IdenStatic, Iterable, ModelTrait, Value,
};
use uuid::Uuid;

/// The current time, truncated to microseconds so both backends store it alike.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now)
}

/// The representation a revision shows of its record: as the change left it, or as it
/// was before a deletion. `None` for a revision of an older version than this build reads.
pub fn representation(revision: &revision::Model) -> Option<serde_json::Value> {
    if revision.schema_version < 1 {
        return None;
    }
    revision.after.clone().or_else(|| revision.before.clone())
}

/// Every column of `model` as a JSON object: what revisions held before representations.
pub fn snapshot<E: EntityTrait>(model: &E::Model) -> serde_json::Value
where
    E::Model: ModelTrait<Entity = E>,
{
    let mut object = serde_json::Map::new();
    // The search columns are derived from the others; history need not repeat them.
    for column in E::Column::iter().filter(|c| !c.as_str().starts_with("search_")) {
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

/// How the revisions list sorts and counts.
pub static LIST: super::listing::ListSpec<revision::Entity> = super::listing::ListSpec {
    name: "revisions",
    id: revision::Column::Id,
    default_sort: "-id",
    sorts: &[super::listing::SortField {
        name: "id",
        column: revision::Column::Id,
        kind: super::listing::ValueKind::Uuid,
        nullable: false,
    }],
    facets: &[
        super::listing::FacetField {
            name: "resource",
            column: super::listing::FacetColumn::Text(revision::Column::Resource),
        },
        super::listing::FacetField {
            name: "actor",
            column: super::listing::FacetColumn::Text(revision::Column::Actor),
        },
        super::listing::FacetField {
            name: "action",
            column: super::listing::FacetColumn::Text(revision::Column::Action),
        },
    ],
};

/// Which revisions to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only of this resource (`claims`).
    pub resource: Option<String>,
    /// Only of this record.
    pub record_id: Option<Uuid>,
    /// Only by this actor (an API key's id, or `dataset`).
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only before this time.
    pub until: Option<DateTime<Utc>>,
}

/// A page of revisions, newest first unless sorted otherwise.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &super::listing::PageRequest<revision::Entity>,
) -> Result<super::listing::Page<revision::Model>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut select = revision::Entity::find();
    if let Some(resource) = filter.resource {
        select = select.filter(revision::Column::Resource.eq(resource));
    }
    if let Some(id) = filter.record_id {
        select = select.filter(revision::Column::RecordId.eq(id));
    }
    if let Some(actor) = filter.actor {
        select = select.filter(revision::Column::Actor.eq(actor));
    }
    if let Some(action) = filter.action {
        select = select.filter(revision::Column::Action.eq(action));
    }
    if let Some(since) = filter.since {
        select = select.filter(revision::Column::At.gte(since));
    }
    if let Some(until) = filter.until {
        select = select.filter(revision::Column::At.lt(until));
    }
    super::listing::fetch(db, select, page).await
}

/// The id of the record of `resource` that a key (slug, code or dataset key) named last,
/// for records that may since have been deleted.
pub async fn record_id_by_key<C: ConnectionTrait>(
    db: &C,
    resource: &str,
    key: &str,
) -> Result<Option<Uuid>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let by_id = Uuid::parse_str(key).ok();
    let mut select = revision::Entity::find().filter(revision::Column::Resource.eq(resource));
    select = match by_id {
        Some(id) => select.filter(revision::Column::RecordId.eq(id)),
        None => select.filter(revision::Column::RecordKey.eq(key)),
    };
    Ok(select
        .order_by_desc(revision::Column::Id)
        .one(db)
        .await?
        .map(|r| r.record_id))
}

/// A revision of `resource` by id.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    resource: &str,
    id: Uuid,
) -> Result<Option<revision::Model>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    revision::Entity::find_by_id(id)
        .filter(revision::Column::Resource.eq(resource))
        .one(db)
        .await
}

/// The record a legacy column snapshot shows, rebuilt column by column. `None` when the
/// snapshot does not fit the table (a column it lacks, a value of another type).
pub fn from_picture<E: EntityTrait>(picture: &serde_json::Value) -> Option<E::Model>
where
    E::Model: ModelTrait<Entity = E>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + sea_orm::TryIntoModel<E::Model>,
{
    use sea_orm::{ColumnTrait, ColumnType};
    let mut active = <E::ActiveModel as ActiveModelTrait>::default();
    for column in E::Column::iter() {
        // Search columns are not in pictures; writes derive them again.
        let missing = match column.as_str().starts_with("search_") {
            true => serde_json::Value::from(""),
            false => serde_json::Value::Null,
        };
        let json = picture.get(column.as_str()).cloned().unwrap_or(missing);
        let null = json.is_null();
        let value = match column.def().get_column_type() {
            ColumnType::Uuid => Value::Uuid(match null {
                true => None,
                false => Some(json.as_str()?.parse().ok()?),
            }),
            ColumnType::Integer => Value::Int(match null {
                true => None,
                false => Some(i32::try_from(json.as_i64()?).ok()?),
            }),
            ColumnType::BigInteger => Value::BigInt(match null {
                true => None,
                false => Some(json.as_i64()?),
            }),
            ColumnType::Double | ColumnType::Float => Value::Double(match null {
                true => None,
                false => Some(json.as_f64()?),
            }),
            ColumnType::Boolean => Value::Bool(match null {
                true => None,
                false => Some(json.as_bool()?),
            }),
            ColumnType::Date => Value::ChronoDate(match null {
                true => None,
                false => Some(json.as_str()?.parse().ok()?),
            }),
            ColumnType::TimestampWithTimeZone | ColumnType::Timestamp => {
                Value::ChronoDateTimeUtc(match null {
                    true => None,
                    false => Some(
                        DateTime::parse_from_rfc3339(json.as_str()?)
                            .ok()?
                            .with_timezone(&Utc),
                    ),
                })
            }
            ColumnType::Json | ColumnType::JsonBinary => Value::Json(match null {
                true => None,
                false => Some(Box::new(json)),
            }),
            _ => Value::String(match null {
                true => None,
                false => Some(json.as_str()?.to_owned()),
            }),
        };
        active.try_set(column, value).ok()?;
    }
    sea_orm::TryIntoModel::try_into_model(active).ok()
}
