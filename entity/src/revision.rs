//! `SeaORM` Entity for the `revisions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub resource: String,
    pub record_id: Uuid,
    pub record_key: Option<String>,
    pub action: String,
    pub actor: String,
    pub at: DateTimeUtc,
    #[sea_orm(column_type = "Json")]
    pub before: Option<Json>,
    #[sea_orm(column_type = "Json")]
    pub after: Option<Json>,
    pub schema_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
