//! On PostgreSQL, the searchable tables keep their rows whole in the table, up to the
//! largest size a page holds, instead of moving long values out to TOAST from 2 kB on.
//!
//! Search reads the `tsvector` of every matching row to rank it, and a claim's row (two
//! languages' texts, their search tokens and the vector) is often over 2 kB: each match
//! then cost a lookup in the TOAST table's index and two more page reads. Rows written
//! before this migration move back in when they are next updated (or at `VACUUM FULL`).
//! SQLite has no such threshold.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

use crate::m20251129_000005_add_search::TABLES;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The largest `toast_tuple_target` PostgreSQL accepts: a row just under a page.
const WHOLE_PAGE: u32 = 8160;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} SET (toast_tuple_target = {WHOLE_PAGE})"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!("ALTER TABLE {table} RESET (toast_tuple_target)"))
                .await?;
        }
        Ok(())
    }
}
