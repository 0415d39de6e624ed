//! API keys: made, listed, revoked, and checked on each write.

use entity::api_key::{self, Column, Entity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::revisions;
use crate::domain::{api_key as key_format, kinds::Role};

/// Who a request speaks for.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The key's id: the actor recorded in revisions.
    pub key_id: Uuid,
    /// What the key may do.
    pub role: Role,
}

impl Principal {
    /// The actor as revisions record it.
    pub fn actor(&self) -> String {
        self.key_id.to_string()
    }
}

/// Makes a key; returns the stored record and the key itself, which is never stored.
#[tracing::instrument(skip_all, fields(key.role = %role))]
pub async fn create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    role: Role,
) -> anyhow::Result<(api_key::Model, String)> {
    let key =
        key_format::generate().map_err(|err| anyhow::anyhow!("no randomness for a key: {err}"))?;
    let model = api_key::Model {
        id: Uuid::now_v7(),
        name: name.to_owned(),
        role: role.as_str().to_owned(),
        prefix: key.prefix,
        secret_hash: key.hash,
        created_at: revisions::now(),
        revoked_at: None,
    };
    model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    tracing::info!(key.id = %model.id, "created API key {}", model.id);
    Ok((model, key.plaintext))
}

/// Every key, newest first.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<api_key::Model>, DbErr> {
    Entity::find().order_by_desc(Column::Id).all(db).await
}

/// Revokes the key `id`; `None` when there is no such key.
#[tracing::instrument(skip_all, fields(key.id = %id))]
pub async fn revoke<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<api_key::Model>, DbErr> {
    let Some(key) = Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if key.revoked_at.is_some() {
        return Ok(Some(key));
    }
    let mut revoked = key.into_active_model();
    revoked.revoked_at = sea_orm::Set(Some(revisions::now()));
    let key = revoked.update(db).await?;
    tracing::info!(key.id = %id, "revoked API key {id}");
    Ok(Some(key))
}

/// The principal behind `token`, if it is a live key.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Option<Principal>, DbErr> {
    let Some(prefix) = key_format::prefix_of(token) else {
        return Ok(None);
    };
    let Some(key) = Entity::find()
        .filter(Column::Prefix.eq(prefix))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let live = key.revoked_at.is_none() && key_format::matches(token, &key.secret_hash);
    Ok(Role::parse(&key.role)
        .filter(|_| live)
        .map(|role| Principal {
            key_id: key.id,
            role,
        }))
}
