//! Reads whose SQL is built once per shape and kept. sea-orm lists every column of an
//! entity, and sea-query writes the SQL text, on every call: a fifth of the instructions
//! of a claim's read (docs/performance.md), though the text of a lookup by keys changes
//! only with the number of keys.

use std::{cell::RefCell, collections::HashMap, mem::Discriminant, rc::Rc};

use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryTrait, Select, Statement,
    Value, sea_query::SelectStatement,
};

/// How many shapes each thread keeps; past that, statements are built on every call.
const KEPT: usize = 256;

/// A shape: the function that builds it, the backend, and how many values each of its
/// groups binds.
type Shape = (usize, Discriminant<DbBackend>, Vec<usize>);

thread_local! {
    static KEPT_SQL: RefCell<HashMap<Shape, Rc<str>>> = RefCell::new(HashMap::new());
}

/// The rows that `shape(values)` selects, in its order.
///
/// `shape` is a function, not a closure, so it captures nothing: the statement it builds
/// depends on `values` alone, and its text, built on the first call for a number of values,
/// serves every later call with as many. The text is kept only when it binds exactly
/// `values`, in their order.
pub async fn rows<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    shape: fn(Vec<Value>) -> Select<E>,
    values: Vec<Value>,
) -> Result<Vec<E::Model>, DbErr> {
    let statement = statement(db.get_database_backend(), shape, values);
    E::Model::find_by_statement(statement).all(db).await
}

/// The statement `shape(values)` builds for `backend`, its text kept or built.
fn statement<E: EntityTrait>(
    backend: DbBackend,
    shape: fn(Vec<Value>) -> Select<E>,
    values: Vec<Value>,
) -> Statement {
    let key = (
        shape as usize,
        std::mem::discriminant(&backend),
        vec![values.len()],
    );
    kept_or_built(key, backend, values, |values| shape(values).build(backend))
}

/// The statement `shape(groups)` builds for `backend`, its text kept or built: as
/// [`rows`], for a statement that binds several lists of values in turn (one per branch
/// of a `UNION`, say), whose text depends on how many values each list holds.
pub fn grouped(
    backend: DbBackend,
    shape: fn(Vec<Vec<Value>>) -> SelectStatement,
    groups: Vec<Vec<Value>>,
) -> Statement {
    let key = (
        shape as usize,
        std::mem::discriminant(&backend),
        groups.iter().map(Vec::len).collect(),
    );
    let values = groups.concat();
    kept_or_built(key, backend, values, |_| backend.build(&shape(groups)))
}

/// The statement with the text kept under `key` and `values`, or the one `build` makes,
/// whose text is kept when it binds exactly `values`, in their order.
fn kept_or_built(
    key: Shape,
    backend: DbBackend,
    values: Vec<Value>,
    build: impl FnOnce(Vec<Value>) -> Statement,
) -> Statement {
    if let Some(sql) = KEPT_SQL.with_borrow(|kept| kept.get(&key).cloned()) {
        return Statement::from_sql_and_values(backend, &*sql, values);
    }
    let built = build(values.clone());
    if built.values.as_ref().is_some_and(|bound| bound.0 == values) {
        KEPT_SQL.with_borrow_mut(|kept| {
            if kept.len() < KEPT {
                kept.insert(key, Rc::from(built.sql.as_str()));
            }
        });
    }
    built
}

#[cfg(test)]
mod tests {
    use entity::claim_topic;
    use sea_orm::{
        ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
        Value,
    };
    use uuid::Uuid;

    use super::{KEPT_SQL, statement};

    fn topics(ids: Vec<Value>) -> sea_orm::Select<claim_topic::Entity> {
        claim_topic::Entity::find()
            .filter(claim_topic::Column::ClaimId.is_in(ids))
            .order_by_asc(claim_topic::Column::Topic)
    }

    /// A kept text, reused, says what building the statement anew would say.
    #[test]
    fn kept_statements_are_the_statements_built_anew() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            for count in [1, 2, 3] {
                let values =
                    || -> Vec<Value> { (0..count).map(|_| Uuid::new_v4().into()).collect() };
                let first = statement(backend, topics, values());
                let later = values();
                let kept = statement(backend, topics, later.clone());
                let built = topics(later).build(backend);
                assert_eq!(kept, built, "{backend:?}, {count} values");
                assert_eq!(first.sql, built.sql);
            }
        }
    }

    fn first_topic(ids: Vec<Value>) -> sea_orm::Select<claim_topic::Entity> {
        topics(ids).limit(1)
    }

    /// A text that binds more than the values given (here the limit) is never kept: a
    /// kept one would bind them in the wrong places.
    #[test]
    fn statements_binding_more_than_their_values_are_built_every_time() {
        let values: Vec<Value> = vec![Uuid::new_v4().into()];
        let built = statement(DbBackend::Postgres, first_topic, values.clone());
        assert_eq!(built, first_topic(values).build(DbBackend::Postgres));
        let shape = (
            first_topic as fn(Vec<Value>) -> sea_orm::Select<claim_topic::Entity> as usize,
            std::mem::discriminant(&DbBackend::Postgres),
            vec![1],
        );
        assert!(KEPT_SQL.with_borrow(|kept| !kept.contains_key(&shape)));
    }
}
