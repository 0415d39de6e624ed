//! `SeaORM` Entity for the `statistics` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "statistics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub key: Option<String>,
    pub metric_id: Uuid,
    pub subject_type: String,
    pub subject_model_id: Option<Uuid>,
    pub subject_company_id: Option<Uuid>,
    pub subject_country_code: Option<String>,
    pub scope_country_code: Option<String>,
    #[sea_orm(column_type = "Double")]
    pub value: Option<f64>,
    #[sea_orm(column_type = "Double")]
    pub value_low: Option<f64>,
    #[sea_orm(column_type = "Double")]
    pub value_high: Option<f64>,
    pub qualifier: String,
    pub unit: String,
    pub period_start: Date,
    pub period_end: Option<Date>,
    pub period_precision: String,
    pub method: String,
    pub source_id: Uuid,
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
