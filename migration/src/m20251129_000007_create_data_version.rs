//! `data_version`: one row whose counter every change increments in its own transaction
//! (with its revision), so that an unchanged counter proves no record has changed. The
//! service builds its ETags on it and answers `If-None-Match` without loading the record.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE data_version (id INTEGER NOT NULL PRIMARY KEY, counter BIGINT NOT NULL)",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO data_version (id, counter) SELECT 1, COUNT(*) FROM revisions",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE data_version")
            .await?;
        Ok(())
    }
}
