//! `SeaORM` Entity for the `countries` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "countries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub kind: String,
    pub name_en: String,
    pub name_ar: String,
    pub un_region: Option<String>,
    pub global_south: bool,
    #[sea_orm(column_type = "Json")]
    pub members: Json,
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
