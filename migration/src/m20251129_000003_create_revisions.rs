//! The append-only history of every change to every record.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20251129_000001_create_reference_tables::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Revisions::Table)
                    .col(pk_uuid(Revisions::Id))
                    .col(string(Revisions::Resource))
                    .col(uuid(Revisions::RecordId))
                    .col(string_null(Revisions::RecordKey))
                    .col(string(Revisions::Action))
                    .col(string(Revisions::Actor))
                    .col(timestamp_with_time_zone(Revisions::At))
                    .col(json_null(Revisions::Before))
                    .col(json_null(Revisions::After))
                    .to_owned(),
            )
            .await?;
        index(manager, "revisions", &["resource", "record_id", "id"]).await?;
        index(manager, "revisions", &["actor", "id"]).await?;
        index(manager, "revisions", &["at", "id"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Revisions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Revisions {
    Table,
    Id,
    Resource,
    RecordId,
    RecordKey,
    Action,
    Actor,
    At,
    Before,
    After,
}
