//! `include-fragment`: resolving fragments by name.

use std::collections::BTreeMap;

use gatehouse_diagnostics::{Code, Diagnostic};

use crate::catalog;
use crate::document::{Config, Item, Kind, Policy, PolicyDocument};

/// The fragments a document may include, by name.
#[derive(Clone, Debug, Default)]
pub struct FragmentSet {
    fragments: BTreeMap<String, PolicyDocument>,
}

impl FragmentSet {
    pub fn insert(&mut self, name: impl Into<String>, fragment: PolicyDocument) {
        self.fragments.insert(name.into(), fragment);
    }

    pub fn get(&self, name: &str) -> Option<&PolicyDocument> {
        self.fragments.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fragments.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.fragments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fragments.is_empty()
    }
}

/// Reports every `include-fragment` whose fragment is not in `set`, and every one inside a
/// fragment (APIM does not nest fragments, which also rules out cycles).
pub fn check_includes(document: &PolicyDocument, set: Option<&FragmentSet>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for policy in document.policies() {
        if policy.element != "include-fragment" {
            continue;
        }
        if document.kind == Kind::Fragment {
            out.push(
                Diagnostic::new(
                    Code::NestedFragment,
                    policy.name_span,
                    "a fragment cannot include another fragment",
                )
                .with_help("include both fragments from the policy that includes this one"),
            );
            continue;
        }
        let (Some(set), Some(attribute)) = (set, policy.attribute("fragment-id")) else {
            continue;
        };
        let Some(name) = attribute.literal() else {
            continue;
        };
        if set.get(name.trim()).is_none() {
            let mut diagnostic = Diagnostic::new(
                Code::FragmentNotFound,
                attribute.value.span,
                format!("fragment `{}` does not exist", name.trim()),
            );
            diagnostic = match catalog::similar(name.trim(), set.names()) {
                Some(guess) => diagnostic.with_help(format!("did you mean `{guess}`?")),
                None => diagnostic
                    .with_help("add the fragment to the fragment set, or correct `fragment-id`"),
            };
            out.push(diagnostic);
        }
    }
    out
}

/// The document with every resolvable `include-fragment` replaced by the fragment's
/// policies. Unresolvable ones stay (they are reported by [`check_includes`]).
pub fn expand(document: &PolicyDocument, set: &FragmentSet) -> PolicyDocument {
    let mut expanded = document.clone();
    for block in &mut expanded.blocks {
        block.items = expand_items(&block.items, set);
    }
    expanded
}

fn expand_items(items: &[Item], set: &FragmentSet) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Policy(policy) if policy.element == "include-fragment" => {
                let fragment = policy
                    .literal("fragment-id")
                    .and_then(|name| set.get(name.trim()))
                    .filter(|f| f.kind == Kind::Fragment);
                match fragment {
                    // Fragments do not nest, so one level of expansion is all there is.
                    Some(fragment) => {
                        out.extend(fragment.blocks.iter().flat_map(|b| b.items.iter().cloned()))
                    }
                    None => out.push(item.clone()),
                }
            }
            Item::Policy(policy) => out.push(Item::Policy(expand_policy(policy, set))),
            Item::Base(_) => out.push(item.clone()),
        }
    }
    out
}

fn expand_policy(policy: &Policy, set: &FragmentSet) -> Policy {
    let mut policy = policy.clone();
    policy.body = expand_items(&policy.body, set);
    policy.config = policy
        .config
        .iter()
        .map(|c| expand_config(c, set))
        .collect();
    policy
}

fn expand_config(config: &Config, set: &FragmentSet) -> Config {
    let mut config = config.clone();
    config.body = expand_items(&config.body, set);
    config.config = config
        .config
        .iter()
        .map(|c| expand_config(c, set))
        .collect();
    config
}
