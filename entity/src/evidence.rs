//! `SeaORM` Entity for the `evidence` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub claim_id: Uuid,
    pub statistic_id: Option<Uuid>,
    pub source_id: Option<Uuid>,
    pub relation: String,
    #[sea_orm(column_type = "Text")]
    pub note_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub note_ar: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
