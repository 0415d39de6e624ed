//! `data_version.search_tokens`: the version of the search tokens the rows' search
//! columns hold. The service's tokenizer has a version of its own; when it is newer (it
//! reads Arabic plurals as their singulars, say), the service computes every row's search
//! columns again as it starts, and records the version here. Existing rows start at 0.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE data_version ADD COLUMN search_tokens INTEGER NOT NULL DEFAULT 0",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DataVersion::Table)
                    .drop_column(DataVersion::SearchTokens)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum DataVersion {
    Table,
    SearchTokens,
}
