//! What runs at a `<base />` or an `include-fragment` of a document but is written in another
//! file. The flow rules judge reads against it: an operation that reads `Authorization` after
//! `<base />` sees the token its API's `authentication-managed-identity` put there.

use gatehouse_diagnostics::Span;
use gatehouse_model::{
    Content, FragmentSet, Item, Kind, Layer, Policy, PolicyDocument, Scope, Section, compose,
};

use crate::rules::{
    Chain, authorization_header_name, authorization_reads, replaces_authorization, stored_variable,
};
use crate::variables::{Message, body_reads};

/// A position in a document where another file's policies run, and what they certainly do.
#[derive(Debug)]
pub(crate) struct Borrowed {
    /// The `<base />` or `include-fragment` element.
    pub at: Span,
    /// `<base />` or `include-fragment`, for messages.
    pub element: &'static str,
    /// The policy that replaces the caller's `Authorization` header, if one certainly runs.
    pub replaces_authorization: Option<Effect>,
    /// Bodies read without `preserveContent: true` and not given a new one afterwards.
    pub consumed: Vec<(Message, Effect)>,
    /// The first policy that reads the request's `Authorization` header, if any may.
    pub reads_authorization: Option<Effect>,
    /// The first policy that reads each body (with or without `preserveContent`), if any may.
    pub reads_body: Vec<(Message, Effect)>,
}

/// A policy of another file, and where it comes from.
#[derive(Clone, Debug)]
pub(crate) struct Effect {
    pub policy: String,
    /// `the api scope`, `product `gold``, `fragment `auth``.
    pub origin: String,
}

/// The positions of `model` where policies of its broader scopes (along any of `chains`) or
/// of included fragments run with an effect the flow rules follow.
pub(crate) fn borrowed(
    model: &PolicyDocument,
    chains: &[Chain],
    fragments: Option<&FragmentSet>,
) -> Vec<Borrowed> {
    let composed: Vec<_> = chains
        .iter()
        .map(|chain| {
            let layers: Vec<Layer> = chain
                .layers
                .iter()
                .map(|broader| Layer {
                    scope: broader.scope,
                    document: &broader.document,
                })
                .collect();
            (chain, compose(&layers))
        })
        .collect();
    let mut out = Vec::new();
    for block in &model.blocks {
        let Some(section) = block.section else {
            continue;
        };
        // A second `<base />` (GH0226) runs nothing.
        let mut inherited = false;
        for item in &block.items {
            match item {
                Item::Base(_) if inherited => {}
                Item::Base(at) => {
                    inherited = true;
                    for (chain, effective) in &composed {
                        let policies = effective
                            .section(section)
                            .iter()
                            .map(|placed| (placed.policy, origin_of_scope(chain, placed.scope)));
                        out.extend(
                            certain_effects(policies, section).into_borrowed(*at, "<base />"),
                        );
                    }
                }
                Item::Policy(policy) if policy.element == "include-fragment" => {
                    let Some(name) = policy.literal("fragment-id").map(str::trim) else {
                        continue;
                    };
                    let Some(fragment) = fragments
                        .and_then(|set| set.get(name))
                        .filter(|f| f.kind == Kind::Fragment)
                    else {
                        continue;
                    };
                    let origin = format!("fragment `{name}`");
                    let policies = fragment.blocks.iter().flat_map(|b| &b.items).filter_map(
                        |item| match item {
                            Item::Policy(policy) => Some((policy, origin.clone())),
                            Item::Base(_) => None,
                        },
                    );
                    out.extend(
                        certain_effects(policies, section)
                            .into_borrowed(policy.span, "include-fragment"),
                    );
                }
                Item::Policy(_) => {}
            }
        }
    }
    out
}

fn origin_of_scope(chain: &Chain, scope: Scope) -> String {
    match (&chain.product, scope) {
        (Some(product), Scope::Product) => format!("product `{product}`"),
        _ => format!("the {} scope", scope.name()),
    }
}

#[derive(Debug, Default)]
struct Effects {
    replaces_authorization: Option<Effect>,
    consumed: Vec<(Message, Effect)>,
    reads_authorization: Option<Effect>,
    reads_body: Vec<(Message, Effect)>,
}

impl Effects {
    fn into_borrowed(self, at: Span, element: &'static str) -> Option<Borrowed> {
        let any = self.replaces_authorization.is_some()
            || !self.consumed.is_empty()
            || self.reads_authorization.is_some()
            || !self.reads_body.is_empty();
        any.then_some(Borrowed {
            at,
            element,
            replaces_authorization: self.replaces_authorization,
            consumed: self.consumed,
            reads_authorization: self.reads_authorization,
            reads_body: self.reads_body,
        })
    }

    /// Records what `policies` (a policy and the policies in it, which may run) read.
    fn note_reads(&mut self, policies: &[&Policy], origin: &str) {
        for &inner in policies {
            let effect = || Effect {
                policy: inner.element.clone(),
                origin: origin.to_owned(),
            };
            let names_authorization = authorization_header_name(inner).is_some();
            for code in certain_contents(inner)
                .into_iter()
                .chain(branch_conditions(inner))
                .filter_map(whole_expression_code)
            {
                if !authorization_reads(code).is_empty() && self.reads_authorization.is_none() {
                    self.reads_authorization = Some(effect());
                }
                for read in body_reads(code) {
                    if !self.reads_body.iter().any(|(m, _)| *m == read.message) {
                        self.reads_body.push((read.message, effect()));
                    }
                }
            }
            if names_authorization && self.reads_authorization.is_none() {
                self.reads_authorization = Some(effect());
            }
        }
    }
}

/// What a section's top-level policies, run in order, certainly leave behind. Policies in a
/// `when` may not run, so only what they undo counts: a `set-body` anywhere may give the
/// message a new body.
fn certain_effects<'p>(
    policies: impl Iterator<Item = (&'p Policy, String)>,
    section: Section,
) -> Effects {
    let own = match section {
        Section::Inbound | Section::Backend => Message::Request,
        Section::Outbound | Section::OnError => Message::Response,
    };
    let mut effects = Effects::default();
    for (policy, origin) in policies {
        let effect = || Effect {
            policy: policy.element.clone(),
            origin: origin.clone(),
        };
        // What it reads comes before what it does.
        let all: Vec<&Policy> = std::iter::once(policy).chain(policy.nested()).collect();
        effects.note_reads(&all, &origin);
        match policy.element.as_str() {
            // Nothing after it runs, this document's reads included.
            "return-response" | "mock-response" => {
                effects.replaces_authorization = None;
                effects.consumed.clear();
                return effects;
            }
            _ if replaces_authorization(policy) => {
                effects.replaces_authorization = Some(effect());
            }
            _ => {}
        }
        let new_own_body = all.iter().any(|p| p.element == "set-body");
        for content in certain_contents(policy) {
            for read in whole_expression_code(content)
                .map(body_reads)
                .unwrap_or_default()
            {
                // A `set-body` that reads its message's body replaces it right after.
                if read.consumes
                    && !(new_own_body && read.message == own)
                    && !effects.consumed.iter().any(|(m, _)| *m == read.message)
                {
                    effects.consumed.push((read.message, effect()));
                }
            }
        }
        // A `set-body` anywhere may give the message a new body, and a response stored again
        // (or any value stored in its variable) has a body of its own.
        effects.consumed.retain(|(message, _)| match message {
            Message::Stored(variable) => !all
                .iter()
                .any(|p| stored_variable(p).is_some_and(|stored| stored == variable)),
            _ => !(new_own_body && *message == own),
        });
    }
    effects
}

/// The values a policy certainly evaluates: its own attributes and text, and those of its
/// configuration elements except `when`/`otherwise` branches.
fn certain_contents(policy: &Policy) -> Vec<&Content> {
    fn from_config<'p>(config: &'p [gatehouse_model::Config], out: &mut Vec<&'p Content>) {
        for child in config {
            if matches!(child.name.as_str(), "when" | "otherwise") {
                continue;
            }
            out.extend(child.attributes.iter().map(|a| &a.value));
            out.extend(child.text.as_ref());
            from_config(&child.config, out);
        }
    }
    let mut out: Vec<&Content> = policy.attributes.iter().map(|a| &a.value).collect();
    out.extend(policy.text.as_ref());
    from_config(&policy.config, &mut out);
    out
}

/// The `condition` of each `when` of a `choose`: the first is always evaluated, the rest
/// may be.
fn branch_conditions(policy: &Policy) -> Vec<&Content> {
    policy
        .config
        .iter()
        .filter(|child| child.name == "when")
        .filter_map(|child| child.attribute("condition"))
        .map(|condition| &condition.value)
        .collect()
}

/// The code of a value that is one expression and nothing else; other text is not scanned,
/// since literal text that looks like a read is not one.
fn whole_expression_code(content: &Content) -> Option<&str> {
    let text = content.text.trim();
    (content.expressions.len() == 1 && (text.starts_with("@(") || text.starts_with("@{")))
        .then_some(text)
}
