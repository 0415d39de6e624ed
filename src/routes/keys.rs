//! `/v1/keys`: API keys, for admins.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use entity::api_key;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    auth::Admin,
    body::{JsonBody, input},
};
use crate::{domain::kinds::Role, error::ApiError, services::keys};

/// An API key, without its secret.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a24f9c-3b1e-7c42-9d0a-5f6e7a8b9c0d",
    "name": "newsroom-desk",
    "role": "editor",
    "prefix": "mzn_3f9a1c07b2e4",
    "created_at": "2026-12-01T09:30:00Z",
    "revoked_at": null
}))]
pub struct ApiKey {
    /// Its id: the actor its changes are recorded under.
    pub id: Uuid,
    /// What it is for.
    pub name: String,
    /// What it may do.
    #[schema(value_type = Role)]
    pub role: String,
    /// The start of the key, to tell keys apart.
    pub prefix: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; it no longer works from then on.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for ApiKey {
    fn from(key: api_key::Model) -> Self {
        Self {
            id: key.id,
            name: key.name,
            role: key.role,
            prefix: format!("mzn_{}", key.prefix),
            created_at: key.created_at,
            revoked_at: key.revoked_at,
        }
    }
}

/// A new key: the only time the key itself is shown.
#[derive(Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The key's record.
    #[serde(flatten)]
    pub record: ApiKey,
    /// The key, to send as `Authorization: Bearer <key>`. It is not stored and cannot be shown again.
    #[schema(example = "mzn_3f9a1c07b2e4_Xq7LmT2vR9cW4bN8kP1sZ6yH3dF0jG5aE-uQiOw_tYr")]
    pub key: String,
}

/// What a new key is for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "newsroom-desk", "role": "editor"}))]
pub struct NewApiKey {
    /// What it is for, such as the desk or app that uses it.
    pub name: String,
    /// What it may do.
    pub role: Role,
}

/// Every API key, newest first.
#[derive(Serialize, ToSchema)]
pub struct ApiKeyList {
    /// The keys.
    pub data: Vec<ApiKey>,
}

/// Create an API key.
///
/// Needs an `admin` key. The response holds the key itself, shown this once.
#[utoipa::path(tag = "keys", request_body = NewApiKey, security(("api_key" = [])),
    responses((status = 201, description = "Created", body = CreatedApiKey)))]
#[post("")]
pub async fn create_key(
    db: web::Data<DatabaseConnection>,
    _admin: Admin,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let new: NewApiKey = input(body.0)?;
    let mut checks = crate::domain::validate::Checks::default();
    checks.line("name", &new.name);
    if !checks.errors.is_empty() {
        return Err(ApiError::Validation(checks.errors));
    }
    let (record, key) = keys::create(db.get_ref(), new.name.trim(), new.role).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedApiKey {
            record: record.into(),
            key,
        }))
}

/// List API keys.
///
/// Needs an `admin` key. Secrets are never shown.
#[utoipa::path(tag = "keys", security(("api_key" = [])), responses((status = 200, description = "The keys", body = ApiKeyList)))]
#[get("")]
pub async fn list_keys(
    db: web::Data<DatabaseConnection>,
    _admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let data = keys::list(db.get_ref())
        .await?
        .into_iter()
        .map(ApiKey::from)
        .collect();
    Ok(HttpResponse::Ok().json(ApiKeyList { data }))
}

/// Revoke an API key.
///
/// Needs an `admin` key. The key stops working at once; its record stays, so revisions
/// keep naming their actor. A key cannot revoke itself (409): an admin who did would be
/// left without one, and `mizan keys revoke` does it from the host.
#[utoipa::path(tag = "keys", security(("api_key" = [])),
    params(("id" = Uuid, Path, description = "The key's id")),
    responses((status = 200, description = "Revoked", body = ApiKey)))]
#[delete("/{id}")]
pub async fn revoke_key(
    db: web::Data<DatabaseConnection>,
    admin: Admin,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    if admin.0.key_id == *id {
        return Err(ApiError::Conflict {
            field: "id".into(),
            message: "a key cannot revoke itself; revoke it with another admin key, or `mizan keys revoke` on the host".into(),
        });
    }
    let key = keys::revoke(db.get_ref(), *id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource: "API key",
            id: id.to_string(),
        })?;
    Ok(HttpResponse::Ok().json(ApiKey::from(key)))
}
