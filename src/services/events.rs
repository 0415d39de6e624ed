//! Reading the change log: the events every change appends (see `services::changes`), in
//! commit order.

use chrono::{DateTime, Utc};
use entity::event::{Column, Entity};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

/// The resources whose changes the log records, with the singular its event types begin
/// with.
pub const RESOURCES: &[(&str, &str)] = &[
    ("countries", "country"),
    ("sources", "source"),
    ("companies", "company"),
    ("models", "model"),
    ("metrics", "metric"),
    ("statistics", "statistic"),
    ("claims", "claim"),
];

/// The resource `plural` names (`claims`, `statistics`, …), if it names one.
pub fn resource_named(plural: &str) -> Option<&'static str> {
    RESOURCES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| *name == plural)
}

/// The resources' names, for error messages.
pub fn resources_expected() -> String {
    let names: Vec<&str> = RESOURCES.iter().map(|(name, _)| *name).collect();
    format!("one of: {}", names.join(", "))
}

/// What happens to records, as the end of event types spells it.
pub const ACTIONS: &[&str] = &["created", "updated", "deleted", "restored"];

/// Event types besides `<resource>.<action>`.
pub const OTHER_TYPES: &[&str] = &["claim.verdict_changed"];

/// Every event type there is.
pub fn types() -> Vec<String> {
    RESOURCES
        .iter()
        .flat_map(|(_, singular)| {
            ACTIONS
                .iter()
                .map(move |action| format!("{singular}.{action}"))
        })
        .chain(OTHER_TYPES.iter().map(|kind| (*kind).to_owned()))
        .collect()
}

/// Which events a reader wants: a type (`claim.verdict_changed`), or every type of one
/// resource (`statistic.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypePattern {
    /// This type.
    Exactly(String),
    /// Every type beginning `<singular>.`.
    Of(String),
}

impl TypePattern {
    /// Parses `claim.verdict_changed` or `statistic.*`; `None` for a type there is not.
    pub fn parse(value: &str) -> Option<Self> {
        match value.strip_suffix(".*") {
            Some(singular) => RESOURCES
                .iter()
                .any(|(_, s)| *s == singular)
                .then(|| Self::Of(singular.to_owned())),
            None => types()
                .iter()
                .any(|kind| kind == value)
                .then(|| Self::Exactly(value.to_owned())),
        }
    }

    /// Whether an event of type `kind` is one this pattern wants.
    pub fn matches(&self, kind: &str) -> bool {
        match self {
            Self::Exactly(wanted) => wanted == kind,
            Self::Of(singular) => kind
                .strip_prefix(singular.as_str())
                .is_some_and(|rest| rest.starts_with('.')),
        }
    }
}

/// Which events to read.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only those after this id.
    pub after: i64,
    /// Only of these types (any, when empty).
    pub types: Vec<TypePattern>,
    /// Only of this resource (plural, as in URLs).
    pub resource: Option<String>,
}

/// An event as the log holds it, its data still the JSON text stored: a page of events
/// is mostly their data, which a reader shown both languages gets as it is, unparsed.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Row {
    /// Its id.
    pub id: i64,
    /// Its type.
    pub kind: String,
    /// The resource, plural.
    pub resource: String,
    /// The record's id.
    pub record_id: Uuid,
    /// The record's key.
    pub record_key: Option<String>,
    /// The revision.
    pub revision_id: Uuid,
    /// Who made the change.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The version of the representation in `data`.
    pub schema_version: i32,
    /// The representation, as JSON text.
    pub data: String,
}

/// Up to `limit` events after `filter.after`, oldest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &Filter,
    limit: u64,
) -> Result<Vec<Row>, DbErr> {
    let mut select = Entity::find()
        .select_only()
        .columns([
            Column::Id,
            Column::Kind,
            Column::Resource,
            Column::RecordId,
            Column::RecordKey,
            Column::RevisionId,
            Column::Actor,
            Column::At,
            Column::SchemaVersion,
        ])
        .column_as(Expr::cust("CAST(data AS TEXT)"), "data")
        .filter(Column::Id.gt(filter.after));
    if let Some(resource) = &filter.resource {
        select = select.filter(Column::Resource.eq(resource.as_str()));
    }
    if !filter.types.is_empty() {
        let mut any = Condition::any();
        for pattern in &filter.types {
            any = any.add(match pattern {
                TypePattern::Exactly(kind) => Column::Kind.eq(kind.as_str()),
                TypePattern::Of(singular) => Column::Kind.starts_with(format!("{singular}.")),
            });
        }
        select = select.filter(any);
    }
    select
        .order_by_asc(Column::Id)
        .limit(limit)
        .into_model::<Row>()
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_name_a_type_or_every_type_of_a_resource() {
        let all = TypePattern::parse("statistic.*").unwrap();
        assert!(all.matches("statistic.updated") && !all.matches("statistics.updated"));
        let one = TypePattern::parse("claim.verdict_changed").unwrap();
        assert!(one.matches("claim.verdict_changed") && !one.matches("claim.updated"));
        for bad in ["claim", "claims.*", "claim.changed", "*", ""] {
            assert_eq!(TypePattern::parse(bad), None, "{bad}");
        }
        assert_eq!(types().len(), RESOURCES.len() * ACTIONS.len() + 1);
    }
}
