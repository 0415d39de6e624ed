//! What a figure's source says of it and of its period, which statistics could not say:
//!
//! - `qualifier`: how the source words the figure (`exact`, `approximately`, `more_than`,
//!   `at_least`, `less_than`, `at_most`). Existing figures are `exact`, as they were read.
//! - `period_precision`: how finely the source dates the period (`day`, `month`, `year`):
//!   "October–November 2024" is the months, not the 1st to the 30th. Existing periods are
//!   `day`, as they were read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The same statements on both backends: SQLite accepts a CHECK in ADD COLUMN, and
        // the checks make an unknown spelling fail at the database instead of being read
        // back as something else.
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE statistics ADD COLUMN qualifier VARCHAR(16) NOT NULL DEFAULT 'exact' \
             CHECK (qualifier IN ('exact', 'approximately', 'more_than', 'at_least', 'less_than', 'at_most'))",
        )
        .await?;
        db.execute_unprepared(
            "ALTER TABLE statistics ADD COLUMN period_precision VARCHAR(8) NOT NULL DEFAULT 'day' \
             CHECK (period_precision IN ('day', 'month', 'year'))",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Statistics::Qualifier, Statistics::PeriodPrecision] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Statistics::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Statistics {
    Table,
    Qualifier,
    PeriodPrecision,
}
