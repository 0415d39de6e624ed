//! `SeaORM` Entity for the `events` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub kind: String,
    pub resource: String,
    pub record_id: Uuid,
    pub record_key: Option<String>,
    pub revision_id: Uuid,
    pub actor: String,
    pub at: DateTimeUtc,
    pub schema_version: i32,
    #[sea_orm(column_type = "Json")]
    pub data: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
