//! `Idempotency-Key`: a retried create returns the first response and creates nothing.
//! The key is claimed before the work starts, so two concurrent requests with one key
//! cannot both create; responses are kept for 24 hours.

use chrono::Duration;
use entity::idempotency_key::{self, Column, Entity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, SqlErr,
};

use super::revisions;

/// How long a key's response is kept.
pub const KEPT_FOR: Duration = Duration::hours(24);

/// A response kept for replay.
#[derive(Clone, Debug)]
pub struct Stored {
    /// Its status.
    pub status: u16,
    /// Its body.
    pub body: String,
    /// Its `ETag`.
    pub etag: Option<String>,
    /// Its `Location`.
    pub location: Option<String>,
}

/// What a key's claim found.
pub enum Claimed {
    /// The key is new: do the work, then `complete` (or `release` on failure).
    Fresh,
    /// The same request was answered before: answer the same.
    Replay(Stored),
    /// The same request is being answered right now.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

/// Which request a key was used for.
pub struct Request<'a> {
    /// The key's owner: an API key id.
    pub actor: &'a str,
    /// The client's key.
    pub key: &'a str,
    /// `POST`.
    pub method: &'a str,
    /// The path.
    pub path: &'a str,
    /// A hash of the body.
    pub hash: &'a str,
}

/// Claims `request.key` for this request.
pub async fn claim<C: ConnectionTrait>(db: &C, request: &Request<'_>) -> Result<Claimed, DbErr> {
    let now = revisions::now();
    Entity::delete_many()
        .filter(Column::CreatedAt.lt(now - KEPT_FOR))
        .exec(db)
        .await?;
    let placeholder = idempotency_key::Model {
        actor: request.actor.to_owned(),
        key: request.key.to_owned(),
        method: request.method.to_owned(),
        path: request.path.to_owned(),
        request_hash: request.hash.to_owned(),
        status: 0,
        body: String::new(),
        etag: None,
        location: None,
        created_at: now,
    };
    match placeholder.into_active_model().reset_all().insert(db).await {
        Ok(_) => return Ok(Claimed::Fresh),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
        Err(err) => return Err(err),
    }
    let Some(kept) = Entity::find_by_id((request.actor.to_owned(), request.key.to_owned()))
        .one(db)
        .await?
    else {
        return Ok(Claimed::InProgress);
    };
    if kept.method != request.method
        || kept.path != request.path
        || kept.request_hash != request.hash
    {
        return Ok(Claimed::Mismatch);
    }
    Ok(match kept.status {
        0 => Claimed::InProgress,
        status => Claimed::Replay(Stored {
            status: u16::try_from(status).unwrap_or(200),
            body: kept.body,
            etag: kept.etag,
            location: kept.location,
        }),
    })
}

/// Keeps `response` as the answer to `request`.
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    request: &Request<'_>,
    response: &Stored,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, i32::from(response.status).into())
        .col_expr(Column::Body, response.body.clone().into())
        .col_expr(Column::Etag, response.etag.clone().into())
        .col_expr(Column::Location, response.location.clone().into())
        .filter(Column::Actor.eq(request.actor))
        .filter(Column::Key.eq(request.key))
        .exec(db)
        .await?;
    Ok(())
}

/// Frees `request.key` after the work failed, so that a retry can run.
pub async fn release<C: ConnectionTrait>(db: &C, request: &Request<'_>) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::Actor.eq(request.actor))
        .filter(Column::Key.eq(request.key))
        .filter(Column::Status.eq(0))
        .exec(db)
        .await?;
    Ok(())
}
