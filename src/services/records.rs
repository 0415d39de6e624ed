//! Writes shared by every resource: insert, update and delete, each in the caller's
//! transaction together with its revision. Updates and deletes are conditional on the
//! record's `version`, so of two writers holding the same version exactly one succeeds.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IdenStatic,
    IntoActiveModel, Iterable, ModelTrait, QueryFilter, Value,
};
use uuid::Uuid;

use super::revisions::{self, Action, Change};

/// Who makes a change and when: the same for every write of one transaction.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    /// The actor: an API key's id, or `dataset`.
    pub actor: &'a str,
    /// The time of the change.
    pub at: DateTime<Utc>,
}

/// The column of `E` named `name`, if it has one.
pub fn column<E: EntityTrait>(name: &str) -> Option<E::Column> {
    E::Column::iter().find(|column| column.as_str() == name)
}

/// The record's id.
pub fn id_of<E: EntityTrait>(model: &E::Model) -> Uuid
where
    E::Model: ModelTrait<Entity = E>,
{
    match column::<E>("id").map(|c| model.get(c)) {
        Some(Value::Uuid(Some(id))) => id,
        _ => Uuid::nil(),
    }
}

/// The record's version (1 for tables without one).
pub fn version_of<E: EntityTrait>(model: &E::Model) -> i32
where
    E::Model: ModelTrait<Entity = E>,
{
    match column::<E>("version").map(|c| model.get(c)) {
        Some(Value::Int(Some(version))) => version,
        _ => 1,
    }
}

/// The record's key, slug or code, whichever it has.
pub fn key_of<E: EntityTrait>(model: &E::Model) -> Option<String>
where
    E::Model: ModelTrait<Entity = E>,
{
    ["slug", "code", "key"]
        .iter()
        .find_map(|name| match column::<E>(name).map(|c| model.get(c)) {
            Some(Value::String(Some(key))) => Some(key),
            _ => None,
        })
}

/// A revision's picture of a record: its columns, plus `extra` parts stored elsewhere
/// (a claim's evidence).
pub fn picture<E: EntityTrait>(model: &E::Model, extra: &serde_json::Value) -> serde_json::Value
where
    E::Model: ModelTrait<Entity = E>,
{
    let mut snapshot = revisions::snapshot::<E>(model);
    if let (serde_json::Value::Object(object), serde_json::Value::Object(extra)) =
        (&mut snapshot, extra)
    {
        object.extend(extra.clone());
    }
    snapshot
}

/// The columns whose text a record is found by: its names and titles …
const SEARCH_TITLE: &[&str] = &[
    "name", "name_en", "name_ar", "title", "slug", "key", "code", "text_en", "text_ar",
];
/// … and the rest of its text.
const SEARCH_BODY: &[&str] = &[
    "description_en",
    "description_ar",
    "original_text",
    "claimant_name_en",
    "claimant_name_ar",
    "claimant_role_en",
    "claimant_role_ar",
    "verdict_summary_en",
    "verdict_summary_ar",
    "note_en",
    "note_ar",
    "publisher",
    "headquarters_en",
    "headquarters_ar",
    "license",
    "huggingface_repo",
    "un_region",
    "unit",
];

/// Writes the normalized search tokens of a searchable record into its `search_title`
/// and `search_body`, which the database indexes.
pub fn fill_search<E: EntityTrait>(model: &mut E::Model)
where
    E::Model: ModelTrait<Entity = E>,
{
    let (Some(title), Some(body)) = (column::<E>("search_title"), column::<E>("search_body"))
    else {
        return;
    };
    let text = |names: &[&str]| -> String {
        let texts: Vec<String> = names
            .iter()
            .filter_map(|name| match column::<E>(name).map(|c| model.get(c)) {
                Some(Value::String(Some(text))) => Some(text),
                _ => None,
            })
            .collect();
        crate::domain::search_text::document(texts.iter().map(String::as_str))
    };
    let (title_text, body_text) = (text(SEARCH_TITLE), text(SEARCH_BODY));
    model.set(title, title_text.into());
    model.set(body, body_text.into());
}

/// Inserts `model` and its revision.
pub async fn insert<E, C>(
    db: &C,
    resource: &'static str,
    model: E::Model,
    extra: &serde_json::Value,
    stamp: Stamp<'_>,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel> + Clone,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let mut model = model;
    fill_search::<E>(&mut model);
    let after = picture::<E>(&model, extra);
    let (id, key) = (id_of::<E>(&model), key_of::<E>(&model));
    model.into_active_model().reset_all().insert(db).await?;
    revisions::record(
        db,
        change(
            resource,
            id,
            key.as_deref(),
            Action::Create,
            stamp,
            None,
            Some(after),
        ),
        stamp.at,
    )
    .await
}

/// Replaces `before` by `after` (whose version and `updated_at` it sets), provided the
/// stored record still has `before`'s version. `Ok(None)` when it does not.
pub async fn update<E, C>(
    db: &C,
    resource: &'static str,
    before: &E::Model,
    extra_before: &serde_json::Value,
    mut after: E::Model,
    extra_after: &serde_json::Value,
    stamp: Stamp<'_>,
) -> Result<Option<E::Model>, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel> + Clone,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let id = id_of::<E>(before);
    let version = version_of::<E>(before);
    if let Some(column) = column::<E>("version") {
        after.set(column, (version + 1).into());
    }
    if let Some(column) = column::<E>("updated_at") {
        after.set(column, stamp.at.into());
    }
    fill_search::<E>(&mut after);
    let mut query = E::update_many().set(after.clone().into_active_model().reset_all());
    if let Some(id_column) = column::<E>("id") {
        query = query.filter(id_column.eq(id));
    }
    if let Some(version_column) = column::<E>("version") {
        query = query.filter(version_column.eq(version));
    }
    if query.exec(db).await?.rows_affected != 1 {
        return Ok(None);
    }
    let key = key_of::<E>(&after);
    let change = change(
        resource,
        id,
        key.as_deref(),
        Action::Update,
        stamp,
        Some(picture::<E>(before, extra_before)),
        Some(picture::<E>(&after, extra_after)),
    );
    revisions::record(db, change, stamp.at).await?;
    Ok(Some(after))
}

/// Deletes `before`, provided the stored record still has its version. `Ok(false)` when
/// it does not.
pub async fn delete<E, C>(
    db: &C,
    resource: &'static str,
    before: &E::Model,
    extra_before: &serde_json::Value,
    stamp: Stamp<'_>,
) -> Result<bool, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E>,
{
    let id = id_of::<E>(before);
    let mut query = E::delete_many();
    if let Some(id_column) = column::<E>("id") {
        query = query.filter(id_column.eq(id));
    }
    if let Some(version_column) = column::<E>("version") {
        query = query.filter(version_column.eq(version_of::<E>(before)));
    }
    if query.exec(db).await?.rows_affected != 1 {
        return Ok(false);
    }
    let key = key_of::<E>(before);
    let before = picture::<E>(before, extra_before);
    revisions::record(
        db,
        change(
            resource,
            id,
            key.as_deref(),
            Action::Delete,
            stamp,
            Some(before),
            None,
        ),
        stamp.at,
    )
    .await?;
    Ok(true)
}

fn change<'a>(
    resource: &'static str,
    record_id: Uuid,
    record_key: Option<&'a str>,
    action: Action,
    stamp: Stamp<'a>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Change<'a> {
    Change {
        resource,
        record_id,
        record_key,
        action,
        actor: stamp.actor,
        before,
        after,
    }
}
