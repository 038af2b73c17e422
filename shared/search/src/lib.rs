//! The Search port on tantivy: one index of every tenant's searchable documents, each with its
//! audience terms, in a directory (the local host's data directory; on AWS the indexer's
//! temporary storage, mirrored to S3 by [`mirror`]) or in memory (tests).
//!
//! Words match in the title and body exactly (ranked first), by prefix (the word being typed)
//! and within an edit distance that grows with the word (1 from four letters, 2 from eight), so
//! `pasword` finds `password`. Snippets are cut around the first matched word and mark every
//! matched word with `<mark>`, the rest escaped.

use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use kt_platform::search::{Change, Order, SearchDoc, SearchError, SearchHit, SearchIndex, SearchPage, SearchRequest};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

mod highlight;
pub mod mirror;

pub use highlight::{distance_for, highlight};
pub use mirror::{Mirror, MirroredIndex};

/// The tokenizer of every text field: words split on non-alphanumerics, lower-cased, accents
/// folded (`Café` → `cafe`), words over 40 bytes dropped.
const TOKENIZER: &str = "kt";
/// Memory the writer buffers before it writes a segment.
const WRITER_HEAP: usize = 64 * 1024 * 1024;
/// Longest body kept for snippets.
const MAX_BODY: usize = 20_000;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    tenant: Field,
    kind: Field,
    audience: Field,
    title: Field,
    body: Field,
    notes: Field,
    status: Field,
    priority: Field,
    org: Field,
    org_name: Field,
    from: Field,
    tags: Field,
    at: Field,
    target: Field,
    label: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        tenant: b.add_text_field("tenant", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        audience: b.add_text_field("audience", STRING),
        title: b.add_text_field("title", text.clone() | STORED),
        body: b.add_text_field("body", text.clone() | STORED),
        notes: b.add_text_field("notes", text.clone() | STORED),
        status: b.add_text_field("status", STRING | STORED),
        priority: b.add_text_field("priority", STRING | STORED),
        org: b.add_text_field("org", STRING),
        org_name: b.add_text_field("org_name", text.clone()),
        from: b.add_text_field("from", text),
        tags: b.add_text_field("tags", STRING),
        at: b.add_date_field("at", DateOptions::default().set_indexed().set_fast().set_stored()),
        target: b.add_text_field("target", STORED),
        label: b.add_text_field("label", STORED),
    };
    (b.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The words of `text` as the index holds them.
pub fn tokens(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

pub(crate) fn engine(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
}

/// The tantivy index: one writer (this process holds the directory's lock) and a reader
/// reloaded after every commit.
pub struct TantivyIndex {
    index: Index,
    fields: Fields,
    /// `None` in a reader (it never takes the directory's lock).
    writer: Option<Mutex<IndexWriter<TantivyDocument>>>,
    reader: IndexReader,
    /// Whether the directory held no index (or one of an older layout) and was started empty:
    /// the caller rebuilds it from the store.
    created: bool,
}

impl TantivyIndex {
    /// An index in memory.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        Self::wire(Index::create_in_ram(schema), fields, true, true)
    }

    /// The index in `dir`, created there when absent or of another layout (then empty).
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        Self::open_in(dir, true)
    }

    /// The index in `dir` for reading only (a copy another process writes); see [`Self::reload`].
    pub fn open_reader(dir: &Path) -> Result<Self, SearchError> {
        Self::open_in(dir, false)
    }

    fn open_in(dir: &Path, write: bool) -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(engine)?;
        let existing = Index::open_in_dir(dir).ok().filter(|i| i.schema() == schema);
        let created = existing.is_none();
        let index = match existing {
            Some(index) => index,
            None => {
                for entry in std::fs::read_dir(dir).map_err(engine)? {
                    let path = entry.map_err(engine)?.path();
                    if path.is_file() {
                        std::fs::remove_file(&path).map_err(engine)?;
                    }
                }
                Index::create_in_dir(dir, schema).map_err(engine)?
            }
        };
        Self::wire(index, fields, created, write)
    }

    fn wire(index: Index, fields: Fields, created: bool, write: bool) -> Result<Self, SearchError> {
        index.tokenizers().register(TOKENIZER, analyzer());
        let writer = if write { Some(Mutex::new(index.writer(WRITER_HEAP).map_err(engine)?)) } else { None };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(engine)?;
        Ok(Self { index, fields, writer, reader, created })
    }

    /// Reads the directory's latest commit (a reader, after its copy changed).
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload().map_err(engine)
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>>, SearchError> {
        let writer = self.writer.as_ref().ok_or_else(|| SearchError::Unavailable("a reader does not write".into()))?;
        writer.lock().map_err(engine)
    }

    /// Whether this index started empty (new, or replacing an older layout).
    pub fn created(&self) -> bool {
        self.created
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &d.id);
        doc.add_text(f.tenant, &d.tenant);
        doc.add_text(f.kind, &d.kind);
        for a in &d.audience {
            doc.add_text(f.audience, a);
        }
        doc.add_text(f.title, &d.title);
        let body: String = d.body.chars().take(MAX_BODY).collect();
        doc.add_text(f.body, &body);
        let notes: String = d.notes.chars().take(MAX_BODY).collect();
        doc.add_text(f.notes, &notes);
        if let Some(s) = &d.status {
            doc.add_text(f.status, s);
        }
        if let Some(p) = &d.priority {
            doc.add_text(f.priority, p);
        }
        if let Some(o) = &d.org {
            doc.add_text(f.org, o);
        }
        doc.add_text(f.org_name, &d.org_name);
        doc.add_text(f.from, &d.from);
        for t in &d.tags {
            doc.add_text(f.tags, t.to_lowercase());
        }
        doc.add_date(f.at, DateTime::from_utc(d.at));
        doc.add_text(f.target, &d.target);
        doc.add_text(f.label, &d.label);
        doc
    }

    fn apply_now(&self, changes: &[Change]) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        for change in changes {
            match change {
                Change::Put(d) => {
                    writer.delete_term(Term::from_field_text(self.fields.id, &d.id));
                    writer.add_document(self.document(d)).map_err(engine)?;
                }
                Change::Remove(id) => {
                    writer.delete_term(Term::from_field_text(self.fields.id, id));
                }
            }
        }
        writer.commit().map_err(engine)?;
        drop(writer);
        self.reader.reload().map_err(engine)
    }

    fn terms(&self, field: Field, values: &[String]) -> Box<dyn Query> {
        Box::new(TermSetQuery::new(values.iter().map(|v| Term::from_field_text(field, v))))
    }

    /// Every token of `text` in `field`, the last by prefix (what is being typed).
    fn prefixed(&self, field: Field, text: &str) -> Option<Box<dyn Query>> {
        let toks = tokens(text);
        let last = toks.len().checked_sub(1)?;
        let clauses: Vec<(Occur, Box<dyn Query>)> = toks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let term = Term::from_field_text(field, t);
                let q: Box<dyn Query> = if i == last {
                    Box::new(FuzzyTermQuery::new_prefix(term, 0, true))
                } else {
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
                };
                (Occur::Must, q)
            })
            .collect();
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// The text fields a request searches, with their weights.
    fn texts(&self, notes: bool) -> Vec<(Field, f32)> {
        let f = &self.fields;
        let mut v = vec![(f.title, 3.0), (f.body, 1.0)];
        if notes {
            v.push((f.notes, 1.0));
        }
        v
    }

    /// A word: exact in the title (best), exact in the body, else by prefix or with typos.
    fn word(&self, token: &str, notes: bool) -> Box<dyn Query> {
        let d = distance_for(token);
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.texts(notes) {
            let term = Term::from_field_text(field, token);
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                    boost * 2.0,
                )),
            ));
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(FuzzyTermQuery::new_prefix(term, d, true)), boost)),
            ));
        }
        Box::new(BooleanQuery::new(should))
    }

    /// A phrase (or single word) matched exactly, in the title or the body (or the notes).
    fn phrase(&self, text: &str, notes: bool) -> Option<Box<dyn Query>> {
        let toks = tokens(text);
        if toks.is_empty() {
            return None;
        }
        let one = |field: Field| -> Box<dyn Query> {
            if toks.len() == 1 {
                Box::new(TermQuery::new(Term::from_field_text(field, &toks[0]), IndexRecordOption::WithFreqs))
            } else {
                Box::new(PhraseQuery::new(toks.iter().map(|t| Term::from_field_text(field, t)).collect()))
            }
        };
        Some(Box::new(BooleanQuery::new(self.texts(notes).into_iter().map(|(f, _)| (Occur::Should, one(f))).collect())))
    }

    fn build(&self, r: &SearchRequest) -> Box<dyn Query> {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let reach: Vec<(Occur, Box<dyn Query>)> = r
            .reach
            .iter()
            .map(|reach| {
                let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.tenant, &reach.tenant),
                            IndexRecordOption::Basic,
                        )),
                    ),
                    (Occur::Must, self.terms(f.audience, &reach.audience)),
                ];
                if let Some(kinds) = &reach.kinds {
                    parts.push((Occur::Must, self.terms(f.kind, kinds)));
                }
                if let Some(until) = reach.until {
                    let until = Term::from_field_date_for_search(f.at, DateTime::from_utc(until));
                    parts.push((Occur::Must, Box::new(RangeQuery::new(Bound::Unbounded, Bound::Included(until)))));
                }
                (Occur::Should, Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
            })
            .collect();
        // No reach, nothing visible: an empty disjunction matches nothing.
        must.push((Occur::Must, Box::new(BooleanQuery::new(reach))));
        let mut scored = false;
        let words: Vec<(Occur, Box<dyn Query>)> =
            r.words.iter().flat_map(|w| tokens(w)).map(|t| (Occur::Should, self.word(&t, r.notes))).collect();
        if !words.is_empty() {
            scored = true;
            if r.any {
                must.push((Occur::Must, Box::new(BooleanQuery::new(words))));
            } else {
                must.extend(words.into_iter().map(|(_, q)| (Occur::Must, q)));
            }
        }
        for p in &r.phrases {
            if let Some(q) = self.phrase(p, r.notes) {
                must.push((Occur::Must, q));
                scored = true;
            }
        }
        for x in &r.excluded {
            if let Some(q) = self.phrase(x, r.notes) {
                must.push((Occur::MustNot, q));
            }
        }
        for (field, values) in [(f.kind, &r.kinds), (f.status, &r.statuses), (f.priority, &r.priorities)] {
            if !values.is_empty() {
                must.push((Occur::Must, self.terms(field, values)));
            }
        }
        if !r.tags.is_empty() {
            let tags: Vec<String> = r.tags.iter().map(|t| t.to_lowercase()).collect();
            must.push((Occur::Must, self.terms(f.tags, &tags)));
        }
        for (field, values) in [(f.from, &r.from), (f.org_name, &r.orgs)] {
            let any: Vec<(Occur, Box<dyn Query>)> =
                values.iter().filter_map(|v| self.prefixed(field, v)).map(|q| (Occur::Should, q)).collect();
            if !any.is_empty() {
                must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
        }
        if r.after.is_some() || r.before.is_some() {
            let bound = |at: Option<time::OffsetDateTime>, inclusive: bool| match at {
                None => Bound::Unbounded,
                Some(at) => {
                    let term = Term::from_field_date_for_search(f.at, DateTime::from_utc(at));
                    if inclusive { Bound::Included(term) } else { Bound::Excluded(term) }
                }
            };
            must.push((Occur::Must, Box::new(RangeQuery::new(bound(r.after, true), bound(r.before, false)))));
        }
        if !scored {
            must.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(must))
    }

    fn search_now(&self, r: &SearchRequest) -> Result<SearchPage, SearchError> {
        let searcher = self.reader.searcher();
        let query = self.build(r);
        let limit = r.limit.clamp(1, 100);
        let top = TopDocs::with_limit(limit).and_offset(r.offset);
        let (found, total): (Vec<(f32, tantivy::DocAddress)>, usize) = match r.order {
            Order::Relevance => searcher.search(&query, &(top, Count)).map_err(engine)?,
            Order::Newest => {
                let (docs, total) = searcher
                    .search(&query, &(top.order_by_fast_field::<DateTime>("at", tantivy::Order::Desc), Count))
                    .map_err(engine)?;
                (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), total)
            }
        };
        let mut marks: Vec<String> = r.words.iter().flat_map(|w| tokens(w)).collect();
        marks.extend(r.phrases.iter().flat_map(|p| tokens(p)));
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let doc: TantivyDocument = searcher.doc(address).map_err(engine)?;
            hits.push(self.hit(&doc, score, &marks, r.notes));
        }
        let mut kinds = Vec::new();
        if r.count_kinds {
            for kind in kt_domain::search::TYPES {
                let only: Vec<(Occur, Box<dyn Query>)> = vec![
                    (Occur::Must, query.box_clone()),
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_text(self.fields.kind, kind),
                            IndexRecordOption::Basic,
                        )),
                    ),
                ];
                let n = searcher.search(&BooleanQuery::new(only), &Count).map_err(engine)?;
                if n > 0 {
                    kinds.push((kind.to_owned(), n));
                }
            }
        }
        Ok(SearchPage { hits, total, kinds })
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, marks: &[String], notes: bool) -> SearchHit {
        let f = &self.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let opt = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
        let at = doc
            .get_first(f.at)
            .and_then(|v| v.as_datetime())
            .map(|d| d.into_utc())
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        SearchHit {
            id: text(f.id),
            tenant: text(f.tenant),
            kind: text(f.kind),
            target: text(f.target),
            label: text(f.label),
            title_html: highlight(&text(f.title), marks, usize::MAX),
            snippet_html: {
                // The notes' passage when only they matched (and the asker may read them).
                let body = text(f.body);
                let notes_text = text(f.notes);
                if notes
                    && !notes_text.is_empty()
                    && !highlight::marks_any(&body, marks)
                    && highlight::marks_any(&notes_text, marks)
                {
                    highlight(&notes_text, marks, 200)
                } else {
                    highlight(&body, marks, 200)
                }
            },
            status: opt(f.status),
            priority: opt(f.priority),
            at,
            score,
        }
    }
}

#[async_trait]
impl SearchIndex for TantivyIndex {
    async fn apply(&self, changes: &[Change]) -> Result<(), SearchError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.apply_now(changes)
    }

    async fn search(&self, request: &SearchRequest) -> Result<SearchPage, SearchError> {
        self.search_now(request)
    }

    async fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        writer.delete_all_documents().map_err(engine)?;
        writer.commit().map_err(engine)?;
        drop(writer);
        self.reader.reload().map_err(engine)
    }

    async fn count(&self) -> Result<u64, SearchError> {
        Ok(self.reader.searcher().num_docs())
    }
}

impl TantivyIndex {
    /// The directory files a reader needs (for the S3 mirror), once committed.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

#[cfg(test)]
mod tests;
