//! Whether the service can do its work.

use sea_orm::{DatabaseConnection, DbErr};

/// Checks that the database answers.
#[tracing::instrument(skip_all)]
pub async fn check_database(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
