//! Rules over a whole document: reachability, inheritance, secrets, variables.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use gatehouse_diagnostics::{Code, Diagnostic, Span};
use gatehouse_expr::document::ExpressionFacts;
use gatehouse_expr::types::Type;
use gatehouse_model::{
    Config, Content, Effective, FragmentSet, Item, Kind, Layer, Policy, PolicyDocument, Scope,
    Section, compose,
};

/// A broader scope's document (fragments expanded).
#[derive(Debug)]
pub(crate) struct Broader {
    pub scope: Scope,
    pub document: PolicyDocument,
}

/// One way a request reaches this document: the broader scopes' documents, broadest first.
/// An API in two products has two chains, one per product.
#[derive(Debug)]
pub(crate) struct Chain {
    /// The product the chain goes through, if any.
    pub product: Option<String>,
    pub layers: Vec<Broader>,
}

impl Chain {
    /// `global, product `starter``: for messages.
    fn describe(&self) -> String {
        self.layers
            .iter()
            .map(|b| match (&self.product, b.scope) {
                (Some(product), Scope::Product) => format!("product `{product}`"),
                _ => b.scope.name().to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The variables the chain's layers set; `None` when a layer includes a fragment that
    /// could not be expanded, which may set any variable.
    fn sets(&self) -> Option<BTreeSet<String>> {
        let mut set = BTreeSet::new();
        for layer in &self.layers {
            if !include_spans(&layer.document).is_empty() {
                return None;
            }
            set.extend(variables_set(&layer.document));
        }
        Some(set)
    }
}
use gatehouse_reader::Document;

use crate::inherited::{Borrowed, Effect};
use crate::variables::{
    Access, Message, accesses, blank_comments, body_reads, request_header_accesses,
};

/// What the layout says about the scopes around a document.
#[derive(Debug, Default)]
pub(crate) struct Around {
    /// The chains of broader scopes (none when the layout is unknown).
    pub chains: Vec<Chain>,
    /// The variables that narrower scopes' policies set: they run where those policies put
    /// `<base />`, so a global `outbound` can read what an operation's `inbound` stored.
    /// `None` when the narrower scopes cannot be known.
    pub narrower_sets: Option<BTreeSet<String>>,
    /// Whether `narrower_sets` came from an APIOps export (not an assumption).
    pub export_searched: bool,
    /// Where this document runs policies of broader scopes or fragments, and their effects.
    pub borrowed: Vec<Borrowed>,
    /// The names of the deployment's named values, when they are known: a variable read
    /// under one of them was most likely meant as `{{name}}`.
    pub named_values: BTreeSet<String>,
}

/// `document` is the source tree, `model` its model, `effective` the model with fragments
/// expanded (what runs). Problems are reported only at positions in this file.
pub(crate) fn check(
    document: &Document,
    model: &PolicyDocument,
    effective: &PolicyDocument,
    scope: Scope,
    around: &Around,
    broken: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    let chains = around.chains.as_slice();
    for block in &model.blocks {
        unreachable(&block.items, out);
        shared_counter_keys(&block.items, out);
    }
    if model.kind == Kind::Policies {
        later_sections_unreachable(model, out);
        inheritance(model, effective, scope, chains, out);
        // Narrower scopes may hold the other half: judged where none can (an operation), or
        // where a lone API's operations are assumed not to, as for variables.
        if !around.export_searched && around.narrower_sets.is_some() {
            unpaired_caches(model, effective, scope, chains, out);
        }
        cors_first(model, out);
    }
    for policy in model.policies() {
        if model.kind == Kind::Fragment && policy.element == "rate-limit" {
            out.push(rate_limit_in_fragment(policy));
        }
        secrets(policy, out);
        if policy.element == "retry" {
            retry_buffer(&policy.body, out);
        }
    }
    variables(document, model, effective, scope, around, broken, out);
    authorization_replaced(document, model, &around.borrowed, broken, out);
    consumed_bodies(document, model, &around.borrowed, broken, out);
    crate::last_error::check(document, model, broken, out);
}

/// GH0263: a body read after an earlier read (without `preserveContent: true`) that
/// certainly ran consumed it, with no `set-body` giving the message a new body in between.
fn consumed_bodies(
    document: &Document,
    model: &PolicyDocument,
    borrowed: &[Borrowed],
    broken: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    // (message, where the read is in the source, whether it consumes)
    let mut reads: Vec<(Message, Span, bool)> = Vec::new();
    for expression in scanned_expressions(document, broken) {
        for read in body_reads(expression.code(document)) {
            let span = code_span(expression, read.start, read.end);
            reads.push((read.message, span, read.consumes));
        }
    }
    reads.sort_by_key(|(_, span, _)| span.start);
    // Reads of another file that a `<base />` or `include-fragment` runs: (message, the
    // element, the read's policy and origin).
    let elsewhere: Vec<(&Message, Span, &Effect)> = borrowed
        .iter()
        .flat_map(|b| b.consumed.iter().map(|(m, effect)| (m, b.at, effect)))
        .collect();
    if elsewhere.is_empty() && !reads.iter().any(|(_, _, consumes)| *consumes) {
        return;
    }
    // Policies that give a message a new body: `set-body` its section's message, and
    // `send-request` (or `set-variable`) a new value to the variable a response was stored in.
    let new_bodies: Vec<(Message, Span)> = model
        .policies()
        .into_iter()
        .filter_map(|policy| {
            let message = match policy.element.as_str() {
                "set-body" => {
                    let block = model.blocks.iter().find(|b| b.span.contains(policy.span))?;
                    match block.section? {
                        Section::Inbound | Section::Backend => Message::Request,
                        Section::Outbound | Section::OnError => Message::Response,
                    }
                }
                _ => Message::Stored(stored_variable(policy)?.to_owned()),
            };
            Some((message, policy.span))
        })
        .collect();
    let flow = Flow::of(document);
    // Reads a GH0263 names (as the read, or as the one that consumed the body): one fix,
    // one warning.
    let mut read_again: Vec<Span> = Vec::new();
    // Whether a read at `consumer` leaves `message` without a body when `read` runs.
    let spoils = |message: &Message, consumer: Span, read: Span| {
        flow.certainly_before(consumer, read)
            // A `set-body` that reads its own message's body replaces it right after.
            && !new_bodies
                .iter()
                .any(|(m, body)| m == message && body.contains(consumer))
            && !new_bodies.iter().any(|(m, body)| {
                m == message && body.start >= consumer.end && flow.certainly_before(*body, read)
            })
    };
    // Every read to judge: this document's, and another file's where a `<base />` or
    // `include-fragment` runs it (with who reads, for messages).
    let all_reads = reads
        .iter()
        .map(|(message, read, _)| (message, *read, None))
        .chain(borrowed.iter().flat_map(|b| {
            b.reads_body.iter().map(move |(message, effect)| {
                let reader = format!(
                    "`{}` of {}, which this `{}` runs,",
                    effect.policy, effect.origin, b.element
                );
                (message, b.at, Some(reader))
            })
        }));
    for (message, read, reader) in all_reads {
        let name = message_name(message);
        // A read here that consumed the body, else one of another file run earlier.
        let here = reads
            .iter()
            .find(|(other, consumer, consumes)| {
                *consumes && other == message && spoils(message, *consumer, read)
            })
            .map(|(_, consumer, _)| (*consumer, None));
        let consumer = here.or_else(|| {
            elsewhere
                .iter()
                .find(|(other, at, _)| *other == message && spoils(message, *at, read))
                .map(|(_, at, effect)| (*at, Some(*effect)))
        });
        let Some((consumer, consumed_by)) = consumer else {
            continue;
        };
        read_again.push(consumer);
        if reader.is_none() {
            read_again.push(read);
        }
        let message = match (&reader, consumed_by) {
            (None, None) => format!(
                "{name} was already read without `preserveContent: true`: the body is gone, and this read fails"
            ),
            (None, Some(by)) => format!(
                "{name} was already read without `preserveContent: true` by `{}` of {}: the body is gone, and this read fails",
                by.policy, by.origin
            ),
            (Some(reader), None) => format!(
                "{reader} reads {name} after it was read here without `preserveContent: true`: the body is gone, and that read fails"
            ),
            (Some(reader), Some(by)) => format!(
                "{reader} reads {name} after `{}` of {} read it without `preserveContent: true`: the body is gone, and that read fails",
                by.policy, by.origin
            ),
        };
        let label = match consumed_by {
            None => "this read consumed the body".to_owned(),
            Some(by) => format!(
                "runs `{}` of {}, which consumes the body",
                by.policy, by.origin
            ),
        };
        let help = match (&reader, consumed_by) {
            (None, None) => "pass `preserveContent: true` to the earlier read, or read the body once into a variable with `set-variable`".to_owned(),
            (Some(_), None) => "pass `preserveContent: true` to the read here that consumed the body, or store the body in a variable with `set-variable` and read that in both places".to_owned(),
            (None, Some(by)) => format!("pass `preserveContent: true` to the read in {}, or have it store the body in a variable with `set-variable` and read that here", by.origin),
            (Some(_), Some(by)) => format!("pass `preserveContent: true` to the read in {}, or have it store the body in a variable with `set-variable` and read that instead", by.origin),
        };
        out.push(
            Diagnostic::new(Code::BodyAlreadyConsumed, read, message)
                .with_label(consumer, label)
                .with_help(help),
        );
    }
    for (message, read, consumes) in &reads {
        if !consumes || read_again.contains(read) {
            continue;
        }
        let Some(who) = receiver(message) else {
            continue;
        };
        if body_survives(model, message, *read) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::BodyLost,
                *read,
                format!(
                    "reading {} without `preserveContent: true` consumes it: {who} gets an empty body",
                    message_name(message)
                ),
            )
            .with_help(
                "pass `preserveContent: true`, or give the message a new body with `set-body` before it is sent",
            ),
        );
    }
    // The same for a read in an included fragment, which has no section of its own to judge
    // it in. What `<base />` runs is judged in the broader scope's own file.
    for b in borrowed.iter().filter(|b| b.element == "include-fragment") {
        for (message, effect) in &b.consumed {
            let Some(who) = receiver(message) else {
                continue;
            };
            if read_again.contains(&b.at) || body_survives(model, message, b.at) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::BodyLost,
                    b.at,
                    format!(
                        "`{}` of {} reads {} without `preserveContent: true`, which consumes it: {who} gets an empty body",
                        effect.policy,
                        effect.origin,
                        message_name(message)
                    ),
                )
                .with_help(
                    "pass `preserveContent: true` to the read in the fragment, or give the message a new body with `set-body` before it is sent",
                ),
            );
        }
    }
}

/// Who receives a message's body: `the backend` for the request, `the client` for the
/// response; `None` for a stored response.
fn receiver(message: &Message) -> Option<&'static str> {
    match message {
        Message::Request => Some("the backend"),
        Message::Response => Some("the client"),
        Message::Stored(_) => None,
    }
}

/// The variable a policy stores a new value in that replaces a stored response: a
/// `send-request`'s response, or a `set-variable`'s value.
pub(crate) fn stored_variable(policy: &Policy) -> Option<&str> {
    let attribute = match policy.element.as_str() {
        "send-request" => "response-variable-name",
        "set-variable" => "name",
        _ => return None,
    };
    policy.literal(attribute).map(str::trim)
}

/// `context.Request.Body`, or the body of a stored response, for messages.
fn message_name(message: &Message) -> String {
    match message {
        Message::Request => "`context.Request.Body`".to_owned(),
        Message::Response => "`context.Response.Body`".to_owned(),
        Message::Stored(variable) => format!("the body of the response in variable `{variable}`"),
    }
}

/// Whether every path from a consuming body read at `read` gives the message a new body
/// (`set-body`) or ends the pipeline (`return-response`, `mock-response`) before the body is
/// sent: the request's at `forward-request` (or the end of `backend`), the response's at the
/// end of its section. A request read after it was sent, or a read in a fragment, is left alone.
fn body_survives(model: &PolicyDocument, message: &Message, read: Span) -> bool {
    let Some(block) = model.blocks.iter().find(|b| b.span.contains(read)) else {
        return true;
    };
    match (message, block.section) {
        (Message::Request, Some(Section::Inbound)) => {
            covered_after(&block.items, read, false).unwrap_or(true)
                || model.section(Section::Backend).is_some_and(|backend| {
                    // A `backend` that never forwards sends no request (GH0213 says so).
                    !forwards(&backend.items) || replaced_on_every_path(&backend.items, true)
                })
        }
        (Message::Request, Some(Section::Backend)) => {
            // After `forward-request` (or a `<base />` that forwards) the request is gone.
            let sent_before = block.items.iter().any(|item| match item {
                Item::Base(at) => at.end <= read.start,
                Item::Policy(policy) => {
                    policy.element == "forward-request" && policy.span.end <= read.start
                }
            });
            sent_before || covered_after(&block.items, read, true).unwrap_or(true)
        }
        (Message::Response, Some(Section::Outbound | Section::OnError)) => {
            covered_after(&block.items, read, false).unwrap_or(true)
        }
        _ => true,
    }
}

/// Whether, once the code at `at` inside `items` has run, every path meets a new body or
/// the end of the pipeline; `None` when `at` is not in `items`. `base_sends`: whether a
/// `<base />` here sends the message (in `backend`, where it forwards; in `inbound` and
/// `outbound` it runs the broader scope's policies and the message is sent later).
fn covered_after(items: &[Item], at: Span, base_sends: bool) -> Option<bool> {
    for (index, item) in items.iter().enumerate() {
        let Item::Policy(policy) = item else {
            continue;
        };
        if !policy.span.contains(at) {
            continue;
        }
        if ends_or_replaces(policy) {
            return Some(true);
        }
        let inner = policy
            .config
            .iter()
            .filter(|c| c.span.contains(at))
            .find_map(|c| covered_after(&c.body, at, base_sends))
            .or_else(|| covered_after(&policy.body, at, base_sends));
        let rest = items
            .get(index + 1..)
            .is_some_and(|rest| replaced_on_every_path(rest, base_sends));
        return Some(match inner {
            Some(true) => true,
            Some(false) => rest,
            // In a `when` condition: the branches run next.
            None => policy_replaces_on_every_path(policy, base_sends) || rest,
        });
    }
    None
}

fn ends_or_replaces(policy: &Policy) -> bool {
    matches!(
        policy.element.as_str(),
        "set-body" | "return-response" | "mock-response"
    )
}

/// Whether running `items` from the start meets a new body or the end of the pipeline on
/// every path before the message is sent (`forward-request`, or in `backend` a `<base />`,
/// which usually forwards).
fn replaced_on_every_path(items: &[Item], base_sends: bool) -> bool {
    for item in items {
        match item {
            Item::Base(_) if base_sends => return false,
            Item::Base(_) => {}
            Item::Policy(policy) if policy.element == "forward-request" => return false,
            Item::Policy(policy) if policy_replaces_on_every_path(policy, base_sends) => {
                return true;
            }
            Item::Policy(_) => {}
        }
    }
    false
}

fn policy_replaces_on_every_path(policy: &Policy, base_sends: bool) -> bool {
    match policy.element.as_str() {
        _ if ends_or_replaces(policy) => true,
        "choose" => {
            let mut has_otherwise = false;
            let every_branch = policy
                .config
                .iter()
                .all(|branch| match branch.name.as_str() {
                    "when" => replaced_on_every_path(&branch.body, base_sends),
                    "otherwise" => {
                        has_otherwise = true;
                        replaced_on_every_path(&branch.body, base_sends)
                    }
                    _ => true,
                });
            every_branch && has_otherwise
        }
        "retry" | "limit-concurrency" => replaced_on_every_path(&policy.body, base_sends),
        _ => false,
    }
}

/// The expressions whose code the text-scanning rules read: well formed, and not where the
/// reader reported the document broken.
pub(crate) fn scanned_expressions<'d>(
    document: &'d Document,
    broken: &'d [Span],
) -> impl Iterator<Item = &'d gatehouse_reader::Expression> {
    document
        .expressions()
        .into_iter()
        .filter(move |expression| {
            expression.well_formed && !broken.iter().any(|b| expression.span.contains(*b))
        })
}

/// Where the byte range `start..end` of an expression's code is in the source.
pub(crate) fn code_span(
    expression: &gatehouse_reader::Expression,
    start: usize,
    end: usize,
) -> Span {
    let at = |offset: usize| expression.source_offset(u32::try_from(offset).unwrap_or(u32::MAX));
    Span::new(at(start), at(end))
}

/// GH0262: reads of the request's `Authorization` header that a policy earlier in this
/// document certainly replaced with the gateway's own credentials.
fn authorization_replaced(
    document: &Document,
    model: &PolicyDocument,
    borrowed: &[Borrowed],
    broken: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    let mut replacements: Vec<Replacement> = model
        .policies()
        .into_iter()
        .filter(|policy| replaces_authorization(policy))
        .map(|policy| Replacement {
            at: policy.span,
            label_at: policy.name_span,
            policy: &policy.element,
            through: None,
        })
        .collect();
    replacements.extend(borrowed.iter().filter_map(|b| {
        let effect = b.replaces_authorization.as_ref()?;
        Some(Replacement {
            at: b.at,
            label_at: b.at,
            policy: &effect.policy,
            through: Some((b.element, &effect.origin)),
        })
    }));
    if replacements.is_empty() {
        return;
    }
    // (where, who, the `<base />` or `include-fragment` that runs it when it is another file's)
    let mut reads: Vec<(Span, String, Option<&str>)> = Vec::new();
    for expression in scanned_expressions(document, broken) {
        for (at, length) in authorization_reads(expression.code(document)) {
            let span = code_span(expression, at, at + length);
            reads.push((span, "this expression".to_owned(), None));
        }
    }
    for policy in model.policies() {
        if let Some(header) = authorization_header_name(policy) {
            reads.push((header.value.span, "this policy".to_owned(), None));
        }
    }
    for b in borrowed {
        if let Some(effect) = &b.reads_authorization {
            let reader = format!(
                "`{}` of {}, which this `{}` runs,",
                effect.policy, effect.origin, b.element
            );
            reads.push((b.at, reader, Some(b.element)));
        }
    }
    let flow = Flow::of(document);
    for (read, reader, runner) in reads {
        let Some(replaced) = replacements
            .iter()
            .find(|r| flow.certainly_before(r.at, read))
        else {
            continue;
        };
        if let (Some(runner), None) = (runner, replaced.through) {
            // The fix is in this document: the replacement comes too early.
            out.push(
                Diagnostic::new(
                    Code::AuthorizationReplaced,
                    read,
                    format!(
                        "{reader} reads the request's `Authorization` header after `{}` replaced it: it sees {}, not the caller's",
                        replaced.policy,
                        replaced_with(replaced.policy)
                    ),
                )
                .with_label(replaced.label_at, "replaces the caller's `Authorization` header")
                .with_help(format!(
                    "move `{}` after `{runner}`, so the caller's header is read before it is replaced",
                    replaced.policy
                )),
            );
            continue;
        }
        let policy = replaced.policy;
        let what = replaced_with(policy);
        let diagnostic = match replaced.through {
            None => Diagnostic::new(
                Code::AuthorizationReplaced,
                read,
                format!("{reader} reads the request's `Authorization` header after `{policy}` replaced it: it sees {what}, not the caller's"),
            )
            .with_label(replaced.label_at, "replaces the caller's `Authorization` header")
            .with_help(match policy {
                "authentication-basic" => "read the caller's token before this policy (store what you need with `set-variable`), or move `authentication-basic` after the reads",
                _ => "read the caller's token before this policy (store what you need with `set-variable`), or give `authentication-managed-identity` an `output-token-variable-name` and set the header after the reads",
            }),
            Some((element, origin)) => Diagnostic::new(
                Code::AuthorizationReplaced,
                read,
                format!("{reader} reads the request's `Authorization` header after `{policy}` of {origin} replaced it: it sees {what}, not the caller's"),
            )
            .with_label(replaced.label_at, format!("runs `{policy}` of {origin}, which replaces the caller's `Authorization` header"))
            .with_help(match policy {
                "authentication-basic" => format!(
                    "read the caller's token before `{element}` (store what you need with `set-variable`), or move `authentication-basic` of {origin} after the reads",
                ),
                _ => format!(
                    "read the caller's token before `{element}` (store what you need with `set-variable`), or have {origin} store its token with `output-token-variable-name` and set the header after the reads",
                ),
            }),
        };
        out.push(diagnostic);
    }
}

/// Whether a policy writes the gateway's own credentials into the request's `Authorization`
/// header. A `set-header` of it is left out: a later read of a value the author set (a token
/// moved from the query string into the header, then `validate-jwt`) is deliberate.
pub(crate) fn replaces_authorization(policy: &Policy) -> bool {
    match policy.element.as_str() {
        "authentication-managed-identity" => {
            policy.attribute("output-token-variable-name").is_none()
        }
        "authentication-basic" => true,
        _ => false,
    }
}

/// Where `code` reads the request's `Authorization` header: the key's offset and length with
/// its quotes.
pub(crate) fn authorization_reads(code: &str) -> Vec<(usize, usize)> {
    request_header_accesses(code)
        .into_iter()
        .filter(|(name, _, access)| {
            *access == Access::Read && name.eq_ignore_ascii_case("authorization")
        })
        .map(|(name, at, _)| (at, name.len() + 2))
        .collect()
}

/// A policy's attribute naming the request's `Authorization` header as the one it reads:
/// `header-name` (`validate-jwt` and the like) or `check-header`'s `name`.
pub(crate) fn authorization_header_name(policy: &Policy) -> Option<&gatehouse_model::Attribute> {
    let attribute = match policy.element.as_str() {
        "check-header" => "name",
        _ => "header-name",
    };
    policy.attribute(attribute).filter(|header| {
        header
            .literal()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case("authorization"))
    })
}

/// What a replacing policy puts in `Authorization`, for messages.
fn replaced_with(policy: &str) -> &'static str {
    match policy {
        "authentication-basic" => "the gateway's Basic credentials",
        _ => "the gateway's managed-identity token",
    }
}

/// A point where the caller's `Authorization` header is certainly replaced: a policy of this
/// document, or a `<base />`/`include-fragment` that runs one written elsewhere.
struct Replacement<'a> {
    at: Span,
    label_at: Span,
    policy: &'a str,
    /// The `<base />`/`include-fragment` element and the origin of the policy it runs.
    through: Option<(&'static str, &'a str)>,
}

/// `return-response` and `mock-response` cancel the whole pipeline (return-response-policy.md),
/// so where one ends `inbound` (or `backend`) whatever the request, the policies of the
/// sections after it never run either. `<base />` there is not reported: the skeleton every
/// mock keeps is no mistake.
fn later_sections_unreachable(model: &PolicyDocument, out: &mut Vec<Diagnostic>) {
    let mut ended: Option<(&Policy, Section)> = None;
    for section in [Section::Inbound, Section::Backend, Section::Outbound] {
        let Some(block) = model.blocks.iter().find(|b| b.section == Some(section)) else {
            continue;
        };
        if let Some((end, in_section)) = ended {
            if let Some(policy) = block.items.iter().find_map(|item| match item {
                Item::Policy(policy) => Some(policy),
                Item::Base(_) => None,
            }) {
                out.push(
                    Diagnostic::new(
                        Code::UnreachablePolicy,
                        policy.name_span,
                        format!(
                            "`{}` can never run: `{}` in `{}` ends the pipeline before `{}`",
                            policy.element,
                            end.element,
                            in_section.element(),
                            section.element()
                        ),
                    )
                    .with_label(end.name_span, "the pipeline ends here, for every request")
                    .with_help(format!(
                        "put `{}` in a `choose` branch if it ends only some requests, or remove the policies after it",
                        end.element
                    )),
                );
            }
            continue;
        }
        ended = block
            .items
            .iter()
            .find_map(|item| match item {
                Item::Policy(policy) if ends_pipeline(policy) => Some(policy),
                _ => None,
            })
            .map(|policy| (policy, section));
    }
}

/// `return-response` and `mock-response` answer and cancel the rest of the pipeline.
fn ends_pipeline(policy: &Policy) -> bool {
    matches!(policy.element.as_str(), "return-response" | "mock-response")
}

/// Policies after `return-response` or `mock-response` in the same block never run.
fn unreachable(items: &[Item], out: &mut Vec<Diagnostic>) {
    let mut ended: Option<&Policy> = None;
    for item in items {
        let policy = match (item, ended) {
            (Item::Policy(policy), _) => policy,
            // The broader scopes' policies of this section are skipped with it.
            (Item::Base(span), Some(end)) => {
                out.push(
                    Diagnostic::new(
                        Code::UnreachablePolicy,
                        *span,
                        format!(
                            "`<base />` can never run: `{}` above ends the pipeline",
                            end.element
                        ),
                    )
                    .with_label(end.name_span, "the pipeline ends here")
                    .with_help(format!(
                        "move `<base />` before `{}` so the broader scopes' policies run, or remove it",
                        end.element
                    )),
                );
                break;
            }
            (Item::Base(_), None) => continue,
        };
        if let Some(end) = ended {
            out.push(
                Diagnostic::new(
                    Code::UnreachablePolicy,
                    policy.name_span,
                    format!(
                        "`{}` can never run: `{}` above ends the pipeline",
                        policy.element, end.element
                    ),
                )
                .with_label(end.name_span, "the pipeline ends here")
                .with_help(format!(
                    "move `{}` before `{}`, or remove it",
                    policy.element, end.element
                )),
            );
            break;
        }
        if ends_pipeline(policy) {
            ended = Some(policy);
        }
    }
    for item in items {
        if let Item::Policy(policy) = item {
            unreachable(&policy.body, out);
            for config in &policy.config {
                unreachable_config(config, out);
            }
        }
    }
}

fn unreachable_config(config: &Config, out: &mut Vec<Diagnostic>) {
    unreachable(&config.body, out);
    for child in &config.config {
        unreachable_config(child, out);
    }
}

/// `<base />` missing below global scope, and a backend that never forwards.
fn inheritance(
    model: &PolicyDocument,
    effective: &PolicyDocument,
    scope: Scope,
    chains: &[Chain],
    out: &mut Vec<Diagnostic>,
) {
    // An `inbound` that answers on every path (`return-response`, `mock-response`) never
    // reaches `backend`: what that section holds, or lacks, does not matter.
    let backend_unreachable = model
        .section(Section::Inbound)
        .is_some_and(|inbound| answers_on_every_path(&inbound.items));
    for block in &model.blocks {
        let Some(section) = block.section else {
            continue;
        };
        if section == Section::Backend && backend_unreachable {
            continue;
        }
        let has_base = block.items.iter().any(|i| matches!(i, Item::Base(_)));
        // A lone file's backend with neither `<base />` nor `forward-request` gets one report
        // (GH0213, which names both), not a second for the missing `<base />`.
        let lone_backend_never_called = section == Section::Backend
            && chains.is_empty()
            && !has_base
            && !effective
                .section(Section::Backend)
                .is_some_and(|b| forwards(&b.items));
        if scope != Scope::Global && !has_base && !lone_backend_never_called {
            out.push(
                Diagnostic::new(
                    Code::MissingBase,
                    block.name_span,
                    format!(
                        "`{}` has no `<base />`: policies of broader scopes do not run here",
                        section.element()
                    ),
                )
                .with_help("add `<base />` as the first element of the section, unless cutting inheritance is intended"),
            );
        }
        if section != Section::Backend {
            continue;
        }
        if chains.is_empty() {
            // Alone, `<base />` may stand for a broader `forward-request`: give it the benefit.
            if lone_backend_never_called {
                out.push(
                    Diagnostic::new(
                        Code::NoForwardRequest,
                        block.name_span,
                        "`backend` has neither `forward-request` nor `<base />`: the backend is never called",
                    )
                    .with_help(if scope == Scope::Global {
                        // `<base />` at global scope inherits nothing (GH0224).
                        "add `<forward-request />`: at global scope there is nothing for `<base />` to inherit, and without a forward every request gets an empty response"
                    } else {
                        "add `<base />` to inherit `forward-request`, or add `<forward-request />`"
                    }),
                );
            }
        } else {
            // With the broader scopes known, look at what really runs, along each chain.
            for chain in chains {
                let composed = composed_along(chain, scope, effective);
                let forwarded = composed.section(Section::Backend).iter().any(|placed| {
                    matches!(
                        placed.policy.element.as_str(),
                        "forward-request" | "include-fragment"
                    ) || forwards(&placed.policy.body)
                        || placed.policy.config.iter().any(|c| forwards(&c.body))
                });
                if !forwarded {
                    let layers = match chain.describe() {
                        broader if broader.is_empty() => format!("this {} policy", scope.name()),
                        broader => format!("{broader} and this {} policy", scope.name()),
                    };
                    out.push(
                        Diagnostic::new(
                            Code::NoForwardRequest,
                            block.name_span,
                            format!("the effective `backend` ({layers}) never forwards the request"),
                        )
                        .with_help("add `<forward-request />` here or at a broader scope, and keep `<base />` between them"),
                    );
                    break;
                }
            }
        }
    }
}

/// The caching pairs: lookups (in `inbound`) and stores (in `outbound`) of one cache.
const CACHE_PAIRS: &[(&[&str], &[&str], &str, &str)] = &[
    (
        &["cache-lookup"],
        &["cache-store"],
        "<cache-lookup vary-by-developer=\"false\" vary-by-developer-groups=\"false\" />",
        "<cache-store duration=\"…\" />",
    ),
    (
        &[
            "llm-semantic-cache-lookup",
            "azure-openai-semantic-cache-lookup",
        ],
        &[
            "llm-semantic-cache-store",
            "azure-openai-semantic-cache-store",
        ],
        "<llm-semantic-cache-lookup score-threshold=\"0.05\" …/>",
        "<llm-semantic-cache-store duration=\"…\" />",
    ),
];

/// GH0277: a cache lookup with no store of its cache in `outbound`, or a store with no
/// lookup in `inbound`, in what runs. Alone, a section with `<base />` (or a fragment) may
/// bring the other half: nothing is said then. The caller leaves out documents whose
/// narrower scopes may hold it.
fn unpaired_caches(
    model: &PolicyDocument,
    effective: &PolicyDocument,
    scope: Scope,
    chains: &[Chain],
    out: &mut Vec<Diagnostic>,
) {
    for (lookups, stores, lookup_example, store_example) in CACHE_PAIRS {
        for (have, want, have_section, want_section, example) in [
            (
                *lookups,
                *stores,
                Section::Inbound,
                Section::Outbound,
                *store_example,
            ),
            (
                *stores,
                *lookups,
                Section::Outbound,
                Section::Inbound,
                *lookup_example,
            ),
        ] {
            let Some(first) = model
                .section(have_section)
                .map(|block| section_policies(&block.items))
                .and_then(|policies| {
                    policies
                        .into_iter()
                        .find(|p| have.contains(&p.element.as_str()))
                })
            else {
                continue;
            };
            if counterpart_may_run(effective, scope, chains, want, want_section) {
                continue;
            }
            let other = want.first().copied().unwrap_or_default();
            let message = if want_section == Section::Outbound {
                format!(
                    "`{}` has no `{other}` in `outbound`: nothing is stored, so every lookup misses",
                    first.element
                )
            } else {
                format!(
                    "`{}` has no `{other}` in `inbound`: what it stores is never served",
                    first.element
                )
            };
            out.push(
                Diagnostic::new(Code::UnpairedCache, first.name_span, message).with_help(format!(
                    "add `{example}` in `{}`, or remove this policy",
                    want_section.element()
                )),
            );
        }
    }
}

/// Whether a policy named in `want` runs in `section`: in this file, in a fragment or
/// broader scope that may hold it (alone: any `<base />` or unknown `include-fragment`),
/// or, with the broader scopes known, in every chain's composed section.
fn counterpart_may_run(
    effective: &PolicyDocument,
    scope: Scope,
    chains: &[Chain],
    want: &[&str],
    section: Section,
) -> bool {
    // A section left out may still run what broader scopes put there.
    let Some(block) = effective.section(section) else {
        return true;
    };
    let here = section_policies(&block.items);
    if here
        .iter()
        .any(|p| want.contains(&p.element.as_str()) || p.element == "include-fragment")
    {
        return true;
    }
    let has_base = block.items.iter().any(|i| matches!(i, Item::Base(_)));
    if !has_base {
        return false;
    }
    if chains.is_empty() {
        return true;
    }
    chains.iter().all(|chain| {
        composed_along(chain, scope, effective)
            .section(section)
            .iter()
            .any(|placed| {
                std::iter::once(placed.policy)
                    .chain(placed.policy.nested())
                    .any(|p| want.contains(&p.element.as_str()) || p.element == "include-fragment")
            })
    })
}

/// What runs for a request that comes through `chain`: its broader scopes' documents with
/// `effective` (this file, at `scope`) at the narrow end.
fn composed_along<'d>(
    chain: &'d Chain,
    scope: Scope,
    effective: &'d PolicyDocument,
) -> Effective<'d> {
    let mut layers: Vec<Layer<'d>> = chain
        .layers
        .iter()
        .map(|b| Layer {
            scope: b.scope,
            document: &b.document,
        })
        .collect();
    layers.push(Layer {
        scope,
        document: effective,
    });
    compose(&layers)
}

/// The policies of a section, nested ones (in `choose`, `retry` …) included.
fn section_policies(items: &[Item]) -> Vec<&Policy> {
    let mut out = Vec::new();
    for item in items {
        if let Item::Policy(policy) = item {
            out.push(policy);
            out.extend(policy.nested());
        }
    }
    out
}

/// Whether running `items` ends the pipeline with an answer on every path: a
/// `return-response` or `mock-response`, or a `choose` whose every branch, `otherwise`
/// included, does.
fn answers_on_every_path(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Base(_) => false,
        Item::Policy(policy) if ends_pipeline(policy) => true,
        Item::Policy(policy) if policy.element == "choose" => {
            policy
                .config
                .iter()
                .any(|branch| branch.name == "otherwise")
                && policy
                    .config
                    .iter()
                    .filter(|branch| matches!(branch.name.as_str(), "when" | "otherwise"))
                    .all(|branch| answers_on_every_path(&branch.body))
        }
        Item::Policy(_) => false,
    })
}

/// Whether the items can forward the request: a `forward-request` anywhere, or an
/// `include-fragment` that could not be expanded (its content is unknown).
fn forwards(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Base(_) => true,
        Item::Policy(policy) => {
            matches!(
                policy.element.as_str(),
                "forward-request" | "include-fragment"
            ) || forwards(&policy.body)
                || policy.config.iter().any(|c| forwards(&c.body))
        }
    })
}

/// GH0283: two `rate-limit-by-key` in one section that can both run, with one `counter-key`.
fn shared_counter_keys(items: &[Item], out: &mut Vec<Diagnostic>) {
    // Each policy with the branches it sits in: (the `choose`'s start, the branch's index).
    fn collect<'a>(
        items: &'a [Item],
        branches: &mut Vec<(u32, usize)>,
        found: &mut Vec<(&'a Policy, Vec<(u32, usize)>)>,
    ) {
        for item in items {
            let Item::Policy(policy) = item else { continue };
            if policy.element == "rate-limit-by-key" {
                found.push((policy, branches.clone()));
            }
            collect(&policy.body, branches, found);
            for (index, config) in policy.config.iter().enumerate() {
                branches.push((policy.span.start, index));
                collect(&config.body, branches, found);
                branches.pop();
            }
        }
    }
    let mut found = Vec::new();
    collect(items, &mut Vec::new(), &mut found);
    let key_of = |policy: &Policy| {
        policy
            .attribute("counter-key")
            .map(|key| key.value.text.trim().to_owned())
            .filter(|key| !key.is_empty())
    };
    for (later_index, (later, later_branches)) in found.iter().enumerate() {
        let Some(key) = key_of(later) else { continue };
        let earlier = found.iter().take(later_index).find(|(earlier, branches)| {
            key_of(earlier).as_deref() == Some(key.as_str())
                && !branches.iter().any(|(choose, branch)| {
                    later_branches
                        .iter()
                        .any(|(other, other_branch)| other == choose && other_branch != branch)
                })
        });
        let (Some((earlier, _)), Some(attribute)) = (earlier, later.attribute("counter-key"))
        else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::SharedCounterKey,
                attribute.value.span,
                format!("this `rate-limit-by-key` counts in the same counter as an earlier one, keyed by `{key}`"),
            )
            .with_label(earlier.name_span, "counts each request in the same counter")
            .with_help(match key.strip_prefix("@(").and_then(|k| k.strip_suffix(')')) {
                Some(code) => format!("apim keeps one counter per `counter-key` value: give each limit its own key, e.g. `@({code} + \":per-second\")`"),
                None => format!("apim keeps one counter per `counter-key` value: give each limit its own key, e.g. `{key}:per-second`"),
            }),
        );
    }
}

/// GH0282: a fragment's `rate-limit` has the fragment for its scope, one counter for every
/// document that includes it.
fn rate_limit_in_fragment(policy: &Policy) -> Diagnostic {
    Diagnostic::new(
        Code::RateLimitInFragment,
        policy.name_span,
        "`rate-limit` in a fragment counts calls for every api that includes it together",
    )
    .with_help("use `rate-limit-by-key` with a key that names the api, `counter-key=\"@($\"{context.Api.Id};{context.Subscription.Id}\")\"`, or put `rate-limit` in each api's policy")
}

fn cors_first(model: &PolicyDocument, out: &mut Vec<Diagnostic>) {
    let Some(inbound) = model.section(Section::Inbound) else {
        return;
    };
    let mut policies = inbound.items.iter().filter_map(|i| match i {
        Item::Policy(policy) => Some(policy),
        Item::Base(_) => None,
    });
    let Some(first) = policies.next() else { return };
    if first.element == "cors" {
        return;
    }
    if let Some(cors) = policies.find(|p| p.element == "cors") {
        out.push(
            Diagnostic::new(
                Code::CorsNotFirst,
                cors.name_span,
                "`cors` is not the first policy of `inbound`",
            )
            .with_label(
                first.name_span,
                "this policy runs before it, on preflight requests too",
            )
            .with_help("move `cors` to the top of `inbound`, right after `<base />`"),
        );
    }
}

fn retry_buffer(items: &[Item], out: &mut Vec<Diagnostic>) {
    for item in items {
        let Item::Policy(policy) = item else { continue };
        if policy.element == "forward-request" {
            let buffered = policy
                .literal("buffer-request-body")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                || policy
                    .attribute("buffer-request-body")
                    .is_some_and(|a| a.value.has_expression());
            if !buffered {
                out.push(
                    Diagnostic::new(
                        Code::RetryWithoutBuffer,
                        policy.name_span,
                        "`forward-request` inside `retry` does not buffer the request body",
                    )
                    .with_help(
                        "add `buffer-request-body=\"true\"` so that a retry resends the body",
                    ),
                );
            }
        }
        retry_buffer(&policy.body, out);
        for config in &policy.config {
            retry_buffer(&config.body, out);
        }
    }
}

/// Header names whose literal values are credentials.
fn secret_header(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    lower == "authorization" || lower.contains("key") || lower.contains("secret")
}

fn secrets(policy: &Policy, out: &mut Vec<Diagnostic>) {
    match policy.element.as_str() {
        // A certificate's password protects its private key as a basic password does.
        element @ ("authentication-basic" | "authentication-certificate") => {
            if let Some(password) = policy.attribute("password")
                && literal_secret(&password.value)
            {
                out.push(secret(
                    password.value.span,
                    &format!("`{element}` has its password written in the policy"),
                ));
            }
        }
        "set-header" => header_secret(policy.literal("name"), &policy.config, "has its value", out),
        // The value a caller must send is as much a credential as one the gateway sends.
        "check-header" => header_secret(
            policy.literal("name"),
            &policy.config,
            "is checked against a value",
            out,
        ),
        "set-body" => body_secret(policy.text.as_ref(), out),
        "set-backend-service" => url_secret(policy.attribute("base-url").map(|a| &a.value), out),
        "set-query-parameter" => {
            if let Some(name) = policy.literal("name")
                && secret_query_parameter(name)
            {
                for value in policy.config("value") {
                    if let Some(text) = value.text.as_ref().filter(|t| literal_secret(t)) {
                        out.push(secret(
                            text.span,
                            &format!(
                                "query parameter `{}` has its value written in the policy",
                                name.trim()
                            ),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    for config in &policy.config {
        match config.name.as_str() {
            "set-url" => url_secret(config.text.as_ref(), out),
            "set-header" => header_secret(
                config.attribute("name").and_then(|a| a.literal()),
                &config.config,
                "has its value",
                out,
            ),
            "set-body" => body_secret(config.text.as_ref(), out),
            _ => {}
        }
    }
}

/// Query parameter names whose literal values are credentials: an Azure Functions key
/// (`code`), a SAS signature (`sig`), API keys, secrets, passwords and tokens.
fn secret_query_parameter(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "code"
            | "sig"
            | "key"
            | "apikey"
            | "password"
            | "secret"
            | "access_token"
            | "client_secret"
    ) || lower.ends_with("-key")
        || lower.ends_with("_key")
}

/// A URL written with a credential in its query: `…/api?code=FunctionKeySecret`.
fn url_secret(url: Option<&Content>, out: &mut Vec<Diagnostic>) {
    let Some(url) = url else { return };
    let Some(text) = url.literal() else { return };
    let Some((_, query)) = text.split_once('?') else {
        return;
    };
    let query = query.split('#').next().unwrap_or(query);
    for pair in query.split('&') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        if secret_query_parameter(name) && !value.trim().is_empty() {
            out.push(secret(
                url.span,
                &format!(
                    "the url has its `{}` query parameter written in the policy",
                    name.trim()
                ),
            ));
            return;
        }
    }
}

/// `what` completes "header `X` … written in the policy".
fn header_secret(name: Option<&str>, values: &[Config], what: &str, out: &mut Vec<Diagnostic>) {
    let Some(name) = name else { return };
    if !secret_header(name) {
        return;
    }
    for value in values.iter().filter(|v| v.name == "value") {
        if let Some(text) = &value.text
            && literal_secret(text)
        {
            out.push(secret(
                text.span,
                &format!("header `{}` {what} written in the policy", name.trim()),
            ));
        }
    }
}

fn body_secret(text: Option<&Content>, out: &mut Vec<Diagnostic>) {
    let Some(text) = text else { return };
    let body = &text.text;
    let mut from = 0;
    while let Some(at) = body
        .get(from..)
        .and_then(|rest| rest.find("client_secret="))
    {
        let value_start = from + at + "client_secret=".len();
        from = value_start;
        let value = body.get(value_start..).unwrap_or_default();
        let literal = value
            .chars()
            .next()
            .is_some_and(|c| !matches!(c, '{' | '@' | '"' | '&' | '\'' | ' ' | '\n' | '\r' | '\t'));
        if literal {
            out.push(secret(
                text.span,
                "the body has a `client_secret` written in the policy",
            ));
            return;
        }
    }
}

/// A non-empty value with no named value and no expression.
fn literal_secret(value: &Content) -> bool {
    value.literal().is_some_and(|t| !t.trim().is_empty())
}

fn secret(span: Span, message: &str) -> Diagnostic {
    Diagnostic::new(Code::HardcodedSecret, span, message.to_owned())
        .with_help("move the value to a secret named value and write `{{name}}`, or authenticate with `authentication-managed-identity`")
}

/// Variables read but never set, and token variables set but never read.
fn variables(
    document: &Document,
    model: &PolicyDocument,
    effective: &PolicyDocument,
    scope: Scope,
    around: &Around,
    broken: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    let chains = around.chains.as_slice();
    let set = variables_set(effective);
    let setters: Vec<(Span, BTreeSet<String>)> = effective
        .policies()
        .iter()
        .map(|policy| {
            let mut names = BTreeSet::new();
            collect_sets(&policy.element, &policy.attributes, &mut names);
            collect_config_sets(&policy.config, &mut names);
            (policy.span, names)
        })
        .filter(|(_, names)| !names.is_empty())
        .collect();
    // Variables set at broader scopes are set before this document runs (or after, in
    // outbound, which the rule does not try to tell apart); a read must find its variable
    // along every chain.
    let chain_sets: Vec<(&Chain, BTreeSet<String>)> = chains
        .iter()
        .filter_map(|chain| Some((chain, chain.sets()?)))
        .collect();
    // A fragment that could not be expanded (no fragment set given) may set any variable:
    // a read is judged only where every policy that can run before it is known.
    let unexpanded = include_spans(effective);
    let opaque_chain = chain_sets.len() < chains.len();
    let mut mentioned: BTreeSet<String> = BTreeSet::new();
    // (name, where, read by `return-response` rather than by an expression)
    let mut reads: Vec<(String, Span, bool)> = Vec::new();
    for expression in scanned_expressions(document, broken) {
        let code = expression.code(document);
        for (name, at, access) in accesses(code) {
            mentioned.insert(name.clone());
            if access == Access::Read {
                // The name with its quotes.
                let span = code_span(expression, at, at + name.len() + 2);
                reads.push((name, span, false));
            }
        }
        // A name written anywhere in code counts as used for the output-variable rule:
        // it may be read through a local (`var key = "token"; Variables[key]`).
        for name in string_literals(&blank_comments(code)) {
            mentioned.insert(name);
        }
    }
    for policy in model.policies() {
        for attribute in &policy.attributes {
            if reads_variable(&policy.element, &attribute.name)
                && let Some(name) = attribute.literal()
                && !name.trim().is_empty()
            {
                mentioned.insert(name.trim().to_owned());
                reads.push((name.trim().to_owned(), attribute.value.span, true));
            }
        }
    }
    reads.sort_by_key(|(_, span, _)| span.start);
    if model.kind == Kind::Policies && !opaque_chain {
        let Some(narrower) = &around.narrower_sets else {
            return unread_outputs(model, scope, &mentioned, out);
        };
        let mut reported = BTreeSet::new();
        for (name, span, by_return_response) in reads {
            if set.contains(&name)
                || narrower.contains(&name)
                || reported.contains(&name)
                || unexpanded.iter().any(|at| at.start < span.start)
            {
                continue;
            }
            let missing_in = chain_sets.iter().find(|(_, sets)| !sets.contains(&name));
            let message = match (chains.is_empty(), missing_in) {
                (true, _) if by_return_response => format!(
                    "`return-response` starts from the response in variable `{name}`, which no policy in this document sets"
                ),
                (true, _) if around.export_searched => format!(
                    "variable `{name}` is read but neither this {} policy nor any narrower scope's sets it",
                    scope.name()
                ),
                (true, _) => {
                    format!("variable `{name}` is read but no policy in this document sets it")
                }
                (false, None) => continue,
                (false, Some((chain, _))) => match &chain.product {
                    Some(product) => format!(
                        "variable `{name}` is read but nothing sets it when the request comes through product `{product}` ({})",
                        chain.describe()
                    ),
                    None => format!(
                        "variable `{name}` is read but no policy sets it, here or at the broader scopes ({})",
                        chain.describe()
                    ),
                },
            };
            reported.insert(name.clone());
            let mut diagnostic = Diagnostic::new(Code::VariableNeverSet, span, message);
            // Not the variable the read is computing (`set-variable name="url"
            // value="@(…Variables["baseUrl"]…)"`): it is set only after the read.
            let set_before_or_elsewhere = set.iter().filter(|candidate| {
                setters.iter().any(|(at, names)| {
                    names.contains(*candidate) && !(at.start <= span.start && span.end <= at.end)
                })
            });
            diagnostic = match gatehouse_model::catalog::similar(&name, set_before_or_elsewhere.map(String::as_str)) {
                // `context.Variables["OrderIntegration.Migrated"]` for a named value.
                _ if around.named_values.contains(&name) => diagnostic.with_help(format!(
                    "`{name}` is a named value, not a variable: write `{{{{{name}}}}}` (replaced by its text before the expression runs)"
                )),
                Some(guess) => diagnostic.with_help(format!("did you mean `{guess}`?")),
                None if by_return_response => diagnostic.with_help(
                    "to build a new response, remove `response-variable-name`; to return a stored one, name the variable of a `send-request`",
                ),
                None => diagnostic.with_help(
                    "set it with `set-variable` first; if a broader scope sets it, suppress this warning",
                ),
            };
            out.push(diagnostic);
        }
    }
    unread_outputs(model, scope, &mentioned, out);
}

/// GH0217: `output-token-variable-name` values that no expression mentions.
fn unread_outputs(
    model: &PolicyDocument,
    scope: Scope,
    mentioned: &BTreeSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    // A fragment after the policy, expanded or not, may read the token: its expressions are
    // not in this file.
    let includes = include_spans(model);
    // A fragment's outputs are for the documents that include it, and a product's or a broader
    // scope's for the APIs below it: only API and operation documents are judged.
    let read_elsewhere = model.kind == Kind::Fragment
        || matches!(scope, Scope::Global | Scope::Workspace | Scope::Product);
    for policy in model.policies().into_iter().filter(|_| !read_elsewhere) {
        if includes.iter().any(|at| at.start > policy.span.start) {
            continue;
        }
        if let Some(attribute) = policy.attribute("output-token-variable-name")
            && let Some(name) = attribute.literal()
            && !name.trim().is_empty()
            && !mentioned.contains(name.trim())
        {
            out.push(
                Diagnostic::new(
                    Code::OutputVariableUnused,
                    attribute.value.span,
                    format!("variable `{}` is set but no expression reads it", name.trim()),
                )
                .with_help("read it with `context.Variables[\"…\"]`, or remove `output-token-variable-name`"),
            );
        }
    }
}

/// The variables a document's policies set.
pub(crate) fn variables_set(document: &PolicyDocument) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for policy in document.policies() {
        collect_sets(&policy.element, &policy.attributes, &mut set);
        collect_config_sets(&policy.config, &mut set);
    }
    set
}

/// Where the document's `include-fragment` elements are (after expansion, only those whose
/// fragment was not found).
fn include_spans(document: &PolicyDocument) -> Vec<Span> {
    document
        .policies()
        .iter()
        .filter(|policy| policy.element == "include-fragment")
        .map(|policy| policy.span)
        .collect()
}

fn collect_sets(
    element: &str,
    attributes: &[gatehouse_model::Attribute],
    set: &mut BTreeSet<String>,
) {
    for attribute in attributes {
        let names_variable = (element == "set-variable" && attribute.name == "name")
            || (attribute.name.ends_with("variable-name")
                && !reads_variable(element, &attribute.name));
        if names_variable && let Some(name) = attribute.literal() {
            set.insert(name.trim().to_owned());
        }
    }
}

/// GH0255: a typed read (`(T)context.Variables["x"]`, `GetValueOrDefault<T>("x", …)`) of a
/// variable that some `set-variable` of this document sets to a type the read cannot unbox
/// or cast. Only variables that nothing but `set-variable` sets are judged: other policies'
/// outputs have types this rule does not track.
pub(crate) fn variable_types(
    document: &Document,
    model: &PolicyDocument,
    fragments: Option<&FragmentSet>,
    facts: &[ExpressionFacts],
    out: &mut Vec<Diagnostic>,
) {
    // An `include-fragment` stores whatever its fragment sets; one that cannot be found
    // may store anything. Either way it overwrites earlier stores with values of unknown type.
    let fragment_stores: Vec<(Span, Option<BTreeSet<String>>)> = model
        .policies()
        .iter()
        .filter(|policy| policy.element == "include-fragment")
        .map(|policy| {
            let names = policy
                .literal("fragment-id")
                .and_then(|id| fragments?.get(id.trim()))
                .map(variables_set);
            (policy.span, names)
        })
        .collect();
    let result_types: HashMap<Span, &Type> = facts
        .iter()
        .map(|f| (f.span, &f.facts.result_type))
        .collect();
    let mut other_setters: BTreeSet<String> = BTreeSet::new();
    let flow = Flow::of(document);
    // name → (type set, where, whether the value is literal text)
    let mut sets: BTreeMap<String, Vec<(Type, Span, bool)>> = BTreeMap::new();
    for policy in model.policies() {
        if policy.element != "set-variable" {
            collect_sets(&policy.element, &policy.attributes, &mut other_setters);
            collect_config_sets(&policy.config, &mut other_setters);
            continue;
        }
        let (Some(name), Some(value)) = (policy.literal("name"), policy.attribute("value")) else {
            continue;
        };
        let literal = value.value.expressions.is_empty() && value.value.named_values.is_empty();
        let ty = match value.value.expressions.as_slice() {
            [] if value.value.named_values.is_empty() => Type::String,
            [expression]
                if value.value.text.trim() == document.text(*expression)
                    && value
                        .value
                        .named_values
                        .iter()
                        .all(|(_, at)| expression.contains(*at)) =>
            {
                match result_types.get(expression) {
                    Some(ty) => (*ty).clone(),
                    None => Type::Unknown,
                }
            }
            // Text beside an expression, or a named value: text (or unknown, once substituted).
            _ => Type::Unknown,
        };
        sets.entry(name.trim().to_owned())
            .or_default()
            .push((ty, value.value.span, literal));
    }
    for fact in facts {
        for read in &fact.facts.variable_reads {
            if other_setters.contains(&read.name) {
                continue;
            }
            let Some(set_sites) = sets.get(&read.name) else {
                continue;
            };
            let stores: Vec<Span> = set_sites
                .iter()
                .map(|(_, at, _)| *at)
                .chain(
                    fragment_stores
                        .iter()
                        .filter(|(_, names)| names.as_ref().is_none_or(|n| n.contains(&read.name)))
                        .map(|(at, _)| *at),
                )
                .collect();
            if let Some((held, at, literal)) = set_sites.iter().find(|(held, at, _)| {
                flow.reaches(*at, read.span, &stores) && cannot_hold(held, &read.ty)
            }) {
                let held_text = held.to_string();
                let stored = format!("{} `{held_text}`", article(&held_text));
                out.push(
                    Diagnostic::new(
                        Code::VariableTypeMismatch,
                        read.span,
                        format!(
                            "variable `{}` is read as `{}`, but `set-variable` stores {stored} in it: the read throws `InvalidCastException`",
                            read.name, read.ty
                        ),
                    )
                    .with_label(*at, format!("stores {stored}"))
                    .with_help(if *literal {
                        "a literal value is always a `string`: write the value as an expression of the type you read (`@(true)`, `@(5)`), or parse the text where you read it"
                    } else {
                        "read it as the type it holds, or store the type you read"
                    }),
                );
            }
        }
    }
}

/// Enough of the pipeline's control flow to tell which `set-variable` a read can see:
/// sections and policies run in document order, `retry` runs its body at least once and then
/// its `condition` (and may run the body again), `when`/`otherwise` may not run at all.
struct Flow {
    /// `when` and `otherwise` elements: a store inside one may not happen.
    branches: Vec<Span>,
    /// `retry` elements and their `condition` values.
    retries: Vec<(Span, Option<Span>)>,
}

impl Flow {
    fn of(document: &Document) -> Flow {
        let mut flow = Flow {
            branches: Vec::new(),
            retries: Vec::new(),
        };
        let mut stack: Vec<&gatehouse_reader::Node> = document.nodes().iter().collect();
        while let Some(node) = stack.pop() {
            if let gatehouse_reader::Node::Element(element) = node {
                match document.text(element.name) {
                    "when" | "otherwise" => flow.branches.push(element.span),
                    "retry" => flow.retries.push((
                        element.span,
                        element
                            .attribute(document, "condition")
                            .map(|condition| condition.value.span),
                    )),
                    _ => {}
                }
                stack.extend(element.children.iter());
            }
        }
        flow
    }

    /// Where a read happens in execution order: a retry's condition after its body.
    fn when_read(&self, read: Span) -> u32 {
        self.retries
            .iter()
            .filter(|(_, condition)| condition.is_some_and(|c| c.contains(read)))
            .map(|(retry, _)| retry.end)
            .max()
            .unwrap_or(read.start)
    }

    /// Whether `earlier` has certainly run when `later` runs: it ends before, and is not in a
    /// `when`/`otherwise` that `later` is outside of.
    fn certainly_before(&self, earlier: Span, later: Span) -> bool {
        earlier.end <= later.start
            && self
                .branch_of(earlier)
                .is_none_or(|branch| branch.contains(later))
    }

    /// The branch a store sits in (innermost), if any.
    fn branch_of(&self, at: Span) -> Option<Span> {
        self.branches
            .iter()
            .filter(|branch| branch.contains(at))
            .min_by_key(|branch| branch.end - branch.start)
            .copied()
    }

    /// Whether the value `store` puts in a variable can still be there when `read` runs:
    /// the store runs before the read (or, in a retry holding both, on an earlier round) and
    /// no other store of `stores` certainly runs in between.
    fn reaches(&self, store: Span, read: Span, stores: &[Span]) -> bool {
        if store.contains(read) {
            // The read is part of the very value being stored: it runs first.
            return false;
        }
        let read_at = self.when_read(read);
        let looped = self
            .retries
            .iter()
            .any(|(retry, _)| retry.contains(store) && retry.contains(read));
        if store.start >= read_at {
            return looped;
        }
        // A later store that always runs before the read overwrites this one.
        !stores.iter().any(|other| {
            other.start > store.start
                && other.start < read_at
                && !other.contains(read)
                && self
                    .branch_of(*other)
                    .is_none_or(|branch| branch.contains(read))
        })
    }
}

/// "a" or "an" before a type name, by its first letter.
fn article(name: &str) -> &'static str {
    if name.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// Whether a value of static type `held`, boxed in a variable, can never be read as `read`.
fn cannot_hold(held: &Type, read: &Type) -> bool {
    // `null` reads as any reference or nullable type (and as a value type it is a null
    // reference, not a cast, that fails: another rule's business).
    if held.is_unknown()
        || read.is_unknown()
        || matches!(held, Type::Object | Type::Null)
        || *read == Type::Object
    {
        return false;
    }
    let read_inner = read.underlying();
    let held_inner = held.underlying();
    let plain = |t: &Type| t.is_value_type() || *t == Type::String;
    if plain(held_inner) && plain(read_inner) {
        // Unboxing needs the exact type (`T?` reads a boxed `T`).
        return held_inner != read_inner;
    }
    if plain(held_inner) != plain(read_inner) {
        // A number or string is never a JObject, IResponse …; interfaces a string or number
        // implements (`IEnumerable<char>`, `IComparable`) are too rare to judge.
        return !matches!(read_inner, Type::Generic(..))
            && !matches!(held_inner, Type::Generic(..));
    }
    // Two reference types: the cast can succeed if C# allows it at all.
    gatehouse_expr::types::explicit(held_inner, read_inner).is_none()
}

/// The one `*-variable-name` attribute that names a variable to read, not one to set:
/// `return-response` returns the response stored there.
fn reads_variable(element: &str, attribute: &str) -> bool {
    element == "return-response" && attribute == "response-variable-name"
}

fn collect_config_sets(config: &[Config], set: &mut BTreeSet<String>) {
    for child in config {
        collect_sets(&child.name, &child.attributes, set);
        collect_config_sets(&child.config, set);
    }
}

/// The contents of simple `"…"` literals in C# code.
fn string_literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut parts = code.split('"');
    parts.next();
    while let Some(inside) = parts.next() {
        if !inside.is_empty() && inside.len() < 128 && !inside.contains('\\') {
            out.push(inside.to_owned());
        }
        parts.next();
    }
    out
}
