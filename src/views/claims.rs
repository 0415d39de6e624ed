//! A claim, its verdict and its evidence, as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{claim, evidence};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CompanyRef, SourceRef, SubjectRef, find, statistics::Statistic, stored};
use crate::{
    domain::{
        kinds::{Relation, Verdict},
        lang::{Lang, Text},
    },
    services::{claims::Parts, related::Related},
};

/// The claim as first published.
#[derive(Serialize, ToSchema)]
pub struct Original {
    /// Its language (ISO 639-1).
    #[schema(example = "ar")]
    pub language: String,
    /// Its words.
    pub text: String,
}

/// Who made a claim.
#[derive(Serialize, ToSchema)]
pub struct Claimant {
    /// Their name.
    pub name: Text,
    /// Their role, when it matters.
    pub role: Option<Text>,
    /// The company they speak for, if any.
    pub company: Option<CompanyRef>,
}

/// A piece of evidence: a statistic or a source, and how it bears on the claim.
#[derive(Serialize, ToSchema)]
pub struct Evidence {
    /// The record's id.
    pub id: Uuid,
    /// Whether it supports, contradicts, or gives context to the claim.
    pub relation: Relation,
    /// The statistic, with its value, period and source.
    pub statistic: Option<Statistic>,
    /// The source, when the evidence is a source rather than a statistic.
    pub source: Option<SourceRef>,
    /// How it bears on the claim.
    pub note: Option<Text>,
}

/// A claim, its verdict, and the evidence weighed.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "article-c16",
    "text": {"en": "OpenAI cut the prices of o3 by 80%.", "ar": "خفّضت أوبن إيه آي أسعار o3 بنسبة 80%."},
    "original": {"language": "ar", "text": "OpenAI خفّضت أسعار o3 بنسبة 80%"},
    "claimant": {"name": {"en": "aurestv.net (unsigned article)", "ar": "aurestv.net (مقال غير موقّع)"}, "role": null, "company": null},
    "stated": null,
    "source": {"id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6f", "key": "aurestv-ai-race-2025", "title": null, "publisher": "aurestv.net", "url": "https://aurestv.net/2025/11/%d9%85%d9%86-%d8%a7%d9%84%d8%a3%d9%82%d9%88%d9%89%d8%9f-%d8%a7%d9%84%d8%b0%d9%83%d8%a7%d8%a1-%d8%a7%d9%84%d8%a7%d8%b5%d8%b7%d9%86%d8%a7%d8%b9%d9%8a-%d8%a7%d9%84%d8%b5%d9%8a%d9%86%d9%8a-%d8%a3%d9%85/?amp=1", "published": null},
    "topics": ["pricing"], "subjects": [{"type": "model", "key": "o3", "name": {"en": "o3", "ar": "o3"}}],
    "verdict": "supported",
    "verdict_summary": {"en": "OpenAI cut o3's API prices by 80% on 2025-06-10.", "ar": "خفّضت أوبن إيه آي أسعار o3 بنسبة 80% في 10 يونيو 2025."},
    "evidence": [{"id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d70", "relation": "supports", "statistic": null,
        "source": {"id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d71", "key": "altman-o3-price-cut-2025", "title": "we dropped the price of o3 by 80%!!", "publisher": "X (Sam Altman, @sama)", "url": "https://twitter.com/sama/status/1932434606558462459", "published": "2025-06-10"},
        "note": null}],
    "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Claim {
    /// The record's id.
    pub id: Uuid,
    /// Its key in the curated dataset, if it came from there.
    pub key: Option<String>,
    /// The claim.
    pub text: Text,
    /// The claim as first published.
    pub original: Original,
    /// Who made it.
    pub claimant: Claimant,
    /// When it was made.
    pub stated: Option<NaiveDate>,
    /// Where it appeared.
    pub source: SourceRef,
    /// What it is about, in broad terms.
    pub topics: Vec<String>,
    /// The models, companies and countries it concerns.
    pub subjects: Vec<SubjectRef>,
    /// The outcome of weighing it.
    pub verdict: Verdict,
    /// Why it got that verdict.
    pub verdict_summary: Option<Text>,
    /// What it was weighed against.
    pub evidence: Vec<Evidence>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Claim {
    /// The representation of `claim` in `lang`, with its parts from `parts`.
    pub fn build(claim: claim::Model, parts: &Parts, lang: Option<Lang>) -> anyhow::Result<Self> {
        let related = &parts.related;
        let source = find(
            related.sources.get(&claim.source_id),
            "source",
            claim.source_id,
        )?;
        let company = claim
            .claimant_company_id
            .map(|id| {
                find(related.companies.get(&id), "company", id)
                    .map(|company| CompanyRef::new(company, lang))
            })
            .transpose()?;
        let subjects = parts
            .subjects
            .get(&claim.id)
            .into_iter()
            .flatten()
            .map(|subject| {
                SubjectRef::resolve(
                    related,
                    subject.model_id,
                    subject.company_id,
                    subject.country_code.as_deref(),
                    lang,
                )
            })
            .collect::<anyhow::Result<_>>()?;
        let evidence = parts
            .evidence
            .get(&claim.id)
            .into_iter()
            .flatten()
            .map(|item| evidence_view(item, related, lang))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            verdict: stored(&claim.verdict, Verdict::parse, "verdict")?,
            verdict_summary: Text::from_parts(
                claim.verdict_summary_en,
                claim.verdict_summary_ar,
                lang,
            ),
            claimant: Claimant {
                name: Text::new(claim.claimant_name_en, claim.claimant_name_ar, lang),
                role: Text::from_parts(claim.claimant_role_en, claim.claimant_role_ar, lang),
                company,
            },
            topics: parts.topics.get(&claim.id).cloned().unwrap_or_default(),
            id: claim.id,
            key: claim.key,
            text: Text::new(claim.text_en, claim.text_ar, lang),
            original: Original {
                language: claim.original_language,
                text: claim.original_text,
            },
            stated: claim.stated_on,
            source: SourceRef::from(source),
            subjects,
            evidence,
            created_at: claim.created_at,
            updated_at: claim.updated_at,
        })
    }
}

fn evidence_view(
    item: &evidence::Model,
    related: &Related,
    lang: Option<Lang>,
) -> anyhow::Result<Evidence> {
    let statistic = item
        .statistic_id
        .map(|id| {
            let stat = find(related.statistics.get(&id), "statistic", id)?;
            Statistic::build(stat.clone(), related, lang)
        })
        .transpose()?;
    let source = item
        .source_id
        .map(|id| find(related.sources.get(&id), "source", id).map(SourceRef::from))
        .transpose()?;
    Ok(Evidence {
        relation: stored(&item.relation, Relation::parse, "relation")?,
        note: Text::from_parts(item.note_en.clone(), item.note_ar.clone(), lang),
        id: item.id,
        statistic,
        source,
    })
}
