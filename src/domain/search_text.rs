//! Text normalization for search, used both when records are written and when queries
//! are parsed, so that PostgreSQL and SQLite index and look up the very same tokens.
//! PostgreSQL passes them through its `english_arabic` configuration once more (the
//! English stemmer and stop words for Latin words, the Arabic ones for Arabic words: stop
//! words dropped, and a second stemming that changes a few already-stemmed tokens) on
//! both the document and the query side, so both sides still agree.
//!
//! Arabic: diacritics (tashkeel) and tatweel are dropped; alef forms (أ إ آ ٱ) become ا,
//! alef maqsura ى becomes ي, taa marbuta ة becomes ه; the conjunctions و and ف and the
//! article are split off; a plural is read as its singular (the broken plurals of the
//! curated lexicon `arabic_plurals.tsv`, and the sound feminine plural and dual by their
//! endings); and the Snowball Arabic stemmer removes the other attached prefixes and
//! suffixes (the sound masculine plural and dual among them). Latin script: lower-cased
//! and stemmed by the Snowball English stemmer.

use std::{collections::HashMap, ops::Range, sync::LazyLock};

use memchr::memmem;
use rust_stemmers::{Algorithm, Stemmer};

static ARABIC: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Arabic));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The version of the tokens this module gives. Raise it with any change to them: the
/// service then computes every row's search columns again when it starts
/// (`services::upgrade`), so that old rows and new queries agree. 1: Arabic plurals read
/// as their singulars.
pub const TOKENS_VERSION: i32 = 1;

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

/// Appends `text` to `out` with its letter variants folded and lower-cased. ASCII text
/// skips the Unicode tables, and runs of letters that folding leaves as they are (most of
/// an Arabic text) are copied whole rather than a character at a time.
fn fold_into(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
        return;
    }
    let mut kept = 0;
    for (at, c) in text.char_indices() {
        let unchanged = if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else if ('\u{0600}'..='\u{06FF}').contains(&c) {
            fold(c) == Some(c)
        } else {
            let mut lower = c.to_lowercase();
            lower.next() == Some(c) && lower.next().is_none()
        };
        if unchanged {
            continue;
        }
        out.push_str(&text[kept..at]);
        kept = at + c.len_utf8();
        match fold(c) {
            None => {}
            Some(c) if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            Some(c) if ('\u{0600}'..='\u{06FF}').contains(&c) => out.push(c),
            Some(c) => out.extend(c.to_lowercase()),
        }
    }
    out.push_str(&text[kept..]);
}

/// `text` with its letter variants folded and lower-cased, before splitting and stemming.
fn folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// The search tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    folded_tokens(&folded(text))
}

/// The search tokens of text already folded.
fn folded_tokens(folded: &str) -> Vec<String> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .filter_map(stem)
        .collect()
}

fn long_enough(rest: &str, min: usize) -> bool {
    rest.chars().count() >= min
}

/// Removes the attached conjunction (و ف), then the article (ال بال كال لل), leaving at
/// least three letters after the conjunction and two after the article.
fn strip_article(word: &str) -> &str {
    let mut word = word;
    for conjunction in ["و", "ف"] {
        if let Some(rest) = word.strip_prefix(conjunction)
            && long_enough(rest, 3)
        {
            word = rest;
            break;
        }
    }
    for prefix in ["بال", "كال", "لل", "ال"] {
        if let Some(rest) = word.strip_prefix(prefix)
            && long_enough(rest, 2)
        {
            return rest;
        }
    }
    word
}

/// Removes an attached preposition (ب ل ك) from a word without its article, leaving at
/// least three letters.
fn strip_preposition(word: &str) -> &str {
    for prefix in ["ب", "ل", "ك"] {
        if let Some(rest) = word.strip_prefix(prefix)
            && long_enough(rest, 3)
        {
            return rest;
        }
    }
    word
}

/// The broken plurals of `arabic_plurals.tsv`, folded, each with its singular.
static BROKEN_PLURALS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    include_str!("arabic_plurals.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some((folded(fields.next()?), folded(fields.next()?)))
        })
        .collect()
});

/// A sound plural or dual as its singular: the feminine plural ـات and the feminine dual
/// ـتان/ـتين become the taa marbuta of the singular (folded, ه), leaving at least three
/// letters. (The masculine plural ـون/ـين and the dual ـان/ـين are the stemmer's.)
fn singular_of_sound(word: &str) -> std::borrow::Cow<'_, str> {
    for (ending, min) in [("تان", 3), ("تين", 3), ("ات", 3)] {
        if let Some(stem) = word.strip_suffix(ending)
            && long_enough(stem, min)
        {
            return format!("{stem}ه").into();
        }
    }
    word.into()
}

fn stem(word: &str) -> Option<String> {
    if !is_arabic(word) {
        return Some(ENGLISH.stem(word).into_owned());
    }
    // A broken plural is looked up as written (a root letter may look like a prefix:
    // وثائق, بلدان), then without its article (الرقائق) and its preposition (بنماذج); its
    // singular then goes the way any word does, so that both give the same token.
    let bare = strip_article(word);
    let unprefixed = strip_preposition(bare);
    let singular = [word, bare, unprefixed]
        .into_iter()
        .find_map(|candidate| BROKEN_PLURALS.get(candidate));
    let stemmed = match singular {
        Some(singular) => {
            let bare = strip_article(singular);
            ARABIC.stem(strip_preposition(bare)).into_owned()
        }
        None => ARABIC.stem(&singular_of_sound(unprefixed)).into_owned(),
    };
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
/// rest is HTML-escaped. [`Snippets::cut`] for one query's snippets one after another.
pub fn snippet<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    query: &Query,
    words_around: usize,
) -> String {
    Snippets::new(query).cut(texts, words_around)
}

/// Cuts the snippets of one query, one page of results after another, remembering which
/// words it has stemmed.
///
/// Only words that may match are stemmed: a text in which no query word's core occurs
/// once folded is passed over whole, and in a text that matches, only the words holding a
/// core are stemmed, each spelling once however many texts of the page it appears in.
pub struct Snippets<'q> {
    /// The query's stems.
    wanted: Vec<&'q str>,
    /// Finders of each stem but for its last letter (which stemming may have changed):
    /// part of the folded word it came from. Never empty, never holding a space.
    cores: Vec<memmem::Finder<'q>>,
    /// Whether a folded word matches, for each word stemmed so far.
    stemmed: HashMap<String, bool>,
    /// The text being cut, folded.
    folded: String,
}

/// A word of a text being cut: where it lies in the text and in its folded form.
struct Word {
    text: Range<usize>,
    folded: Range<usize>,
}

impl<'q> Snippets<'q> {
    /// Ready to cut the snippets of `query`.
    pub fn new(query: &'q Query) -> Self {
        let wanted: Vec<&str> = query.words().collect();
        let cores = wanted
            .iter()
            .map(|stem| {
                let core = match stem.char_indices().nth(3) {
                    Some(_) => stem
                        .char_indices()
                        .last()
                        .map_or(*stem, |(last, _)| &stem[..last]),
                    None => stem,
                };
                memmem::Finder::new(core)
            })
            .collect();
        Self {
            wanted,
            cores,
            stemmed: HashMap::new(),
            folded: String::new(),
        }
    }

    /// The snippet of the first of `texts` that matches, as [`snippet`] cuts it.
    pub fn cut<'a>(
        &mut self,
        texts: impl IntoIterator<Item = &'a str>,
        words_around: usize,
    ) -> String {
        let mut first = None;
        for text in texts {
            first.get_or_insert(text);
            if let Some(extract) = self.extract(text, words_around) {
                return extract;
            }
        }
        // Nothing matches: the start of the first text.
        let Some(text) = first else {
            return String::new();
        };
        let mut words = text.split_whitespace();
        let shown: Vec<(&str, bool)> = words
            .by_ref()
            .take(words_around)
            .map(|word| (word, false))
            .collect();
        render(&shown, false, words.next().is_some())
    }

    /// Whether `self.folded` holds a core anywhere.
    fn may_match(&self) -> bool {
        self.cores
            .iter()
            .any(|core| core.find(self.folded.as_bytes()).is_some())
    }

    /// The extract of `text` around its first match, or `None` if nothing in it matches.
    fn extract(&mut self, text: &str, words_around: usize) -> Option<String> {
        self.folded.clear();
        fold_into(&mut self.folded, text);
        if !self.may_match() {
            return None;
        }
        // Folding keeps every whitespace character as it is and makes none, so the text and
        // its folded form split at whitespace into as many pieces, each folded from its
        // counterpart; a core found lies within one piece.
        let offset = |part: &str, whole: &str| part.as_ptr().addr() - whole.as_ptr().addr();
        let words: Vec<Word> = text
            .split(char::is_whitespace)
            .zip(self.folded.split(char::is_whitespace))
            .filter(|(word, _)| !word.is_empty())
            .map(|(word, folded)| {
                let (at, folded_at) = (offset(word, text), offset(folded, &self.folded));
                Word {
                    text: at..at + word.len(),
                    folded: folded_at..folded_at + folded.len(),
                }
            })
            .collect();
        let mut holds_core = vec![false; words.len()];
        for core in &self.cores {
            for at in core.find_iter(self.folded.as_bytes()) {
                holds_core[words.partition_point(|word| word.folded.end <= at)] = true;
            }
        }
        let mut hit = |i: usize| {
            holds_core[i] && {
                let folded = &self.folded[words[i].folded.clone()];
                match self.stemmed.get(folded) {
                    Some(&hit) => hit,
                    None => {
                        let hit = folded_tokens(folded)
                            .iter()
                            .any(|token| self.wanted.contains(&token.as_str()));
                        self.stemmed.insert(folded.to_owned(), hit);
                        hit
                    }
                }
            }
        };
        let first = (0..words.len()).find(|&i| hit(i))?;
        // The last third of the extract before the first match, the rest after it.
        let start = first.saturating_sub(words_around / 3);
        let end = words.len().min(start + words_around.max(first - start + 1));
        let shown: Vec<(&str, bool)> = (start..end)
            .map(|i| {
                (
                    &text[words[i].text.clone()],
                    i == first || (i > first && hit(i)),
                )
            })
            .collect();
        Some(render(&shown, start > 0, end < words.len()))
    }
}

/// Joins `words` with spaces, each HTML-escaped, the matched ones wrapped in `<mark>`,
/// with an ellipsis where text was left out before or after them.
fn render(words: &[(&str, bool)], cut_before: bool, cut_after: bool) -> String {
    let mut out = String::with_capacity(words.iter().map(|(w, _)| w.len() + 14).sum());
    if cut_before {
        out.push('…');
    }
    for &(word, hit) in words {
        if !out.is_empty() {
            out.push(' ');
        }
        if hit {
            out.push_str("<mark>");
        }
        escape_into(&mut out, word);
        if hit {
            out.push_str("</mark>");
        }
    }
    if cut_after {
        out.push_str(" …");
    }
    out
}

/// Appends `text` to `out` with `&`, `<` and `>` escaped.
fn escape_into(out: &mut String, text: &str) {
    let mut done = 0;
    for at in memchr::memchr3_iter(b'&', b'<', b'>', text.as_bytes()) {
        out.push_str(&text[done..at]);
        out.push_str(match text.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        done = at + 1;
    }
    out.push_str(&text[done..]);
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
    fn arabic_plurals_and_duals_match_their_singulars() {
        // Sound feminine plurals.
        same("الشركات", "شركة");
        same("تطبيقات", "تطبيق");
        same("مليارات", "مليار");
        same("الاقتصادات", "اقتصاد");
        same("معالجات", "معالج");
        // Sound masculine plurals.
        same("المستخدمون", "مستخدم");
        same("للمستخدمين", "المستخدم");
        same("المطورين", "مطور");
        // Duals.
        same("نموذجان", "نموذج");
        same("نموذجين", "النموذج");
        same("شركتان", "شركة");
        same("الدولتين", "دولة");
        // Broken plurals of the lexicon, with and without prefixes.
        same("النماذج", "نموذج");
        same("بنماذج", "النموذج");
        same("الرقائق", "رقاقة");
        same("الأسعار", "سعر");
        same("المصادر", "مصدر");
        same("الدول", "دولة");
        same("البلدان", "بلد");
        same("وأوزان", "وزن");
        same("خبراء", "الخبير");
        same("ضوابط", "ضابط");
        same("السنوات", "سنة");
        // Every line of the lexicon reads, and no plural is its own singular.
        for line in include_str!("arabic_plurals.tsv").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "{line}");
            same(fields[0], fields[1]);
            assert_ne!(folded(fields[0]), folded(fields[1]), "{line}");
        }
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
            "ДЕЕПСИК Straße ǅemal ﬁ ΌΣΟΣ الصِّينُ",
            "ـ",
            "",
        ] {
            assert_eq!(folded(text), by_the_tables(text), "{text}");
        }
    }

    /// Snippets find a word's folded form by splitting the folded text where the text
    /// splits: folding must keep every whitespace character, in order, and make none.
    #[test]
    fn folding_keeps_whitespace_as_it_is() {
        let spaces =
            |text: &str| -> String { text.chars().filter(|c| c.is_whitespace()).collect() };
        for text in [
            "Export\tCONTROLS\n\r ÉXPORT\u{00A0}Ünïcode",
            "الصِّينُ\u{2003}ـ ً \u{3000}أوبن\u{0085}إيه\u{2028}آي\u{1680}ΣΊΓΜΑ\u{202F}ǅemal",
        ] {
            let folded = folded(text);
            assert_eq!(spaces(&folded), spaces(text), "{text}");
            assert_eq!(
                folded.split(char::is_whitespace).count(),
                text.split(char::is_whitespace).count(),
                "{text}"
            );
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

    /// What a snippet is, the long way: every word of every text marked, then the first
    /// text with a match cut around its first match.
    fn snippet_of_every_word(texts: &[&str], query: &Query, words_around: usize) -> String {
        let wanted: Vec<&str> = query.words().collect();
        let marked: Vec<(Vec<&str>, Vec<bool>)> = texts
            .iter()
            .map(|text| {
                let words: Vec<&str> = text.split_whitespace().collect();
                let hits = words
                    .iter()
                    .map(|word| tokens(word).iter().any(|t| wanted.contains(&t.as_str())))
                    .collect();
                (words, hits)
            })
            .collect();
        let Some((words, hits)) = marked
            .iter()
            .find(|(_, hits)| hits.contains(&true))
            .or(marked.first())
        else {
            return String::new();
        };
        let first = hits.iter().position(|hit| *hit).unwrap_or(0);
        let start = first.saturating_sub(words_around / 3);
        let end = (start + words_around).min(words.len());
        let shown: Vec<(&str, bool)> = words[start..end]
            .iter()
            .copied()
            .zip(hits[start..end].iter().copied())
            .collect();
        render(&shown, start > 0, end < words.len())
    }

    #[test]
    fn snippets_read_no_further_than_they_show() {
        let english = "Washington tightened export controls on advanced chips in 2022, \
            and again in 2023, while Chinese labs answered with open models that exporters \
            of AI services in the Global South adopted; the controls did not stop them. \
            Analysts say export rules shape <who> & what gets built.";
        let arabic = "شددت واشنطن القيود على تصدير الرقائق المتقدمة، بينما ردت المختبرات \
            الصينية بنماذج مفتوحة، وتبنت دول الجنوب العالمي القوة الناعمة للصين. \
            والقوة الناعمة عند المحللين ليست بالقوة الصلبة.";
        let texts = [
            vec![],
            vec![""],
            vec![english],
            vec![arabic],
            vec!["no match at all here", english, arabic],
            vec![arabic, english],
            vec!["   spaced   out   export  "],
            // Diacritics, and words that fold to nothing (a tatweel, a lone diacritic).
            vec!["وَالقُوَّةُ ـ ً الناعِمَةُ للصِّين، وEXPORT-controls بالقوة"],
        ];
        let mut with_marks = 0;
        for q in [
            "export",
            "controls chips",
            "\"open models\"",
            "القوة الناعمة",
            "الصين",
            "who",
            "nothing-matches-this",
        ] {
            let query = Query::parse(q).unwrap();
            // One cutter for all of a query's snippets, as a page of results has, remembers
            // the words it stemmed: the snippets must be the same as when cut afresh.
            let mut page = Snippets::new(&query);
            for texts in &texts {
                for words_around in [1, 2, 3, 5, 6, 30, 100] {
                    let expected = snippet_of_every_word(texts, &query, words_around);
                    with_marks += usize::from(expected.contains("<mark>"));
                    assert_eq!(
                        snippet(texts.iter().copied(), &query, words_around),
                        expected,
                        "{q} / {words_around} / {texts:?}"
                    );
                    assert_eq!(
                        page.cut(texts.iter().copied(), words_around),
                        expected,
                        "{q} / {words_around} / {texts:?}, on a page"
                    );
                }
            }
        }
        // Matches in both languages, at the start, middle and end of texts.
        assert!(with_marks > 100, "{with_marks}");
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
