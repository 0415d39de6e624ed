//! Statistics, claims, and what links a claim to its subjects, topics and evidence.

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
                    .table(Statistics::Table)
                    .col(pk_uuid(Statistics::Id))
                    .col(string_null(Statistics::Key).unique_key())
                    .col(uuid(Statistics::MetricId))
                    .col(string(Statistics::SubjectType))
                    .col(uuid_null(Statistics::SubjectModelId))
                    .col(uuid_null(Statistics::SubjectCompanyId))
                    .col(string_null(Statistics::SubjectCountryCode))
                    .col(string_null(Statistics::ScopeCountryCode))
                    .col(double_null(Statistics::Value))
                    .col(double_null(Statistics::ValueLow))
                    .col(double_null(Statistics::ValueHigh))
                    .col(string(Statistics::Unit))
                    .col(date(Statistics::PeriodStart))
                    .col(date_null(Statistics::PeriodEnd))
                    .col(string(Statistics::Method))
                    .col(uuid(Statistics::SourceId))
                    .col(text_null(Statistics::NoteEn))
                    .col(text_null(Statistics::NoteAr))
                    .col(integer(Statistics::Version).default(1))
                    .col(timestamp_with_time_zone(Statistics::CreatedAt))
                    .col(timestamp_with_time_zone(Statistics::UpdatedAt))
                    .foreign_key(&mut fk(
                        Statistics::Table,
                        Statistics::MetricId,
                        Metrics::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut fk(
                        Statistics::Table,
                        Statistics::SubjectModelId,
                        Models::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut fk(
                        Statistics::Table,
                        Statistics::SubjectCompanyId,
                        Companies::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut fk(
                        Statistics::Table,
                        Statistics::SubjectCountryCode,
                        Countries::Table,
                        Countries::Code,
                    ))
                    .foreign_key(&mut fk(
                        Statistics::Table,
                        Statistics::ScopeCountryCode,
                        Countries::Table,
                        Countries::Code,
                    ))
                    .foreign_key(&mut fk(
                        Statistics::Table,
                        Statistics::SourceId,
                        Sources::Table,
                        Id::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "statistics", &["metric_id", "id"]).await?;
        index(manager, "statistics", &["subject_model_id"]).await?;
        index(manager, "statistics", &["subject_company_id"]).await?;
        index(manager, "statistics", &["subject_country_code"]).await?;
        index(manager, "statistics", &["scope_country_code"]).await?;
        index(manager, "statistics", &["source_id"]).await?;
        index(manager, "statistics", &["period_start", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Claims::Table)
                    .col(pk_uuid(Claims::Id))
                    .col(string_null(Claims::Key).unique_key())
                    .col(text(Claims::TextEn))
                    .col(text(Claims::TextAr))
                    .col(string(Claims::OriginalLanguage))
                    .col(text(Claims::OriginalText))
                    .col(string(Claims::ClaimantNameEn))
                    .col(string(Claims::ClaimantNameAr))
                    .col(string_null(Claims::ClaimantRoleEn))
                    .col(string_null(Claims::ClaimantRoleAr))
                    .col(uuid_null(Claims::ClaimantCompanyId))
                    .col(date_null(Claims::StatedOn))
                    .col(uuid(Claims::SourceId))
                    .col(string(Claims::Verdict))
                    .col(text_null(Claims::VerdictSummaryEn))
                    .col(text_null(Claims::VerdictSummaryAr))
                    .col(integer(Claims::Version).default(1))
                    .col(timestamp_with_time_zone(Claims::CreatedAt))
                    .col(timestamp_with_time_zone(Claims::UpdatedAt))
                    .foreign_key(&mut fk(
                        Claims::Table,
                        Claims::ClaimantCompanyId,
                        Companies::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut fk(
                        Claims::Table,
                        Claims::SourceId,
                        Sources::Table,
                        Id::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "claims", &["verdict", "id"]).await?;
        index(manager, "claims", &["stated_on", "id"]).await?;
        index(manager, "claims", &["source_id"]).await?;
        index(manager, "claims", &["claimant_company_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(ClaimTopics::Table)
                    .col(uuid(ClaimTopics::ClaimId))
                    .col(string(ClaimTopics::Topic))
                    .primary_key(
                        Index::create()
                            .col(ClaimTopics::ClaimId)
                            .col(ClaimTopics::Topic),
                    )
                    .foreign_key(
                        fk(
                            ClaimTopics::Table,
                            ClaimTopics::ClaimId,
                            Claims::Table,
                            Id::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "claim_topics", &["topic", "claim_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(ClaimSubjects::Table)
                    .col(pk_uuid(ClaimSubjects::Id))
                    .col(uuid(ClaimSubjects::ClaimId))
                    .col(string(ClaimSubjects::SubjectType))
                    .col(uuid_null(ClaimSubjects::ModelId))
                    .col(uuid_null(ClaimSubjects::CompanyId))
                    .col(string_null(ClaimSubjects::CountryCode))
                    .foreign_key(
                        fk(
                            ClaimSubjects::Table,
                            ClaimSubjects::ClaimId,
                            Claims::Table,
                            Id::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk(
                        ClaimSubjects::Table,
                        ClaimSubjects::ModelId,
                        Models::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut fk(
                        ClaimSubjects::Table,
                        ClaimSubjects::CompanyId,
                        Companies::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut fk(
                        ClaimSubjects::Table,
                        ClaimSubjects::CountryCode,
                        Countries::Table,
                        Countries::Code,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "claim_subjects", &["claim_id"]).await?;
        index(manager, "claim_subjects", &["model_id"]).await?;
        index(manager, "claim_subjects", &["company_id"]).await?;
        index(manager, "claim_subjects", &["country_code"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Evidence::Table)
                    .col(pk_uuid(Evidence::Id))
                    .col(uuid(Evidence::ClaimId))
                    .col(uuid_null(Evidence::StatisticId))
                    .col(uuid_null(Evidence::SourceId))
                    .col(string(Evidence::Relation))
                    .col(text_null(Evidence::NoteEn))
                    .col(text_null(Evidence::NoteAr))
                    .foreign_key(
                        fk(Evidence::Table, Evidence::ClaimId, Claims::Table, Id::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk(
                        Evidence::Table,
                        Evidence::StatisticId,
                        Statistics::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut fk(
                        Evidence::Table,
                        Evidence::SourceId,
                        Sources::Table,
                        Id::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "evidence", &["claim_id"]).await?;
        index(manager, "evidence", &["statistic_id"]).await?;
        index(manager, "evidence", &["source_id"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "evidence",
            "claim_subjects",
            "claim_topics",
            "claims",
            "statistics",
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A foreign key that refuses to delete a referenced row (the default on both backends).
fn fk(
    from_table: impl IntoIden,
    from_column: impl IntoIden,
    to_table: impl IntoIden,
    to_column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(from_table)
        .from_col(from_column)
        .to_tbl(to_table)
        .to_col(to_column)
        .to_owned()
}

#[derive(DeriveIden)]
enum Id {
    Id,
}

#[derive(DeriveIden)]
enum Countries {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum Sources {
    Table,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
}

#[derive(DeriveIden)]
enum Models {
    Table,
}

#[derive(DeriveIden)]
enum Metrics {
    Table,
}

#[derive(DeriveIden)]
enum Statistics {
    Table,
    Id,
    Key,
    MetricId,
    SubjectType,
    SubjectModelId,
    SubjectCompanyId,
    SubjectCountryCode,
    ScopeCountryCode,
    Value,
    ValueLow,
    ValueHigh,
    Unit,
    PeriodStart,
    PeriodEnd,
    Method,
    SourceId,
    NoteEn,
    NoteAr,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    Key,
    TextEn,
    TextAr,
    OriginalLanguage,
    OriginalText,
    ClaimantNameEn,
    ClaimantNameAr,
    ClaimantRoleEn,
    ClaimantRoleAr,
    ClaimantCompanyId,
    StatedOn,
    SourceId,
    Verdict,
    VerdictSummaryEn,
    VerdictSummaryAr,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ClaimTopics {
    Table,
    ClaimId,
    Topic,
}

#[derive(DeriveIden)]
enum ClaimSubjects {
    Table,
    Id,
    ClaimId,
    SubjectType,
    ModelId,
    CompanyId,
    CountryCode,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
    ClaimId,
    StatisticId,
    SourceId,
    Relation,
    NoteEn,
    NoteAr,
}
