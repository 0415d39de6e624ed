//! `SeaORM` Entity for the `claims` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub key: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub text_en: String,
    #[sea_orm(column_type = "Text")]
    pub text_ar: String,
    pub original_language: String,
    #[sea_orm(column_type = "Text")]
    pub original_text: String,
    pub claimant_name_en: String,
    pub claimant_name_ar: String,
    pub claimant_role_en: Option<String>,
    pub claimant_role_ar: Option<String>,
    pub claimant_company_id: Option<Uuid>,
    pub stated_on: Option<Date>,
    pub source_id: Uuid,
    pub verdict: String,
    #[sea_orm(column_type = "Text")]
    pub verdict_summary_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub verdict_summary_ar: Option<String>,
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
