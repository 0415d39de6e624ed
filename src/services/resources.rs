//! The one write path: create, update, delete and restore, the same for every resource and
//! every writer (the API, the dataset loader, importers). Each operation runs inside a
//! [`Writer`]'s transaction, checks the whole input, writes the row, its revision and its
//! event, and returns the record's new representation.
//!
//! A resource says what is its own through [`Resource`]: how to find a row, how to check
//! an input into a row, how to show a row, and how to read an input back out of what it
//! shows, which is how a merge patch or a restore starts from the record as the API shows
//! it.

use std::future::Future;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    ModelTrait, QueryFilter,
};
use serde_json::Value;
use uuid::Uuid;

use super::{
    changes::{Action, Change, Writer},
    claims::Children,
    writes::{self, WriteError},
};
use crate::{
    domain::{
        input::{Faults, Parse, is_within},
        lang::Lang,
        validate::Checks,
    },
    error::FieldError,
};

/// A checked input: the row it describes, and a claim's parts.
pub struct Prepared<M> {
    /// The row.
    pub model: M,
    /// A claim's topics, subjects and evidence.
    pub parts: Option<Children>,
}

impl<M> Prepared<M> {
    /// A row with no parts of its own.
    pub fn row(model: M) -> Self {
        Self { model, parts: None }
    }
}

/// A kind of record that goes through the write path.
pub trait Resource: Sized + 'static {
    /// Its table.
    type Entity: EntityTrait<Model = Self::Model, ActiveModel = Self::Active>;
    /// A row.
    type Model: ModelTrait<Entity = Self::Entity>
        + IntoActiveModel<Self::Active>
        + Clone
        + PartialEq
        + Send
        + Sync;
    /// A row to write.
    type Active: ActiveModelTrait<Entity = Self::Entity>
        + sea_orm::ActiveModelBehavior
        + sea_orm::TryIntoModel<Self::Model>
        + Send;
    /// What a writer gives: the body of a create, and what a merge patch applies to.
    type Input: Parse + serde::Serialize + Clone + Send;
    /// How the API shows a record.
    type View: serde::Serialize;

    /// Plural, as in URLs and revisions (`companies`).
    const RESOURCE: &'static str;
    /// Singular, for messages and event types (`company`).
    const SINGULAR: &'static str;
    /// The columns of other tables that cite a record: it cannot be deleted while they do.
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)];

    /// The row's id.
    fn id(model: &Self::Model) -> Uuid;
    /// Its version, which every change moves.
    fn version(model: &Self::Model) -> i32;
    /// Its key in URLs: its slug, code or dataset key, else its id.
    fn key(model: &Self::Model) -> String;
    /// Its id, version, times and search texts, as a write of version `version` at `at`
    /// leaves them (`created_at` only for a new record).
    fn stamp(model: &mut Self::Model, version: i32, at: DateTime<Utc>, created: bool);
    /// Its search texts (`search_title`, `search_body`), from its other fields.
    fn index(model: &mut Self::Model);
    /// The id column.
    fn id_column() -> <Self::Entity as EntityTrait>::Column;
    /// The version column.
    fn version_column() -> <Self::Entity as EntityTrait>::Column;
    /// Whether two rows hold the same record, whatever their versions and times.
    fn same(a: &Self::Model, b: &Self::Model) -> bool {
        let mut b = b.clone();
        Self::stamp(&mut b, Self::version(a), DateTime::<Utc>::MIN_UTC, false);
        let mut a = a.clone();
        Self::stamp(&mut a, Self::version(&b), DateTime::<Utc>::MIN_UTC, false);
        a == b
    }

    /// The row with this id, or this slug, code or key.
    fn row<C: ConnectionTrait>(
        db: &C,
        key: &str,
    ) -> impl Future<Output = Result<Option<Self::Model>, DbErr>>;

    /// Checks `input` into the row it describes (`existing` when it changes one),
    /// recording every fault and conflict in `checks`.
    fn validate<C: ConnectionTrait>(
        db: &C,
        input: Self::Input,
        existing: Option<&Self::Model>,
        checks: &mut Checks,
    ) -> impl Future<Output = Result<Prepared<Self::Model>, DbErr>>;

    /// How the API shows `model` in `lang`, looking up what it refers to.
    fn view<C: ConnectionTrait>(
        db: &C,
        model: Self::Model,
        lang: Option<Lang>,
    ) -> impl Future<Output = Result<Self::View, WriteError>>;

    /// The input, as JSON, that would make a record of its representation (as `GET` shows
    /// it in both languages): what a merge patch applies to and a restore starts from.
    fn input_of(representation: &Value) -> Value;

    /// A claim's stored parts.
    fn parts<C: ConnectionTrait>(
        _db: &C,
        _model: &Self::Model,
    ) -> impl Future<Output = Result<Option<Children>, DbErr>> {
        async { Ok(None) }
    }

    /// The representation of the record a legacy column snapshot (representation
    /// version 0, see `services::upgrade`) shows; `None` when the snapshot does not fit
    /// the table or names a record that left no trace.
    fn from_snapshot<C: ConnectionTrait>(
        db: &C,
        snapshot: &Value,
    ) -> impl Future<Output = Result<Option<Value>, DbErr>> {
        async move {
            let Some(model) = super::revisions::from_picture::<Self::Entity>(snapshot) else {
                return Ok(None);
            };
            shown::<Self, _>(db, model).await
        }
    }

    /// Other event types a change from `before` to `after` announces.
    fn also_announces(_before: Option<&Value>, _after: Option<&Value>) -> Vec<String> {
        Vec::new()
    }
}

/// The parts of a [`Resource`] that every table has alike (`id`, `version`,
/// `created_at`, `updated_at`, with the table's `Column` in scope), given the key its URLs
/// name a record by; `stamp` indexes the record with the impl's own `index`.
#[macro_export]
macro_rules! resource_basics {
    ($model:ty, |$record:ident| $key:expr) => {
        fn id(model: &$model) -> uuid::Uuid {
            model.id
        }

        fn version(model: &$model) -> i32 {
            model.version
        }

        fn key($record: &$model) -> String {
            $key
        }

        fn stamp(
            model: &mut $model,
            version: i32,
            at: chrono::DateTime<chrono::Utc>,
            created: bool,
        ) {
            model.version = version;
            model.updated_at = at;
            if created {
                model.created_at = at;
            }
            Self::index(model);
        }

        fn id_column() -> Column {
            Column::Id
        }

        fn version_column() -> Column {
            Column::Version
        }
    };
}

/// A record as a write left it.
pub struct Saved<R: Resource> {
    /// Its row.
    pub model: R::Model,
    /// Its representation in both languages, as its revision and event record it.
    pub representation: Value,
    /// Whether the write changed anything (an update to what the record already holds
    /// does not).
    pub changed: bool,
}

/// What `If-Match` (or a caller's own expectation) asks of the record's version.
#[derive(Clone, Debug)]
pub enum Expect {
    /// Nothing.
    Nothing,
    /// That the record exists (`*`).
    Exists,
    /// That it is at one of these versions.
    Versions(Vec<i32>),
}

impl Expect {
    fn admits(&self, version: i32) -> bool {
        match self {
            Self::Nothing | Self::Exists => true,
            Self::Versions(versions) => versions.contains(&version),
        }
    }
}

/// The representation of `model` as revisions and events hold it: both languages.
async fn representation<R: Resource, C: ConnectionTrait>(
    db: &C,
    model: R::Model,
) -> Result<Value, WriteError> {
    let view = R::view(db, model, None).await?;
    serde_json::to_value(view).map_err(|err| WriteError::Unexpected(err.into()))
}

/// The representation of `model` in both languages, or `None` when it refers to a
/// record that cannot be shown: how history that may predate its references is read.
pub async fn shown<R: Resource, C: ConnectionTrait>(
    db: &C,
    model: R::Model,
) -> Result<Option<Value>, DbErr> {
    match representation::<R, C>(db, model).await {
        Ok(value) => Ok(Some(value)),
        Err(WriteError::Db(err)) => Err(err),
        Err(_) => Ok(None),
    }
}

/// The refusal of an input whose reading found `faults` and whose checks found `checks`.
/// What the checks say of a field that could not be read is left out: it was said of a
/// placeholder.
fn refusal(faults: Faults, checks: Checks) -> Option<WriteError> {
    let failed = faults.paths();
    let keep = |error: &FieldError| !failed.iter().any(|path| is_within(&error.field, path));
    let mut errors = faults.into_errors();
    errors.extend(checks.errors.into_iter().filter(keep));
    let conflicts: Vec<_> = checks.conflicts.into_iter().filter(keep).collect();
    WriteError::from_checks(Checks { errors, conflicts })
}

/// Creates a record from `input`.
pub async fn create<R: Resource>(w: &mut Writer, input: R::Input) -> Result<Saved<R>, WriteError> {
    insert::<R>(w, input, Faults::default(), None, Action::Create).await
}

/// Creates a record from a JSON input, refusing it with every fault when it does not read.
pub async fn create_json<R: Resource>(
    w: &mut Writer,
    mut input: Value,
) -> Result<Saved<R>, WriteError> {
    let (input, faults) = R::Input::from_json_partly(&mut input);
    insert::<R>(w, input, faults, None, Action::Create).await
}

async fn insert<R: Resource>(
    w: &mut Writer,
    input: R::Input,
    faults: Faults,
    id: Option<Uuid>,
    action: Action,
) -> Result<Saved<R>, WriteError> {
    let mut checks = Checks::default();
    let prepared = R::validate(w.db(), input, None, &mut checks).await?;
    if let Some(refused) = refusal(faults, checks) {
        return Err(refused);
    }
    let mut model = prepared.model;
    R::stamp(&mut model, 1, w.at(), true);
    if let Some(id) = id {
        set_id::<R>(&mut model, id);
    }
    IntoActiveModel::<R::Active>::into_active_model(model.clone())
        .reset_all()
        .insert(w.db())
        .await
        .map_err(writes::conflict)?;
    if let Some(parts) = &prepared.parts {
        parts
            .write(w.db(), R::id(&model), None)
            .await
            .map_err(writes::conflict)?;
    }
    let after = representation::<R, _>(w.db(), model.clone()).await?;
    w.record(Change {
        resource: R::RESOURCE,
        singular: R::SINGULAR,
        record_id: R::id(&model),
        record_key: Some(R::key(&model)),
        action,
        also: R::also_announces(None, Some(&after)),
        before: None,
        after: Some(after.clone()),
    })
    .await?;
    Ok(Saved {
        model,
        representation: after,
        changed: true,
    })
}

fn set_id<R: Resource>(model: &mut R::Model, id: Uuid) {
    model.set(R::id_column(), id.into());
}

/// The record `key` names, read inside the write, and checked against `expect`.
async fn current<R: Resource>(
    w: &Writer,
    key: &str,
    expect: &Expect,
) -> Result<R::Model, WriteError> {
    let model = R::row(w.db(), key)
        .await?
        .ok_or_else(|| WriteError::NotFound {
            resource: R::SINGULAR,
            id: key.to_owned(),
        })?;
    if !expect.admits(R::version(&model)) {
        return Err(WriteError::Stale);
    }
    Ok(model)
}

/// Replaces the record `key` names with what `input` describes.
pub async fn update<R: Resource>(
    w: &mut Writer,
    key: &str,
    expect: &Expect,
    input: R::Input,
) -> Result<Saved<R>, WriteError> {
    let before = current::<R>(w, key, expect).await?;
    replace::<R>(w, before, None, input, Faults::default(), Action::Update).await
}

/// Changes the record `key` names by `change` to its input as JSON (a merge patch, an
/// item added to a list), refusing the result with every fault when it does not read.
pub async fn update_json<R: Resource>(
    w: &mut Writer,
    key: &str,
    expect: &Expect,
    change: impl FnOnce(&mut Value) -> Result<(), WriteError>,
) -> Result<Saved<R>, WriteError> {
    let before = current::<R>(w, key, expect).await?;
    let shown = representation::<R, _>(w.db(), before.clone()).await?;
    let mut input = R::input_of(&shown);
    change(&mut input)?;
    let (input, faults) = R::Input::from_json_partly(&mut input);
    replace::<R>(w, before, Some(shown), input, faults, Action::Update).await
}

async fn replace<R: Resource>(
    w: &mut Writer,
    before: R::Model,
    shown: Option<Value>,
    input: R::Input,
    faults: Faults,
    action: Action,
) -> Result<Saved<R>, WriteError> {
    let mut checks = Checks::default();
    let prepared = R::validate(w.db(), input, Some(&before), &mut checks).await?;
    if let Some(refused) = refusal(faults, checks) {
        return Err(refused);
    }
    let old_parts = R::parts(w.db(), &before).await?;
    let same_parts = match (&old_parts, &prepared.parts) {
        (Some(old), Some(new)) => old.same(new),
        _ => true,
    };
    let before_representation = match shown {
        Some(shown) => shown,
        None => representation::<R, _>(w.db(), before.clone()).await?,
    };
    if R::same(&before, &prepared.model) && same_parts {
        return Ok(Saved {
            model: before,
            representation: before_representation,
            changed: false,
        });
    }
    let mut model = prepared.model;
    R::stamp(&mut model, R::version(&before) + 1, w.at(), false);
    let updated = R::Entity::update_many()
        .set(IntoActiveModel::<R::Active>::into_active_model(model.clone()).reset_all())
        .filter(R::id_column().eq(R::id(&before)))
        .filter(R::version_column().eq(R::version(&before)))
        .exec(w.db())
        .await
        .map_err(writes::conflict)?;
    if updated.rows_affected != 1 {
        return Err(WriteError::Stale);
    }
    if let Some(parts) = &prepared.parts {
        parts
            .write(w.db(), R::id(&model), old_parts.as_ref())
            .await
            .map_err(writes::conflict)?;
    }
    let after = representation::<R, _>(w.db(), model.clone()).await?;
    w.record(Change {
        resource: R::RESOURCE,
        singular: R::SINGULAR,
        record_id: R::id(&model),
        record_key: Some(R::key(&model)),
        action,
        also: R::also_announces(Some(&before_representation), Some(&after)),
        before: Some(before_representation),
        after: Some(after.clone()),
    })
    .await?;
    Ok(Saved {
        model,
        representation: after,
        changed: true,
    })
}

/// Deletes the record `key` names, unless others cite it.
pub async fn delete<R: Resource>(
    w: &mut Writer,
    key: &str,
    expect: &Expect,
) -> Result<Value, WriteError> {
    let before = current::<R>(w, key, expect).await?;
    writes::ensure_unreferenced(w.db(), R::id(&before).into(), R::CITED_BY).await?;
    let before_representation = representation::<R, _>(w.db(), before.clone()).await?;
    if let Some(parts) = R::parts(w.db(), &before).await? {
        parts.clear(w.db(), R::id(&before)).await?;
    }
    let deleted = R::Entity::delete_many()
        .filter(R::id_column().eq(R::id(&before)))
        .filter(R::version_column().eq(R::version(&before)))
        .exec(w.db())
        .await
        .map_err(writes::conflict)?;
    if deleted.rows_affected != 1 {
        return Err(WriteError::Stale);
    }
    w.record(Change {
        resource: R::RESOURCE,
        singular: R::SINGULAR,
        record_id: R::id(&before),
        record_key: Some(R::key(&before)),
        action: Action::Delete,
        also: Vec::new(),
        before: Some(before_representation.clone()),
        after: None,
    })
    .await?;
    Ok(before_representation)
}

/// Puts record `record_id` back as `picture` (a representation a revision holds) shows
/// it: through the ordinary checks, as a change of the record when it exists and a
/// creation with its old id when it was deleted.
pub async fn restore<R: Resource>(
    w: &mut Writer,
    record_id: Uuid,
    expect: &Expect,
    picture: &Value,
) -> Result<Saved<R>, WriteError> {
    let mut input = R::input_of(picture);
    let (input, faults) = R::Input::from_json_partly(&mut input);
    match R::row(w.db(), &record_id.to_string()).await? {
        Some(before) => {
            if !expect.admits(R::version(&before)) {
                return Err(WriteError::Stale);
            }
            replace::<R>(w, before, None, input, faults, Action::Restore).await
        }
        None => insert::<R>(w, input, faults, Some(record_id), Action::Restore).await,
    }
}

/// The representation of the record `key` names, in `lang`, with the row (for its version).
pub async fn find<R: Resource, C: ConnectionTrait>(
    db: &C,
    key: &str,
    lang: Option<Lang>,
) -> Result<Option<(R::Model, R::View)>, WriteError> {
    let Some(model) = R::row(db, key).await? else {
        return Ok(None);
    };
    let view = R::view(db, model.clone(), lang).await?;
    Ok(Some((model, view)))
}

/// Reads a reference out of a representation: the key of the object at `field` (its
/// `slug`, `code` or `key`, else its `id`), or `null` when there is none.
pub fn reference(representation: &Value, field: &str) -> Value {
    let object = &representation[field];
    ["slug", "code", "key"]
        .iter()
        .map(|name| &object[*name])
        .find(|value| value.is_string())
        .or_else(|| Some(&object["id"]).filter(|id| id.is_string()))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The fields of `representation` named in `fields`, as an input object.
pub fn fields(representation: &Value, fields: &[&str]) -> serde_json::Map<String, Value> {
    fields
        .iter()
        .map(|field| ((*field).to_owned(), representation[*field].clone()))
        .collect()
}
