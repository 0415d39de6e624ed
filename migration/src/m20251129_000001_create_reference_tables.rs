//! Countries, sources, companies, models and metrics: the records that statistics and
//! claims point at.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Countries::Table)
                    .col(pk_uuid(Countries::Id))
                    .col(string_uniq(Countries::Code))
                    .col(string(Countries::Kind))
                    .col(string(Countries::NameEn))
                    .col(string(Countries::NameAr))
                    .col(string_null(Countries::UnRegion))
                    .col(boolean(Countries::GlobalSouth))
                    .col(json(Countries::Members))
                    .col(integer(Countries::Version).default(1))
                    .col(timestamp_with_time_zone(Countries::CreatedAt))
                    .col(timestamp_with_time_zone(Countries::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "countries", &["kind"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Sources::Table)
                    .col(pk_uuid(Sources::Id))
                    .col(string_null(Sources::Key).unique_key())
                    .col(text(Sources::Title))
                    .col(string(Sources::Publisher))
                    .col(text(Sources::Url))
                    .col(string(Sources::Language))
                    .col(string(Sources::Kind))
                    .col(date_null(Sources::PublishedOn))
                    .col(timestamp_with_time_zone_null(Sources::RetrievedAt))
                    .col(text_null(Sources::ArchiveUrl))
                    .col(text_null(Sources::NoteEn))
                    .col(text_null(Sources::NoteAr))
                    .col(integer(Sources::Version).default(1))
                    .col(timestamp_with_time_zone(Sources::CreatedAt))
                    .col(timestamp_with_time_zone(Sources::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "sources", &["publisher", "id"]).await?;
        index(manager, "sources", &["kind", "id"]).await?;
        index(manager, "sources", &["language", "id"]).await?;
        index(manager, "sources", &["published_on", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(pk_uuid(Companies::Id))
                    .col(string_uniq(Companies::Slug))
                    .col(string(Companies::NameEn))
                    .col(string(Companies::NameAr))
                    .col(string(Companies::Kind))
                    .col(string(Companies::CountryCode))
                    .col(integer_null(Companies::FoundedYear))
                    .col(string_null(Companies::HeadquartersEn))
                    .col(string_null(Companies::HeadquartersAr))
                    .col(text_null(Companies::Website))
                    .col(text(Companies::DescriptionEn))
                    .col(text(Companies::DescriptionAr))
                    .col(uuid_null(Companies::SourceId))
                    .col(integer(Companies::Version).default(1))
                    .col(timestamp_with_time_zone(Companies::CreatedAt))
                    .col(timestamp_with_time_zone(Companies::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Companies::Table, Companies::CountryCode)
                            .to(Countries::Table, Countries::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Companies::Table, Companies::SourceId)
                            .to(Sources::Table, Sources::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "companies", &["country_code", "slug"]).await?;
        index(manager, "companies", &["kind", "slug"]).await?;
        index(manager, "companies", &["source_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Models::Table)
                    .col(pk_uuid(Models::Id))
                    .col(string_uniq(Models::Slug))
                    .col(string(Models::Name))
                    .col(uuid(Models::CompanyId))
                    .col(string(Models::CountryCode))
                    .col(date_null(Models::ReleasedOn))
                    .col(string(Models::Openness))
                    .col(string_null(Models::License))
                    .col(big_integer_null(Models::ParametersTotal))
                    .col(big_integer_null(Models::ParametersActive))
                    .col(big_integer_null(Models::ContextWindow))
                    .col(json(Models::Modalities))
                    .col(uuid_null(Models::BaseModelId))
                    .col(string_null(Models::HuggingfaceRepo))
                    .col(text(Models::DescriptionEn))
                    .col(text(Models::DescriptionAr))
                    .col(uuid_null(Models::SourceId))
                    .col(text_null(Models::NoteEn))
                    .col(text_null(Models::NoteAr))
                    .col(integer(Models::Version).default(1))
                    .col(timestamp_with_time_zone(Models::CreatedAt))
                    .col(timestamp_with_time_zone(Models::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Models::Table, Models::CompanyId)
                            .to(Companies::Table, Companies::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Models::Table, Models::CountryCode)
                            .to(Countries::Table, Countries::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Models::Table, Models::BaseModelId)
                            .to(Models::Table, Models::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Models::Table, Models::SourceId)
                            .to(Sources::Table, Sources::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "models", &["company_id", "slug"]).await?;
        index(manager, "models", &["country_code", "openness", "slug"]).await?;
        index(manager, "models", &["openness", "slug"]).await?;
        index(manager, "models", &["license", "slug"]).await?;
        index(manager, "models", &["released_on", "id"]).await?;
        index(manager, "models", &["base_model_id"]).await?;
        index(manager, "models", &["source_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Metrics::Table)
                    .col(pk_uuid(Metrics::Id))
                    .col(string_uniq(Metrics::Key))
                    .col(string(Metrics::NameEn))
                    .col(string(Metrics::NameAr))
                    .col(string(Metrics::Unit))
                    .col(text(Metrics::DescriptionEn))
                    .col(text(Metrics::DescriptionAr))
                    .col(integer(Metrics::Version).default(1))
                    .col(timestamp_with_time_zone(Metrics::CreatedAt))
                    .col(timestamp_with_time_zone(Metrics::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["metrics", "models", "companies", "sources", "countries"] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Creates the index `idx_<table>_<columns>` on `table`.
pub(crate) async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement
        .name(format!("idx_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    manager.create_index(statement.to_owned()).await
}

#[derive(DeriveIden)]
enum Countries {
    Table,
    Id,
    Code,
    Kind,
    NameEn,
    NameAr,
    UnRegion,
    GlobalSouth,
    Members,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sources {
    Table,
    Id,
    Key,
    Title,
    Publisher,
    Url,
    Language,
    Kind,
    PublishedOn,
    RetrievedAt,
    ArchiveUrl,
    NoteEn,
    NoteAr,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Slug,
    NameEn,
    NameAr,
    Kind,
    CountryCode,
    FoundedYear,
    HeadquartersEn,
    HeadquartersAr,
    Website,
    DescriptionEn,
    DescriptionAr,
    SourceId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Models {
    Table,
    Id,
    Slug,
    Name,
    CompanyId,
    CountryCode,
    ReleasedOn,
    Openness,
    License,
    ParametersTotal,
    ParametersActive,
    ContextWindow,
    Modalities,
    BaseModelId,
    HuggingfaceRepo,
    DescriptionEn,
    DescriptionAr,
    SourceId,
    NoteEn,
    NoteAr,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Metrics {
    Table,
    Id,
    Key,
    NameEn,
    NameAr,
    Unit,
    DescriptionEn,
    DescriptionAr,
    Version,
    CreatedAt,
    UpdatedAt,
}
