//! Text normalization for search, used both when records are written and when queries
//! are parsed, so that PostgreSQL and SQLite index and look up the very same tokens.
//! PostgreSQL passes them through its `english` and `arabic` configurations once more
//! (stop words, and a second stemming that changes a few already-stemmed tokens) on both
//! the document and the query side, so both sides still agree.
//!
//! Arabic: diacritics (tashkeel) and tatweel are dropped; alef forms (أ إ آ ٱ) become ا,
//! alef maqsura ى becomes ي, taa marbuta ة becomes ه; the conjunctions و and ف are split
//! off, and the Snowball Arabic stemmer removes the article and other attached prefixes
//! and suffixes. Latin script: lower-cased and stemmed by the Snowball English stemmer.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static ARABIC: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Arabic));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;

/// Folds the spelling variants of Arabic letters and drops what search ignores.
fn fold(c: char) -> Option<char> {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => None,
        'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        'ؤ' => Some('و'),
        'ئ' => Some('ي'),
        c => Some(c),
    }
}

fn is_arabic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Appends `text` to `out` with its letter variants folded and lower-cased. ASCII text,
/// and Arabic letters (which have no case), skip the Unicode case tables.
fn fold_into(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in text.chars().filter_map(fold) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if ('\u{0600}'..='\u{06FF}').contains(&c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// `text` with its letter variants folded and lower-cased, before splitting and stemming.
fn folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// The search tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    folded(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .filter_map(stem)
        .collect()
}

/// Removes the attached conjunction (و ف), then the article or preposition (ال بال كال لل ب
/// ل ك), leaving at least three letters after a single-letter prefix and two after the
/// article.
fn strip_prefixes(word: &str) -> &str {
    let long_enough = |rest: &str, min: usize| rest.chars().count() >= min;
    let mut word = word;
    for conjunction in ["و", "ف"] {
        if let Some(rest) = word.strip_prefix(conjunction)
            && long_enough(rest, 3)
        {
            word = rest;
            break;
        }
    }
    for (prefix, min) in [
        ("بال", 2),
        ("كال", 2),
        ("لل", 2),
        ("ال", 2),
        ("ب", 3),
        ("ل", 3),
        ("ك", 3),
    ] {
        if let Some(rest) = word.strip_prefix(prefix)
            && long_enough(rest, min)
        {
            return rest;
        }
    }
    word
}

fn stem(word: &str) -> Option<String> {
    if !is_arabic(word) {
        return Some(ENGLISH.stem(word).into_owned());
    }
    let stemmed = ARABIC.stem(strip_prefixes(word)).into_owned();
    (!stemmed.is_empty()).then_some(stemmed)
}

/// The search document of some texts: their tokens, space-separated.
pub fn document<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    texts
        .into_iter()
        .flat_map(tokens)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A parsed query: every term must match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The terms.
    pub terms: Vec<Term>,
}

/// One term of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// A word, anywhere.
    Word(String),
    /// Words in this order, next to each other ("…" in the query).
    Phrase(Vec<String>),
}

/// Why a query was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing to search for.
    #[error("must not be empty")]
    Empty,
    /// Too long.
    #[error("must be at most {MAX_QUERY_CHARS} characters")]
    TooLong,
}

impl Query {
    /// Parses a query: quoted parts are phrases, the rest words. Operators and other
    /// punctuation have no special meaning.
    pub fn parse(q: &str) -> Result<Self, QueryError> {
        if q.trim().is_empty() {
            return Err(QueryError::Empty);
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut terms = Vec::new();
        for (i, part) in q.split('"').enumerate() {
            let words = tokens(part);
            match (i % 2 == 1, words.len()) {
                (_, 0) => {}
                (true, n) if n > 1 => terms.push(Term::Phrase(words)),
                _ => terms.extend(words.into_iter().map(Term::Word)),
            }
        }
        terms.dedup();
        Ok(Self { terms })
    }

    /// Every token the query names.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.terms
            .iter()
            .flat_map(|term| match term {
                Term::Word(word) => std::slice::from_ref(word).iter(),
                Term::Phrase(words) => words.iter(),
            })
            .map(String::as_str)
    }

    /// The query in PostgreSQL `to_tsquery` syntax.
    pub fn tsquery(&self) -> String {
        let quote = |word: &str| format!("'{word}'");
        self.terms
            .iter()
            .map(|term| match term {
                Term::Word(word) => quote(word),
                Term::Phrase(words) => format!(
                    "({})",
                    words
                        .iter()
                        .map(|w| quote(w))
                        .collect::<Vec<_>>()
                        .join(" <-> ")
                ),
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The query in SQLite FTS5 `MATCH` syntax.
    pub fn fts5(&self) -> String {
        self.terms
            .iter()
            .map(|term| match term {
                Term::Word(word) => format!("\"{word}\""),
                Term::Phrase(words) => format!("\"{}\"", words.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A short extract of the first of `texts` that matches the query (or of the first, if
/// none does), around its first match, with the matched words wrapped in `<mark>`; the
/// rest is HTML-escaped.
pub fn snippet<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    query: &Query,
    words_around: usize,
) -> String {
    let wanted: Vec<&str> = query.words().collect();
    // A stem, but for its last letter (which stemming may have changed), is part of the
    // folded word it came from: words without any are passed over without stemming them.
    let cores: Vec<&str> = wanted
        .iter()
        .map(|stem| match stem.char_indices().nth(3) {
            Some(_) => stem
                .char_indices()
                .last()
                .map_or(*stem, |(last, _)| &stem[..last]),
            None => stem,
        })
        .collect();
    // Each text is folded once, into one string, with each word's span in it.
    let marked = |text: &'a str| -> (Vec<&'a str>, Vec<bool>) {
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut all = String::with_capacity(text.len());
        let hits = words
            .iter()
            .map(|word| {
                let start = all.len();
                fold_into(&mut all, word);
                let folded = &all[start..];
                cores.iter().any(|core| folded.contains(core))
                    && tokens(word).iter().any(|t| wanted.contains(&t.as_str()))
            })
            .collect();
        (words, hits)
    };
    let texts: Vec<(Vec<&'a str>, Vec<bool>)> = texts.into_iter().map(marked).collect();
    let Some((words, hits)) = texts
        .iter()
        .find(|(_, hits)| hits.contains(&true))
        .or(texts.first())
    else {
        return String::new();
    };
    let first = hits.iter().position(|hit| *hit).unwrap_or(0);
    let start = first.saturating_sub(words_around / 3);
    let end = (start + words_around).min(words.len());
    let mut out = String::with_capacity(words[start..end].iter().map(|w| w.len() + 1).sum());
    if start > 0 {
        out.push('…');
    }
    for (word, hit) in words[start..end].iter().zip(&hits[start..end]) {
        if !out.is_empty() {
            out.push(' ');
        }
        if *hit {
            out.push_str("<mark>");
        }
        escape_into(&mut out, word);
        if *hit {
            out.push_str("</mark>");
        }
    }
    if end < words.len() {
        out.push_str(" …");
    }
    out
}

/// Appends `text` to `out` with `&`, `<` and `>` escaped.
fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        assert_eq!(tokens(a), tokens(b), "{a} / {b}");
    }

    #[test]
    fn arabic_spelling_variants_give_the_same_tokens() {
        same("تَصْدِير", "تصدير");
        same("الشـــرائح", "الشرائح");
        same("أوبن إيه آي", "اوبن ايه اي");
        same("إفريقيا", "افريقيا");
        same("القوة الناعمة", "القوه الناعمه");
        same("مستوى", "مستوي");
        same("ٱلصين", "الصين");
    }

    #[test]
    fn arabic_attached_prefixes_and_suffixes_are_stemmed_away() {
        same("الصين", "صين");
        same("والصين", "الصين");
        same("بالصين", "الصين");
        same("للشرائح", "الشرائح");
        same("وبالشرائح", "الشرائح");
        same("النماذج", "نماذج");
    }

    #[test]
    fn english_is_stemmed_and_case_folded() {
        same("export", "exports");
        same("Exporting", "export");
        same("PRICES", "price");
        same("models", "Model");
    }

    #[test]
    fn queries_parse_into_words_and_phrases() {
        let query = Query::parse(r#"soft "wrong side" power"#).unwrap();
        assert_eq!(query.terms.len(), 3);
        assert!(matches!(&query.terms[1], Term::Phrase(words) if words.len() == 2));
        assert_eq!(Query::parse("   "), Err(QueryError::Empty));
        assert_eq!(Query::parse(&"x".repeat(501)), Err(QueryError::TooLong));
        // Operators and quotes are plain punctuation.
        let hostile = Query::parse(r#"' OR 1=1 -- & | ! <-> "unclosed"#).unwrap();
        assert!(
            hostile
                .tsquery()
                .chars()
                .all(|c| c.is_alphanumeric() || " '&()<->".contains(c)),
            "{}",
            hostile.tsquery()
        );
        assert!(!hostile.fts5().contains("OR 1"), "{}", hostile.fts5());
    }

    #[test]
    fn folding_takes_shortcuts_without_changing_the_result() {
        let by_the_tables = |text: &str| -> String {
            text.chars()
                .filter_map(fold)
                .flat_map(char::to_lowercase)
                .collect()
        };
        for text in [
            "Export CONTROLS",
            "ÉXPORT Ünïcode İstanbul ΣΊΓΜΑ",
            "الصِّينُ أوبن إيه آي ومستوى",
            "DeepSeek الصين R1 ﻻ",
            "",
        ] {
            assert_eq!(folded(text), by_the_tables(text), "{text}");
        }
    }

    #[test]
    fn snippets_cut_around_the_first_match() {
        let query = Query::parse("chips").unwrap();
        let text = "one two three four five six seven chips & eight nine ten eleven";
        assert_eq!(
            snippet([text], &query, 6),
            "… six seven <mark>chips</mark> &amp; eight nine …"
        );
        assert_eq!(snippet(["chips"], &query, 6), "<mark>chips</mark>");
        assert_eq!(snippet(Vec::<&str>::new(), &query, 6), "");
    }

    #[test]
    fn snippets_mark_matches_and_escape_the_rest() {
        let query = Query::parse("export").unwrap();
        let snippet = snippet(
            [
                "No match here",
                "The US tightened <export> controls on chips",
            ],
            &query,
            5,
        );
        assert!(snippet.contains("<mark>&lt;export&gt;</mark>"), "{snippet}");
        assert!(!snippet.contains("<export>"), "{snippet}");
        assert!(!snippet.contains("No match"), "{snippet}");
    }
}
