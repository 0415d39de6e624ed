//! The constraints the service enforces on paths, query parameters and headers, written
//! into the document, so that a client generated from it never sends what the service
//! refuses: the sorts and facets of each list, the shapes of slugs, keys, codes, ids and
//! cursors, the printable values of the filters, the entity tags of `If-Match`.
//!
//! They are set here, by parameter name, rather than on each route, so that every route
//! taking a `slug` or a `cursor` says the same, and says what `routes::query` and
//! `services::listing` check.

use utoipa::openapi::{
    ArrayBuilder, ObjectBuilder, OpenApi, RefOr, Schema, Type,
    path::{Operation, Parameter, ParameterIn, ParameterStyle},
};

use crate::{
    domain::cursor,
    services::{self, events, listing::ListParams},
};

/// A hyphenated UUID.
const UUID: &str = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/// A record's slug or dataset key (lowercase words joined by `-`, or `_` in a metric's
/// key), or its id.
fn key_or_id() -> String {
    format!("^(?:[a-z0-9]+(?:[-_][a-z0-9]+)*|{UUID})$")
}

/// A country's ISO code (any case), a region's or group's slug, or the record's id.
fn code_or_id() -> String {
    format!("^(?:[A-Za-z]{{2}}|[a-z0-9]+(?:-[a-z0-9]+)*|{UUID})$")
}

/// What `routes::query::parse::key` takes: 1 to 200 characters, none of them a control
/// character.
const PRINTABLE: &str = "^[^\u{0}-\u{1f}\u{7f}-\u{9f}]+$";

/// `*`, or entity tags (strong or weak) separated by commas.
const ENTITY_TAGS: &str = "^\\s*(?:\\*|(?:W/)?\"[!#-~]*\"(?:\\s*,\\s*(?:W/)?\"[!#-~]*\")*)\\s*$";

/// The query parameters that name a record or a value by its key, slug or code: any
/// printable value, matched exactly.
const KEYED_FILTERS: &[&str] = &[
    "actor",
    "base_model",
    "claimant",
    "company",
    "country",
    "language",
    "license",
    "metric",
    "publisher",
    "scope_country",
    "source",
    "subject",
    "topic",
    "un_region",
    "unit",
];

/// Each list's path and what it sorts and counts by.
fn lists() -> Vec<(String, ListParams)> {
    use services::{claims, companies, countries, metrics, models, revisions, sources, statistics};
    let mut lists: Vec<(String, ListParams)> = [
        ("/v1/companies", companies::LIST.params()),
        ("/v1/models", models::LIST.params()),
        (
            "/v1/models/{slug}/derivatives",
            models::DERIVATIVES.params(),
        ),
        ("/v1/sources", sources::LIST.params()),
        ("/v1/statistics", statistics::LIST.params()),
        ("/v1/claims", claims::LIST.params()),
        ("/v1/countries", countries::LIST.params()),
        ("/v1/metrics", metrics::LIST.params()),
        ("/v1/revisions", revisions::LIST.params()),
        ("/v1/claimreviews", claims::LIST.params()),
        ("/v1/statistics/{id}/claims", claims::LIST.params()),
        ("/v1/models/{slug}/claims", claims::LIST.params()),
        ("/v1/companies/{slug}/claims", claims::LIST.params()),
        ("/v1/countries/{code}/claims", claims::LIST.params()),
    ]
    .into_iter()
    .map(|(path, params)| (path.to_owned(), params))
    .collect();
    for resource in ["companies", "models", "sources", "statistics", "claims"] {
        lists.push((
            format!("/v1/{resource}/{{key}}/revisions"),
            revisions::LIST.params(),
        ));
    }
    lists
}

fn string(pattern: Option<String>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
}

/// Writes the constraints into every operation of `openapi`.
pub fn add(openapi: &mut OpenApi) {
    let lists = lists();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let list = lists
            .iter()
            .find(|(list, _)| list == path)
            .map(|(_, params)| params);
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            constrain(path, operation, list);
        }
    }
}

fn constrain(path: &str, operation: &mut Operation, list: Option<&ListParams>) {
    let Some(parameters) = operation.parameters.as_mut() else {
        return;
    };
    // A list without facets takes no `facets`.
    parameters.retain(|parameter| {
        !matches!(parameter, RefOr::T(p) if p.name == "facets" && list.is_some_and(|list| list.facets.is_empty()))
    });
    for parameter in parameters.iter_mut() {
        let RefOr::T(parameter) = parameter else {
            continue;
        };
        if parameter.parameter_in == ParameterIn::Query
            && !matches!(parameter.required, utoipa::openapi::Required::True)
        {
            // An optional parameter sent empty (`?cursor=`) is taken as absent. utoipa
            // does not model OpenAPI's `allowEmptyValue`, so it is written in as is.
            parameter
                .extensions
                .get_or_insert_with(Default::default)
                .insert("allowEmptyValue".to_owned(), true.into());
        }
        match (&parameter.parameter_in, parameter.name.as_str()) {
            (ParameterIn::Path, "slug" | "key" | "id") if !is_uuid(parameter) => {
                let pattern = match path.ends_with("/subjects/{type}/{key}") {
                    true => code_or_id(),
                    false => key_or_id(),
                };
                parameter.schema = Some(string(Some(pattern)).max_length(Some(100)).into());
            }
            (ParameterIn::Path, "code") => {
                parameter.schema = Some(string(Some(code_or_id())).max_length(Some(100)).into());
            }
            (ParameterIn::Query, "cursor") => {
                parameter.schema = Some(
                    string(Some(cursor::PATTERN.to_owned()))
                        .max_length(Some(1024))
                        .into(),
                );
            }
            (ParameterIn::Query, "sort") => {
                if let Some(list) = list {
                    let values = list
                        .sorts
                        .iter()
                        .flat_map(|name| [(*name).to_owned(), format!("-{name}")]);
                    parameter.schema = Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .enum_values(Some(values))
                            .default(Some(list.default_sort.into()))
                            .into(),
                    );
                }
            }
            (ParameterIn::Query, "facets") => {
                if let Some(list) = list {
                    comma_separated(parameter, list.facets.iter().map(|f| (*f).to_owned()));
                }
            }
            (ParameterIn::Query, "types") if path == "/v1/events" => {
                let patterns = events::RESOURCES
                    .iter()
                    .map(|(_, singular)| format!("{singular}.*"));
                comma_separated(parameter, events::types().into_iter().chain(patterns));
            }
            (ParameterIn::Query, "resource") => {
                parameter.schema = Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(events::RESOURCES.iter().map(|(plural, _)| *plural)))
                        .into(),
                );
            }
            (ParameterIn::Query, "q") => {
                // Not blank: something other than spaces (a query of punctuation alone
                // finds nothing, and is no error); and no U+0000, which no query value takes.
                parameter.schema = Some(
                    string(Some("^[^\\x00]*[^\\s\\x00][^\\x00]*$".to_owned()))
                        .min_length(Some(1))
                        .max_length(Some(crate::domain::search_text::MAX_QUERY_CHARS))
                        .into(),
                );
            }
            (ParameterIn::Query, name) if KEYED_FILTERS.contains(&name) => {
                parameter.schema = Some(
                    string(Some(PRINTABLE.to_owned()))
                        .min_length(Some(1))
                        .max_length(Some(200))
                        .into(),
                );
            }
            (ParameterIn::Header, "If-Match") => {
                parameter.schema = Some(string(Some(ENTITY_TAGS.to_owned())).into());
            }
            _ => {}
        }
    }
}

/// Makes the rows of each `ListBody_<T>` a reference to `T`'s schema, where utoipa
/// writes the generic's argument out in full: one schema for one thing.
pub fn refer_list_rows(openapi: &mut OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for name in &names {
        let Some(row) = name.strip_prefix("ListBody_") else {
            continue;
        };
        if !names.iter().any(|other| other == row) {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(list))) = components.schemas.get_mut(name)
            && let Some(RefOr::T(Schema::Array(data))) = list.properties.get_mut("data")
        {
            data.items = utoipa::openapi::schema::ArrayItems::RefOrSchema(Box::new(RefOr::Ref(
                utoipa::openapi::Ref::from_schema_name(row),
            )));
        }
    }
}

/// Whether the parameter is already a UUID.
fn is_uuid(parameter: &Parameter) -> bool {
    matches!(
        &parameter.schema,
        Some(RefOr::T(Schema::Object(object)))
            if matches!(object.format, Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Uuid)))
    )
}

/// Makes `parameter` a comma-separated list of `values` (`style: form`, `explode: false`).
fn comma_separated(parameter: &mut Parameter, values: impl Iterator<Item = String>) {
    parameter.schema = Some(
        ArrayBuilder::new()
            .items(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(values)),
            )
            .min_items(Some(1))
            .into(),
    );
    parameter.style = Some(ParameterStyle::Form);
    parameter.explode = Some(false);
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::{RefOr, Schema, path::ParameterIn};

    /// Every operation that takes `sort` says which values it takes.
    #[test]
    fn every_list_documents_its_sorts() {
        let openapi = crate::startup::openapi();
        for (path, item) in &openapi.paths.paths {
            let Some(get) = &item.get else { continue };
            for parameter in get.parameters.iter().flatten() {
                let RefOr::T(parameter) = parameter else {
                    continue;
                };
                if parameter.parameter_in == ParameterIn::Query && parameter.name == "sort" {
                    let enumerated = matches!(
                        &parameter.schema,
                        Some(RefOr::T(Schema::Object(object))) if object.enum_values.is_some()
                    );
                    assert!(enumerated, "{path}: `sort` without its values");
                }
            }
        }
    }
}
