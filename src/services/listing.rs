//! Keyset pagination, sorting, facet counts and totals, shared by every list.
//!
//! A page is the rows after the cursor's position in `(sort value, id)` order: never
//! OFFSET, so a deep page costs what the first does, and rows inserted between two
//! requests can neither repeat a row nor make one be skipped. Nullable sort values sort
//! last in both directions, on PostgreSQL and on SQLite alike.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IdenStatic, ModelTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Value,
    sea_query::{Alias, Expr, ExprTrait, NullOrdering, Query},
};
use uuid::Uuid;

use crate::domain::cursor::{Cursor, CursorError};

/// The most rows a page may hold.
pub const MAX_LIMIT: u64 = 200;
/// The rows a page holds when `limit` is not given.
pub const DEFAULT_LIMIT: u64 = 50;

/// The type of a sort column's values, to read them back out of a cursor.
#[derive(Clone, Copy, Debug)]
pub enum ValueKind {
    /// Text.
    Text,
    /// An ISO date.
    Date,
    /// A 64-bit integer.
    BigInt,
    /// A 32-bit integer.
    Int,
    /// A UUID.
    Uuid,
}

/// A field a list can be sorted by.
pub struct SortField<E: EntityTrait> {
    /// The name `sort=` takes.
    pub name: &'static str,
    /// The column behind it.
    pub column: E::Column,
    /// Its values' type.
    pub kind: ValueKind,
    /// Whether rows may have no value (they then sort last).
    pub nullable: bool,
}

/// How a facet's values are read.
pub enum FacetColumn<E: EntityTrait> {
    /// A text column, counted by its values.
    Text(E::Column),
    /// A boolean column.
    Bool(E::Column),
    /// A reference to another table, counted by the referenced row's key.
    Ref {
        /// The referencing column.
        column: E::Column,
        /// The referenced table.
        table: &'static str,
        /// The referenced table's key column (slug, key or code).
        key: &'static str,
    },
}

/// A field a list can count by with `facets=`.
pub struct FacetField<E: EntityTrait> {
    /// The name `facets=` takes (the filter's name).
    pub name: &'static str,
    /// How its values are read.
    pub column: FacetColumn<E>,
}

/// What a list can be sorted and counted by.
pub struct ListSpec<E: EntityTrait + 'static> {
    /// The list's name, bound into its cursors.
    pub name: &'static str,
    /// The primary key, which breaks ties.
    pub id: E::Column,
    /// The sort used when `sort` is not given.
    pub default_sort: &'static str,
    /// The fields `sort=` accepts.
    pub sorts: &'static [SortField<E>],
    /// The fields `facets=` accepts.
    pub facets: &'static [FacetField<E>],
}

/// What a list accepts, for the OpenAPI document: its sort fields, the default sort, and
/// its facets.
#[derive(Clone, Debug)]
pub struct ListParams {
    /// The fields `sort=` takes (each also with `-`).
    pub sorts: Vec<&'static str>,
    /// The sort without `sort=`.
    pub default_sort: &'static str,
    /// The fields `facets=` takes.
    pub facets: Vec<&'static str>,
}

impl<E: EntityTrait> ListSpec<E> {
    /// What this list accepts.
    pub fn params(&self) -> ListParams {
        ListParams {
            sorts: self.sorts.iter().map(|sort| sort.name).collect(),
            default_sort: self.default_sort,
            facets: self.facets.iter().map(|facet| facet.name).collect(),
        }
    }
}

/// A query parameter that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ParamError {
    /// The parameter.
    pub name: &'static str,
    /// What is wrong with it.
    pub message: String,
    /// Whether the value has the documented form but cannot be used (a cursor this service
    /// did not make for this list): 422 rather than 400.
    pub unusable: bool,
}

impl ParamError {
    /// A value against the documented form of `name` (400).
    pub fn new(name: &'static str, message: impl Into<String>) -> Self {
        Self {
            name,
            message: message.into(),
            unusable: false,
        }
    }

    /// A value of the documented form of `name` that cannot be used (422).
    pub fn unusable(name: &'static str, message: impl Into<String>) -> Self {
        Self {
            unusable: true,
            ..Self::new(name, message)
        }
    }
}

/// The raw paging parameters every list takes.
#[derive(Clone, Debug, Default)]
pub struct PageParams {
    /// `limit`
    pub limit: Option<String>,
    /// `cursor`
    pub cursor: Option<String>,
    /// `sort`
    pub sort: Option<String>,
    /// `count`
    pub count: Option<String>,
    /// `facets`
    pub facets: Option<String>,
}

/// `limit`: [`DEFAULT_LIMIT`] when absent, else an integer from 1 to [`MAX_LIMIT`].
pub fn parse_limit(raw: Option<&str>) -> Result<u64, ParamError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                ParamError::new("limit", format!("must be an integer from 1 to {MAX_LIMIT}"))
            }),
    }
}

/// A validated request for one page of a list.
pub struct PageRequest<E: EntityTrait + 'static> {
    spec: &'static ListSpec<E>,
    sort: &'static SortField<E>,
    sort_param: String,
    descending: bool,
    limit: u64,
    after: Option<(Value, Uuid)>,
    count: bool,
    facets: Vec<&'static FacetField<E>>,
}

impl<E: EntityTrait> PageRequest<E> {
    /// Validates the paging parameters against what `spec` allows.
    pub fn parse(spec: &'static ListSpec<E>, params: &PageParams) -> Result<Self, ParamError> {
        let limit = parse_limit(params.limit.as_deref())?;
        let sort_param = params
            .sort
            .clone()
            .unwrap_or_else(|| spec.default_sort.to_owned());
        let (descending, name) = match sort_param.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, sort_param.as_str()),
        };
        let sort = spec
            .sorts
            .iter()
            .find(|field| field.name == name)
            .ok_or_else(|| {
                let names: Vec<_> = spec.sorts.iter().map(|field| field.name).collect();
                ParamError::new(
                    "sort",
                    format!(
                        "must be one of {}, with `-` for descending",
                        names.join(", ")
                    ),
                )
            })?;
        let count = match params.count.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(ParamError::new("count", "must be `true` or `false`")),
        };
        let mut facets = Vec::new();
        if let Some(raw) = params.facets.as_deref() {
            for name in raw.split(',').map(str::trim) {
                let facet = spec
                    .facets
                    .iter()
                    .find(|facet| facet.name == name)
                    .ok_or_else(|| {
                        let names: Vec<_> = spec.facets.iter().map(|facet| facet.name).collect();
                        ParamError::new(
                            "facets",
                            format!("each must be one of {}", names.join(", ")),
                        )
                    })?;
                if !facets
                    .iter()
                    .any(|known: &&FacetField<E>| known.name == name)
                {
                    facets.push(facet);
                }
            }
        }
        let after = match params.cursor.as_deref() {
            None => None,
            Some(raw) if !Cursor::is_shaped(raw) => {
                return Err(ParamError::new(
                    "cursor",
                    "must be a `next_cursor` as a page gave it: base64url, 1 to 1024 characters",
                ));
            }
            Some(raw) => {
                let cursor = Cursor::decode(raw, spec.name, &sort_param)
                    .map_err(|err| ParamError::unusable("cursor", err.to_string()))?;
                let value = from_json(sort.kind, &cursor.value).ok_or_else(|| {
                    ParamError::unusable("cursor", CursorError::Malformed.to_string())
                })?;
                Some((value, cursor.id))
            }
        };
        Ok(Self {
            spec,
            sort,
            sort_param,
            descending,
            limit,
            after,
            count,
            facets,
        })
    }
}

/// One value of a facet and how many rows have it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    /// The value (`null` for rows without one).
    pub value: Option<String>,
    /// How many rows of the filtered set have it.
    pub count: u64,
}

/// One page of rows, with what the request asked to be counted.
pub struct Page<M> {
    /// The rows.
    pub items: Vec<M>,
    /// Where the next page starts, if there is one.
    pub next_cursor: Option<String>,
    /// The number of rows in the whole filtered set, when asked for.
    pub total: Option<u64>,
    /// Counts by value over the whole filtered set, for each facet asked for.
    pub facets: Vec<(&'static str, Vec<FacetCount>)>,
}

impl<M> Page<M> {
    /// The same page with each row turned into something else.
    pub fn map<T>(self, f: impl FnMut(M) -> T) -> Page<T> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
            total: self.total,
            facets: self.facets,
        }
    }
}

/// Fetches the page `request` describes from the rows `select` filters.
pub async fn fetch<E, C>(
    db: &C,
    select: Select<E>,
    request: &PageRequest<E>,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + Sync,
    C: ConnectionTrait,
{
    let total = match request.count {
        true => Some(select.clone().count(db).await?),
        false => None,
    };
    let mut facets = Vec::with_capacity(request.facets.len());
    for facet in &request.facets {
        facets.push((facet.name, count_facet(db, select.clone(), facet).await?));
    }

    let id = request.spec.id;
    let column = request.sort.column;
    let is_id = column.as_str() == id.as_str();
    let order = if request.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut page = select;
    if let Some((value, last_id)) = &request.after {
        page = page.filter(after(request, column, id, is_id, value.clone(), *last_id));
    }
    if !is_id {
        page = match request.sort.nullable {
            true => page.order_by_with_nulls(column, order.clone(), NullOrdering::Last),
            false => page.order_by(column, order.clone()),
        };
    }
    let mut items = page
        .order_by(id, order)
        .limit(request.limit + 1)
        .all(db)
        .await?;

    let next_cursor = match items.len() as u64 > request.limit {
        true => {
            items.truncate(request.limit as usize);
            items.last().map(|last| {
                Cursor {
                    list: request.spec.name.to_owned(),
                    sort: request.sort_param.clone(),
                    value: to_json(&last.get(column)),
                    id: uuid_of(&last.get(id)),
                }
                .encode()
            })
        }
        false => None,
    };
    Ok(Page {
        items,
        next_cursor,
        total,
        facets,
    })
}

/// The rows strictly after `(value, last_id)` in the request's order, nulls last.
fn after<E: EntityTrait>(
    request: &PageRequest<E>,
    column: E::Column,
    id: E::Column,
    is_id: bool,
    value: Value,
    last_id: Uuid,
) -> Condition {
    let beyond = |c: E::Column, v: Value| match request.descending {
        true => c.lt(v),
        false => c.gt(v),
    };
    if is_id {
        return Condition::all().add(beyond(id, last_id.into()));
    }
    let tie = Condition::all().add(beyond(id, last_id.into()));
    if is_null(&value) {
        return tie.add(column.is_null());
    }
    let mut condition = Condition::any()
        .add(beyond(column, value.clone()))
        .add(Condition::all().add(column.eq(value)).add(tie));
    if request.sort.nullable {
        condition = condition.add(column.is_null());
    }
    condition
}

async fn count_facet<E, C>(
    db: &C,
    select: Select<E>,
    facet: &FacetField<E>,
) -> Result<Vec<FacetCount>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let grouped = |column: E::Column| {
        select
            .clone()
            .select_only()
            .column_as(column, "value")
            .column_as(Expr::cust("COUNT(*)"), "count")
            .group_by(column)
    };
    let mut counts: Vec<FacetCount> = match &facet.column {
        FacetColumn::Text(column) => grouped(*column)
            .into_tuple::<(Option<String>, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(value, count)| FacetCount {
                value,
                count: count as u64,
            })
            .collect(),
        FacetColumn::Bool(column) => grouped(*column)
            .into_tuple::<(Option<bool>, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(value, count)| FacetCount {
                value: value.map(|value| value.to_string()),
                count: count as u64,
            })
            .collect(),
        FacetColumn::Ref { column, table, key } => {
            let rows = grouped(*column)
                .into_tuple::<(Option<Uuid>, i64)>()
                .all(db)
                .await?;
            let ids: Vec<Uuid> = rows.iter().filter_map(|(id, _)| *id).collect();
            let keys = keys_of(db, table, key, ids).await?;
            rows.into_iter()
                .map(|(id, count)| FacetCount {
                    value: id.and_then(|id| keys.get(&id).cloned()),
                    count: count as u64,
                })
                .collect()
        }
    };
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    Ok(counts)
}

/// The key column's value for each id in `ids`, read from `table`; the id itself for a
/// record without a key.
async fn keys_of<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    key: &'static str,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let statement = Query::select()
        .column(Alias::new("id"))
        .column(Alias::new(key))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).is_in(ids))
        .to_owned();
    let mut keys = HashMap::new();
    for row in db.query_all(&statement).await? {
        let id: Uuid = row.try_get("", "id")?;
        // A record without a key (a source may have none) is named by its id, which the
        // filters take as well.
        let value: Option<String> = row.try_get("", key)?;
        keys.insert(id, value.unwrap_or_else(|| id.to_string()));
    }
    Ok(keys)
}

fn is_null(value: &Value) -> bool {
    matches!(
        value,
        Value::String(None)
            | Value::ChronoDate(None)
            | Value::BigInt(None)
            | Value::Int(None)
            | Value::Uuid(None)
    )
}

fn uuid_of(value: &Value) -> Uuid {
    match value {
        Value::Uuid(Some(id)) => *id,
        _ => Uuid::nil(),
    }
}

fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Value::String(Some(text)) => Json::from(text.as_str()),
        Value::ChronoDate(Some(date)) => Json::from(date.to_string()),
        Value::BigInt(Some(number)) => Json::from(*number),
        Value::Int(Some(number)) => Json::from(*number),
        Value::Uuid(Some(id)) => Json::from(id.to_string()),
        _ => Json::Null,
    }
}

fn from_json(kind: ValueKind, json: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as Json;
    Some(match (kind, json) {
        (ValueKind::Text, Json::Null) => Value::String(None),
        (ValueKind::Date, Json::Null) => Value::ChronoDate(None),
        (ValueKind::BigInt, Json::Null) => Value::BigInt(None),
        (ValueKind::Int, Json::Null) => Value::Int(None),
        (ValueKind::Text, Json::String(text)) => Value::String(Some(text.clone())),
        (ValueKind::Date, Json::String(text)) => Value::ChronoDate(Some(text.parse().ok()?)),
        (ValueKind::BigInt, Json::Number(number)) => Value::BigInt(Some(number.as_i64()?)),
        (ValueKind::Int, Json::Number(number)) => {
            Value::Int(Some(i32::try_from(number.as_i64()?).ok()?))
        }
        (ValueKind::Uuid, Json::String(text)) => Value::Uuid(Some(text.parse().ok()?)),
        _ => return None,
    })
}
