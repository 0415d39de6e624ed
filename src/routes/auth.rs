//! Who is asking: `Authorization: Bearer <key>` checked against the stored keys.

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::future::LocalBoxFuture;
use sea_orm::DatabaseConnection;

use crate::{
    domain::kinds::Role,
    error::ApiError,
    services::keys::{self, Principal},
};

/// A request made with a live key of the `editor` or `admin` role.
pub struct Editor(pub Principal);

/// A request made with a live key of the `admin` role.
pub struct Admin(pub Principal);

/// A request made with a live key of the `subscriber` or `admin` role: it may manage
/// webhook endpoints (a subscriber only its own).
pub struct Subscriber(pub Principal);

async fn principal(req: HttpRequest, needed: Role) -> Result<Principal, ApiError> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(ApiError::Unauthorized(
            "this needs an API key: send `Authorization: Bearer <key>`",
        ))?;
    let db = req
        .app_data::<web::Data<DatabaseConnection>>()
        .ok_or_else(|| anyhow::anyhow!("no database in the application data"))?;
    let principal =
        keys::authenticate(db.get_ref(), token)
            .await?
            .ok_or(ApiError::Unauthorized(
                "the API key is not valid, or has been revoked",
            ))?;
    if !principal.role.includes(needed) {
        return Err(ApiError::Forbidden(needed.as_str()));
    }
    Ok(principal)
}

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { principal(req, Role::Editor).await.map(Self) })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { principal(req, Role::Admin).await.map(Self) })
    }
}

impl FromRequest for Subscriber {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { principal(req, Role::Subscriber).await.map(Self) })
    }
}
