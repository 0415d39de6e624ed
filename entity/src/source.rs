//! `SeaORM` Entity for the `sources` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub key: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub title: Option<String>,
    pub publisher: String,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    pub language: String,
    pub kind: String,
    pub published_on: Option<Date>,
    pub retrieved_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub archive_url: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub note_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub note_ar: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub search_title: String,
    #[sea_orm(column_type = "Text")]
    pub search_body: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
