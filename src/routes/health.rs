//! `/health/live` and `/health/ready`.

use actix_web::{HttpResponse, get, web};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{error::ApiError, services::health};

/// The service's state.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok` when the check passed.
    pub status: &'static str,
}

/// Is the process up?
///
/// Answers 200 whenever the process can answer at all; it does not touch the database.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Can the service answer requests?
///
/// Answers 200 when the database answers, 503 with a problem body while it does not.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready to serve", body = Health),
    (status = 503, description = "The database is unreachable", body = crate::error::ProblemDetails, content_type = "application/problem+json")
))]
#[get("/health/ready")]
pub async fn ready(db: web::Data<DatabaseConnection>) -> Result<HttpResponse, ApiError> {
    health::check_database(db.get_ref()).await.map_err(|err| {
        tracing::warn!(error = %err, "readiness check failed: {err}");
        ApiError::Unavailable
    })?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
