//! What a statistic measures, as the API shows it.

use chrono::{DateTime, Utc};
use entity::metric;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::lang::{Lang, Text};

/// What a statistic measures.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "trust_in_ai",
    "name": {"en": "Trust in AI", "ar": "الثقة في الذكاء الاصطناعي"}, "unit": "percent",
    "description": {"en": "Share of respondents who say they trust AI systems.", "ar": "نسبة المشاركين الذين يقولون إنهم يثقون في أنظمة الذكاء الاصطناعي."},
    "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Metric {
    /// The record's id.
    pub id: Uuid,
    /// Its key, used by statistics and in URLs.
    pub key: String,
    /// Its name.
    pub name: Text,
    /// The unit its values are in.
    pub unit: String,
    /// What it measures, and how.
    pub description: Text,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Metric {
    /// The representation of `metric` in `lang`.
    pub fn build(metric: metric::Model, lang: Option<Lang>) -> Self {
        Self {
            id: metric.id,
            key: metric.key,
            name: Text::new(metric.name_en, metric.name_ar, lang),
            unit: metric.unit,
            description: Text::new(metric.description_en, metric.description_ar, lang),
            created_at: metric.created_at,
            updated_at: metric.updated_at,
        }
    }
}
