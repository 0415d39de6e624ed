//! The envelope of every list: a page of representations, its cursor, count and facets.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::{error::ApiError, services::listing::Page};

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct ListBody<T: ToSchema> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(
        example = "eyJsIjoibW9kZWxzIiwicyI6InNsdWciLCJ2IjoiZGVlcHNlZWstdjMiLCJpIjoiMDFhMjUxMDctZTBhZi03N2VkLTkyYzgtYjk3NDIzYmFhMDhkIn0"
    )]
    pub next_cursor: Option<String>,
    /// How many rows match the filters, when `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Counts by value over every row that matches the filters, for each field named in `facets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<BTreeMap<&'static str, Vec<FacetCount>>>,
}

impl<T: ToSchema> ListBody<T> {
    /// Builds the body from a page, turning each row into its view.
    pub fn from_page<M>(
        page: Page<M>,
        view: impl FnMut(M) -> Result<T, ApiError>,
    ) -> Result<Self, ApiError> {
        let facets = match page.facets.is_empty() {
            true => None,
            false => Some(
                page.facets
                    .into_iter()
                    .map(|(name, counts)| {
                        let counts = counts
                            .into_iter()
                            .map(|count| FacetCount {
                                value: count.value,
                                count: count.count,
                            })
                            .collect();
                        (name, counts)
                    })
                    .collect(),
            ),
        };
        Ok(Self {
            data: page.items.into_iter().map(view).collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
            total: page.total,
            facets,
        })
    }
}

/// How many rows have one value of a facet.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"value": "CN", "count": 9}))]
pub struct FacetCount {
    /// The value; `null` counts rows without one.
    pub value: Option<String>,
    /// How many rows have it.
    pub count: u64,
}
