//! `SeaORM` Entity for the `models` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "models")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub company_id: Uuid,
    pub country_code: String,
    pub released_on: Option<Date>,
    pub openness: String,
    pub license: Option<String>,
    pub parameters_total: Option<i64>,
    pub parameters_active: Option<i64>,
    pub context_window: Option<i64>,
    #[sea_orm(column_type = "Json")]
    pub modalities: Json,
    pub base_model_id: Option<Uuid>,
    pub huggingface_repo: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description_en: String,
    #[sea_orm(column_type = "Text")]
    pub description_ar: String,
    pub source_id: Option<Uuid>,
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
